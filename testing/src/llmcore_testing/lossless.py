"""Nothing disappears: what a recorded answer holds against what llmcore made of it.

Every content block, output item and annotation of a recorded answer must come out of
the codec as a part (or a citation), or be kept whole in ``provider_metadata["unmapped"]``
with an ``unmapped:<kind>`` warning (:func:`llmcore.pluginkit.keep_unmapped`). The kit
cannot know every provider's JSON, so the comparison is in two steps a plugin may adapt:

* :func:`answer_item_kinds` counts the provider's own kinds in a recorded answer (a
  non-stream body, or a stream's decoded events): ``{"text": 1, "executableCode": 1,
  "groundingSupport": 4, ...}``. It knows the OpenAI Chat Completions, OpenAI Responses,
  Anthropic Messages and Gemini shapes; a plugin with another shape overrides
  ``ProviderConformance.answer_item_kinds``.
* :data:`KIND_PARTS` says what llmcore makes of each kind, as *categories*: ``text``,
  ``reasoning`` (present or not: several blocks may be joined into one part),
  ``tool_call``, ``server_tool`` (a server-tool call or result part), ``image``, ``file``,
  ``media`` (an image or a file), ``citation`` (counted: llmcore must make at least as
  many). A kind missing from the map must be kept via ``keep_unmapped`` under the same
  kind name; ``ProviderConformance.answer_kind_parts`` adds or overrides entries.

:func:`disappeared` returns the problems (empty: nothing disappeared).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmcore.types import ChatResponse

__all__ = [
    "KIND_PARTS",
    "PRESENCE_ONLY",
    "answer_item_kinds",
    "decode_stream_body",
    "disappeared",
    "made_of",
]

#: provider kind -> the llmcore categories it becomes (see the module docstring)
KIND_PARTS: dict[str, tuple[str, ...]] = {
    # shared names (Chat Completions message fields, Anthropic blocks, Gemini parts)
    "text": ("text",),
    "content": ("text",),
    "refusal": ("text",),
    "reasoning": ("reasoning",),
    "reasoning_content": ("reasoning",),
    "think": ("reasoning",),
    "thinking": ("reasoning",),
    "redacted_thinking": ("reasoning",),
    "thought": ("reasoning",),
    "tool_calls": ("tool_call",),
    "function_call": ("tool_call",),
    "tool_use": ("tool_call",),
    "functionCall": ("tool_call",),
    # Chat Completions: annotations and the search results of search-grounded APIs
    "url_citation": ("citation",),
    "search_result": ("citation",),
    "citation_url": ("citation",),
    "images": ("image",),
    # Anthropic
    "server_tool_use": ("server_tool",),
    "mcp_tool_use": ("server_tool",),
    "char_location": ("citation",),
    "page_location": ("citation",),
    "content_block_location": ("citation",),
    "web_search_result_location": ("citation",),
    "search_result_location": ("citation",),
    # OpenAI Responses
    "output_text": ("text",),
    "web_search_call": ("server_tool",),
    "file_search_call": ("server_tool",),
    "code_interpreter_call": ("server_tool",),
    "mcp_call": ("server_tool",),
    "mcp_list_tools": ("server_tool",),
    "tool_search_call": ("server_tool",),
    "image_generation_call": ("image",),
    "file_citation": ("citation",),
    "container_file_citation": ("citation",),
    # Gemini
    "executableCode": ("server_tool",),
    "codeExecutionResult": ("server_tool",),
    "toolCall": ("server_tool",),
    "toolResponse": ("server_tool",),
    # Bedrock Converse (its client-tool calls are "tool_use", as Anthropic's)
    "toolResult": ("server_tool",),
    "bedrock_citation": ("citation",),
    "inlineData": ("media",),
    "groundingSupport": ("citation",),
    "webSearchQueries": ("server_tool",),
    "urlContextMetadata": ("server_tool",),
}

#: categories compared by presence, not count (several blocks may become one part); ``metadata``:
#: something the codec keeps, documented, in ``provider_metadata`` besides ``unmapped`` (a plugin
#: says which kinds become it with ``answer_kind_parts``, e.g. ``{"message.graph_data": ("metadata",)}``)
PRESENCE_ONLY = frozenset({"text", "reasoning", "metadata"})

# Chat Completions message fields that hold no answer content of their own
_CHAT_NOISE = frozenset({"role", "name", "audio", "reasoning_details", "provider_specific_fields"})
# Chat Completions response/chunk and choice fields the codecs read (or that are errors, raised as such) and
# stream padding (OpenAI's and Azure's ``obfuscation``, Mistral's ``p``); any other field with data is a
# ``response.<field>`` / ``choice.<field>`` kind, which must be a key of ``provider_metadata[<provider>]``
_CHAT_TOP_KNOWN = frozenset(
    {
        "id",
        "object",
        "created",
        "model",
        "choices",
        "usage",
        "system_fingerprint",
        "error",
        "base_resp",
        "citations",
        "search_results",
        "obfuscation",
        "p",
    }
)
_CHAT_CHOICE_KNOWN = frozenset({"index", "message", "delta", "finish_reason", "logprobs", "usage", "text"})


def _empty(value: Any) -> bool:
    """No data: ``null``, an empty string/list/object, or an object whose values are all of these
    (Writer sends ``"graph_data": {"sources": null, "status": null, "subqueries": null}`` on every answer)."""
    if value in (None, "", [], {}):
        return True
    return isinstance(value, Mapping) and all(v in (None, "", [], {}) for v in value.values())


def _kind_parts(kind: str, extra: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    if kind in extra:
        return extra[kind]
    if kind in KIND_PARTS:
        return KIND_PARTS[kind]
    if kind.endswith("_tool_result"):  # Anthropic: web_search_tool_result, code_execution_tool_result, ...
        return ("server_tool",)
    return None


def decode_stream_body(body: bytes, content_type: str) -> list[Any]:
    """The JSON payloads of a recorded stream body (SSE ``data:``, NDJSON lines, one JSON
    array: Gemini's ``streamGenerateContent`` without ``alt=sse``, or AWS event-stream event
    messages as ``{<:event-type>: <payload>}``), in order; payloads that are not JSON
    (``[DONE]``) are left out."""
    from llmcore.http.sse import iter_sse

    if "amazon.eventstream" in content_type:  # Bedrock: {":event-type": payload} per event message
        from llmcore.http.eventstream import iter_eventstream

        events: list[Any] = []
        for msg in iter_eventstream([body]):
            if msg.message_type == "event" and msg.event_type:
                try:
                    events.append({msg.event_type: json.loads(msg.payload or b"{}")})
                except ValueError:
                    continue
        return events
    if "json" in content_type and "ndjson" not in content_type:
        try:
            whole = json.loads(body)
        except ValueError:
            whole = None
        if isinstance(whole, list):
            return whole

    texts: Iterable[str]
    if "ndjson" in content_type or "x-ndjson" in content_type:
        texts = body.decode("utf-8", "replace").splitlines()
    else:
        texts = (e.data for e in iter_sse([body]))
    out = []
    for t in texts:
        try:
            out.append(json.loads(t))
        except ValueError:
            continue
    return out


def answer_item_kinds(body: Any) -> Counter[str]:
    """The provider kinds in one recorded answer: ``body`` is a non-stream answer (a dict) or a
    stream's decoded payloads (a list, see :func:`decode_stream_body`)."""
    if isinstance(body, list):
        return _stream_kinds([e for e in body if isinstance(e, Mapping)])
    if not isinstance(body, Mapping):
        return Counter()
    if "candidates" in body:
        return _gemini([body])
    if body.get("object") == "response" or ("output" in body and isinstance(body.get("output"), list)):
        return _responses(body)
    if body.get("type") == "message" and isinstance(body.get("content"), list):
        return _anthropic(body.get("content") or [])
    output = body.get("output")
    if isinstance(output, Mapping) and isinstance(output.get("message"), Mapping):  # Bedrock Converse
        return _converse(output["message"].get("content") or [])
    if isinstance(body.get("choices"), list):
        return _chat([body])
    return Counter()


