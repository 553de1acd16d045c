"""Is this a JSON Schema? Checked before the network, for tools and response formats.

A server that gets a broken schema answers 400 (after a round trip, and
after the retry layer has had its say); a schema that is not one at all
(``{"type": "banana"}``) may even be accepted and ignored. So a schema a user
gives is checked here first:

* a structural check that needs nothing installed: every ``type`` is one of
  the seven JSON Schema types, ``properties``/``$defs`` hold schemas,
  ``items``/``anyOf``/... hold schemas, ``required`` is a list of names;
* then, when ``jsonschema`` is installed (``llmcore-core[jsonschema]``), the
  schema's own meta-schema (``check_schema``), cached per distinct schema.

Problems are :class:`~llmcore.errors.InvalidRequestError` naming where in the
schema the problem is.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from .errors import InvalidRequestError

__all__ = ["JSON_TYPES", "schema_problem", "check_schema"]

JSON_TYPES = ("object", "array", "string", "number", "integer", "boolean", "null")

_SUB_ONE = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "additionalItems",
    "unevaluatedProperties",
    "unevaluatedItems",
    "if",
    "then",
    "else",
)
_SUB_LIST = ("anyOf", "oneOf", "allOf", "prefixItems")
_SUB_MAP = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")

_checked: dict[str, str | None] = {}
_lock = threading.Lock()


def schema_problem(schema: Any, where: str = "the schema") -> str | None:
    """What is wrong with ``schema`` (first problem found), or ``None``."""
    if isinstance(schema, bool):  # true/false are schemas too
        return None
    if not isinstance(schema, Mapping):
        return f"{where} must be a JSON Schema object (a dict), not {type(schema).__name__}"
    if "type" in schema:
        t = schema["type"]
        for x in t if isinstance(t, list) else [t]:
            if not isinstance(x, str) or x not in JSON_TYPES:
                return f"{where}: type {x!r} is not a JSON Schema type (one of {', '.join(JSON_TYPES)})"
    for key in _SUB_MAP:
        if key in schema:
            sub = schema[key]
            if not isinstance(sub, Mapping):
                return f"{where}: {key} must map names to schemas, not {type(sub).__name__}"
            for name, s in sub.items():
                p = schema_problem(s, f"{where}.{key}.{name}")
                if p:
                    return p
    for key in _SUB_ONE:
        if key in schema:
            sub = schema[key]
            if key == "items" and isinstance(sub, list):  # draft 4-7 tuple form
                for i, s in enumerate(sub):
                    p = schema_problem(s, f"{where}.items[{i}]")
                    if p:
                        return p
                continue
            p = schema_problem(sub, f"{where}.{key}")
            if p:
                return p
    for key in _SUB_LIST:
        if key in schema:
            sub = schema[key]
            if not isinstance(sub, list) or not sub:
                return f"{where}: {key} must be a non-empty list of schemas"
            for i, s in enumerate(sub):
                p = schema_problem(s, f"{where}.{key}[{i}]")
                if p:
                    return p
    if "required" in schema:
        req = schema["required"]
        if not isinstance(req, list) or not all(isinstance(r, str) for r in req):
            return f"{where}: required must be a list of property names, not {req!r}"
    if "enum" in schema and not isinstance(schema["enum"], list):
        return f"{where}: enum must be a list of values, not {type(schema['enum']).__name__}"
    return None


def _metaschema_problem(schema: Mapping[str, Any]) -> str | None:
    try:
        import jsonschema
    except ImportError:  # optional: the structural check above still ran
        return None
    try:
        key = json.dumps(schema, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return None  # not JSON: the request's own check names it
    with _lock:
        if key in _checked:
            return _checked[key]
    problem: str | None = None
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        at = "/".join(str(p) for p in e.absolute_path)
        problem = f"{e.message}" + (f" (at {at})" if at else "")
    except Exception:  # a $schema jsonschema does not know, a bad $ref...: let the server judge
        problem = None
    with _lock:
        if len(_checked) > 512:
            _checked.clear()
        _checked[key] = problem
    return problem


def check_schema(schema: Any, where: str, provider: str | None = None, *, object_type: bool = False) -> None:
    """Raise :class:`InvalidRequestError` if ``schema`` is no valid JSON Schema
    (``object_type``: its top level must also be ``{"type": "object"}``, as
    every provider requires of tool parameters)."""
    problem = schema_problem(schema, where)
    if problem is None and object_type and isinstance(schema, Mapping) and schema.get("type", "object") != "object":
        problem = f"{where} must be a schema of type 'object' (the arguments), not {schema.get('type')!r}"
    if problem is None and isinstance(schema, Mapping):
        meta = _metaschema_problem(schema)
        if meta is not None:
            problem = f"{where} is not a valid JSON Schema: {meta}"
    if problem is not None:
        raise InvalidRequestError(f"{problem}; fix the schema before sending it", provider=provider)
