"""llmcore :class:`~llmcore.types.ChatRequest` → Responses API (``POST /responses``) body.

llmcore sends the whole conversation each turn, so requests are stateless:
``store: false`` by default, and for reasoning models
``include: ["reasoning.encrypted_content"]`` so that reasoning items come back
encrypted and can be echoed on the next turn (``provider_options["openai"]``
can set ``store``, ``previous_response_id``, ``include``… and wins).

Mapping:

* ``request.system`` → ``instructions``; system messages → ``system`` input
  messages in place;
* user text/images/PDFs → ``input_text`` / ``input_image`` / ``input_file``;
* assistant text → assistant messages; tool calls → ``function_call`` items;
  reasoning parts made by OpenAI (``ReasoningPart.data`` holds the item's
  ``id`` and ``encrypted_content``) → ``reasoning`` items with their summary
  (an item whose reasoning came as ``reasoning_text`` content, as DeepSeek's
  does, goes back with that content and summary as they came);
  other providers' reasoning is not sent back; server-tool parts made by this
  provider → their output item whole (``data``; a hand-made part without it → an
  ``item_reference`` by id, which needs ``store: true``), result parts whose
  output rode on the call's item are not repeated, a generated image goes back
  inside its ``image_generation_call`` item; another provider's server-tool parts
  are left out with a ``foreign_part`` warning (their text stays);
* tool results → ``function_call_output`` items (text, or text + images);
* tools → function tools (``strict`` false unless the tool asks for it, as on
  Chat Completions); ``response_format`` → ``text.format``;
  ``max_tokens`` → ``max_output_tokens``; ``reasoning_effort`` →
  ``reasoning.effort``;
* ``stop`` and ``seed`` do not exist on the Responses API: warnings;
* prompt caching is automatic (by prefix); on OpenAI's gpt-5.6 and later
  (``cache_breakpoints=True``) ``Message.cache_point`` and ``cache_prompt`` are
  explicit ``prompt_cache_breakpoint`` marks (:mod:`llmcore_openai.cache_breakpoints`),
  elsewhere they are not sent; ``cache_prompt``'s ``key`` → ``prompt_cache_key``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from llmcore.errors import InvalidRequestError, UnsupportedFeatureError
from llmcore.pluginkit import foreign_part
from llmcore.types import (
    FilePart,
    ImagePart,
    ReasoningPart,
    ServerToolCallPart,
    ServerToolResultPart,
    TextPart,
    ToolCallPart,
    ToolResultPart,
)

from ..cache_breakpoints import mark_responses_item, supports_breakpoints, ttl_warning
from ..chat.request import Warnings, image_url, tool_arguments

if TYPE_CHECKING:
    from llmcore.types import ChatRequest, Message

__all__ = ["build_body", "map_input", "is_reasoning_model"]

_REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5", "codex-", "gpt-oss")


def is_reasoning_model(model: str) -> bool:
    """OpenAI models that reason (o-series, gpt-5 family but its ``-chat`` variants)."""
    m = model.lower()
    return m.startswith(_REASONING_PREFIXES) and "-chat" not in m


def _input_part(part: Any, provider: str) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "input_text", "text": part.text}
    if isinstance(part, ImagePart):
        return {"type": "input_image", "image_url": image_url(part), "detail": "auto"}
    if isinstance(part, FilePart):
        if part.url is not None:
            return {"type": "input_file", "file_url": part.url}
        if part.media_type == "application/pdf":
            return {
                "type": "input_file",
                "filename": part.filename or "document.pdf",
                "file_data": f"data:application/pdf;base64,{part.data}",
            }
        raise UnsupportedFeatureError(
            f"the Responses API cannot take an inline {part.media_type} file (PDF only)", provider=provider
        )
    raise InvalidRequestError(f"a user message cannot contain a {part.type!r} part", provider=provider)


def _tool_output(part: ToolResultPart) -> dict[str, Any]:
    output: Any
    if isinstance(part.content, str):
        output = part.content
    elif any(isinstance(p, ImagePart) for p in part.content):
        output = [
            {"type": "input_text", "text": p.text}
            if isinstance(p, TextPart)
            else {"type": "input_image", "image_url": image_url(p), "detail": "auto"}
            for p in part.content
        ]
    else:
        output = part.text()
    return {"type": "function_call_output", "call_id": part.tool_call_id, "output": output}


def _reasoning_item(part: ReasoningPart, provider: str) -> dict[str, Any] | None:
    data = part.data
    if part.provider not in (None, provider) or not isinstance(data, dict) or not data.get("id"):
        return None
    item: dict[str, Any] = {"type": "reasoning", "id": data["id"]}
    if isinstance(data.get("content"), list):  # reasoning_text content: back as it came (reasoning_data)
        item["summary"] = data.get("summary") or []
        item["content"] = data["content"]
    else:
        item["summary"] = [{"type": "summary_text", "text": part.text}] if part.text else []
    if data.get("encrypted_content"):
        item["encrypted_content"] = data["encrypted_content"]
    return item


def _server_item(p: ServerToolCallPart | ServerToolResultPart, provider: str, w: Warnings) -> dict[str, Any] | None:
    """The input item for a server-tool part of an earlier answer, or ``None`` to leave it out."""
    if foreign_part(p, provider):
        w.add(
            "foreign_part",
            f"a {p.name} {p.type} part from {p.provider} was left out: the Responses API cannot "
            "take another provider's server-side tool output (its text is kept)",
        )
        return None
    if isinstance(p.data, dict) and p.data.get("type"):
        return p.data  # the output item whole, as the API returned it
    if isinstance(p, ServerToolResultPart):
        return None  # its output rode on the call's item
    # no item (a part built by hand): a reference to the stored item (needs store=true)
    return {"type": "item_reference", "id": p.id}


def _image_sent(p: ImagePart, sent: list[dict[str, Any]]) -> bool:
    """Whether ``p`` is the result of an ``image_generation_call`` item already sent."""
    return any(i.get("type") == "image_generation_call" and i.get("result") == p.data for i in sent)


def _map_message(m: Message, provider: str, w: Warnings) -> list[dict[str, Any]]:
    if m.role == "system":
        return [{"role": "system", "content": m.text}]
    if m.role == "assistant":
        out: list[dict[str, Any]] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                out.append({"role": "assistant", "content": "".join(text)})
                text.clear()

        for p in m.content:
            if isinstance(p, TextPart):
                text.append(p.text)
                continue
            flush()
            if isinstance(p, ToolCallPart):
                out.append({"type": "function_call", "call_id": p.id, "name": p.name, "arguments": tool_arguments(p)})
            elif isinstance(p, ReasoningPart):
                item = _reasoning_item(p, provider)
                if item is not None:
                    out.append(item)
            elif isinstance(p, (ServerToolCallPart, ServerToolResultPart)):
                item = _server_item(p, provider, w)
                if item is not None:
                    out.append(item)
            elif isinstance(p, ImagePart):
                if not _image_sent(p, out):
                    w.add(
                        "assistant.image",
                        "an image in an assistant message that no image_generation_call item "
                        "carries cannot be sent to the Responses API; left out",
                    )
            else:
                raise UnsupportedFeatureError(
                    f"Responses API assistant messages cannot contain a {p.type!r} part", provider=provider
                )
        flush()
        return out
    if m.role == "tool":
        results = [p for p in m.content if isinstance(p, ToolResultPart)]
        if not results:
            raise InvalidRequestError("a tool message needs a tool result (tool_call_id)", provider=provider)
        return [_tool_output(p) for p in results]
    out = [_tool_output(p) for p in m.content if isinstance(p, ToolResultPart)]
    rest = [p for p in m.content if not isinstance(p, ToolResultPart)]
    if rest or not out:
        if len(rest) == 1 and isinstance(rest[0], TextPart):
            out.append({"role": "user", "content": rest[0].text})
        else:
            out.append({"role": "user", "content": [_input_part(p, provider) for p in rest]})
    return out


def map_input(
    request: ChatRequest, provider: str, warnings: Warnings | None = None, *, cache_breakpoints: bool = False
) -> list[dict[str, Any]]:
    """The ``input`` items for ``request`` (``request.system`` goes to ``instructions``);
    what is left out is reported to ``warnings``."""
    w = warnings if warnings is not None else Warnings(request.strict, provider)
    items: list[dict[str, Any]] = []
    for m in request.messages:
        mapped = _map_message(m, provider, w)
        if cache_breakpoints and m.cache_point is not None and mapped and not mark_responses_item(mapped[-1]):
            # only input_text / input_image / input_file parts carry it (api-specs: InputTextContentParam...)
            w.add("cache_point", f"the last item of a {m.role} message has no input part to carry it; not sent")
        items.extend(mapped)
    return items


def build_body(
    request: ChatRequest,
    *,
    stream: bool,
    provider: str,
    passthrough: bool = True,
    for_count: bool = False,
    cache_breakpoints: bool = False,
) -> tuple[dict[str, Any], Warnings]:
    """The body for ``POST /responses`` (``for_count``: for ``/responses/input_tokens``,
    which takes only the input-shaping fields) and the warnings. ``cache_breakpoints``: the
    server takes OpenAI's explicit prompt-cache breakpoints (placed for models that do:
    :mod:`llmcore_openai.cache_breakpoints`)."""
    w = Warnings(request.strict, provider)
    marks = cache_breakpoints and supports_breakpoints(request.model)
    body: dict[str, Any] = {"model": request.model, "input": map_input(request, provider, w, cache_breakpoints=marks)}
    if request.system and marks and request.cache_prompt is not None:
        # instructions is a string, with no part to mark: the system prompt goes first as a developer message
        system = {"role": "developer", "content": request.system}
        mark_responses_item(system)
        body["input"].insert(0, system)
    elif request.system:
        body["instructions"] = request.system
    if marks and request.cache_prompt is not None and not request.system:
        w.add("cache_prompt", "no system prompt to mark and OpenAI takes no breakpoint on tools; not sent")
    if marks and (ttl := ttl_warning(request)) is not None:
        w.add("cache_point", ttl)
    if request.tools:
        body["tools"] = [
            {
                "type": "function",
                "name": t.name,
                "description": t.description or None,
                "parameters": t.parameters,
                "strict": bool(t.strict),
            }
            for t in request.tools
        ]
        if request.tool_choice is not None:
            tc = request.tool_choice
            body["tool_choice"] = {"type": "function", "name": tc.name} if tc.mode == "tool" else tc.mode
    elif request.tool_choice is not None and request.tool_choice.mode not in ("auto", "none"):
        raise InvalidRequestError(f"tool_choice {request.tool_choice.mode!r} needs tools", provider=provider)
    if request.builtin_tools:
        from ..builtin import responses_tools

        body["tools"] = [*body.get("tools", ()), *responses_tools(request, provider, w)]
    rf = request.response_format
    if rf is not None and rf.type != "text":
        if rf.type == "json_object":
            body["text"] = {"format": {"type": "json_object"}}
        else:
            if rf.json_schema is None:
                raise InvalidRequestError("response_format json_schema needs a schema", provider=provider)
            body["text"] = {
                "format": {"type": "json_schema", "name": rf.name, "schema": rf.json_schema, "strict": rf.strict}
            }
    reasoning = is_reasoning_model(request.model) or request.reasoning_effort is not None
    if request.reasoning_effort is not None:
        body["reasoning"] = {"effort": request.reasoning_effort}
    if for_count:
        extra = request.options_for(provider) if passthrough else None
        if extra:
            body.update({k: v for k, v in extra.items() if k in _COUNT_FIELDS})
        return body, w
    if request.max_tokens is not None:
        body["max_output_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop:
        w.add("stop", "the Responses API has no stop sequences; not sent (use api='chat')")
    if request.seed is not None:
        w.add("seed", "the Responses API has no seed; not sent (use api='chat')")
    if request.cache_prompt is not None and request.cache_prompt.key:
        body["prompt_cache_key"] = request.cache_prompt.key  # caching is automatic; the key routes it
    body["store"] = False
    if reasoning:
        body["include"] = ["reasoning.encrypted_content"]
    body["stream"] = stream
    extra = request.options_for(provider) if passthrough else None
    if extra:
        body.update(extra)
    return body, w


# Fields POST /responses/input_tokens accepts besides model/input/instructions/tools/tool_choice/text/reasoning.
_COUNT_FIELDS = frozenset({"conversation", "previous_response_id", "parallel_tool_calls", "truncation"})
