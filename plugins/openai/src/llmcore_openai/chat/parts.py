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
    if isinstance(inner, str):
        out.append(("reasoning", inner, p.get("signature")))
        return
    for it in inner if isinstance(inner, list) else ():
        if isinstance(it, dict) and (isinstance(it.get("text"), str) or it.get("signature")):
            out.append(("reasoning", it.get("text") or "", it.get("signature") or p.get("signature")))


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
