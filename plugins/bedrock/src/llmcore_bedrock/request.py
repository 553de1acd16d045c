"""ChatRequest → Bedrock Converse request body (and the CountTokens body).

Mapping (shapes from the Bedrock Runtime Smithy model, ``ConverseRequest``):

* system prompt (``system`` + system messages) → ``system: [{"text"}]``;
* user/tool/assistant messages → ``messages`` with ``user``/``assistant``
  roles; consecutive messages of the same role are merged (Bedrock wants the
  roles to alternate); ``role: tool`` results go into a ``user`` message;
* parts: text → ``{"text"}``; image (inline base64) → ``{"image": {format,
  source: {bytes}}}``; file → ``{"document": {format, name, source: {bytes}}}``;
  tool call → ``{"toolUse": {toolUseId, name, input}}``; tool result →
  ``{"toolResult": {toolUseId, content, status?}}`` (``status: "error"`` when
  ``is_error``); reasoning produced by Bedrock → ``{"reasoningContent":
  {"reasoningText": {text, signature}}}`` or ``{"redactedContent"}``;
  server-tool parts produced by Bedrock (Nova web grounding's ``toolUse`` /
  ``toolResult``) → the blocks they came from (``part.data``); a text part
  with Bedrock citations → ``text`` and ``citationsContent`` blocks, one per
  cited span, as the answer had them (citations without a span, such as
  Nova's web citations, are not sent: the text is); server-tool parts of
  another provider are left out with a ``foreign_part`` warning;
* ``tools`` → ``toolConfig.tools[].toolSpec`` (``inputSchema.json``, ``strict``
  when set); ``tool_choice`` auto/required/tool → ``{"auto"}``/``{"any"}``/
  ``{"tool": {name}}``; ``none`` → no ``toolConfig`` at all when the history
  has no tool blocks (so no tool can be called), else a warning;
* ``max_tokens``/``temperature``/``top_p``/``stop`` → ``inferenceConfig``;
* ``response_format`` json_schema → ``outputConfig.textFormat`` (native
  structured output);
* prompt-cache breakpoints (:mod:`llmcore.promptcache`): ``Message.cache_point``
  → a ``{"cachePoint": {"type": "default"[, "ttl"]}}`` block after the
  message's blocks (after its text in ``system`` for a system message);
  ``cache_prompt`` → after the system prompt, else after the tools
  (``toolConfig.tools``), else after the last message. More than four, or a
  ``1h`` one after a shorter one, is refused before sending;
* ``provider_options["bedrock"]``: ``additionalModelRequestFields`` (e.g.
  Claude's ``thinking``), ``guardrailConfig``, ``performanceConfig``,
  ``requestMetadata``, ``promptVariables``,
  ``additionalModelResponseFieldPaths``, ``serviceTier`` — passed through as given.

What Bedrock cannot take becomes a :class:`CallWarning` (or
:class:`UnsupportedFeatureError` when ``request.strict``): ``seed``,
``reasoning_effort`` (model-specific: use ``additionalModelRequestFields``),
``response_format`` ``json_object``, reasoning produced by another provider.
Inputs Bedrock cannot represent at all (an image URL, an unknown media type,
an unknown provider option) are an :class:`InvalidRequestError` before any
network call.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any
from urllib.parse import quote

from llmcore.errors import InvalidRequestError, UnsupportedFeatureError
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
    "PROVIDER_OPTIONS",
    "build_converse_body",
    "build_count_tokens_body",
    "model_path",
]

#: Converse request members a caller may pass in ``provider_options["bedrock"]``, with their JSON type.
PROVIDER_OPTIONS: dict[str, type] = {
    "additionalModelRequestFields": dict,
    "guardrailConfig": dict,
    "performanceConfig": dict,
    "requestMetadata": dict,
    "promptVariables": dict,
    "additionalModelResponseFieldPaths": list,
    "serviceTier": dict,
}

_IMAGE_FORMATS = {
    "image/png": "png",
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/gif": "gif",
    "image/webp": "webp",
}
_DOC_FORMATS = {
    "application/pdf": "pdf",
    "text/csv": "csv",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/html": "html",
    "text/plain": "txt",
    "text/markdown": "md",
}
_DOC_NAME_BAD = re.compile(r"[^A-Za-z0-9 \-()\[\]]+")


def model_path(model: str, operation: str) -> str:
    """``/model/{modelId}/{operation}`` with the model id percent-encoded as
    one path segment (ids contain ``:``, ARNs also ``/``)."""
    if not model or not model.strip():
        raise InvalidRequestError("bedrock needs a model id, e.g. 'us.amazon.nova-micro-v1:0'", provider="bedrock")
    return f"/model/{quote(model, safe='')}/{operation}"


def _image(p: ImagePart) -> dict[str, Any]:
    if p.data is None:
        raise UnsupportedFeatureError(
            "Bedrock Converse takes images as bytes, not URLs: pass the image as base64 data", provider="bedrock"
        )
    fmt = _IMAGE_FORMATS.get((p.media_type or "").lower())
    if fmt is None:
        raise InvalidRequestError(
            f"image media type {p.media_type!r} is not supported by Bedrock (png, jpeg, gif, webp)",
            provider="bedrock",
        )
    return {"image": {"format": fmt, "source": {"bytes": p.data}}}


def _document(p: FilePart, n: int) -> dict[str, Any]:
    if p.data is None:
        raise UnsupportedFeatureError(
            "Bedrock Converse takes documents as bytes, not URLs: pass the file as base64 data", provider="bedrock"
        )
    fmt = _DOC_FORMATS.get(p.media_type.lower())
    if fmt is None:
        raise InvalidRequestError(
            f"document media type {p.media_type!r} is not supported by Bedrock "
            f"({', '.join(sorted(set(_DOC_FORMATS.values())))})",
            provider="bedrock",
        )
    stem = (p.filename or "").rsplit(".", 1)[0]
    name = re.sub(r"\s+", " ", _DOC_NAME_BAD.sub(" ", stem)).strip() or f"document-{n}"
    return {"document": {"format": fmt, "name": name, "source": {"bytes": p.data}}}


def _tool_result(p: ToolResultPart) -> dict[str, Any]:
    if isinstance(p.content, str):
        content: list[dict[str, Any]] = [{"text": p.content}]
    else:
        content = [{"text": c.text} if isinstance(c, TextPart) else _image(c) for c in p.content]
    block: dict[str, Any] = {"toolUseId": p.tool_call_id, "content": content}
    if p.is_error:
        block["status"] = "error"
    return {"toolResult": block}


def _reasoning(p: ReasoningPart, warn: CallWarnings) -> dict[str, Any] | None:
    if p.provider not in (None, "bedrock"):
        warn.add("reasoning", f"reasoning produced by {p.provider} cannot be sent to Bedrock and was left out")
        return None
    if p.redacted or (p.data is not None and not p.text):
        if not isinstance(p.data, str):
            warn.add("reasoning", "redacted reasoning without its data cannot be sent back and was left out")
            return None
        return {"reasoningContent": {"redactedContent": p.data}}
    text: dict[str, Any] = {"text": p.text}
    if p.signature:
        text["signature"] = p.signature
    return {"reasoningContent": {"reasoningText": text}}


def _server_block(p: ServerToolCallPart | ServerToolResultPart, warn: CallWarnings) -> dict[str, Any] | None:
    """The ``toolUse`` / ``toolResult`` block a Bedrock server-tool part came from (rebuilt from its
    fields when it has no ``data``); another provider's part is left out with a warning."""
    if foreign_part(p, "bedrock"):
        warn.add(
            "foreign_part",
            f"a {p.name} {p.type} part from {p.provider} was left out: Bedrock cannot take another provider's "
            "server-side tool output",
        )
        return None
    if isinstance(p.data, dict) and ("toolUse" in p.data or "toolResult" in p.data):
        return copy.deepcopy(p.data)
    if isinstance(p, ServerToolCallPart):
        return {"toolUse": {"toolUseId": p.id, "name": p.name, "input": p.input, "type": "server_tool_use"}}
    content = p.content if isinstance(p.content, list) else [{"text": str(p.content)}]
    block: dict[str, Any] = {"toolUseId": p.call_id, "content": content}
    if p.is_error:
        block["status"] = "error"
    return {"toolResult": block}


