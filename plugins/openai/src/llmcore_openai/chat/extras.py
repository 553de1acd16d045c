"""What a Chat Completions answer carries besides text, reasoning and tool calls.

* ``message.annotations`` (``delta.annotations`` in streams) → :class:`Citation`:
  ``{"type": "url_citation", "url_citation": {"url", "title", "start_index",
  "end_index", "content"?}}`` from OpenAI's search-preview models and
  OpenRouter's web plugin (``content`` → ``cited_text``); the span indexes the
  message content, which is where ``ChatResponse.text`` starts. An empty span
  (OpenRouter's ``0, 0`` for Perplexity sources) is no span: a citation of the
  whole answer, not attached to the text. Other annotation types become
  citations of their own ``kind`` (``data`` = the annotation whole).
* ``message.executed_tools`` (Groq's compound systems: the built-in tools they
  ran, ``{"index", "type", "arguments", "output", "search_results"?}``) → a
  :class:`ServerToolCallPart` (``name`` = the tool ``type``, ``input`` = the
  parsed ``arguments``, ``data`` = the entry whole) and, when it has an
  ``output``, a :class:`ServerToolResultPart` (``content`` = ``search_results``
  when sent, else ``output``), before the answer's text (the tools ran first).
  Chat Completions takes no such parts back: they are not sent next turn.
* any other message field with data that the dialect does not read →
  :func:`~llmcore.pluginkit.keep_unmapped` (kind ``message.<field>``).
"""

from __future__ import annotations

import json
from typing import Any

from llmcore.types import Citation, ServerToolCallPart, ServerToolResultPart

from .dialect import ChatDialect

__all__ = ["annotation_citations", "executed_tool_parts", "is_whole", "unknown_fields"]

#: message/delta fields the codec reads (besides the dialect's own fields)
_KNOWN = frozenset(
    {
        "role",
        "content",
        "refusal",
        "tool_calls",
        "function_call",
        "annotations",
        "executed_tools",
        "name",
        "tool_call_id",
    }
)
#: per-token bookkeeping some servers put on deltas and messages (no content): not worth a warning
_NOISE = frozenset({"channel", "token_id", "token_ids"})


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def annotation_citations(anns: Any, provider: str, offset: int = 0) -> list[Citation]:
    """The citations of a ``message.annotations`` list (``offset``: where the content starts in the text).

    An annotation whose span is empty (``start_index == end_index``: OpenRouter sends ``0, 0`` for a
    Perplexity model's sources) supports no span: ``start``/``end`` are ``None`` and ``source_index``
    is its place in the list (the ``[n]`` markers in the text count from 1); see :func:`is_whole`."""
    out: list[Citation] = []
    for n, a in enumerate(anns if isinstance(anns, list) else ()):
        if not isinstance(a, dict):
            continue
        kind = _str(a.get("type")) or "annotation"
        nested = a.get(kind)
        inner: dict[str, Any] = nested if isinstance(nested, dict) else a
        start, end = _int(inner.get("start_index")), _int(inner.get("end_index"))
        spanless = start is None or end is None or start == end
        out.append(
            Citation.model_construct(
                kind=kind,
                url=_str(inner.get("url")),
                title=_str(inner.get("title")),
                cited_text=_str(inner.get("content")) or None,
                start=None if spanless else start + offset,  # type: ignore[operator]
                end=None if spanless else end + offset,  # type: ignore[operator]
                source_index=n if spanless else None,
                provider=provider,
                data=a,
            )
        )
    return out


def is_whole(c: Citation) -> bool:
    """A citation of the whole answer (no span): listed in ``ChatResponse.citations``, not attached
    to the text (streams: ``CitationEvent(attach=False)``)."""
    return c.start is None


def executed_tool_parts(tool: dict[str, Any], provider: str) -> list[Any]:
    """The parts of one Groq ``executed_tools`` entry."""
    kind = _str(tool.get("type")) or _str(tool.get("name")) or "tool"
    index = tool.get("index")
    call_id = _str(tool.get("id")) or f"{kind}_{index if index is not None else 0}"
    args = tool.get("arguments")
    if isinstance(args, str):
        try:
            args = json.loads(args) if args else {}
        except ValueError:
            args = {"arguments": args}
    parts: list[Any] = [
        ServerToolCallPart.model_construct(
            type="server_tool_call",
            id=call_id,
            name=kind,
            input=args if isinstance(args, dict) else {"arguments": args},
            provider=provider,
            data=tool,
        )
    ]
    if tool.get("output") is not None or tool.get("search_results") is not None:
        results = tool.get("search_results")
        content = results.get("results", results) if isinstance(results, dict) else tool.get("output")
        parts.append(
            ServerToolResultPart.model_construct(
                type="server_tool_result",
                call_id=call_id,
                name=kind,
                content=content,
                is_error=False,
                provider=provider,
                data=None,
            )
        )
    return parts


def unknown_fields(msg: dict[str, Any], dialect: ChatDialect) -> list[tuple[str, Any]]:
    """``[(field, value)]`` of the message/delta fields with data the codec does not read."""
    # the dialect's known set, built once per distinct set of its fields (this runs per answer and
    # per streamed delta; a dialect is a dataclass, so its fields are the key, not its identity)
    key = (dialect.reasoning_fields, dialect.message_metadata_fields, dialect.reasoning_data_field)
    known = _known_sets.get(key)
    if known is None:
        known = _KNOWN.union(dialect.reasoning_fields, dialect.message_metadata_fields, _NOISE)
        if dialect.reasoning_data_field:
            known = known | {dialect.reasoning_data_field}
        _known_sets[key] = known
    return [(k, v) for k, v in msg.items() if k not in known and _data(v)]


_known_sets: dict[tuple[Any, ...], frozenset[str]] = {}


def _data(v: Any) -> bool:
    """Not ``null``, empty, or an object whose values are all ``null`` (as ``has_data``)."""
    if isinstance(v, dict):
        return any(x is not None for x in v.values())
    return v not in (None, "", [])
