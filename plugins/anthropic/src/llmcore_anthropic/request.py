"""llmcore :class:`~llmcore.types.ChatRequest` → Anthropic Messages API body.

Contract (``POST /v1/messages``, ``POST /v1/messages/count_tokens``):

* ``system`` and every system-role message become the top-level ``system``
  string (joined by blank lines, in order).
* Turns alternate as the API requires: ``tool`` messages become ``user`` turns
  of ``tool_result`` blocks, and consecutive turns of the same role are merged
  into one (inside a user turn the ``tool_result`` blocks are put first, as the
  API demands). Empty text parts are not sent (the API rejects them).
* Assistant tool calls → ``tool_use``; tool results → ``tool_result``
  (``is_error`` when set); images → ``image`` blocks with a ``base64`` or
  ``url`` source; PDFs and plain text files → ``document`` blocks.
* Reasoning parts produced by Anthropic are sent back as ``thinking`` blocks
  with their ``signature``, or ``redacted_thinking`` blocks with their
  ``data``. Reasoning produced by another provider (``part.provider`` set to
  another name) is dropped: Anthropic cannot verify it. An unsigned reasoning
  part cannot be sent and is dropped with a warning.
* Server-tool parts (:class:`ServerToolCallPart` / :class:`ServerToolResultPart`)
  of this provider go back as the blocks they came from (``part.data``:
  ``server_tool_use``, ``*_tool_result`` …), in order; a text part's
  citations of this provider go back on its text blocks (one block per cited
  span, as the answer had them; see :func:`.blocks.text_blocks`). Server-tool
  parts of another provider are left out with a warning (``foreign_part``).
* ``max_tokens`` is required by Anthropic. When the request has none,
  :data:`DEFAULT_MAX_TOKENS` (4096, or the provider's ``default_max_tokens``
  option) is sent; with extended thinking enabled the thinking budget is added
  on top, so the answer still gets the default. An explicit ``max_tokens``
  that does not exceed the thinking budget is rejected before sending.
* ``temperature`` (Anthropic's range is 0-1: higher values are clamped to 1
  with a warning), ``top_p``, ``stop`` → ``stop_sequences``; ``seed`` is not
  supported (warning).
* ``tools`` → ``input_schema``; ``tool_choice`` ``auto``/``none``/``required``
  (``any``)/``tool``.
* ``response_format`` ``json_schema`` → native structured output
  (``output_config.format``); object schemas get ``additionalProperties:
  false`` where they do not say, as the API requires. ``json_object`` has no
  Anthropic equivalent (warning; pass a schema instead).
* ``reasoning_effort`` → extended thinking (``thinking: {type: enabled,
  budget_tokens}``, see :data:`EFFORT_BUDGETS`), unless
  ``provider_options["anthropic"]["thinking"]`` says otherwise.
* Prompt-cache breakpoints (:mod:`llmcore.promptcache`): ``Message.cache_point``
  → ``cache_control: {type: ephemeral[, ttl]}`` on the message's last block
  (not a thinking block); on a system message, ``system`` is sent as text
  blocks and the mark goes on that message's block. ``cache_prompt`` → on the
  last system block, else the last tool, else the last message's last block.
  More than four breakpoints, or a ``1h`` one after a shorter one, is refused
  before sending (:func:`llmcore.promptcache.check_breakpoints`).
* ``provider_options["anthropic"]`` is merged into the body last and untouched
  (``cache_control``, ``metadata``, ``thinking``, ``top_k``, …): a dict is
  merged key by key into ours (a dict with a different ``type`` replaces ours
  whole), any other value replaces ours.

A parameter that cannot be honoured becomes a :class:`CallWarning`, or an
:class:`~llmcore.errors.UnsupportedFeatureError` when ``request.strict``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from llmcore.errors import InvalidRequestError
from llmcore.pluginkit import CallWarnings, foreign_part
from llmcore.promptcache import asks_for_cache
from llmcore.types import (
    CachePoint,
    CallWarning,
    ChatRequest,
    FilePart,
    ImagePart,
    ReasoningPart,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

from .blocks import text_blocks

__all__ = [
    "COUNT_TOKENS_FIELDS",
    "DEFAULT_MAX_TOKENS",
    "EFFORT_BUDGETS",
    "build_count_tokens_body",
    "build_messages_body",
    "convert_messages",
    "strict_json_schema",
]

#: ``max_tokens`` sent when the request sets none (Anthropic requires the field).
DEFAULT_MAX_TOKENS = 4096

#: ``reasoning_effort`` → extended-thinking budget (tokens; the API minimum is 1024).
EFFORT_BUDGETS: dict[str, int] = {"minimal": 1024, "low": 2048, "medium": 8192, "high": 16384}

#: Top-level fields ``/v1/messages/count_tokens`` accepts (its schema forbids others).
COUNT_TOKENS_FIELDS = frozenset(
    {"model", "messages", "system", "tools", "tool_choice", "thinking", "output_config", "cache_control"}
)

_IMAGE_MAGIC = (
    ("iVBORw0KGgo", "image/png"),
    ("/9j/", "image/jpeg"),
    ("R0lGOD", "image/gif"),
    ("UklGR", "image/webp"),
)


# -- content ---------------------------------------------------------------------


def _image_block(p: ImagePart) -> dict[str, Any]:
    if p.url is not None:
        if p.url.startswith("data:"):
            header, _, data = p.url.partition(",")
            media = header[5:].split(";")[0] or p.media_type
            return _base64_image(data, media)
        return {"type": "image", "source": {"type": "url", "url": p.url}}
    return _base64_image(p.data or "", p.media_type)


def _base64_image(data: str, media_type: str | None) -> dict[str, Any]:
    if not media_type:
        media_type = next((m for magic, m in _IMAGE_MAGIC if data.startswith(magic)), None)
        if media_type is None:
            raise InvalidRequestError(
                "an inline image needs a media_type (image/png, image/jpeg, image/gif or image/webp)",
                provider="anthropic",
            )
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


def _document_block(p: FilePart, warn: CallWarnings) -> dict[str, Any] | None:
    if p.media_type == "application/pdf":
        if p.url is not None:
            source: dict[str, Any] = {"type": "url", "url": p.url}
        else:
            source = {"type": "base64", "media_type": "application/pdf", "data": p.data or ""}
    elif p.media_type == "text/plain" and p.data is not None:
        import base64
        import binascii

        try:
            text = base64.b64decode(p.data, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            text = p.data  # already plain text
        source = {"type": "text", "media_type": "text/plain", "data": text}
    else:
        warn.add("file", f"Anthropic accepts PDF and plain-text documents, not {p.media_type!r}; the file was not sent")
        return None
    block: dict[str, Any] = {"type": "document", "source": source}
    if p.filename:
        block["title"] = p.filename
    return block


def _tool_result_block(p: ToolResultPart) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_result", "tool_use_id": p.tool_call_id}
    if isinstance(p.content, str):
        if p.content:
            block["content"] = p.content
    else:
        inner = []
        for c in p.content:
            if isinstance(c, TextPart):
                if c.text:
                    inner.append({"type": "text", "text": c.text})
            else:
                inner.append(_image_block(c))
        if inner:
            block["content"] = inner
    if p.is_error:
        block["is_error"] = True
    return block


def _reasoning_block(p: ReasoningPart, provider: str, warn: CallWarnings) -> dict[str, Any] | None:
    if p.provider is not None and p.provider != provider:
        return None  # another provider's reasoning: Anthropic cannot verify it
    if p.redacted:
        if isinstance(p.data, str) and p.data:
            return {"type": "redacted_thinking", "data": p.data}
        warn.add("reasoning", "a redacted reasoning part without its data cannot be sent back; it was dropped")
        return None
    if p.signature:
        return {"type": "thinking", "thinking": p.text, "signature": p.signature}
    if p.text:
        warn.add("reasoning", "a reasoning part without a signature cannot be sent back to Anthropic; it was dropped")
    return None


def _server_block(
    p: ServerToolCallPart | ServerToolResultPart, provider: str, warn: CallWarnings
) -> dict[str, Any] | None:
    """The block a server-tool part came from (``data``), rebuilt from its fields when it has none."""
    if foreign_part(p, provider):
        warn.add(
            "foreign_part",
            f"a {p.name} {p.type} part from {p.provider} was left out: {provider} cannot take another "
            "provider's server-side tool output",
        )
        return None
    if isinstance(p.data, Mapping) and p.data.get("type"):
        return copy.deepcopy(dict(p.data))
    if isinstance(p, ServerToolCallPart):
        return {"type": "server_tool_use", "id": p.id, "name": p.name, "input": p.input}
    return {"type": f"{p.name}_tool_result", "tool_use_id": p.call_id, "content": p.content}


def cache_control(point: CachePoint) -> dict[str, Any]:
    """Anthropic's ``cache_control`` for a breakpoint (no ``ttl``: the API's default, 5 minutes)."""
    return {"type": "ephemeral", "ttl": point.ttl} if point.ttl else {"type": "ephemeral"}


#: blocks that cannot carry ``cache_control`` (the API rejects it there)
_UNCACHEABLE = frozenset({"thinking", "redacted_thinking"})


def _mark_last(blocks: list[dict[str, Any]], point: CachePoint) -> None:
    """Put the breakpoint on the last block that can carry one."""
    for b in reversed(blocks):
        if b.get("type") not in _UNCACHEABLE:
            b["cache_control"] = cache_control(point)
            return


def convert_messages(request: ChatRequest, provider: str, warn: CallWarnings) -> list[dict[str, Any]]:
    """The ``messages`` array: alternating turns, system messages left out."""
    out: list[dict[str, Any]] = []
    for m in request.messages:
        if m.role == "system":
            continue
        blocks: list[dict[str, Any]] = []
        if m.role == "assistant":
            role = "assistant"
            offset = 0  # where each text part starts in the message's text (citation spans index it)
            for p in m.content:
                if isinstance(p, TextPart):
                    if p.citations:
                        blocks.extend(text_blocks(p, offset, (provider,)))
                    elif p.text:
                        blocks.append({"type": "text", "text": p.text})
                    offset += len(p.text)
                elif isinstance(p, (ServerToolCallPart, ServerToolResultPart)):
                    b = _server_block(p, provider, warn)
                    if b is not None:
                        blocks.append(b)
                elif isinstance(p, ToolCallPart):
                    blocks.append({"type": "tool_use", "id": p.id, "name": p.name, "input": p.arguments})
                elif isinstance(p, ReasoningPart):
                    b = _reasoning_block(p, provider, warn)
                    if b is not None:
                        blocks.append(b)
                else:
                    warn.add(p.type, f"Anthropic does not accept {p.type} parts in assistant turns; it was not sent")
        else:
            role = "user"
            for p in m.content:
                if isinstance(p, TextPart):
                    if p.text:
                        blocks.append({"type": "text", "text": p.text})
                elif isinstance(p, ToolResultPart):
                    blocks.append(_tool_result_block(p))
                elif isinstance(p, ImagePart):
                    blocks.append(_image_block(p))
                elif isinstance(p, FilePart):
                    b = _document_block(p, warn)
                    if b is not None:
                        blocks.append(b)
        if not blocks:
            continue
        if m.cache_point is not None:
            _mark_last(blocks, m.cache_point)
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    for turn in out:  # tool results must open a user turn
        content = turn["content"]
        if turn["role"] == "user" and len(content) > 1:
            results = [b for b in content if b["type"] == "tool_result"]
            if results and len(results) < len(content):
                turn["content"] = results + [b for b in content if b["type"] != "tool_result"]
    return out


# -- schemas and tools ---------------------------------------------------------------


def strict_json_schema(schema: Any) -> Any:
    """A copy of ``schema`` where every object schema that does not say
    otherwise has ``additionalProperties: false`` (required by Anthropic's
    structured outputs and strict tools)."""
    if isinstance(schema, list):
        return [strict_json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for k, v in schema.items():
        if k in ("properties", "$defs", "definitions", "patternProperties") and isinstance(v, dict):
            out[k] = {name: strict_json_schema(s) for name, s in v.items()}
        elif k in ("items", "additionalProperties", "not", "if", "then", "else", "contains"):
            out[k] = strict_json_schema(v)
        elif k in ("anyOf", "oneOf", "allOf", "prefixItems") and isinstance(v, list):
            out[k] = [strict_json_schema(s) for s in v]
        else:
            out[k] = v
    is_object = out.get("type") == "object" or (isinstance(out.get("type"), list) and "object" in out["type"])
    if (is_object or "properties" in out) and "additionalProperties" not in out:
        out["additionalProperties"] = False
    return out


def _tools(request: ChatRequest) -> list[dict[str, Any]]:
    tools = []
    for t in request.tools or ():
        schema = t.parameters or {"type": "object", "properties": {}}
        tool: dict[str, Any] = {"name": t.name}
        if t.description:
            tool["description"] = t.description
        if t.strict:
            tool["input_schema"] = strict_json_schema(schema)
            tool["strict"] = True
        else:
            tool["input_schema"] = schema
            if t.strict is False:
                tool["strict"] = False
        tools.append(tool)
    return tools


def _tool_choice(request: ChatRequest) -> dict[str, Any] | None:
    tc = request.tool_choice
    if tc is None:
        return None
    if not request.tools:
        if tc.mode in ("required", "tool"):
            raise InvalidRequestError(f"tool_choice={tc.mode!r} needs tools", provider="anthropic")
        return None
    if tc.mode == "required":
        return {"type": "any"}
    if tc.mode == "tool":
        return {"type": "tool", "name": tc.name}
    return {"type": tc.mode}


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``extra`` into ``base`` in place (see the module docstring)."""
    for k, v in extra.items():
        cur = base.get(k)
        if isinstance(v, Mapping) and isinstance(cur, dict) and v.get("type", cur.get("type")) == cur.get("type"):
            _merge(cur, v)
        else:
            base[k] = copy.deepcopy(v)
    return base


