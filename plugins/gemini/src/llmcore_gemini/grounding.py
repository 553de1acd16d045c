"""Gemini ``groundingMetadata`` / ``urlContextMetadata`` → llmcore parts and citations.

A grounded answer (``google_search``, ``url_context``, Vertex AI Search / RAG
retrieval) carries, next to the candidate's content:

* ``groundingMetadata.groundingChunks`` — the sources (``web``: ``uri``/``title``;
  ``retrievedContext``: ``uri``/``title``/``text``; ``maps``);
* ``groundingMetadata.groundingSupports`` — spans of the answer
  (``segment.startIndex``/``endIndex``: **UTF-8 byte** offsets into the
  candidate's text, ``startIndex`` omitted when 0; ``segment.text`` the span)
  with the chunks that support each (``groundingChunkIndices``) and, on some
  models, ``confidenceScores`` (one per index);
* ``groundingMetadata.webSearchQueries`` — the searches Gemini ran;
  ``searchEntryPoint.renderedContent`` — the search-suggestion chip Google's
  terms ask apps to show;
* ``urlContextMetadata.urlMetadata`` — the pages ``url_context`` fetched and how.

Mapping (what :func:`grounding_events` returns):

* each support, for each of its chunk indices, → one :class:`~llmcore.types.Citation`
  (``kind="grounding_support"``, ``source_index`` = the chunk index, ``url`` /
  ``title`` from the chunk, ``cited_text`` = a retrieved chunk's ``text``,
  ``start``/``end`` = the span as **character** offsets into
  ``ChatResponse.text``, ``data`` = the support whole);
* ``webSearchQueries`` → a :class:`~llmcore.types.ServerToolCallPart`
  ``google_search`` (``input={"queries": [...]}``) and its
  :class:`~llmcore.types.ServerToolResultPart` (``content`` = the grounding
  chunks, ``data`` = the whole ``groundingMetadata``): Gemini did run those
  searches server-side; the parts only say so, Gemini has no such content parts
  and does not take them back (the request codec leaves them out);
* ``urlContextMetadata`` → a ``ServerToolResultPart`` ``url_context``
  (``content`` = ``urlMetadata``, ``data`` = the whole object; no call part:
  Gemini reports none);
* the whole ``groundingMetadata`` also goes to
  ``provider_metadata["grounding_metadata"]`` (one obvious place for
  ``searchEntryPoint`` and for retrieval/Maps fields this shape does not name).

The answer's span is found from the byte offsets and checked against
``segment.text``; where they disagree (offsets relative to another part, or
counted over text llmcore does not keep), the span is looked up by its text,
and left ``None`` when it cannot be found, rather than pointing at the wrong text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmcore.events import CitationEvent, PartEvent, StreamEvent
from llmcore.types import Citation, ServerToolCallPart, ServerToolResultPart

__all__ = ["GOOGLE_SEARCH", "URL_CONTEXT", "byte_span_to_chars", "grounding_events"]

GOOGLE_SEARCH = "google_search"
URL_CONTEXT = "url_context"
#: marks the parts built from metadata (not content parts): the request codec leaves them out
SYNTHESIZED = "grounding_metadata"


def byte_span_to_chars(text: str, start: int, end: int, expected: str | None) -> tuple[int | None, int | None]:
    """Character offsets in ``text`` of the UTF-8 byte span ``[start, end)``.

    ``expected`` (Gemini's ``segment.text``) is checked against the result; on a
    mismatch the span is looked up by that text (first occurrence at or after the
    byte offset's character position, then anywhere); ``(None, None)`` when it
    cannot be placed."""
    raw = text.encode("utf-8")
    if 0 <= start <= end <= len(raw):
        s = len(raw[:start].decode("utf-8", errors="ignore"))
        e = len(raw[:end].decode("utf-8", errors="ignore"))
        if expected is None or text[s:e] == expected:
            return s, e
    else:
        s = 0
    if expected:
        i = text.find(expected, min(s, len(text)))
        if i < 0:
            i = text.find(expected)
        if i >= 0:
            return i, i + len(expected)
    return None, None


def _source(chunk: Any) -> Mapping[str, Any]:
    """The chunk's source object (``web``, ``retrievedContext``, ``maps``, …)."""
    if isinstance(chunk, Mapping):
        for value in chunk.values():
            if isinstance(value, Mapping):
                return value
    return {}


def _opt_str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def _int(v: Any, default: int) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) else default


def _citations(gm: Mapping[str, Any], text: str, provider: str) -> list[Citation]:
    chunks = gm.get("groundingChunks")
    chunks = chunks if isinstance(chunks, list) else []
    supports = gm.get("groundingSupports")
    out: list[Citation] = []
    for support in supports if isinstance(supports, list) else ():
        if not isinstance(support, Mapping):
            continue
        seg = support.get("segment")
        seg = seg if isinstance(seg, Mapping) else {}
        start, end = byte_span_to_chars(
            text, _int(seg.get("startIndex"), 0), _int(seg.get("endIndex"), 0), _opt_str(seg.get("text"))
        )
        indices = support.get("groundingChunkIndices")
        for index in indices if isinstance(indices, list) else ():
            if not isinstance(index, int) or isinstance(index, bool):
                continue
            src = _source(chunks[index]) if 0 <= index < len(chunks) else {}
            out.append(
                Citation(
                    kind="grounding_support",
                    url=_opt_str(src.get("uri")),
                    title=_opt_str(src.get("title")),
                    cited_text=_opt_str(src.get("text")),
                    start=start,
                    end=end,
                    source_index=index,
                    provider=provider,
                    data=dict(support),
                )
            )
    return out


def grounding_events(
    grounding: Mapping[str, Any] | None,
    url_context: Mapping[str, Any] | None,
    text: str,
    provider: str,
    call_id: str,
) -> list[StreamEvent]:
    """The events for a candidate's grounding: citations first (they attach to the
    answer's last text part), then the ``google_search`` call and result and the
    ``url_context`` result. ``text`` is the whole answer text (``ChatResponse.text``);
    ``call_id`` names the synthesized search call."""
    out: list[StreamEvent] = []
    if grounding:
        out.extend(CitationEvent(c) for c in _citations(grounding, text, provider))
        queries = grounding.get("webSearchQueries")
        if isinstance(queries, list) and queries:
            chunks = grounding.get("groundingChunks")
            out.append(
                PartEvent(
                    ServerToolCallPart(
                        id=call_id,
                        name=GOOGLE_SEARCH,
                        input={"queries": list(queries)},
                        provider=provider,
                        data={SYNTHESIZED: True, "webSearchQueries": list(queries)},
                    )
                )
            )
            out.append(
                PartEvent(
                    ServerToolResultPart(
                        call_id=call_id,
                        name=GOOGLE_SEARCH,
                        content=[_source(c) or c for c in chunks] if isinstance(chunks, list) else [],
                        provider=provider,
                        data={SYNTHESIZED: True, "groundingMetadata": dict(grounding)},
                    )
                )
            )
    if url_context:
        urls = url_context.get("urlMetadata")
        failed = (
            isinstance(urls, list)
            and bool(urls)
            and all(
                isinstance(u, Mapping) and u.get("urlRetrievalStatus") not in (None, "URL_RETRIEVAL_STATUS_SUCCESS")
                for u in urls
            )
        )
        out.append(
            PartEvent(
                ServerToolResultPart(
                    call_id=None,
                    name=URL_CONTEXT,
                    content=list(urls) if isinstance(urls, list) else [],
                    is_error=failed,
                    provider=provider,
                    data={SYNTHESIZED: True, "urlContextMetadata": dict(url_context)},
                )
            )
        )
    return out