def _stream_kinds(events: list[Mapping[str, Any]]) -> Counter[str]:
    if not events:
        return Counter()
    if any("candidates" in e for e in events):
        return _gemini(events)
    if any(isinstance(e.get("choices"), list) for e in events):
        return _chat(events)
    done = [e for e in events if e.get("type") in ("response.completed", "response.incomplete", "response.failed")]
    if done and isinstance(done[-1].get("response"), Mapping):
        return _responses(done[-1]["response"])
    if any(str(e.get("type", "")).startswith("content_block") for e in events):
        return _anthropic_stream(events)
    if any("contentBlockDelta" in e or "contentBlockStart" in e for e in events):
        return _converse_stream(events)
    return Counter()


def _converse_block(kinds: Counter[str], key: str, value: Any) -> None:
    if key == "toolUse":
        server = isinstance(value, Mapping) and value.get("type") == "server_tool_use"
        kinds["server_tool_use" if server else "tool_use"] += 1
    elif key == "reasoningContent":
        kinds["reasoning"] += 1
    elif key == "text":
        kinds["text"] += 1
    else:
        kinds[key] += 1


def _converse(blocks: list[Any]) -> Counter[str]:
    """Bedrock Converse ``output.message.content``: one kind per block (its key), a
    ``citationsContent`` block as text plus one ``bedrock_citation`` per citation."""
    kinds: Counter[str] = Counter()
    for block in blocks:
        if not isinstance(block, Mapping) or not block:
            continue
        key = next(iter(block))
        if key == "citationsContent":
            cc = block[key] if isinstance(block[key], Mapping) else {}
            kinds["text"] += 1
            kinds["bedrock_citation"] += len(cc.get("citations") or ())
        else:
            _converse_block(kinds, key, block[key])
    return kinds