# -- bodies --------------------------------------------------------------------------


def _common(request: ChatRequest, provider: str, warn: CallWarnings) -> dict[str, Any]:
    body: dict[str, Any] = {"model": request.model, "messages": convert_messages(request, provider, warn)}
    system = request.system_text()
    if system:
        body["system"] = system
    if request.tools:
        body["tools"] = _tools(request)
    if request.builtin_tools:
        from .builtin import builtin_tool_entries

        server_tools, mcp_servers = builtin_tool_entries(request, provider)
        if server_tools:
            body["tools"] = [*body.get("tools", ()), *server_tools]
        if mcp_servers:
            body["mcp_servers"] = mcp_servers
    if asks_for_cache(request):
        _place_cache(body, request, provider)
    tc = _tool_choice(request)
    if tc is not None:
        body["tool_choice"] = tc
    rf = request.response_format
    if rf is not None:
        if rf.type == "json_schema":
            if not rf.json_schema:
                raise InvalidRequestError("response_format json_schema needs a schema", provider=provider)
            body["output_config"] = {"format": {"type": "json_schema", "schema": strict_json_schema(rf.json_schema)}}
        elif rf.type == "json_object":
            warn.add(
                "response_format",
                "Anthropic has no JSON mode without a schema; pass a json_schema response_format instead",
            )
    options = request.options_for(provider)
    if request.reasoning_effort is not None and "thinking" not in options:
        body["thinking"] = {"type": "enabled", "budget_tokens": EFFORT_BUDGETS[request.reasoning_effort]}
    return body


