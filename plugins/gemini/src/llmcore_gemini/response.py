"""Gemini ``GenerateContentResponse`` (one response, or one stream chunk) → llmcore events.

A :class:`ResponseMapper` is fed every chunk of one response (a non-streamed
response is a single chunk) and yields :mod:`llmcore.events`; ``chat`` folds
them with :class:`~llmcore.events.StreamAccumulator`, so ``chat`` and
``stream_chat`` build the same message by construction.

Parts of ``candidates[0].content``:

* ``{"text", "thought": true}`` → :class:`ReasoningDelta` (its
  ``thoughtSignature``, if any, on the same delta);
* ``{"text"}`` → :class:`TextDelta`;
* ``{"functionCall": {"name", "args", "id"?}}`` → one :class:`ToolCallDelta`
  with the whole arguments, then :class:`ToolCall`. Gemini often sends no call
  id: we then generate a stable one, ``call_<responseId>_<n>`` (``n`` counts
  the calls of the response), so a replay gives the same ids.

**Thought signatures.** Gemini attaches ``thoughtSignature`` to the part it
belongs to, which may be a thought, a ``functionCall``, a text part, or an
empty text part of its own. It must go back on that same part next turn
(Gemini 3 rejects a function call without its signature). A signature on a
thought part rides on that :class:`ReasoningPart` (``signature``). A
signature on any other part becomes a :class:`ReasoningPart` with empty text,
placed right *after* the part it belongs to, with
``data={"thought_signature_on": "previous_part"}``; a signature on an empty
text part gets ``data={"thought_signature_on": "empty_text"}``. The request
codec (:mod:`llmcore_gemini.request`) puts each back where it came from.
Reasoning parts are stamped with the provider name (``gemini`` or
``vertexai``) by the accumulator; signatures are only sent back to it.

Server-side tools and generated media:

* ``{"executableCode": {"language", "code", "id"?}}`` →
  :class:`ServerToolCallPart` ``code_execution`` (``input`` = language and
  code) and ``{"codeExecutionResult": {"outcome", "output", "id"?}}`` → its
  :class:`ServerToolResultPart` (``content`` = outcome and output,
  ``is_error`` unless ``OUTCOME_OK``); ``data`` is the part whole, its
  ``thoughtSignature`` included, so the next turn sends it back as it came
  (a result without an id answers the last code call);
* ``{"toolCall": {"id", "toolType", "toolName"?, "args"}}`` and
  ``{"toolResponse": {"id", "toolType", "response"}}`` (server-side tool
  invocations, sent when ``toolConfig.includeServerSideToolInvocations`` is on;
  Gemini asks for them back next turn) → :class:`ServerToolCallPart` /
  :class:`ServerToolResultPart` named from ``toolType`` (``google_search``,
  ``url_context``, ``google_maps``, ``file_search``, …), ``data`` = the part
  whole. With them in the answer, the ``google_search`` parts are not built
  again from ``groundingMetadata``;
* ``{"inlineData": {"mimeType", "data"}}`` → :class:`ImagePart` (``image/*``)
  or :class:`FilePart` (audio, anything else); a signature on it rides on a
  reasoning part after it, as for text;
* ``groundingMetadata`` and ``urlContextMetadata`` → citations and
  ``google_search`` / ``url_context`` parts, see :mod:`llmcore_gemini.grounding`.
  They are held until :meth:`ResponseMapper.end` (a stream sends them with its
  last chunk, and the citations index the whole answer text), so ``chat`` and
  ``stream_chat`` give the same answer;
* a candidate's ``finishMessage``, ``safetyRatings``, ``avgLogprobs``, ``logprobsResult`` and
  ``citationMetadata``, and the ``promptFeedback`` → ``provider_metadata`` (``finish_message``,
  ``safety_ratings``, … : :data:`CANDIDATE_METADATA`, ``prompt_feedback``).

Any other part (``fileData`` output, a thought image, a part of a kind llmcore
does not know) is kept whole with
:func:`~llmcore.pluginkit.keep_unmapped`: in
``provider_metadata["unmapped"]`` with an ``unmapped:<kind>`` warning. A
``promptFeedback.blockReason`` (the prompt was blocked, no candidates) and
safety finish reasons finish with ``content_filter``. An ``{"error": ...}``
chunk raises the typed error. A chunk of the wrong shape (``candidates: ["x"]``,
a text that is no string, ``args`` that are no object…) is a
:class:`ProviderResponseError` with an excerpt (the guard around :meth:`ResponseMapper.feed`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llmcore.errors import ProviderResponseError
from llmcore.events import (
    Finish,
    PartEvent,
    ReasoningDelta,
    ResponseMetadata,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.pluginkit import SHAPE_ERRORS, keep_unmapped, malformed
from llmcore.types import FilePart, ImagePart, ServerToolCallPart, ServerToolResultPart

from .errors import error_from_status_body
from .finish import map_finish_reason
from .grounding import grounding_events
from .usage import map_usage

__all__ = ["CANDIDATE_METADATA", "ResponseMapper", "SIGNATURE_ON_EMPTY_TEXT", "SIGNATURE_ON_PREVIOUS_PART"]

SIGNATURE_ON_PREVIOUS_PART = {"thought_signature_on": "previous_part"}
SIGNATURE_ON_EMPTY_TEXT = {"thought_signature_on": "empty_text"}
#: a candidate's fields besides its content, kept in ``provider_metadata`` under these keys: why it
#: stopped in words, its safety ratings, its log probabilities, the sources it recited
CANDIDATE_METADATA = (
    ("finishMessage", "finish_message"),
    ("safetyRatings", "safety_ratings"),
    ("avgLogprobs", "avg_logprobs"),
    ("logprobsResult", "logprobs_result"),
    ("citationMetadata", "citation_metadata"),
)


def _str(v: Any, field: str) -> str:
    if not isinstance(v, str):
        raise TypeError(f"{field} is {type(v).__name__}, not a string")
    return v


def _opt_str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


#: part kinds llmcore has no part for (kept whole with keep_unmapped), named in the warning
_UNREPRESENTED = ("fileData", "videoMetadata")
CODE_EXECUTION = "code_execution"
#: ``toolCall.toolType`` → the server tool's name (``toolName`` wins where Gemini sends one)
SERVER_TOOL_NAMES = {
    "GOOGLE_SEARCH_WEB": "google_search",
    "GOOGLE_SEARCH_IMAGE": "google_search_image",
    "URL_CONTEXT": "url_context",
    "GOOGLE_MAPS": "google_maps",
    "FILE_SEARCH": "file_search",
}


def _without_queries(grounding: Mapping[str, Any]) -> dict[str, Any]:
    """The grounding minus its search queries: the content already holds the search's own parts."""
    return {k: v for k, v in grounding.items() if k != "webSearchQueries"}


