"""TGI's ``response_format``: a grammar, not OpenAI's object.

TGI (https://huggingface.github.io/text-generation-inference/, ``GrammarType``)
takes ``{"type": "json", "value": <JSON schema>}`` (or ``regex``); OpenAI's
``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}`` becomes
the ``json`` grammar of its schema, and ``{"type": "json_object"}`` the grammar
of "any object".
"""

from __future__ import annotations

from typing import Any

__all__ = ["tgi_response_format"]


def tgi_response_format(rf: dict[str, Any]) -> dict[str, Any]:
    """The TGI grammar for an OpenAI ``response_format`` (anything else unchanged)."""
    if rf.get("type") == "json_schema":
        return {"type": "json", "value": (rf.get("json_schema") or {}).get("schema") or {"type": "object"}}
    if rf.get("type") == "json_object":
        return {"type": "json", "value": {"type": "object"}}
    return rf
