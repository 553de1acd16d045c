"""Stream events: the small tagged union that ``stream_chat`` yields.

Events are plain slotted objects (cheap to build, one per chunk); each has a
``type`` tag for ``match``/dispatch. A well-formed stream, as checked by the
conformance kit:

* at most one :class:`ResponseMetadata`, before any content;
* deltas in order; :class:`ToolCall` once per call, after its deltas;
* :class:`PartEvent` for each complete part that is not streamed in pieces
  (a server tool's call or result, a generated image or file), in answer order;
* :class:`CitationEvent` for each citation, after (or during) the text it supports;
* at most one :class:`UsageEvent` (providers that report usage in pieces
  merge them before emitting);
* exactly one :class:`Finish`, and it is the last event.

:class:`StreamAccumulator` folds events into a :class:`~llmcore.types.ChatResponse`;
``chat`` must equal "collect ``stream_chat``" in content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Union

if TYPE_CHECKING:
    from .types import CallWarning, ChatResponse, Citation, FinishReason, Part, Usage

__all__ = [
    "ResponseMetadata",
    "TextDelta",
    "ReasoningDelta",
    "ToolCallDelta",
    "ToolCall",
    "UsageEvent",
    "WarningEvent",
    "PartEvent",
    "CitationEvent",
    "Finish",
    "StreamEvent",
    "StreamAccumulator",
]


@dataclass(slots=True)
class ResponseMetadata:
    """Id and resolved model name of the response, when the provider says."""

    id: str | None = None
    model: str | None = None
    type: Literal["metadata"] = field(default="metadata", init=False)


@dataclass(slots=True)
class TextDelta:
    """A piece of answer text."""

    text: str
    type: Literal["text"] = field(default="text", init=False)


@dataclass(slots=True)
class ReasoningDelta:
    """A piece of reasoning. ``signature``/``data`` carry opaque provider data
    (a thinking signature, redacted or encrypted reasoning) that belongs to
    the reasoning part being built and must be sent back next turn."""

    text: str = ""
    signature: str | None = None
    redacted: bool = False
    data: Any = None
    type: Literal["reasoning"] = field(default="reasoning", init=False)


@dataclass(slots=True)
class ToolCallDelta:
    """A piece of a tool call being streamed. ``index`` identifies the call
    within the response; ``id`` and ``name`` arrive on the first delta."""

    index: int
    id: str | None = None
    name: str | None = None
    arguments_delta: str = ""
    type: Literal["tool_call_delta"] = field(default="tool_call_delta", init=False)


@dataclass(slots=True)
class ToolCall:
    """A complete tool call (emitted once its arguments are complete)."""

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str
    index: int = 0
    type: Literal["tool_call"] = field(default="tool_call", init=False)


@dataclass(slots=True)
class UsageEvent:
    """Token usage for the whole response."""

    usage: Usage
    type: Literal["usage"] = field(default="usage", init=False)


@dataclass(slots=True)
class WarningEvent:
    """A parameter the provider could not honour."""

    warning: CallWarning
    type: Literal["warning"] = field(default="warning", init=False)


@dataclass(slots=True)
class PartEvent:
    """A complete part of the answer that does not stream in pieces: a
    :class:`~llmcore.types.ServerToolCallPart` or
    :class:`~llmcore.types.ServerToolResultPart`, or a generated
    :class:`~llmcore.types.ImagePart` / :class:`~llmcore.types.FilePart`.
    It takes its place in the answer's order (text before it ends a part)."""

    part: Part
    type: Literal["part"] = field(default="part", init=False)


@dataclass(slots=True)
class CitationEvent:
    """A citation (:class:`~llmcore.types.Citation`). It is attached to the
    text part being streamed (or, between parts, to the next text part) and
    listed in ``ChatResponse.citations``; ``attach=False`` for a citation of
    the whole answer (e.g. a search result list)."""

    citation: Citation
    attach: bool = True
    type: Literal["citation"] = field(default="citation", init=False)


@dataclass(slots=True)
class Finish:
    """End of the response: unified ``reason`` and the provider's ``raw_reason``.
    ``provider_metadata`` carries provider data known only at the end of a
    stream (e.g. Cohere citations); it becomes ``ChatResponse.provider_metadata``."""

    reason: FinishReason
    raw_reason: str | None = None
    provider_metadata: dict[str, Any] | None = None
    type: Literal["finish"] = field(default="finish", init=False)


StreamEvent = Union[
    ResponseMetadata,
    TextDelta,
    ReasoningDelta,
    ToolCallDelta,
    ToolCall,
    UsageEvent,
    WarningEvent,
    PartEvent,
    CitationEvent,
    Finish,
]


def parse_tool_arguments(raw: str) -> dict[str, Any]:
    """Parse streamed/returned tool arguments; ``{}`` for empty. Raises
    :class:`~llmcore.errors.ProviderResponseError` when the model produced
    invalid JSON (the raw string is kept on the error)."""
    if not raw or not raw.strip():
        return {}
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as e:
        from .errors import ProviderResponseError

        raise ProviderResponseError(f"tool call arguments are not valid JSON ({e})", raw=raw) from None
    if not isinstance(value, dict):
        from .errors import ProviderResponseError

        raise ProviderResponseError("tool call arguments are not a JSON object", raw=raw)
    return value


