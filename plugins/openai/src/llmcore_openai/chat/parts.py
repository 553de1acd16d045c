"""Content-part lists in answers (``message.content`` / ``delta.content`` as a list).

Most servers answer with a string; some send a list of typed parts instead:

* ``{"type": "text", "text": ...}`` — text (also ``output_text`` and untyped
  parts with a ``text``);
* ``{"type": "reasoning", "summary": [{"type": "summary_text", "text",
  "signature"}]}`` — reasoning with its signature (Databricks' Foundation Model
  APIs, e.g. Claude with ``thinking``);
* ``{"type": "thinking", "thinking": "..." | [{"type": "text", "text"}],
  "signature"?}`` — reasoning (Mistral's Magistral models).

Anything else (images, unknown types) carries no text and is skipped.
:func:`content_items` keeps the order, so a response's parts and a stream's
deltas come out the same way.
"""

from __future__ import annotations

from typing import Any

__all__ = ["content_items"]


def _reasoning_items(p: dict[str, Any], out: list[tuple[str, str, str | None]]) -> None:
    inner = p.get("summary") if p.get("type") == "reasoning" else p.get("thinking")
    if inner is None:
        inner = p.get("text")
    outer = _str_or_none(p.get("signature"))
    if isinstance(inner, str):
        out.append(("reasoning", inner, outer))
        return
    for it in inner if isinstance(inner, list) else ():
        if not isinstance(it, dict):
            continue
        # a field of another type is no text or signature (a signed item may carry no text)
        text, signature = _str_or_none(it.get("text")), _str_or_none(it.get("signature"))
        if text is not None or signature:
            out.append(("reasoning", text or "", signature or outer))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def content_items(parts: list[Any]) -> list[tuple[str, str, str | None]]:
    """``[(kind, text, signature)]`` with ``kind`` ``"text"`` or ``"reasoning"``, in order."""
    out: list[tuple[str, str, str | None]] = []
    for p in parts:
        if not isinstance(p, dict):
            continue
        t = p.get("type")
        if t in ("reasoning", "thinking"):
            _reasoning_items(p, out)
        elif t in (None, "text", "output_text") and isinstance(p.get("text"), str):
            out.append(("text", p["text"], None))
    return out
