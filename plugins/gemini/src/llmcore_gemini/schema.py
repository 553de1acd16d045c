"""JSON Schema → the OpenAPI-3.0 subset Gemini calls ``Schema``.

Gemini takes JSON Schema as-is in ``responseJsonSchema`` and
``parametersJsonSchema`` (the default, ``schema_mode="json_schema"``). The
older fields ``responseSchema`` and ``parameters`` (``schema_mode="openapi"``,
still what some models and gateways accept) take Google's ``Schema`` object
instead; :func:`to_gemini_schema` converts:

* ``$ref`` into ``$defs``/``definitions`` is inlined (a recursive schema is
  an :class:`InvalidRequestError`: it needs ``json_schema`` mode);
* ``type: [X, "null"]`` and ``anyOf``/``oneOf`` with a ``null`` branch become
  ``nullable: true``; other type lists become ``anyOf``;
* ``const`` becomes a one-value ``enum``; enums are strings (a non-string enum
  becomes a ``STRING`` enum of the values' JSON text);
* ``allOf`` is merged; ``type`` names are upper-cased (``OBJECT``);
* int64 limits (``minItems``, ``maxLength``, …) are sent as strings, as the
  proto JSON mapping writes them;
* keywords ``Schema`` does not have (``additionalProperties``, ``$schema``,
  ``examples``, ``patternProperties``, …) are dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore.errors import InvalidRequestError

__all__ = ["to_gemini_schema"]

_KEEP = frozenset(
    {
        "format",
        "title",
        "description",
        "default",
        "example",
        "pattern",
        "minimum",
        "maximum",
        "propertyOrdering",
    }
)
_INT64 = frozenset({"minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"})


def _resolve(ref: str, root: Mapping[str, Any]) -> Mapping[str, Any]:
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        raise InvalidRequestError(f"schema $ref {ref!r} is not local; only '#/...' references can be inlined")
    node: Any = root
    for token in ref[2:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or token not in node:
            raise InvalidRequestError(f"schema $ref {ref!r} does not resolve")
        node = node[token]
    if not isinstance(node, Mapping):
        raise InvalidRequestError(f"schema $ref {ref!r} does not point to a schema")
    return node


def _enum_values(values: list[Any]) -> list[str]:
    return [v if isinstance(v, str) else json.dumps(v) for v in values]


def _convert(node: Any, root: Mapping[str, Any], stack: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(node, Mapping):
        return {}
    if "$ref" in node:
        ref = str(node["$ref"])
        if ref in stack:
            raise InvalidRequestError(
                f"schema is recursive through {ref!r}; Gemini's Schema cannot express that "
                "(use schema_mode='json_schema')"
            )
        target = dict(_resolve(ref, root))
        target.update({k: v for k, v in node.items() if k != "$ref"})
        return _convert(target, root, (*stack, ref))
    node = dict(node)
    for sub in node.pop("allOf", None) or ():
        if isinstance(sub, Mapping):
            merged = _convert(sub, root, stack)
            for k, v in merged.items():
                if k == "properties":
                    node.setdefault("properties", {}).update(v)
                elif k == "required":
                    node["required"] = list(dict.fromkeys([*node.get("required", []), *v]))
                else:
                    node.setdefault(k, v)
    out: dict[str, Any] = {}
    nullable = bool(node.get("nullable"))

    branches = node.get("anyOf") or node.get("oneOf")
    if isinstance(branches, list):
        real = [b for b in branches if not (isinstance(b, Mapping) and b.get("type") == "null")]
        nullable = nullable or len(real) < len(branches)
        if len(real) == 1:
            inner = _convert(real[0], root, stack)
            for k, v in node.items():
                if k in ("description", "title") and k not in inner:
                    inner[k] = v
            if nullable:
                inner["nullable"] = True
            return inner
        out["anyOf"] = [_convert(b, root, stack) for b in real]

    t = node.get("type")
    if isinstance(t, list):
        types = [x for x in t if x != "null"]
        nullable = nullable or len(types) < len(t)
        if len(types) == 1:
            t = types[0]
        elif types:
            out["anyOf"] = [_convert({**node, "type": x, "nullable": False}, root, stack) for x in types]
            t = None
        else:
            t = "null"
    if "const" in node and "enum" not in node:
        node["enum"] = [node["const"]]
    if isinstance(node.get("enum"), list):
        values = node["enum"]
        if any(v is None for v in values):
            nullable = True
            values = [v for v in values if v is not None]
        if not all(isinstance(v, str) for v in values) or not isinstance(t, str):
            t = "string"  # Gemini enums are strings, and Schema.type is required
        out["enum"] = _enum_values(values)
    if isinstance(t, str):
        out["type"] = t.upper()
    for k in _KEEP:
        if k in node:
            out[k] = node[k]
    for k in _INT64:
        if isinstance(node.get(k), int):
            out[k] = str(node[k])
    if isinstance(node.get("properties"), Mapping):
        out["properties"] = {name: _convert(sub, root, stack) for name, sub in node["properties"].items()}
        if "type" not in out and "anyOf" not in out:
            out["type"] = "OBJECT"
    if isinstance(node.get("required"), list):
        out["required"] = [str(r) for r in node["required"]]
    if "items" in node:
        items = node["items"]
        out["items"] = _convert(items[0] if isinstance(items, list) and items else items, root, stack)
    if nullable:
        out["nullable"] = True
    return out


def to_gemini_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Convert a JSON Schema (draft 2020-12 / pydantic output) to Gemini's ``Schema``."""
    return _convert(schema, schema, ())