class StreamAccumulator:
    """Folds stream events into a :class:`ChatResponse`.

    Text and reasoning deltas are merged into parts in order; a
    :class:`ToolCall` event becomes a tool-call part (``ToolCallDelta`` events
    are only progress and need no folding); a :class:`PartEvent` adds its
    part; a :class:`CitationEvent` attaches its citation to the text part
    being built (or the next one) and lists it in ``citations``.
    """

    __slots__ = (
        "_buf",
        "_cites",
        "_data",
        "_kind",
        "_parts",
        "_pending",
        "_red",
        "_sig",
        "citations",
        "finish",
        "id",
        "model",
        "usage",
        "warnings",
    )

    def __init__(self) -> None:
        self._cites: list[Any] = []  # citations of the text part being built
        self._pending: list[Any] = []  # citations waiting for the next text part
        self.citations: list[Citation] = []
        self._parts: list[Any] = []
        self._kind: str | None = None
        self._buf: list[str] = []
        self._sig: str | None = None
        self._red = False
        self._data: Any = None
        self.id: str | None = None
        self.model: str | None = None
        self.usage: Usage | None = None
        self.finish: Finish | None = None
        self.warnings: list[CallWarning] = []

    def _flush(self) -> None:
        from .types import ReasoningPart, TextPart

        if self._kind == "text":
            self._parts.append(TextPart.model_construct(type="text", text="".join(self._buf), citations=self._cites))
            self._cites = []
        elif self._kind == "reasoning":
            self._parts.append(
                ReasoningPart.model_construct(
                    type="reasoning",
                    text="".join(self._buf),
                    signature=self._sig,
                    redacted=self._red,
                    data=self._data,
                    provider=None,
                )
            )
        self._kind = None
        self._buf = []
        self._sig = None
        self._red = False
        self._data = None

    def add(self, ev: StreamEvent) -> None:
        t = ev.type
        if t == "text":
            if self._kind != "text":
                self._flush()
                self._kind = "text"
                if self._pending:
                    self._cites, self._pending = self._pending, []
            self._buf.append(ev.text)  # type: ignore[union-attr]
        elif t == "reasoning":
            assert isinstance(ev, ReasoningDelta)
            # A signature or opaque data closes a reasoning block: text or data
            # after it starts a new one (e.g. consecutive redacted blocks).
            closed = self._sig is not None or self._red or self._data is not None
            if self._kind != "reasoning" or (closed and (ev.text or ev.redacted or ev.data is not None)):
                self._flush()
                self._kind = "reasoning"
            self._buf.append(ev.text)
            if ev.signature is not None:
                self._sig = ev.signature
            if ev.redacted:
                self._red = True
            if ev.data is not None:
                self._data = ev.data
        elif t == "tool_call":
            from .types import ToolCallPart

            assert isinstance(ev, ToolCall)
            self._flush()
            self._parts.append(
                ToolCallPart.model_construct(
                    type="tool_call",
                    id=ev.id,
                    name=ev.name,
                    arguments=ev.arguments,
                    raw_arguments=ev.raw_arguments,
                )
            )
        elif t == "part":
            assert isinstance(ev, PartEvent)
            self._flush()
            self._parts.append(ev.part)
        elif t == "citation":
            assert isinstance(ev, CitationEvent)
            self.citations.append(ev.citation)
            if ev.attach:
                (self._cites if self._kind == "text" else self._pending).append(ev.citation)
        elif t == "usage":
            self.usage = ev.usage  # type: ignore[union-attr]
        elif t == "finish":
            self.finish = ev  # type: ignore[assignment]
        elif t == "metadata":
            assert isinstance(ev, ResponseMetadata)
            self.id = ev.id or self.id
            self.model = ev.model or self.model
        elif t == "warning":
            self.warnings.append(ev.warning)  # type: ignore[union-attr]

    def response(self, provider: str | None = None, reasoning_provider: str | None = None) -> ChatResponse:
        """The collected response. Reasoning parts are stamped with
        ``reasoning_provider`` (defaults to ``provider``)."""
        from .types import ChatResponse, Message, ReasoningPart, Usage

        self._flush()
        if self._pending:  # citations announced after the last text part belong to it
            last = next((p for p in reversed(self._parts) if p.type == "text"), None)
            if last is not None:
                last.citations = [*last.citations, *self._pending]
            self._pending = []
        stamp = reasoning_provider or provider
        if stamp:
            for p in self._parts:
                if isinstance(p, ReasoningPart):
                    p.provider = stamp
        fin = self.finish
        return ChatResponse.model_construct(
            id=self.id,
            model=self.model,
            provider=provider,
            message=Message.model_construct(role="assistant", content=self._parts),
            finish_reason=fin.reason if fin else "other",
            raw_finish_reason=fin.raw_reason if fin else None,
            usage=self.usage or Usage(),
            warnings=self.warnings,
            citations=self.citations,
            provider_metadata=dict(fin.provider_metadata) if fin and fin.provider_metadata else {},
            parsed=None,
            raw=None,
        )