class ResponseMapper:
    """Stateful mapper for the chunks of one response."""

    __slots__ = (
        "_block_reason",
        "_calls",
        "_code_id",
        "_codes",
        "_finish_raw",
        "_grounding",
        "_invoked",
        "_meta",
        "_model",
        "_provider",
        "_started",
        "_text",
        "_url_context",
        "_usage",
        "_warned",
        "id",
    )

    def __init__(self, provider: str, model: str | None = None) -> None:
        self._provider = provider
        self._model = model
        self._started = False
        self._calls = 0
        self._finish_raw: str | None = None
        self._block_reason: str | None = None
        self._usage: Any = None
        self._warned: set[str] = set()
        self._text: list[str] = []  # the answer's text so far (grounding spans index it)
        self._grounding: dict[str, Any] = {}
        self._url_context: dict[str, Any] = {}
        self._meta: dict[str, Any] = {}  # provider_metadata (unmapped parts, grounding metadata)
        self._codes = 0
        self._invoked: set[str] = set()  # names of the server tools the content reported itself
        self._code_id: str | None = None  # the last executableCode's id (a result without one answers it)
        self.id: str | None = None

    def feed(self, chunk: Mapping[str, Any]) -> list[StreamEvent]:
        """Events for one chunk (usage and finish are held for :meth:`end`); a
        chunk of the wrong shape is a :class:`ProviderResponseError`."""
        try:
            return self._feed(chunk)
        except SHAPE_ERRORS as e:
            raise malformed(self._provider, "response chunk", chunk, e) from None

    def _feed(self, chunk: Mapping[str, Any]) -> list[StreamEvent]:
        if not isinstance(chunk, Mapping):
            raise ProviderResponseError(
                "a response chunk is not a JSON object", provider=self._provider, raw=str(chunk)[:500]
            )
        err = chunk.get("error")
        if isinstance(err, Mapping):
            code = err.get("code")
            status = code if isinstance(code, int) else 500
            raise error_from_status_body(self._provider, status, json.dumps({"error": err}))
        out: list[StreamEvent] = []
        if not self._started:
            self._started = True
            self.id = _opt_str(chunk.get("responseId"))
            out.append(ResponseMetadata(id=self.id, model=_opt_str(chunk.get("modelVersion")) or self._model))
        usage = chunk.get("usageMetadata")
        if usage:
            if not isinstance(usage, Mapping):
                raise TypeError(f"usageMetadata is {type(usage).__name__}, not an object")
            self._usage = usage
        feedback = chunk.get("promptFeedback")
        if isinstance(feedback, Mapping) and feedback.get("blockReason"):
            self._block_reason = str(feedback["blockReason"])
        if feedback:
            self._meta["prompt_feedback"] = feedback
        candidates = chunk.get("candidates")
        if not candidates:
            return out
        cand = candidates[0]
        if cand.get("finishReason"):
            self._finish_raw = _str(cand["finishReason"], "finishReason")
        self._keep_candidate_fields(cand)
        # a stream may send grounding in several chunks (mostly empty until the last): merge them
        for key, into in (("groundingMetadata", self._grounding), ("urlContextMetadata", self._url_context)):
            value = cand.get(key)
            if value:
                if not isinstance(value, Mapping):
                    raise TypeError(f"{key} is {type(value).__name__}, not an object")
                into.update(value)
        content = cand.get("content")
        parts = content.get("parts") if isinstance(content, Mapping) else None
        if not parts:
            return out
        for part in parts:
            sig = part.get("thoughtSignature") or None
            if sig is not None:
                _str(sig, "thoughtSignature")
            if "functionCall" in part:
                out.extend(self._call(part["functionCall"]))
                if sig:
                    out.append(ReasoningDelta(signature=sig, data=dict(SIGNATURE_ON_PREVIOUS_PART)))
            elif "text" in part:
                text = _str(part["text"], "text")
                if part.get("thought"):
                    out.append(ReasoningDelta(text=text, signature=sig))
                elif text:
                    self._text.append(text)
                    out.append(TextDelta(text))
                    if sig:
                        out.append(ReasoningDelta(signature=sig, data=dict(SIGNATURE_ON_PREVIOUS_PART)))
                elif sig:
                    out.append(ReasoningDelta(signature=sig, data=dict(SIGNATURE_ON_EMPTY_TEXT)))
            elif "executableCode" in part or "codeExecutionResult" in part:
                out.append(PartEvent(self._code(part)))
            elif "toolCall" in part or "toolResponse" in part:
                out.append(PartEvent(self._server_tool(part)))
            elif "inlineData" in part and not part.get("thought"):
                out.append(PartEvent(self._media(part["inlineData"])))
                if sig:
                    out.append(ReasoningDelta(signature=sig, data=dict(SIGNATURE_ON_PREVIOUS_PART)))
            else:
                kind = next((k for k in _UNREPRESENTED if k in part), None)
                if kind is None:
                    kind = "thought_image" if "inlineData" in part else ",".join(sorted(part)) or "empty"
                warning = keep_unmapped(self._meta, None, self._provider, kind, dict(part))
                if kind not in self._warned:  # one warning a kind; every item is kept
                    self._warned.add(kind)
                    out.append(WarningEvent(warning))
        return out

    def _code(self, part: Mapping[str, Any]) -> ServerToolCallPart | ServerToolResultPart:
        """A code-execution part, ``data`` = the part whole (signature included)."""
        if "executableCode" in part:
            code = part["executableCode"]
            if not isinstance(code, Mapping):
                raise TypeError(f"executableCode is {type(code).__name__}, not an object")
            call_id = _str(code.get("id") or f"code_{self.id or 'gemini'}_{self._codes}", "executableCode.id")
            self._codes += 1
            self._code_id = call_id
            return ServerToolCallPart(
                id=call_id,
                name=CODE_EXECUTION,
                input={k: v for k, v in code.items() if k != "id"},
                provider=self._provider,
                data=dict(part),
            )
        result = part["codeExecutionResult"]
        if not isinstance(result, Mapping):
            raise TypeError(f"codeExecutionResult is {type(result).__name__}, not an object")
        rid = result.get("id")
        return ServerToolResultPart(
            call_id=_str(rid, "codeExecutionResult.id") if rid else self._code_id,
            name=CODE_EXECUTION,
            content={k: v for k, v in result.items() if k != "id"},
            is_error=result.get("outcome") not in (None, "OUTCOME_OK"),
            provider=self._provider,
            data=dict(part),
        )

    def _server_tool(self, part: Mapping[str, Any]) -> ServerToolCallPart | ServerToolResultPart:
        """A server-side tool invocation part, ``data`` = the part whole."""
        key = "toolCall" if "toolCall" in part else "toolResponse"
        item = part[key]
        if not isinstance(item, Mapping):
            raise TypeError(f"{key} is {type(item).__name__}, not an object")
        kind = item.get("toolType")
        kind = kind if isinstance(kind, str) else "server_tool"
        name = item.get("toolName") or SERVER_TOOL_NAMES.get(kind) or kind.lower()
        name = _str(name, f"{key}.toolName")
        self._invoked.add(name)
        tid = item.get("id")
        if key == "toolCall":
            args = item.get("args") or {}
            if not isinstance(args, Mapping):
                raise TypeError(f"toolCall.args is {type(args).__name__}, not an object")
            call_id = _str(tid or f"tool_{self.id or 'gemini'}_{self._codes}", "toolCall.id")
            self._codes += 1
            return ServerToolCallPart(id=call_id, name=name, input=dict(args), provider=self._provider, data=dict(part))
        response = item.get("response")
        return ServerToolResultPart(
            call_id=_str(tid, "toolResponse.id") if tid else None,
            name=name,
            content=response,
            is_error=isinstance(response, Mapping) and "error" in response,
            provider=self._provider,
            data=dict(part),
        )

    @staticmethod
    def _media(blob: Any) -> ImagePart | FilePart:
        """Generated media (``inlineData``): an image, or a file (audio, …)."""
        if not isinstance(blob, Mapping):
            raise TypeError(f"inlineData is {type(blob).__name__}, not an object")
        data = _str(blob.get("data"), "inlineData.data")
        mime = _str(blob.get("mimeType") or "application/octet-stream", "inlineData.mimeType")
        if mime.startswith("image/"):
            return ImagePart(data=data, media_type=mime)
        return FilePart(data=data, media_type=mime)

    def _call(self, fc: Mapping[str, Any]) -> list[StreamEvent]:
        index = self._calls
        self._calls += 1
        call_id = _str(fc.get("id") or f"call_{self.id or 'gemini'}_{index}", "functionCall.id")
        args = fc.get("args") or {}
        if not isinstance(args, Mapping):
            raise TypeError(f"functionCall.args is {type(args).__name__}, not an object")
        raw = json.dumps(args, separators=(",", ":"), ensure_ascii=False)
        name = _str(fc.get("name") or "", "functionCall.name")
        return [
            ToolCallDelta(index=index, id=call_id, name=name, arguments_delta=raw),
            ToolCall(id=call_id, name=name, arguments=dict(args), raw_arguments=raw, index=index),
        ]

    @property
    def finished(self) -> bool:
        """True once a finish reason or a prompt block has been seen."""
        return self._finish_raw is not None or self._block_reason is not None

    def _keep_candidate_fields(self, cand: Mapping[str, Any]) -> None:
        """A candidate's fields besides its content (:data:`CANDIDATE_METADATA`) → ``provider_metadata``;
        in a stream the last value wins, but ``logprobsResult`` lists are joined across chunks."""
        for field, key in CANDIDATE_METADATA:
            value = cand.get(field)
            if value in (None, "", [], {}):
                continue
            old = self._meta.get(key)
            if field == "logprobsResult" and isinstance(old, dict) and isinstance(value, Mapping):
                value = {k: old.get(k, []) + v if isinstance(v, list) else v for k, v in value.items()}
            self._meta[key] = value

    def end(self) -> list[StreamEvent]:
        """The closing events: the grounding (citations, ``google_search`` / ``url_context``
        parts), usage (once, from the last ``usageMetadata``) and :class:`Finish` (with
        ``provider_metadata``: unmapped parts, the whole ``groundingMetadata``)."""
        out: list[StreamEvent] = grounding_events(
            self._grounding if "google_search" not in self._invoked else _without_queries(self._grounding),
            self._url_context,
            "".join(self._text),
            self._provider,
            f"google_search_{self.id or self._provider}",
        )
        if self._grounding:
            self._meta["grounding_metadata"] = dict(self._grounding)
        usage = map_usage(self._usage)
        if usage is not None:
            out.append(UsageEvent(usage))
        blocked = self._block_reason is not None and self._finish_raw is None
        raw = self._block_reason if blocked else self._finish_raw
        reason = map_finish_reason(raw, has_tool_calls=self._calls > 0, blocked=blocked)
        out.append(Finish(reason, raw, dict(self._meta) or None))
        return out