def _messages(request: ChatRequest, warn: CallWarnings) -> tuple[list[dict[str, Any]], bool]:
    out: list[dict[str, Any]] = []
    has_tool_blocks = False
    docs = 0
    for i, m in enumerate(request.messages):
        if m.role == "system":
            continue
        role = "assistant" if m.role == "assistant" else "user"
        blocks: list[dict[str, Any]] = []
        offset = 0  # where each text part starts in the message's text (citation spans index it)
        for p in m.content:
            if isinstance(p, TextPart):
                if p.citations and m.role == "assistant":
                    blocks.extend(text_blocks(p, offset, ("bedrock",)))
                elif p.text:
                    blocks.append({"text": p.text})
                offset += len(p.text)
            elif isinstance(p, (ServerToolCallPart, ServerToolResultPart)):
                server = _server_block(p, warn)
                if server is not None:
                    blocks.append(server)
            elif isinstance(p, ToolCallPart):
                has_tool_blocks = True
                blocks.append({"toolUse": {"toolUseId": p.id, "name": p.name, "input": p.arguments}})
            elif isinstance(p, ToolResultPart):
                has_tool_blocks = True
                blocks.append(_tool_result(p))
            elif isinstance(p, ImagePart):
                blocks.append(_image(p))
            elif isinstance(p, FilePart):
                docs += 1
                blocks.append(_document(p, docs))
            elif isinstance(p, ReasoningPart):
                block = _reasoning(p, warn)
                if block is not None:
                    blocks.append(block)
        if not blocks:
            if m.role == "assistant" and m.content:
                continue  # only reasoning that could not be sent; warned above
            raise InvalidRequestError(f"message {i} ({m.role}) has no content to send", provider="bedrock")
        if m.cache_point is not None:
            blocks.append(cache_point_block(m.cache_point))
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    return out, has_tool_blocks


