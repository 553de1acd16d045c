"""JSON Schema transforms for structured output.

Generic transforms live here; a provider that needs its own refinement
exposes ``transform_schema(schema, mode) -> schema`` (see
:mod:`llmcore.structured`), usually built from these pieces:

* :func:`schema_of` — a pydantic model, any type pydantic can validate
  (``list[City]``, a ``TypedDict``, a dataclass) or a plain JSON schema →
  the schema to send, a name, and how to validate the answer. A top level
  that is not an object (``list[City]``) is wrapped as ``{"value": ...}``
  (tool arguments and most providers' JSON modes must be objects) and
  unwrapped after parsing.
* :func:`inline_refs` — ``$ref`` into ``$defs``/``definitions`` replaced
  by the definition; recursive definitions stay as references (applied to
  every provider: the schema means the same and more servers accept it).
* :func:`strict_schema` — OpenAI's strict mode (``strict: true``): every
  object closed (``additionalProperties: false``), every property required
  (an optional one without a default becomes nullable; one with a default
  stays as it is, so the model must give a value), ``oneOf`` as ``anyOf``,
  a ``$ref`` with sibling keywords inlined, single ``allOf`` merged.
* :func:`drop_introduced_nulls` — undoes, on the parsed value, the
  ``null`` that :func:`strict_schema` allowed for optional properties, so
  the value validates against the original schema.

All functions return new dicts; the input is never modified.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "SchemaTarget",
    "schema_of",
    "inline_refs",
    "strict_schema",
    "drop_introduced_nulls",
    "allows_null",
    "safe_name",
    "WRAP_KEY",
]

#: the property a non-object top level is wrapped in
WRAP_KEY = "value"

_SUBSCHEMA_MAPS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
_SUBSCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")


class SchemaTarget:
    """What the caller asked for, as a schema plus a validator.

    ``schema`` is what is sent (after :func:`inline_refs`, before any
    provider transform); ``original`` is the schema the answer is validated
    against; ``validate`` turns the parsed JSON into the result
    (``cls.model_validate`` for a pydantic model); ``wrapped`` is true when
    a non-object top level was wrapped as ``{"value": ...}``.
    """

    __slots__ = ("name", "original", "schema", "target", "validate", "wrapped")

    def __init__(
        self,
        target: Any,
        schema: dict[str, Any],
        name: str,
        validate: Callable[[Any], Any],
        wrapped: bool = False,
    ) -> None:
        self.target = target
        self.original = schema
        self.name = name
        self.validate = validate
        self.wrapped = wrapped
        self.schema = inline_refs(_wrap(schema) if wrapped else schema)

    def __repr__(self) -> str:
        return f"SchemaTarget({self.name}, wrapped={self.wrapped})"


def safe_name(name: str) -> str:
    """A name every provider accepts for a schema or tool: ``[A-Za-z0-9_-]{1,64}``."""
    out = re.sub(r"[^A-Za-z0-9_-]+", "_", name)
    return out[:64] if out.strip("_-") else "response"


def _is_object_schema(schema: Mapping[str, Any]) -> bool:
    t = schema.get("type")
    if t == "object":
        return True
    if t is None and "properties" in schema:
        return True
    ref = schema.get("$ref")
    if isinstance(ref, str) and len(schema) <= 3:  # pydantic: {"$ref": ..., "$defs": ...}
        target = _resolve(ref, schema)
        return target is not None and _is_object_schema(target)
    return False


def _wrap(schema: dict[str, Any]) -> dict[str, Any]:
    inner = {k: v for k, v in schema.items() if k not in ("$defs", "definitions", "$schema")}
    out: dict[str, Any] = {
        "type": "object",
        "properties": {WRAP_KEY: inner},
        "required": [WRAP_KEY],
        "additionalProperties": False,
    }
    for k in ("$defs", "definitions"):
        if k in schema:
            out[k] = schema[k]
    return out


def _json_schema_validator(schema: dict[str, Any]) -> Callable[[Any], Any]:
    """Validate with ``jsonschema`` when it is installed (``llmcore-core[jsonschema]``);
    without it a plain JSON schema target checks only that the answer is JSON."""
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - depends on the environment
        return lambda value: value
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    validator = cls(schema)

    def validate(value: Any) -> Any:
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
        if errors:
            from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

            details = [
                InitErrorDetails(
                    type=PydanticCustomError("json_schema", "{msg}", {"msg": e.message}),
                    loc=tuple(e.absolute_path),
                    input=e.instance,
                )
                for e in errors[:10]
            ]
            raise ValidationError.from_exception_data("json schema", details)
        return value

    return validate


def _is_response_format_dict(value: Mapping[str, Any]) -> bool:
    return value.get("type") in ("json_schema", "json_object", "text") and (
        "schema" in value or "json_schema" in value or value.get("type") != "json_schema"
    )


def schema_of(target: Any) -> SchemaTarget | None:
    """The :class:`SchemaTarget` for ``target``, or ``None`` for "any JSON"
    (``{"type": "json_object"}``) or plain text.

    Accepts a pydantic model class, a JSON schema dict, a response-format
    dict (``{"type": "json_schema", "schema": ..., "name": ...}`` or the
    OpenAI shape ``{"type": "json_schema", "json_schema": {"name", "schema"}}``),
    a :class:`~llmcore.types.ResponseFormat`, or any type pydantic can build
    a ``TypeAdapter`` for.
    """
    from pydantic import BaseModel, TypeAdapter

    from ..types import ResponseFormat

    if isinstance(target, ResponseFormat):
        if target.type != "json_schema" or target.json_schema is None:
            return None
        schema = dict(target.json_schema)
        return SchemaTarget(
            schema, schema, target.name, _json_schema_validator(schema), wrapped=not _is_object_schema(schema)
        )
    if isinstance(target, type) and issubclass(target, BaseModel):
        schema = target.model_json_schema()
        return SchemaTarget(
            target, schema, target.__name__, target.model_validate, wrapped=not _is_object_schema(schema)
        )
    if isinstance(target, Mapping):
        if _is_response_format_dict(target):
            if target.get("type") != "json_schema":
                return None
            inner = target.get("json_schema")
            if isinstance(inner, Mapping) and "schema" in inner:  # OpenAI's shape
                schema, name = dict(inner["schema"]), str(inner.get("name") or "response")
            else:
                schema = dict(target.get("schema") or inner or {})
                name = str(target.get("name") or "response")
        else:
            schema, name = dict(target), str(target.get("title") or "response")
        return SchemaTarget(schema, schema, name, _json_schema_validator(schema), wrapped=not _is_object_schema(schema))
    adapter = TypeAdapter(target)
    schema = adapter.json_schema()
    name = getattr(target, "__name__", None) or str(schema.get("title") or "response")
    return SchemaTarget(target, schema, name, adapter.validate_python, wrapped=not _is_object_schema(schema))


# -- $ref handling -----------------------------------------------------------------


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        return None
    node: Any = root
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or token not in node:
            return None
        node = node[token]
    return node if isinstance(node, Mapping) else None


def _refs_in(node: Any, out: set[str]) -> None:
    if isinstance(node, Mapping):
        ref = node.get("$ref")
        if isinstance(ref, str):
            out.add(ref)
        for v in node.values():
            _refs_in(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs_in(v, out)


def _recursive_refs(root: Mapping[str, Any]) -> set[str]:
    """Refs that can reach themselves (must stay references)."""
    graph: dict[str, set[str]] = {}
    todo: set[str] = set()
    _refs_in(root, todo)
    while todo:
        ref = todo.pop()
        if ref in graph:
            continue
        target = _resolve(ref, root)
        found: set[str] = set()
        if target is not None and ref != "#":
            _refs_in(target, found)
        graph[ref] = found
        todo |= found - set(graph)
    recursive: set[str] = set()
    for start in graph:
        seen: set[str] = set()
        stack = list(graph[start])
        while stack:
            r = stack.pop()
            if r == start:
                recursive.add(start)
                break
            if r in seen:
                continue
            seen.add(r)
            stack.extend(graph.get(r, ()))
    if "#" in graph:
        recursive.add("#")
    return recursive


def inline_refs(schema: Mapping[str, Any]) -> dict[str, Any]:
    """``schema`` with local ``$ref``s replaced by their definitions.

    Sibling keywords of a ``$ref`` (e.g. a field ``description``) win over the
    definition's. Definitions that are recursive stay in ``$defs`` and are
    still referenced; the others are dropped from ``$defs`` once inlined.
    Non-local refs are left as they are.
    """
    root = schema
    keep = _recursive_refs(root)

    def walk(node: Any, depth: int) -> Any:
        if depth > 64:  # a pathological schema; leave the rest as it is
            return copy.deepcopy(node)
        if isinstance(node, list):
            return [walk(v, depth + 1) for v in node]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        # the root itself is always inlined: providers want an object at the top
        if isinstance(ref, str) and (ref not in keep or (depth == 0 and ref != "#")):
            target = _resolve(ref, root)
            if target is not None:
                merged = {k: v for k, v in target.items() if k not in ("$defs", "definitions")}
                merged.update({k: v for k, v in node.items() if k != "$ref"})
                return walk(merged, depth + 1)
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k in ("$defs", "definitions") and node is root:
                continue
            out[k] = walk(v, depth + 1)
        return out

    out = walk(root, 0)
    for defs_key in ("$defs", "definitions"):
        defs = root.get(defs_key)
        if isinstance(defs, Mapping):
            prefix = f"#/{defs_key}/"
            kept = {name: walk(sub, 1) for name, sub in defs.items() if prefix + name in keep}
            if kept:
                out[defs_key] = kept
    return out  # type: ignore[no-any-return]


# -- strict mode -------------------------------------------------------------------------


def allows_null(schema: Any) -> bool:
    """Whether ``schema`` (after ref inlining) admits ``null`` at its top."""
    if not isinstance(schema, Mapping):
        return True  # ``true`` / missing: anything
    if not schema:
        return True
    t = schema.get("type")
    if t == "null" or (isinstance(t, list) and "null" in t):
        return True
    if "enum" in schema and None in (schema.get("enum") or ()):
        return True
    if "const" in schema and schema["const"] is None:
        return True
    for key in ("anyOf", "oneOf"):
        branches = schema.get(key)
        if isinstance(branches, list) and any(allows_null(b) for b in branches):
            return True
    return False


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    t = schema.get("type")
    if isinstance(t, str) and not ({"enum", "const", "anyOf", "oneOf", "allOf", "$ref"} & set(schema)):
        return {**schema, "type": [t, "null"]}
    keep: dict[str, Any] = {k: schema[k] for k in ("description", "title") if k in schema}
    inner = {k: v for k, v in schema.items() if k not in keep}
    return {**keep, "anyOf": [inner, {"type": "null"}]}


def strict_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """OpenAI strict-mode form of ``schema`` (see the module docstring)."""
    root = schema

    def walk(node: Any) -> Any:
        if isinstance(node, list):
            return [walk(v) for v in node]
        if not isinstance(node, Mapping):
            return node
        node = dict(node)
        ref = node.get("$ref")
        if isinstance(ref, str) and len(node) > 1:
            target = _resolve(ref, root)
            if target is not None:
                merged = {k: v for k, v in target.items() if k not in ("$defs", "definitions")}
                merged.update({k: v for k, v in node.items() if k != "$ref"})
                node = merged
        all_of = node.get("allOf")
        if isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], Mapping):
            node.pop("allOf")
            node = {**all_of[0], **node}
        if "oneOf" in node and "anyOf" not in node:
            node["anyOf"] = node.pop("oneOf")
        node.pop("discriminator", None)
        if node.get("default", 0) is None:
            node.pop("default")
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k in _SUBSCHEMA_MAPS and isinstance(v, Mapping):
                out[k] = {name: walk(s) for name, s in v.items()}
            elif k in _SUBSCHEMA_ONE and isinstance(v, Mapping):
                out[k] = walk(v)
            elif k in _SUBSCHEMA_LISTS and isinstance(v, list):
                out[k] = [walk(s) for s in v]
            else:
                out[k] = v
        props = out.get("properties")
        is_object = out.get("type") == "object" or (isinstance(out.get("type"), list) and "object" in out["type"])
        if is_object or isinstance(props, Mapping):
            if out.get("additionalProperties", True) is True:
                out["additionalProperties"] = False
            if isinstance(props, Mapping):
                required = set(out.get("required") or ())
                new_props = {}
                for name, sub in props.items():
                    if (
                        name not in required
                        and isinstance(sub, Mapping)
                        and "default" not in sub
                        and not allows_null(_deref(sub, root))
                    ):
                        sub = _nullable(dict(sub))
                    new_props[name] = sub
                out["properties"] = new_props
                out["required"] = list(props)
        return out

    return walk(schema)  # type: ignore[no-any-return]


def _deref(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = _resolve(ref, root)
        if target is not None:
            return target
    return schema


def drop_introduced_nulls(value: Any, schema: Mapping[str, Any], root: Mapping[str, Any] | None = None) -> Any:
    """Remove ``null`` values of optional properties whose (original) schema
    does not allow ``null`` — the ones :func:`strict_schema` made nullable."""
    root = schema if root is None else root
    schema = _deref(schema, root)
    if isinstance(value, dict):
        props = schema.get("properties")
        if isinstance(props, Mapping):
            required = set(schema.get("required") or ())
            for k in list(value):
                sub = props.get(k)
                if not isinstance(sub, Mapping):
                    continue
                if value[k] is None and k not in required and not allows_null(_deref(sub, root)):
                    del value[k]
                else:
                    value[k] = drop_introduced_nulls(value[k], sub, root)
        return value
    if isinstance(value, list):
        items = schema.get("items")
        if isinstance(items, Mapping):
            return [drop_introduced_nulls(v, items, root) for v in value]
    return value