def _converse_stream(events: list[Mapping[str, Any]]) -> Counter[str]:
    """ConverseStream events (``{<event type>: payload}``): per content block index, what its
    start and deltas carry; ``citation`` deltas one ``bedrock_citation`` each."""
    kinds: Counter[str] = Counter()
    seen: set[tuple[Any, str]] = set()
    for et, data in (item for e in events for item in e.items()):
        if not isinstance(data, Mapping):
            continue
        index = data.get("contentBlockIndex")
        part = {"contentBlockStart": data.get("start"), "contentBlockDelta": data.get("delta")}.get(et)
        if not isinstance(part, Mapping):
            continue
        for key, value in part.items():
            if key == "citation":
                kinds["bedrock_citation"] += 1
            elif (index, key) not in seen:
                seen.add((index, key))
                _converse_block(kinds, key, value)
    return kinds


def _gemini(chunks: list[Mapping[str, Any]]) -> Counter[str]:
    """Gemini parts: text/thought by presence, the others one each; grounding merged over
    the chunks (a stream sends it mostly empty until the last), as the codec does."""
    kinds: Counter[str] = Counter()
    grounding: dict[str, Any] = {}
    url_context: dict[str, Any] = {}
    for chunk in chunks:
        cands = chunk.get("candidates") or []
        if not cands or not isinstance(cands[0], Mapping):
            continue
        cand = cands[0]
        grounding.update(cand.get("groundingMetadata") or {})
        url_context.update(cand.get("urlContextMetadata") or {})
        content = cand.get("content")
        for part in (content.get("parts") if isinstance(content, Mapping) else None) or []:
            if not isinstance(part, Mapping):
                continue
            if "text" in part:
                if part.get("thought"):
                    kinds["thought"] += 1
                elif part["text"]:
                    kinds["text"] += 1
            elif "inlineData" in part and part.get("thought"):
                kinds["thought_image"] += 1
            else:
                key = next((k for k in part if k not in ("thoughtSignature", "thought", "partMetadata")), None)
                kinds[key or "empty"] += 1
    if grounding.get("webSearchQueries"):
        kinds["webSearchQueries"] += 1
    for support in grounding.get("groundingSupports") or []:
        kinds["groundingSupport"] += len((support or {}).get("groundingChunkIndices") or []) or 1
    if url_context:
        kinds["urlContextMetadata"] += 1
    return kinds