def _place_cache(body: dict[str, Any], request: ChatRequest, provider: str) -> None:
    """``cache_control`` for the system prompt and ``cache_prompt`` (message breakpoints are
    placed by :func:`convert_messages`); then the checks of :func:`check_breakpoints`."""
    from llmcore.promptcache import check_breakpoints, prompt_target

    system_marked = any(m.role == "system" and m.cache_point is not None for m in request.messages)
    cp = request.cache_prompt
    target = prompt_target(request, has_system="system" in body, has_tools=bool(body.get("tools")))
    if system_marked or (cp is not None and target == "system"):
        blocks: list[dict[str, Any]] = [{"type": "text", "text": request.system}] if request.system else []
        for m in request.messages:
            if m.role == "system" and m.text:
                blocks.append({"type": "text", "text": m.text})
                if m.cache_point is not None:
                    blocks[-1]["cache_control"] = cache_control(m.cache_point)
        if cp is not None and target == "system":
            blocks[-1]["cache_control"] = cache_control(cp)
        body["system"] = blocks
    if cp is not None and target == "tools":
        body["tools"][-1] = {**body["tools"][-1], "cache_control": cache_control(cp)}
    elif cp is not None and target == "last" and body["messages"]:
        _mark_last(body["messages"][-1]["content"], cp)
    # what was placed, in prompt order (tools, system, messages): one mark per block
    marked = [*body.get("tools", ()), *(body["system"] if isinstance(body.get("system"), list) else ())]
    marked += [b for turn in body["messages"] for b in turn["content"]]
    points = [CachePoint(ttl=b["cache_control"].get("ttl")) for b in marked if "cache_control" in b]
    check_breakpoints(points, provider)