def _tool_config(request: ChatRequest, has_tool_blocks: bool, warn: CallWarnings) -> dict[str, Any] | None:
    if not request.tools:
        if request.tool_choice is not None and request.tool_choice.mode in ("required", "tool"):
            raise InvalidRequestError("tool_choice needs tools", provider="bedrock")
        return None
    choice = request.tool_choice
    if choice is not None and choice.mode == "none":
        if not has_tool_blocks:
            return None  # no tools offered, so none can be called: 'none' honoured exactly
        warn.add(
            "tool_choice",
            "Bedrock has no 'none' tool choice; the conversation has tool blocks, so tools were "
            "sent and the model may still call one",
        )
        choice = None
    tools = []
    for t in request.tools:
        spec: dict[str, Any] = {"name": t.name, "inputSchema": {"json": t.parameters}}
        if t.description:
            spec["description"] = t.description
        if t.strict:
            spec["strict"] = True
        tools.append({"toolSpec": spec})
    cfg: dict[str, Any] = {"tools": tools}
    if choice is not None:
        if choice.mode == "auto":
            cfg["toolChoice"] = {"auto": {}}
        elif choice.mode == "required":
            cfg["toolChoice"] = {"any": {}}
        elif choice.mode == "tool":
            cfg["toolChoice"] = {"tool": {"name": choice.name}}
    return cfg


def cache_point_block(point: CachePoint) -> dict[str, Any]:
    """Bedrock's ``cachePoint`` block for a breakpoint (no ``ttl``: Bedrock's default, 5 minutes)."""
    return {"cachePoint": {"type": "default", "ttl": point.ttl} if point.ttl else {"type": "default"}}


def _place_cache(body: dict[str, Any], request: ChatRequest) -> None:
    """The system prompt's breakpoints and ``cache_prompt`` (message breakpoints are placed by
    :func:`_messages`); then the checks of :func:`llmcore.promptcache.check_breakpoints`."""
    from llmcore.promptcache import check_breakpoints, prompt_target

    cp = request.cache_prompt
    if any(m.role == "system" and m.cache_point is not None for m in request.messages):
        system: list[dict[str, Any]] = [{"text": request.system}] if request.system else []
        for m in request.messages:
            if m.role == "system" and m.text:
                system.append({"text": m.text})
                if m.cache_point is not None:
                    system.append(cache_point_block(m.cache_point))
        body["system"] = system
    tools = body.get("toolConfig", {}).get("tools")
    if cp is not None:
        target = prompt_target(request, has_system="system" in body, has_tools=bool(tools))
        where = {"system": body.get("system"), "tools": tools}.get(target) or body["messages"][-1]["content"]
        if where and "cachePoint" in where[-1]:
            where[-1] = cache_point_block(cp)  # the same place: one breakpoint, cache_prompt's
        else:
            where.append(cache_point_block(cp))
    # what was placed, in prompt order (tools, system, messages)
    blocks = [*(tools or ()), *body.get("system", ()), *(b for turn in body["messages"] for b in turn["content"])]
    points = [CachePoint(ttl=b["cachePoint"].get("ttl")) for b in blocks if "cachePoint" in b]
    check_breakpoints(points, "bedrock")


