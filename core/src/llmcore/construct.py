"""A faster ``model_construct`` for llmcore's data model (:mod:`llmcore.types`).

Codecs build every answer with ``model_construct`` (no validation: the
values come from the codec, not from the user): a ``ChatResponse``, its
``Message``, its parts, its ``Usage`` — four or more per call. pydantic's own
``model_construct`` is written in Python and walks every field on every call
(aliases, validation aliases, ``is_required()``, ``get_default()`` and its
``smart_deepcopy``), ~2-4 µs a model. :class:`FastConstruct` gives the same
result from a per-class plan made once: a template dict of the defaults in
field order, updated with the given values in one C call; only mutable
defaults are copied per call.

Same result as pydantic's, field by field: ``__dict__`` holds the given
values and the defaults of the others, in field order (required fields not
given are left out, as pydantic leaves them); ``model_fields_set`` is the
given field names (or ``_fields_set``); keys that are not fields are
dropped; a mutable default (``[]``, ``{}``) is a fresh copy, any other
non-scalar default a deep copy, a ``default_factory`` is called. A class
this plan does not cover (aliases, validation aliases, ``extra="allow"``,
``model_post_init``, private attributes, a factory that takes the validated
data) uses pydantic's own ``model_construct``. ``tests/test_construct.py``
checks the two agree for every model of :mod:`llmcore.types`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from typing_extensions import Self

__all__ = ["FastConstruct"]

_setattr = object.__setattr__
#: defaults kept as they are (pydantic returns these types uncopied too)
_SCALARS = (type(None), str, int, float, bool, bytes)
_EMPTY_COPIED = (list, dict, set)
_MISSING = object()


class _Plan:
    """How to construct one class: ``template`` (every field, in order: its
    default, or a placeholder), ``fresh`` (fields whose default is made per
    call), ``required`` (fields without a default)."""

    __slots__ = ("fresh", "n", "required", "template")

    def __init__(
        self, template: dict[str, Any], fresh: tuple[tuple[str, Callable[[], Any]], ...], required: tuple[str, ...]
    ) -> None:
        self.template = template
        self.fresh = fresh
        self.required = required
        self.n = len(template)


def _deep(value: Any) -> Callable[[], Any]:
    return lambda: copy.deepcopy(value)


def _make_plan(cls: type[BaseModel]) -> _Plan | None:
    """The plan of ``cls``, or ``None`` when pydantic's own construct is needed."""
    if (
        cls.model_config.get("extra") == "allow"
        or cls.__pydantic_post_init__
        or cls.__pydantic_root_model__
        or cls.__private_attributes__
    ):
        return None
    template: dict[str, Any] = {}
    fresh: list[tuple[str, Callable[[], Any]]] = []
    required: list[str] = []
    for name, f in cls.__pydantic_fields__.items():
        if f.alias is not None or f.validation_alias is not None:
            return None
        template[name] = _MISSING
        if f.default_factory is not None:
            if getattr(f, "default_factory_takes_data", False):
                return None
            fresh.append((name, f.default_factory))  # type: ignore[arg-type]
        elif f.is_required():
            required.append(name)
        else:
            d = f.default
            if type(d) in _SCALARS or (type(d) in (tuple, frozenset) and not d):
                template[name] = d
            elif type(d) in _EMPTY_COPIED and not d:
                fresh.append((name, type(d)))
            else:
                fresh.append((name, _deep(d)))
    return _Plan(template, tuple(fresh), tuple(required))


_plans: dict[type, _Plan | None] = {}


class FastConstruct(BaseModel):
    """Base of llmcore's models: ``model_construct`` from a per-class plan (see the module docstring)."""

    @classmethod
    def model_construct(cls, _fields_set: set[str] | None = None, **values: Any) -> Self:
        try:
            plan = _plans[cls]
        except KeyError:
            plan = _plans[cls] = _make_plan(cls)
        if plan is None:
            return super().model_construct(_fields_set, **values)
        d = plan.template.copy()
        d.update(values)
        if len(d) != plan.n:  # keys that are not fields: dropped, as pydantic drops them
            d = {k: d[k] for k in plan.template}
            values = {k: v for k, v in values.items() if k in plan.template}
        for name, make in plan.fresh:
            if name not in values:
                d[name] = make()
        for name in plan.required:
            if name not in values:
                del d[name]
        m = cls.__new__(cls)
        _setattr(m, "__dict__", d)
        _setattr(m, "__pydantic_fields_set__", set(values) if _fields_set is None else _fields_set)
        _setattr(m, "__pydantic_extra__", None)
        _setattr(m, "__pydantic_private__", None)
        return m
