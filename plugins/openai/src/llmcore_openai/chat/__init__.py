"""The OpenAI Chat Completions codec, shared by every OpenAI-compatible plugin.

``llmcore-openai`` uses it for ``openai`` (api.openai.com) and
``openai_compatible`` (any server); Groq, DeepSeek, OpenRouter, Together,
Mistral, xAI, Azure… depend on ``llmcore-openai`` and reuse it. Modules, one
concern each:

* :mod:`.dialect`  — :class:`ChatDialect`, the quirks of one server, as data;
* :mod:`.request`  — ChatRequest → body (+ :class:`Warnings`);
* :mod:`.response` — body → ChatResponse;
* :mod:`.stream`   — SSE chunks → stream events (:class:`ChatStreamDecoder`);
* :mod:`.finish`   — finish-reason mapping; :mod:`.usage` — usage mapping;
* :mod:`.errors`   — error bodies (HTTP and in-stream) → typed errors;
* :mod:`.provider` — :class:`ChatCompletionsProvider`, the base class.

Seams, from the cheapest to the most specific
---------------------------------------------

1. **Data** — set ``dialect = replace(COMPATIBLE_DIALECT, ...)`` on the subclass:

   ``path`` (endpoint below the base URL), ``auth_header``/``auth_scheme``
   (``Authorization: Bearer`` or e.g. Azure's ``api-key``), ``extra_headers``,
   ``max_tokens_field`` (``max_tokens`` | ``max_completion_tokens``),
   ``stream_usage`` (send ``stream_options.include_usage``),
   ``reasoning_fields`` (where reasoning text arrives: ``reasoning_content``,
   ``reasoning``), ``send_reasoning_field`` / ``send_reasoning_on``
   (echo reasoning back, on all assistant messages or only tool-call ones),
   ``reasoning_effort`` (accepted or a warning), ``structured_output``
   (accepted ``response_format`` types), ``unsupported`` (request fields that
   become warnings), ``think_tags`` (a leading ``<think>…</think>`` block in
   the content is reasoning), ``errors_in_stream`` (``{"error": ...}`` chunks in a 200
   stream), ``system_role``, ``strict_tools``, ``metadata_fields`` (top-level
   response fields kept in ``provider_metadata[<name>]``, e.g. citations),
   ``message_metadata_fields`` (the same for fields of the message / stream
   deltas, e.g. Writer's ``graph_data``),
   ``reasoning_data_field`` (opaque reasoning blocks kept and sent back, e.g.
   OpenRouter's ``reasoning_details``), ``usage_fallbacks`` (nested paths of
   usage, e.g. Groq's ``x_groq.usage``).

2. **Options** — ``options = {"name": "description"}`` declares the provider
   settings a user may pass; unknown ones raise :class:`ConfigurationError`
   naming the known ones. Read them with ``self.option(name, default)``;
   a subclass may derive its dialect from them in ``__init__``.

3. **Hooks** (override on the subclass):

   * ``auth_headers()`` / ``extra_headers()`` — request headers;
   * ``endpoint(request)`` — path or absolute URL (e.g. Azure deployments);
   * ``customize_body(request, body, warnings)`` — model-specific fixes
     (runs before ``provider_options[<name>]`` is merged, untouched, last);
   * ``map_usage(raw)`` — non-OpenAI usage fields (e.g. DeepSeek's cache hits);
   * ``error_details(status, body, text)`` — a different error body shape;
   * ``check_answer(data, headers)`` — a failure reported inside a 2xx answer
     (MiniMax's ``base_resp``); also given the JSON a server sends instead of
     a requested stream (an ``{"error": ...}`` body there raises by default);
   * ``stream_decoder(warnings)`` — a :class:`ChatStreamDecoder` subclass, e.g.
     one whose ``feed`` checks every chunk;
   * ``count_tokens(request)`` — an endpoint or tokenizer instead of the estimate.

A complete plugin is about thirty lines::

    from dataclasses import replace

    from llmcore_openai.chat import COMPATIBLE_DIALECT, ChatCompletionsProvider

    from . import SPEC  # the ProviderSpec declared in the plugin's tiny __init__


    class GroqProvider(ChatCompletionsProvider):
        spec = SPEC
        dialect = replace(COMPATIBLE_DIALECT, max_tokens_field="max_completion_tokens",
                          reasoning_fields=("reasoning",))

Request mapping, stream decoding and error mapping details are in each
module's docstring.
"""

from __future__ import annotations

from .dialect import COMPATIBLE_DIALECT, OPENAI_DIALECT, ChatDialect
from .errors import error_details, stream_error
from .finish import map_finish_reason
from .provider import ChatCompletionsProvider
from .request import Warnings, build_body
from .response import parse_response
from .stream import ChatStreamDecoder, aiter_events
from .usage import find_usage, map_usage

__all__ = [
    "ChatCompletionsProvider",
    "ChatDialect",
    "COMPATIBLE_DIALECT",
    "OPENAI_DIALECT",
    "ChatStreamDecoder",
    "Warnings",
    "aiter_events",
    "build_body",
    "error_details",
    "find_usage",
    "map_finish_reason",
    "map_usage",
    "parse_response",
    "stream_error",
]