def _system(request: ChatRequest) -> list[dict[str, Any]] | None:
    text = request.system_text()
    return [{"text": text}] if text and text.strip() else None


def _provider_options(request: ChatRequest) -> dict[str, Any]:
    opts = request.options_for("bedrock")
    unknown = sorted(set(opts) - set(PROVIDER_OPTIONS))
    if unknown:
        raise InvalidRequestError(
            f"unknown provider_options for bedrock: {', '.join(unknown)}; known: {', '.join(PROVIDER_OPTIONS)}",
            provider="bedrock",
        )
    for k, v in opts.items():
        if not isinstance(v, PROVIDER_OPTIONS[k]):
            raise InvalidRequestError(
                f"provider_options bedrock.{k} must be a JSON {PROVIDER_OPTIONS[k].__name__}", provider="bedrock"
            )
    return dict(opts)


def build_converse_body(request: ChatRequest) -> tuple[dict[str, Any], list[CallWarning]]:
    """The Converse / ConverseStream request body (the same for both) and the
    warnings for what could not be honoured. Raises before any network call
    on input Bedrock cannot represent."""
    warn = CallWarnings(request.strict, "bedrock")
    messages, has_tool_blocks = _messages(request, warn)
    if not messages:
        raise InvalidRequestError("bedrock needs at least one user or assistant message", provider="bedrock")
    body: dict[str, Any] = {"messages": messages}
    system = _system(request)
    if system:
        body["system"] = system
    inference: dict[str, Any] = {}
    if request.max_tokens is not None:
        inference["maxTokens"] = request.max_tokens
    if request.temperature is not None:
        inference["temperature"] = request.temperature
    if request.top_p is not None:
        inference["topP"] = request.top_p
    if request.stop:
        inference["stopSequences"] = list(request.stop)
    if inference:
        body["inferenceConfig"] = inference
    tool_config = _tool_config(request, has_tool_blocks, warn)
    if tool_config:
        body["toolConfig"] = tool_config
    if request.builtin_tools:  # before the cache points: one may close the tool list
        from .builtin import system_tools

        body.setdefault("toolConfig", {}).setdefault("tools", []).extend(system_tools(request, warn))
    if asks_for_cache(request):
        _place_cache(body, request)
    rf = request.response_format
    if rf is not None and rf.type == "json_schema":
        if not rf.json_schema:
            raise InvalidRequestError("response_format json_schema needs a schema", provider="bedrock")
        body["outputConfig"] = {
            "textFormat": {
                "type": "json_schema",
                "structure": {"jsonSchema": {"schema": json.dumps(rf.json_schema), "name": rf.name}},
            }
        }
    elif rf is not None and rf.type == "json_object":
        warn.add("response_format", "Bedrock has no schema-less JSON mode; give a json_schema")
    if request.seed is not None:
        warn.add("seed", "Bedrock Converse has no seed parameter")
    if request.reasoning_effort is not None:
        warn.add(
            "reasoning_effort",
            "Bedrock has no portable reasoning switch; pass the model's own setting in "
            "provider_options={'bedrock': {'additionalModelRequestFields': {...}}}",
        )
    body.update(_provider_options(request))
    return body, warn.items


def build_count_tokens_body(request: ChatRequest) -> dict[str, Any]:
    """The CountTokens body: ``{"input": {"converse": {messages, system,
    toolConfig, additionalModelRequestFields}}}`` (the members CountTokens
    accepts; inference settings do not change the input count)."""
    body, _ = build_converse_body(request.model_copy(update={"strict": False}))
    converse = {k: body[k] for k in ("messages", "system", "toolConfig", "additionalModelRequestFields") if k in body}
    return {"input": {"converse": converse}}
