"""ChatRequest → Workers AI ``ai/run`` input (the body of
``POST /accounts/{account_id}/ai/run/{model}``).

Text generation models take ``messages`` (``system``/``user``/``assistant``/
``tool`` roles, string ``content``), ``max_tokens``, ``temperature``,
``top_p``, ``seed``, ``stream`` and, for function-calling models, ``tools``
as ``{name, description, parameters}`` ("traditional" function calling,
https://developers.cloudflare.com/workers-ai/function-calling/traditional/).

What this mapping cannot express becomes a :class:`~llmcore.types.CallWarning`
(or :class:`~llmcore.errors.UnsupportedFeatureError` when ``request.strict``):
``stop``, ``response_format``, ``reasoning_effort``, a forced ``tool_choice``,
and image/file parts. ``provider_options["cloudflare"]`` is merged into the
body last, untouched (e.g. ``top_k``, ``repetition_penalty``, ``lora``).
"""

from __future__ import annotations

import json
from typing import Any

from llmcore.pluginkit import CallWarnings
from llmcore.types import (
    CallWarning,
    ChatRequest,
    FilePart,
    ImagePart,
    ReasoningPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

__all__ = ["build_body"]


def _text(parts: list[Any]) -> str:
    return "".join(p.text for p in parts if isinstance(p, TextPart))


def _messages(request: ChatRequest, warnings: CallWarnings) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    system = request.system_text()
    if system:
        out.append({"role": "system", "content": system})
    names: dict[str, str] = {}  # tool call id → tool name, for the tool messages
    dropped_media = dropped_reasoning = False
    for m in request.messages:
        if m.role == "system":
            continue  # folded into the system message above
        results = [p for p in m.content if isinstance(p, ToolResultPart)]
        if any(isinstance(p, (ImagePart, FilePart)) for p in m.content):
            dropped_media = True
        if m.role == "assistant":
            if any(isinstance(p, ReasoningPart) for p in m.content):
                dropped_reasoning = True
            text = _text(m.content)
            calls = [p for p in m.content if isinstance(p, ToolCallPart)]
            msg: dict[str, Any] = {"role": "assistant", "content": text}
            if calls:
                for c in calls:
                    names[c.id] = c.name
                msg["tool_calls"] = [
                    {
                        "id": c.id,
                        "type": "function",
                        "function": {"name": c.name, "arguments": c.raw_arguments or json.dumps(c.arguments)},
                    }
                    for c in calls
                ]
                if not text:
                    # Models that only read `content` still see which call was made.
                    msg["content"] = json.dumps(
                        [{"name": c.name, "parameters": c.arguments} for c in calls]
                        if len(calls) > 1
                        else {"name": calls[0].name, "parameters": calls[0].arguments},
                        separators=(",", ":"),
                    )
            out.append(msg)
            continue
        for r in results:
            tool_msg: dict[str, Any] = {"role": "tool", "content": r.text(), "tool_call_id": r.tool_call_id}
            name = r.name or names.get(r.tool_call_id)
            if name:
                tool_msg["name"] = name
            out.append(tool_msg)
        text = _text(m.content)
        if text:
            out.append({"role": m.role, "content": text})
    if dropped_media:
        warnings.add("vision", "image and file parts are not sent: this plugin does not support vision input")
    if dropped_reasoning:
        warnings.add("reasoning", "reasoning parts of earlier turns are not sent back to Workers AI")
    return out


def build_body(
    request: ChatRequest, *, stream: bool, provider: str = "cloudflare"
) -> tuple[dict[str, Any], list[CallWarning]]:
    """The ``ai/run`` input for ``request`` and the warnings it produced."""
    warnings = CallWarnings(request.strict, provider)
    body: dict[str, Any] = {"messages": _messages(request, warnings)}
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.seed is not None:
        body["seed"] = request.seed
    if request.stop:
        warnings.add("stop", "Workers AI text generation has no stop sequences parameter; not sent")
    if request.response_format is not None and request.response_format.type != "text":
        warnings.add("response_format", "structured output is not supported by this plugin; not sent")
    if request.reasoning_effort is not None:
        warnings.add("reasoning_effort", "Workers AI has no reasoning effort parameter; not sent")
    choice = request.tool_choice.mode if request.tool_choice else "auto"
    if request.tools and choice != "none":
        body["tools"] = [
            {"name": t.name, "description": t.description, "parameters": t.parameters} for t in request.tools
        ]
        if choice in ("required", "tool"):
            warnings.add("tool_choice", f"Workers AI cannot force a tool call ({choice!r}); the model decides")
    if stream:
        body["stream"] = True
    body.update(request.options_for(provider))
    return body, warnings.items
