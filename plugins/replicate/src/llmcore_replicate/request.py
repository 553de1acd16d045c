"""ChatRequest → prediction ``input`` (and the create-prediction body).

* The system prompt (``system`` plus system messages) goes to the family's
  ``system_prompt`` input.
* One user turn becomes ``prompt`` as is. A longer conversation is rendered
  as a transcript, one ``User: ...`` / ``Assistant: ...`` line per turn:
  Replicate language models take a single prompt, not a message list.
* ``max_tokens``, ``temperature``, ``top_p``, ``seed`` and ``stop`` (one
  comma-separated ``stop_sequences`` string) go to the family's input names
  (:mod:`.models`).
* ``provider_options["replicate"]`` is merged into ``input`` last, untouched
  (a ``None`` value removes a key): the way to reach any other model input.

Replicate has no tool calling: ``tools`` (and tool calls or results in the
history), ``response_format``, ``reasoning_effort`` and image/file parts each
produce a :class:`~llmcore.types.CallWarning`, or
:class:`~llmcore.errors.UnsupportedFeatureError` when ``request.strict``.
"""

from __future__ import annotations

from typing import Any

from llmcore.pluginkit import CallWarnings, transcript
from llmcore.types import CallWarning, ChatRequest

from .models import InputNames, Target

__all__ = ["build_body", "build_input", "render_prompt"]


def render_prompt(request: ChatRequest, warnings: CallWarnings) -> str:
    """The ``prompt`` input: the user turn, or a transcript of the conversation."""
    prompt, left_out = transcript(request)
    if "media" in left_out:
        warnings.add("vision", "image and file parts are not sent (pass model-specific inputs in provider_options)")
    if "tools" in left_out:
        warnings.add("tools", "tool calls and tool results in the conversation are not sent: Replicate has no tools")
    if "reasoning" in left_out:
        warnings.add("reasoning", "reasoning parts of earlier turns are not sent")
    return prompt


def build_input(request: ChatRequest, names: InputNames, warnings: CallWarnings, provider: str) -> dict[str, Any]:
    """The model ``input`` for ``request``."""
    inp: dict[str, Any] = {names.prompt: render_prompt(request, warnings)}
    system = request.system_text()
    if system:
        if names.system:
            inp[names.system] = system
        else:
            inp[names.prompt] = f"{system}\n\n{inp[names.prompt]}"

    def put(feature: str, field: str | None, value: Any) -> None:
        if value is None:
            return
        if field is None:
            warnings.add(feature, f"this model family has no {feature} input; not sent")
        else:
            inp[field] = value

    put("max_tokens", names.max_tokens, request.max_tokens)
    put("temperature", names.temperature, request.temperature)
    put("top_p", names.top_p, request.top_p)
    put("seed", names.seed, request.seed)
    if request.stop:
        if names.stop is None:
            warnings.add("stop", "this model family has no stop sequences input; not sent")
        elif any("," in s for s in request.stop):
            warnings.add("stop", "stop sequences containing ',' cannot be expressed (comma-separated input); not sent")
        else:
            inp[names.stop] = ",".join(request.stop)
    if request.tools:
        warnings.add("tools", "Replicate predictions have no tool calling; the tools were not sent")
    if request.response_format is not None and request.response_format.type != "text":
        warnings.add("response_format", "structured output is not supported on Replicate; not sent")
    if request.reasoning_effort is not None:
        warnings.add("reasoning_effort", "no reasoning effort input; not sent")
    for key, value in request.options_for(provider).items():
        if value is None:
            inp.pop(key, None)
        else:
            inp[key] = value
    return inp


def build_body(
    request: ChatRequest, target: Target, names: InputNames, *, stream: bool, provider: str = "replicate"
) -> tuple[dict[str, Any], list[CallWarning]]:
    """The create-prediction body and the warnings it produced."""
    warnings = CallWarnings(request.strict, provider)
    body: dict[str, Any] = {}
    if target.version is not None:
        body["version"] = target.version
    body["input"] = build_input(request, names, warnings, provider)
    if stream:
        body["stream"] = True  # deprecated but accepted; older versions need it for urls.stream
    return body, warnings.items
