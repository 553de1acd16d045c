"""JSON schemas as Anthropic's structured outputs accept them.

Anthropic's ``output_config.format`` supports a subset of JSON Schema
(https://docs.claude.com/en/docs/build-with-claude/structured-outputs,
"JSON Schema limitations"): types, ``enum``/``const``, ``anyOf``/``allOf``,
``$ref``/``$defs``, ``properties``/``required``, closed objects, ``items``,
``minItems`` of 0 or 1, and a few string ``format``\\ s. Any other keyword
(``minimum``, ``maxLength``, ``pattern``, ...) is rejected, so
:func:`anthropic_schema` moves it into the ``description`` (as Anthropic's
own SDK does), where the model can still follow it; ``oneOf`` becomes
``anyOf``. The facade calls it through ``AnthropicProvider.transform_schema``
for the ``json_schema`` mode; ``request.py`` then closes every object.
"""

from __future__ import annotations

from typing import Any

__all__ = ["anthropic_schema", "SUPPORTED", "STRING_FORMATS"]

#: keywords kept as they are (sub-schemas are walked)
SUPPORTED = frozenset(
    {
        "type",
        "enum",
        "const",
        "anyOf",
        "allOf",
        "$ref",
        "$defs",
        "definitions",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "description",
        "title",
        "default",
    }
)
STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)


def anthropic_schema(schema: Any) -> Any:
    """A copy of ``schema`` with unsupported keywords moved into ``description``."""
    if isinstance(schema, list):
        return [anthropic_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    moved: dict[str, Any] = {}
    for k, v in schema.items():
        if k == "oneOf":
            k = "anyOf"
        if k in ("properties", "$defs", "definitions") and isinstance(v, dict):
            out[k] = {name: anthropic_schema(s) for name, s in v.items()}
        elif k in ("items", "additionalProperties") and isinstance(v, dict):
            out[k] = anthropic_schema(v)
        elif k in ("anyOf", "allOf") and isinstance(v, list):
            out[k] = [anthropic_schema(s) for s in v]
        elif k in SUPPORTED or (k == "format" and v in STRING_FORMATS) or (k == "minItems" and v in (0, 1)):
            out[k] = v
        else:
            moved[k] = v
    moved.pop("discriminator", None)  # OpenAPI's; anyOf branches already say which is which
    if moved:
        note = "{" + ", ".join(f"{k}: {v}" for k, v in moved.items()) + "}"
        desc = out.get("description")
        out["description"] = f"{desc}\n\n{note}" if isinstance(desc, str) and desc else note
    return out