def build_messages_body(
    request: ChatRequest,
    *,
    stream: bool,
    provider: str = "anthropic",
    default_max_tokens: int = DEFAULT_MAX_TOKENS,
) -> tuple[dict[str, Any], list[CallWarning]]:
    """The ``/v1/messages`` body for ``request`` and the warnings it implies.

    Raises :class:`~llmcore.errors.InvalidRequestError` for input Anthropic
    would reject for sure, and :class:`~llmcore.errors.UnsupportedFeatureError`
    in strict mode for anything that would otherwise be a warning."""
    warn = CallWarnings(request.strict, "anthropic")
    body = _common(request, provider, warn)
    if request.temperature is not None:
        t = request.temperature
        if t > 1.0:
            warn.add("temperature", f"Anthropic's temperature range is 0-1; {t} was sent as 1.0")
            t = 1.0
        body["temperature"] = t
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop:
        body["stop_sequences"] = list(request.stop)
    if request.seed is not None:
        warn.add("seed", "Anthropic does not support a sampling seed; it was not sent")
    options = request.options_for(provider)
    _merge(body, options)
    thinking = body.get("thinking")
    budget = 0
    if isinstance(thinking, dict) and thinking.get("type") == "enabled":
        budget = int(thinking.get("budget_tokens") or 0)
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    elif "max_tokens" not in body:
        body["max_tokens"] = default_max_tokens + budget
    if budget and body["max_tokens"] <= budget:
        raise InvalidRequestError(
            f"max_tokens ({body['max_tokens']}) must be greater than the thinking budget ({budget})",
            provider=provider,
        )
    if stream:
        body["stream"] = True
    else:
        body.pop("stream", None)
    return body, warn.items


def build_count_tokens_body(request: ChatRequest, *, provider: str = "anthropic") -> dict[str, Any]:
    """The ``/v1/messages/count_tokens`` body: the same mapping as
    :func:`build_messages_body` restricted to the fields that endpoint takes
    (sampling settings, ``max_tokens`` and ``stream`` do not change the count)."""
    warn = CallWarnings(False, "anthropic")
    body = _common(request, provider, warn)
    _merge(body, {k: v for k, v in request.options_for(provider).items() if k in COUNT_TOKENS_FIELDS})
    return {k: v for k, v in body.items() if k in COUNT_TOKENS_FIELDS}
