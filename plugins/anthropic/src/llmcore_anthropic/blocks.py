"""Anthropic server-tool blocks and citations ↔ llmcore parts (issue 11), both ways.

Answer side (shared by :mod:`.response` and :mod:`.stream`):

* ``server_tool_use`` and ``mcp_tool_use`` → :class:`ServerToolCallPart`
  (``name`` the tool's name, ``input`` its arguments);
* every ``*_tool_result`` block (``web_search_tool_result``,
  ``web_fetch_tool_result``, ``code_execution_tool_result``,
  ``bash_code_execution_tool_result``, ``text_editor_code_execution_tool_result``,
  ``mcp_tool_result``, …) → :class:`ServerToolResultPart` (``call_id`` its
  ``tool_use_id``, ``name`` the call's tool name, ``content`` the block's
  ``content``, ``is_error`` when the block says so or its content is a
  ``*_error`` object);
* a text block's ``citations`` → :class:`Citation` (``kind`` the citation's
  ``type``; ``start``/``end`` the span of that text block in the answer's text).

Both parts keep the block whole in ``data``: it is what goes back next turn.

Request side: :func:`assistant_blocks` turns those parts back into the
original blocks, and a text part with citations back into its text blocks,
each with its citations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from llmcore.types import Citation, ServerToolCallPart, ServerToolResultPart, TextPart

__all__ = [
    "SERVER_CALL_TYPES",
    "citation",
    "is_result_type",
    "result_part",
    "server_call_part",
    "text_blocks",
]

#: block types that are a call of a tool the provider runs itself
SERVER_CALL_TYPES = frozenset({"server_tool_use", "mcp_tool_use"})


def is_result_type(t: Any) -> bool:
    """Whether block type ``t`` is the result of a provider-run tool (``*_tool_result``,
    but not the caller's own ``tool_result``)."""
    return isinstance(t, str) and t.endswith("_tool_result")


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def server_call_part(block: Mapping[str, Any], provider: str) -> ServerToolCallPart:
    """A ``server_tool_use`` / ``mcp_tool_use`` block (``input`` already complete)."""
    args = block.get("input")
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise TypeError(f"{block.get('type')} input is {type(args).__name__}, not an object")
    return ServerToolCallPart.model_construct(
        type="server_tool_call",
        id=_str(block.get("id")) or "",
        name=_str(block.get("name")) or "",
        input=args,
        provider=provider,
        data=dict(block),
    )


def result_part(block: Mapping[str, Any], provider: str, call_names: Mapping[str, str]) -> ServerToolResultPart:
    """A ``*_tool_result`` block; ``call_names`` maps the calls seen so far (id → tool name)."""
    t = str(block.get("type"))
    call_id = _str(block.get("tool_use_id"))
    content = block.get("content")
    err = isinstance(content, Mapping) and str(content.get("type", "")).endswith("_error")
    return ServerToolResultPart.model_construct(
        type="server_tool_result",
        call_id=call_id,
        name=call_names.get(call_id or "") or t.removesuffix("_tool_result"),
        content=content,
        is_error=bool(block.get("is_error")) or err,
        provider=provider,
        data=dict(block),
    )


def citation(c: Mapping[str, Any], start: int, end: int, provider: str) -> Citation:
    """One citation of a text block spanning ``[start, end)`` of the answer's text.

    ``source_index`` is the document (``document_index``) or search result
    (``search_result_index``) it points at; ``title`` the page's or document's."""
    if not isinstance(c, Mapping):
        raise TypeError(f"a citation is {type(c).__name__}, not an object")
    index = _int(c.get("document_index"))
    if index is None:
        index = _int(c.get("search_result_index"))
    return Citation.model_construct(
        kind=_str(c.get("type")) or "citation",
        url=_str(c.get("url")) or _str(c.get("source")),
        title=_str(c.get("title")) or _str(c.get("document_title")),
        cited_text=_str(c.get("cited_text")),
        start=start,
        end=end,
        source_index=index,
        provider=provider,
        data=dict(c),
    )


def text_blocks(part: TextPart, offset: int, owners: Sequence[str]) -> list[dict[str, Any]]:
    """``part`` (whose text starts at ``offset`` in its message's text) as text blocks:
    each span its Anthropic citations cover becomes a block carrying them (as the
    answer had it), the text between them plain blocks. Citations of another provider
    (``provider`` not in ``owners``) or without a span are not sent."""
    text = part.text
    spans: dict[tuple[int, int], list[Any]] = {}
    for c in part.citations:
        if c.provider not in owners or c.start is None or c.end is None or not isinstance(c.data, Mapping):
            continue
        s, e = c.start - offset, c.end - offset
        if 0 <= s <= e <= len(text):
            spans.setdefault((s, e), []).append(dict(c.data))
    blocks: list[dict[str, Any]] = []
    pos = 0
    for (s, e), cites in sorted(spans.items()):
        if s < pos:  # overlapping spans: not what Anthropic sends; keep the text whole instead
            return [{"type": "text", "text": text}] if text else []
        if s > pos:
            blocks.append({"type": "text", "text": text[pos:s]})
        if e == s:
            continue  # an empty text block cannot be sent (the API rejects it)
        blocks.append({"type": "text", "text": text[s:e], "citations": cites})
        pos = e
    if pos < len(text):
        blocks.append({"type": "text", "text": text[pos:]})
    return blocks