def _chat(chunks: list[Mapping[str, Any]]) -> Counter[str]:
    """Chat Completions (a body or its chunks): message fields, tool calls by index,
    annotations, and top-level search results (Perplexity) / URL citations."""
    kinds: Counter[str] = Counter()
    calls: set[Any] = set()
    content: list[str] = []
    legacy = False
    cites: dict[str, str] = {}
    search_results: dict[str, None] = {}
    urls: dict[str, None] = {}
    for chunk in chunks:
        for field, value in chunk.items():
            if field not in _CHAT_TOP_KNOWN and not _empty(value):
                kinds[f"response.{field}"] = 1
        choices = chunk.get("choices") or []
        choice = choices[0] if choices and isinstance(choices[0], Mapping) else {}
        for field, value in choice.items():
            if field not in _CHAT_CHOICE_KNOWN and not _empty(value):
                kinds[f"choice.{field}"] = 1
        msg = choice.get("message") or choice.get("delta") or {}
        if not isinstance(msg, Mapping):
            msg = {}
        for field, value in msg.items():
            if _empty(value) or field in _CHAT_NOISE:
                continue
            if field == "tool_calls" and isinstance(value, list):
                calls.update(tc.get("index", i) if isinstance(tc, Mapping) else i for i, tc in enumerate(value))
            elif field == "function_call":  # the deprecated form: a call only when no tool_calls came
                if isinstance(value, Mapping) and value.get("name"):
                    legacy = True
            elif field == "annotations" and isinstance(value, list):
                for a in value:
                    cites[json.dumps(a, sort_keys=True)] = str((a or {}).get("type") or "annotation")
            elif field == "images" and isinstance(value, list):
                kinds["images"] += len(value)
            elif field == "content" and isinstance(value, str):
                content.append(value)
            elif field in ("content", "refusal", "reasoning", "reasoning_content"):
                kinds[field] = 1
            else:
                kinds[f"message.{field}"] = 1
        for r in chunk.get("search_results") or []:
            search_results[json.dumps(r, sort_keys=True)] = None
        for u in chunk.get("citations") or []:
            urls[json.dumps(u, sort_keys=True)] = None
    text = "".join(content)
    if text.lstrip().startswith("<think>"):  # a reasoning block first (DeepSeek-R1 style hosts, Sonar, MiniMax)
        kinds["think"] = 1
        text = text.split("</think>", 1)[1] if "</think>" in text else ""
    if text.strip():
        kinds["content"] = 1
    if calls or legacy:
        kinds["tool_calls"] += len(calls) or 1
    kinds.update(cites.values())
    if search_results:
        kinds["search_result"] += len(search_results)
    elif urls:
        kinds["citation_url"] += len(urls)
    return kinds


#: Responses ``response`` fields that are the answer's frame, echo the request, or are account bookkeeping;
#: any other field with data is a ``response.<field>`` kind, which must be a key of ``provider_metadata``
_RESPONSES_TOP_KNOWN = frozenset(
    {
        "id",
        "object",
        "created_at",
        "completed_at",
        "status",
        "output",
        "usage",
        "error",
        "incomplete_details",
        "model",
        "instructions",
        "input",
        "tools",
        "tool_choice",
        "temperature",
        "top_p",
        "top_logprobs",
        "frequency_penalty",
        "presence_penalty",
        "max_output_tokens",
        "max_tool_calls",
        "parallel_tool_calls",
        "reasoning",
        "text",
        "truncation",
        "store",
        "background",
        "metadata",
        "user",
        "safety_identifier",
        "prompt_cache_key",
        "prompt_cache_retention",
        "prompt_cache_options",
        "previous_response_id",
        "conversation",
        "prompt",
        "include",
        "billing",
        "output_text",
    }
)


def _responses(body: Mapping[str, Any]) -> Counter[str]:
    """OpenAI Responses output items; a message's content by type, its annotations by type; top-level
    fields beyond the frame and the request's echo as ``response.<field>``."""
    kinds: Counter[str] = Counter()
    for field, value in body.items():
        if field not in _RESPONSES_TOP_KNOWN and not _empty(value):
            kinds[f"response.{field}"] = 1
    for item in body.get("output") or []:
        if not isinstance(item, Mapping):
            continue
        t = str(item.get("type"))
        if t != "message":
            kinds[t] += 1
            continue
        for c in item.get("content") or []:
            if not isinstance(c, Mapping):
                continue
            ct = str(c.get("type"))
            if ct in ("output_text", "refusal"):
                if c.get("text") or c.get("refusal"):
                    kinds[ct] += 1
            else:
                kinds[f"message.{ct}"] += 1
            for a in c.get("annotations") or []:
                kinds[str((a or {}).get("type") or "annotation")] += 1
    return kinds


