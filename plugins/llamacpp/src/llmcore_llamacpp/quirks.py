"""What llama.cpp needs done to a Chat Completions body, shared by both modes.

Both the in-process provider and ``python -m llama_cpp.server`` run
llama-cpp-python's chat handler, so they share its behaviour (measured with
SmolLM2-135M-Instruct and llama-cpp-python 0.3.36):

* an assistant message with ``content: null`` (a turn that only calls tools)
  fails (HTTP 500 on the server): it is sent as ``""``;
* ``response_format: {"type": "json_schema"}`` fails (HTTP 500); the handler
  constrains output with a grammar built from ``{"type": "json_object",
  "schema": {...}}``, so a JSON schema is sent in that form. ``json_object``
  without a schema uses a generic JSON grammar that lets a small model run to
  ``max_tokens`` with unfinished JSON, so it is sent with the schema
  ``{"type": "object"}``, which ends when the object closes;
* tools: only a ``tool_choice`` naming a function is honoured (the handler
  forces a call with a grammar from that function's parameters). With the
  model's default template the model is not shown the tools otherwise, so
  ``"auto"`` cannot produce a call: a warning says so (strict mode: an
  :class:`~llmcore.errors.UnsupportedFeatureError`). ``"required"`` with one
  tool means that tool and is sent as a named choice; with several tools it
  cannot be honoured (a warning);
* streams carry no usage (the dialect does not ask for it).

The C++ ``llama-server`` implements ``json_schema``, tool choice (with
``--jinja``) and stream usage itself: only the ``content: null`` fix applies.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

from llmcore_openai.chat import COMPATIBLE_DIALECT

if TYPE_CHECKING:
    from llmcore.types import ChatRequest
    from llmcore_openai.chat import Warnings

__all__ = ["Flavor", "LLAMA_CPP_PYTHON_DIALECT", "LLAMA_SERVER_DIALECT", "adapt_body"]

Flavor = Literal["llama_cpp.server", "llama-server", "in-process"]

LLAMA_CPP_PYTHON_DIALECT = replace(
    COMPATIBLE_DIALECT,
    stream_usage=False,
    reasoning_effort=False,
    strict_tools=False,
    errors_in_stream=True,
)
"""llama-cpp-python (in-process and ``llama_cpp.server``): no stream usage, no
``reasoning_effort``, no ``strict`` on function definitions."""

LLAMA_SERVER_DIALECT = replace(COMPATIBLE_DIALECT, reasoning_effort=False)
"""The C++ ``llama-server``: OpenAI-shaped, with usage on the last stream chunk."""


def adapt_body(request: ChatRequest, body: dict[str, Any], warnings: Warnings, flavor: Flavor) -> None:
    """Rewrite ``body`` (built by llmcore-openai's codec) in place for ``flavor``."""
    for m in body.get("messages") or ():
        if m.get("role") == "assistant" and m.get("content") is None:
            m["content"] = ""
    if flavor == "llama-server":
        return
    rf = body.get("response_format")
    if isinstance(rf, dict):
        if rf.get("type") == "json_schema":
            body["response_format"] = {"type": "json_object", "schema": rf["json_schema"]["schema"]}
        elif rf.get("type") == "json_object" and "schema" not in rf:
            body["response_format"] = {"type": "json_object", "schema": {"type": "object"}}
    tools = body.get("tools")
    if not tools:
        return
    choice = body.get("tool_choice", "auto")
    if choice == "required" and len(tools) == 1:
        body["tool_choice"] = {"type": "function", "function": {"name": tools[0]["function"]["name"]}}
    elif choice in ("auto", "required"):
        warnings.add(
            "tool_choice",
            f"{flavor} (llama-cpp-python's chat handler) only honours a tool_choice naming one function; "
            f"with {choice!r} the model answers in text",
        )
