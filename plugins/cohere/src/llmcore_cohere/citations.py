"""Cohere v2 citations → :class:`~llmcore.types.Citation`.

A Cohere citation (``message.citations[i]`` in ``/v2/chat``, the
``citation-start`` event's ``delta.message.citations`` in a stream) is::

    {"start": 47, "end": 65, "text": "Yukihiro Matsumoto", "type": "TEXT_CONTENT",
     "content_index": 1, "sources": [{"type": "document", "id": "doc:0", "document": {...}},
                                     {"type": "tool", "id": "...", "tool_output": {...}}]}

``start``/``end`` are character offsets into the text of the content item
``content_index`` (``type`` ``TEXT_CONTENT``), into the tool plan (``PLAN``) or
into a thinking item (``THINKING_CONTENT``). Each source becomes one
:class:`Citation`: ``kind`` is the source's type (``document`` or ``tool``),
``url`` / ``title`` come from the document or tool output, ``start`` / ``end``
are moved to index ``ChatResponse.text`` (the text items concatenated, the plan
after them) and checked against the citation's ``text`` (looked up by that text
where they disagree; ``None`` when it cannot be found, and always for a span in
reasoning, which is not part of ``ChatResponse.text``); ``data`` is Cohere's
citation object whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore.types import Citation

__all__ = ["PROVIDER", "in_text", "to_citations"]

PROVIDER = "cohere"


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def in_text(citation: Mapping[str, Any]) -> bool:
    """Whether the citation spans answer text (not reasoning)."""
    return citation.get("type") != "THINKING_CONTENT"


def _span(item_text: str | None, base: int | None, c: Mapping[str, Any]) -> tuple[int | None, int | None]:
    if item_text is None or base is None or not in_text(c):
        return None, None
    start, end = _int(c.get("start")), _int(c.get("end"))
    expected = c.get("text") if isinstance(c.get("text"), str) else None
    if (
        start is not None
        and end is not None
        and 0 <= start <= end <= len(item_text)
        and (expected is None or item_text[start:end] == expected)
    ):
        return base + start, base + end
    if expected:
        i = item_text.find(expected, min(start or 0, len(item_text)))
        if i < 0:
            i = item_text.find(expected)
        if i >= 0:
            return base + i, base + i + len(expected)
    return None, None


def to_citations(c: Mapping[str, Any], item_text: str | None, base: int | None) -> list[Citation]:
    """The citations of one Cohere citation object: one per source. ``item_text`` is the
    text of the item it indexes and ``base`` where that item starts in ``ChatResponse.text``."""
    start, end = _span(item_text, base, c)
    sources = c.get("sources")
    if not isinstance(sources, list) or not sources:
        sources = [{}]
    out = []
    for src in sources:
        src = src if isinstance(src, Mapping) else {}
        kind = src.get("type")
        kind = kind if isinstance(kind, str) and kind else "citation"
        body = src.get("document") or src.get("tool_output") or {}
        body = body if isinstance(body, Mapping) else {}
        url, title = body.get("url"), body.get("title")
        out.append(
            Citation(
                kind=kind,
                url=url if isinstance(url, str) and url else None,
                title=title if isinstance(title, str) and title else None,
                start=start,
                end=end,
                provider=PROVIDER,
                data=dict(c),
            )
        )
    return out
