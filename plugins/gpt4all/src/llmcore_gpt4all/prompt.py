"""A :class:`~llmcore.types.ChatRequest` → the prompt text, with the model's own chat template.

The template (``tokenizer.chat_template`` in the GGUF header) is rendered
with Jinja2 in a sandbox, as Hugging Face's ``apply_chat_template`` does
(``messages``, ``add_generation_prompt=True``, ``bos_token``, ``eos_token``,
``raise_exception``). A model without a template gets ChatML, the format
most small instruction-tuned models use. Messages are plain text: tool calls
and results are not supported by this provider and images are rejected
before this point (``vision=False``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from llmcore.types import TextPart, ToolResultPart

if TYPE_CHECKING:
    from llmcore.types import ChatRequest

    from .gguf_meta import GGUFMetadata

__all__ = ["CHATML", "render_prompt", "messages_of"]

CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def messages_of(request: ChatRequest) -> list[dict[str, str]]:
    """``{"role", "content"}`` dicts: the system prompt first, then each turn's text
    (a tool result's text becomes a user turn, which is how a tool-less model can read it)."""
    out: list[dict[str, str]] = []
    if request.system:
        out.append({"role": "system", "content": request.system})
    for m in request.messages:
        text = "".join(p.text for p in m.content if isinstance(p, TextPart))
        results = "".join(p.text() for p in m.content if isinstance(p, ToolResultPart))
        role = "user" if m.role == "tool" else m.role
        out.append({"role": role, "content": text + results})
    return out


@lru_cache(maxsize=16)
def _template(source: str) -> Any:
    from jinja2.ext import loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    return env.from_string(source)


def _raise(message: str) -> None:
    raise ValueError(f"the model's chat template refused the conversation: {message}")


def render_prompt(meta: GGUFMetadata, request: ChatRequest) -> str:
    """The whole conversation as the model expects it, ending where the assistant's answer starts."""
    return str(
        _template(meta.chat_template or CHATML).render(
            messages=messages_of(request),
            add_generation_prompt=True,
            bos_token=meta.bos_token,
            eos_token=meta.eos_token,
            raise_exception=_raise,
        )
    )
