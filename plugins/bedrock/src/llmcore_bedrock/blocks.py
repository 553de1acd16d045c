"""Converse citations and server-side tool blocks ↔ llmcore parts (issue 11), both ways.

Answer side (shared by :mod:`.response` and :mod:`.stream`):

* a ``citationsContent`` block (``content`` text + ``citations``; streamed as
  text deltas and ``citation`` deltas of one block) → its text, and a
  :class:`Citation` per citation spanning that text in the answer (``None``
  offsets when the block has no text, as Nova web grounding sends them).
  ``kind`` is the citation's location kind (``documentChar``,
  ``documentPage``, ``documentChunk``, ``web``, ``searchResultLocation``);
  ``url`` the web location's URL, ``title`` the document title,
  ``cited_text`` the ``sourceContent`` text, ``source_index`` the document
  or search result index; ``data`` the citation whole;
* a ``toolUse`` block with ``type: "server_tool_use"`` (a system tool the
  service ran, e.g. Nova's ``nova_grounding``) → :class:`ServerToolCallPart`;
  a ``toolResult`` block in an answer (always a system tool's: the caller's
  tool results are in user turns) → :class:`ServerToolResultPart`. Both keep
  the content block whole (``{"toolUse": …}`` / ``{"toolResult": …}``) in ``data``.

Request side: :func:`text_blocks` turns a text part back into ``text`` and
``citationsContent`` blocks (one per cited span, as the answer had them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from llmcore.types import Citation, ServerToolCallPart, ServerToolResultPart, TextPart

__all__ = ["citation", "is_server_call", "result_part", "server_call_part", "text_blocks"]


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def is_server_call(tool_use: Mapping[str, Any]) -> bool:
    """Whether a ``toolUse`` block (or stream start) is a call the service ran itself."""
    return tool_use.get("type") == "server_tool_use"


def server_call_part(tool_use: Mapping[str, Any], provider: str) -> ServerToolCallPart:
    """A ``toolUse`` of ``type: server_tool_use`` whose ``input`` is complete (an object)."""
    args = tool_use.get("input")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise TypeError(f"toolUse.input is {type(args).__name__}, not an object")
    return ServerToolCallPart.model_construct(
        type="server_tool_call",
        id=_str(tool_use.get("toolUseId")) or "",
        name=_str(tool_use.get("name")) or "",
        input=args,
        provider=provider,
        data={"toolUse": dict(tool_use)},
    )


def result_part(tool_result: Mapping[str, Any], provider: str, call_names: Mapping[str, str]) -> ServerToolResultPart:
    """A ``toolResult`` block of an answer; ``call_names`` maps the calls seen (id → tool name)."""
    call_id = _str(tool_result.get("toolUseId"))
    kind = _str(tool_result.get("type")) or ""
    return ServerToolResultPart.model_construct(
        type="server_tool_result",
        call_id=call_id,
        name=call_names.get(call_id or "") or kind.removesuffix("_result") or "tool",
        content=tool_result.get("content"),
        is_error=tool_result.get("status") == "error",
        provider=provider,
        data={"toolResult": dict(tool_result)},
    )


def citation(c: Any, start: int | None, end: int | None, provider: str) -> Citation:
    """One Converse ``Citation`` supporting ``[start, end)`` of the answer's text."""
    if not isinstance(c, Mapping):
        raise TypeError(f"a citation is {type(c).__name__}, not an object")
    location = c.get("location") or {}
    if not isinstance(location, Mapping):
        raise TypeError(f"citation location is {type(location).__name__}, not an object")
    kind, where = next(iter(location.items()), ("citation", {}))
    where = where if isinstance(where, Mapping) else {}
    index = _int(where.get("documentIndex"))
    if index is None:
        index = _int(where.get("searchResultIndex"))
    quoted = [
        s["text"] for s in c.get("sourceContent") or () if isinstance(s, Mapping) and isinstance(s.get("text"), str)
    ]
    return Citation.model_construct(
        kind=str(kind),
        url=_str(where.get("url")) or _str(c.get("source")),
        title=_str(c.get("title")),
        cited_text="".join(quoted) if quoted else None,
        start=start,
        end=end,
        source_index=index,
        provider=provider,
        data=dict(c),
    )


def content_text(block: Mapping[str, Any]) -> str:
    """The text of a ``citationsContent`` block (its ``content`` items joined)."""
    content = block.get("content") or []
    if not isinstance(content, list):
        raise TypeError(f"citationsContent.content is {type(content).__name__}, not a list")
    out = []
    for item in content:
        text = item.get("text") if isinstance(item, Mapping) else None
        if not isinstance(text, str):
            raise TypeError("a citationsContent content item has no text")
        out.append(text)
    return "".join(out)


def text_blocks(part: TextPart, offset: int, owners: Sequence[str]) -> list[dict[str, Any]]:
    """``part`` (starting at ``offset`` in its message's text) as ``text`` and ``citationsContent``
    blocks: each span the provider's citations cover becomes ``{"citationsContent": {"content":
    [{"text"}], "citations": [...]}}``, as Bedrock answered it (and as recorded clients send it back);
    the text between spans plain ``text`` blocks. Citations of another provider or without a span
    (Nova's web citations) are not sent: the text alone is."""
    text = part.text
    spans: dict[tuple[int, int], list[Any]] = {}
    for c in part.citations:
        if c.provider not in owners or c.start is None or c.end is None or not isinstance(c.data, Mapping):
            continue
        s, e = c.start - offset, c.end - offset
        if 0 <= s < e <= len(text):
            spans.setdefault((s, e), []).append(dict(c.data))
    blocks: list[dict[str, Any]] = []
    pos = 0
    for (s, e), cites in sorted(spans.items()):
        if s < pos:  # overlapping spans: not what Bedrock sends; keep the text whole instead
            return [{"text": text}] if text else []
        if s > pos:
            blocks.append({"text": text[pos:s]})
        blocks.append({"citationsContent": {"content": [{"text": text[s:e]}], "citations": cites}})
        pos = e
    if pos < len(text):
        blocks.append({"text": text[pos:]})
    return blocks
