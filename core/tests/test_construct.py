"""llmcore's ``model_construct`` (:mod:`llmcore.construct`) gives what pydantic's own gives, for every model."""

from __future__ import annotations

from typing import Any

import pytest
from llmcore import types as t
from llmcore.construct import FastConstruct
from pydantic import BaseModel

MODELS = sorted(
    (c for c in vars(t).values() if isinstance(c, type) and issubclass(c, FastConstruct) and c.model_fields),
    key=lambda c: c.__name__,
)


def _pydantic(cls: type[BaseModel], fields_set: set[str] | None, **values: Any) -> BaseModel:
    return BaseModel.model_construct.__func__(cls, fields_set, **values)  # type: ignore[attr-defined,no-any-return]


def _same(a: BaseModel, b: BaseModel) -> None:
    assert type(a) is type(b)
    assert list(a.__dict__.items()) == list(b.__dict__.items())  # values and field order
    assert a.model_fields_set == b.model_fields_set
    assert a.__pydantic_extra__ == b.__pydantic_extra__
    assert a.__pydantic_private__ == b.__pydantic_private__
    assert repr(a) == repr(b)
    assert a == b


def _sample(name: str, annotation: Any) -> Any:  # any value: construct does not validate
    return {"usage": t.Usage(input_tokens=1), "message": t.Message(role="user", content="x")}.get(name, f"v-{name}")


def test_every_model_of_types_uses_it() -> None:
    names = {c.__name__ for c in MODELS}
    assert {"TextPart", "Message", "ChatResponse", "Usage", "CallWarning", "ChatRequest", "ToolCallPart"} <= names


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_same_as_pydantic(cls: type[FastConstruct]) -> None:
    fields = list(cls.model_fields)
    cases: list[dict[str, Any]] = [
        {},
        {f: _sample(f, None) for f in fields},  # every field given
        {f: _sample(f, None) for f in fields[::2]},  # every other field
        {f: _sample(f, None) for f in reversed(fields[1::2])},  # the others, in reverse order
        {fields[0]: _sample(fields[0], None), "not_a_field": 1},  # a key that is not a field: dropped
    ]
    for values in cases:
        _same(cls.model_construct(**values), _pydantic(cls, None, **values))
        _same(cls.model_construct({"x"}, **values), _pydantic(cls, {"x"}, **values))


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_mutable_defaults_are_not_shared(cls: type[FastConstruct]) -> None:
    a, b = cls.model_construct(), cls.model_construct()
    for name, f in cls.model_fields.items():
        if name in a.__dict__ and isinstance(a.__dict__[name], (list, dict, set)):
            assert a.__dict__[name] is not b.__dict__[name], name
            assert a.__dict__[name] is not f.default, name


def test_default_factory_is_called() -> None:
    a, b = t.ChatResponse.model_construct(), t.ChatResponse.model_construct()
    assert a.usage == t.Usage() and a.usage is not b.usage


def test_aliased_model_falls_back_to_pydantic() -> None:
    # ResponseFormat's json_schema has the alias "schema": pydantic's own construct handles it
    rf = t.ResponseFormat.model_construct(schema={"type": "object"})
    assert rf.json_schema == {"type": "object"}
    _same(rf, _pydantic(t.ResponseFormat, None, schema={"type": "object"}))


def test_subclass_gets_its_own_fields() -> None:
    class Mine(t.ChatResponse):
        extra_field: list[int] = []

    m = Mine.model_construct(id="x")
    _same(m, _pydantic(Mine, None, id="x"))
    assert m.extra_field == []