def _anthropic(blocks: Iterable[Any]) -> Counter[str]:
    kinds: Counter[str] = Counter()
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        t = str(block.get("type"))
        if t == "text" and not block.get("text"):
            continue
        kinds[t] += 1
        for c in block.get("citations") or []:
            kinds[str((c or {}).get("type") or "citation")] += 1
    return kinds


def _anthropic_stream(events: list[Mapping[str, Any]]) -> Counter[str]:
    blocks = [e.get("content_block") for e in events if e.get("type") == "content_block_start"]
    kinds = _anthropic(b for b in blocks if isinstance(b, Mapping) and b.get("type") != "text")
    texts = {
        e.get("index")
        for e in events
        if (e.get("delta") or {}).get("type") == "text_delta" and (e.get("delta") or {}).get("text")
    }
    if texts:
        kinds["text"] += len(texts)
    for e in events:
        delta = e.get("delta") or {}
        if isinstance(delta, Mapping) and delta.get("type") == "citations_delta":
            kinds[str((delta.get("citation") or {}).get("type") or "citation")] += 1
    return kinds


def made_of(response: ChatResponse) -> tuple[Counter[str], Counter[str], set[str]]:
    """What llmcore made: ``(categories, unmapped kinds, kinds warned about)``."""
    made: Counter[str] = Counter()
    for p in response.message.content:
        t: str = p.type
        if t == "text" and not p.text:  # type: ignore[union-attr]
            continue
        if t in ("server_tool_call", "server_tool_result"):
            t = "server_tool"
        made[t] += 1
        if t in ("image", "file"):
            made["media"] += 1
    made["citation"] = len(response.citations)
    made["metadata"] = int(any(k != "unmapped" and v for k, v in (response.provider_metadata or {}).items()))
    unmapped = Counter(
        str(e.get("kind")) for e in (response.provider_metadata or {}).get("unmapped") or [] if isinstance(e, Mapping)
    )
    warned = {w.feature.removeprefix("unmapped:") for w in response.warnings if w.feature.startswith("unmapped:")}
    return made, unmapped, warned


def disappeared(
    kinds: Counter[str], response: ChatResponse, extra: Mapping[str, tuple[str, ...]] | None = None
) -> list[str]:
    """What of the recorded ``kinds`` is neither in ``response``'s parts/citations nor kept as
    unmapped with its warning; one line per problem (empty: nothing disappeared)."""
    extra = extra or {}
    made, unmapped, warned = made_of(response)
    expected: Counter[str] = Counter()
    problems = []
    kept = {k for v in (response.provider_metadata or {}).values() if isinstance(v, Mapping) for k in v}
    for kind, n in sorted(kinds.items()):
        if kind.startswith(("response.", "choice.")) and kind not in extra:
            field = kind.split(".", 1)[1]
            if field not in kept and not unmapped.get(kind):
                problems.append(
                    f"{kind!r}: not kept (the dialect's metadata_fields / choice_metadata_fields keep it in "
                    "provider_metadata[<provider>])"
                )
            continue
        left = n - min(n, unmapped.get(kind, 0))
        if not left:
            continue
        parts = _kind_parts(kind, extra)
        if parts is None:
            problems.append(
                f"{kind!r} x{left}: no part for it and not in provider_metadata['unmapped'] "
                "(map it, keep it with keep_unmapped, or tell answer_kind_parts what it becomes)"
            )
            continue
        for cat in parts:
            expected[cat] += left
    for cat, n in sorted(expected.items()):
        got = made.get(cat, 0)
        if cat in PRESENCE_ONLY:
            if not got:
                problems.append(f"{cat}: the recording has some, the answer has none")
        elif got < n:
            names = sorted(k for k in kinds if cat in (_kind_parts(k, extra) or ()))
            problems.append(f"{cat}: {n} recorded ({', '.join(names)}), {got} in the answer")
    for kind in sorted(set(unmapped) - warned):
        problems.append(f"unmapped {kind!r} kept without an 'unmapped:{kind}' warning")
    return problems
