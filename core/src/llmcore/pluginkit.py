"""Small helpers that provider plugins share (the same logic, once).

* :func:`check_options` rejects ``ProviderConfig.options`` a provider does not know,
  naming the ones it knows.
* :class:`CallWarnings` collects the :class:`~llmcore.types.CallWarning` s of one
  request while it is mapped, or raises
  :class:`~llmcore.errors.UnsupportedFeatureError` instead when the request is
  ``strict`` (the contract every plugin follows for parameters it cannot honour).
* :func:`transcript` renders a conversation as one text prompt, for completion-style
  endpoints that take no message list.
* :class:`ToolCallBuffer` is a tool call being streamed (id, name, argument pieces);
  :func:`parse_arguments` parses tool-call arguments with errors attributed to the provider.
* :func:`keep_unmapped`: the lossless rule — a block, item or annotation a codec has
  no part for goes whole into ``provider_metadata["unmapped"]`` with a warning naming
  it, never silently away. :func:`foreign_part`: whether an assistant part (a server
  tool's call or result, reasoning) belongs to another provider and must be left
  out of a request (with a warning).
* :func:`unknown_finish_reason`: a finish reason a codec's table does not know is ``other``
  (the caller keeps the raw value), logged once per value as a warning, never silently.
* :data:`SHAPE_ERRORS` and :func:`malformed`: the guard every codec puts around its
  parse entry points, so an answer of the wrong shape (valid JSON, wrong types,
  missing fields) is a :class:`ProviderResponseError` with an excerpt, never a bare
  ``TypeError``/``AttributeError``. A ``try``/``except`` costs nothing on success::

      try:
          return _parse(data)
      except SHAPE_ERRORS as e:
          raise malformed(provider, "a chat response", data, e) from None
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from .errors import ConfigurationError, ProviderResponseError, UnsupportedFeatureError
from .events import ToolCall, parse_tool_arguments
from .types import CallWarning, FilePart, ImagePart, ReasoningPart, TextPart, ToolCallPart, ToolResultPart

if TYPE_CHECKING:
    from .types import ChatRequest

__all__ = [
    "CallWarnings",
    "SHAPE_ERRORS",
    "TRANSCRIPT_LABELS",
    "ToolCallBuffer",
    "check_options",
    "excerpt",
    "foreign_part",
    "keep_unmapped",
    "unknown_finish_reason",
    "malformed",
    "parse_arguments",
    "transcript",
]

#: What parsing code raises when the JSON it reads has an unexpected shape (a string
#: where an object was expected, a missing key, ``int("x")``, a pydantic validation
#: error…): the exceptions a codec's guard turns into :func:`malformed`.
SHAPE_ERRORS: tuple[type[Exception], ...] = (AttributeError, TypeError, KeyError, IndexError, ValueError)


def excerpt(data: Any, limit: int = 500) -> str:
    """The first ``limit`` characters of ``data`` as compact JSON (``repr`` when
    it is not JSON-serialisable; bytes decoded as UTF-8), for an error's ``raw``."""
    if isinstance(data, (bytes, bytearray)):
        return bytes(data[:limit]).decode("utf-8", "replace")
    if isinstance(data, str):
        return data[:limit]
    import json

    try:
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=repr)
    except (TypeError, ValueError):  # circular or otherwise odd: never fail while reporting a failure
        text = repr(data)
    return text[:limit]


def malformed(
    provider: str | None, what: str, data: Any = None, error: BaseException | None = None
) -> ProviderResponseError:
    """The :class:`ProviderResponseError` for an answer of the wrong shape:
    ``"<what>: unexpected shape"`` plus the parser's complaint (``error``, e.g. the
    ``TypeError`` caught by a :data:`SHAPE_ERRORS` guard), with an :func:`excerpt` of
    ``data`` as ``raw``. Raise it ``from None``: the message keeps what the cause said
    (redacted) and the cause chain holds nothing more."""
    detail = f" ({type(error).__name__}: {str(error)[:200]})" if error is not None else ""
    return ProviderResponseError(
        f"{what}: unexpected shape{detail}", provider=provider, raw=excerpt(data) if data is not None else None
    )


def check_options(options: Mapping[str, Any], known: Sequence[str], provider: str, hint: str = "") -> dict[str, Any]:
    """``options`` as a new dict, when every key is one of ``known``; else a
    :class:`ConfigurationError` (for ``provider``) naming the unknown keys (sorted) and
    the known ones (or that it takes none), followed by ``hint`` when given.

    Call it in the provider's ``__init__`` with ``self.config.options``, so that a typo in
    ``llmcore.model("acme/m", tempratur=1)``-style provider settings fails before the network."""
    unknown = sorted(set(options) - set(known))
    if unknown:
        # with no option known, say so instead of a dangling "known: "
        accepted = f"known: {', '.join(known)}" if known else f"{provider} takes no options"
        raise ConfigurationError(
            f"unknown option(s) for {provider}: {', '.join(unknown)}; {accepted}" + (f" {hint}" if hint else ""),
            provider=provider,
        )
    return dict(options)


class CallWarnings:
    """The warnings of one request: :meth:`add` appends a :class:`CallWarning` to
    ``items``, or raises :class:`UnsupportedFeatureError` (``"<feature>: <detail>"``,
    for ``provider``) when ``strict``."""

    __slots__ = ("items", "provider", "strict")

    def __init__(self, strict: bool = False, provider: str | None = None) -> None:
        self.items: list[CallWarning] = []
        self.strict = strict
        self.provider = provider

    def add(self, feature: str, detail: str) -> None:
        if self.strict:
            raise UnsupportedFeatureError(f"{feature}: {detail}", provider=self.provider)
        self.items.append(CallWarning(feature=feature, detail=detail))


def keep_unmapped(
    metadata: dict[str, Any],
    warnings: list[CallWarning] | CallWarnings | None,
    provider: str | None,
    kind: str,
    item: Any,
) -> CallWarning:
    """Keep a provider's block, output item or annotation that llmcore has no part for.

    ``item`` is appended whole to ``metadata["unmapped"]`` (a list of
    ``{"kind": kind, "item": item}``) and a :class:`~llmcore.types.CallWarning`
    (feature ``unmapped:<kind>``) is added to ``warnings`` (a list or a
    :class:`CallWarnings`, never raising for ``strict``: the answer is already
    here). Returns the warning, so a stream can emit it as a
    :class:`~llmcore.events.WarningEvent`."""
    metadata.setdefault("unmapped", []).append({"kind": kind, "item": item})
    warning = CallWarning(
        feature=f"unmapped:{kind}",
        detail=f"{provider or 'the provider'} sent a {kind!r} that llmcore has no part for: "
        'kept whole in provider_metadata["unmapped"]',
    )
    if isinstance(warnings, CallWarnings):
        warnings.items.append(warning)
    elif warnings is not None:
        warnings.append(warning)
    return warning


def foreign_part(part: Any, provider: str | None, accepts: Sequence[str] = ()) -> bool:
    """Whether ``part`` (from an earlier answer) was produced by another provider than
    ``provider`` (or one of ``accepts``, e.g. ``("anthropic", "vertexai")`` for a
    codec several providers share) and so cannot be sent back to it as is. Parts
    with no ``provider`` are never foreign."""
    owner = getattr(part, "provider", None)
    return owner is not None and owner != provider and owner not in accepts


#: role → the label of its lines in a :func:`transcript` (other roles: the role, title-cased)
TRANSCRIPT_LABELS = {"user": "User", "assistant": "Assistant", "tool": "Tool"}


def transcript(request: ChatRequest) -> tuple[str, set[str]]:
    """The text of the request's non-system turns as one prompt, and what it left out.

    A single user turn is its text as is; a conversation is one ``<Label>: <text>``
    line per turn with text (see :data:`TRANSCRIPT_LABELS`). The system prompt is not
    included (endpoints differ in where it goes). The second value names the kinds of
    parts that were not rendered: ``"media"`` (image and file parts), ``"tools"`` (tool
    calls and results) and ``"reasoning"``; the caller warns about them in its own words.
    """
    turns: list[tuple[str, str]] = []
    left_out: set[str] = set()
    for m in request.messages:
        if m.role == "system":
            continue
        for p in m.content:
            if isinstance(p, (ImagePart, FilePart)):
                left_out.add("media")
            elif isinstance(p, (ToolCallPart, ToolResultPart)):
                left_out.add("tools")
            elif isinstance(p, ReasoningPart):
                left_out.add("reasoning")
        text = "".join(p.text for p in m.content if isinstance(p, TextPart))
        if text:
            turns.append((m.role, text))
    if len(turns) == 1 and turns[0][0] == "user":
        return turns[0][1], left_out
    return "\n".join(f"{TRANSCRIPT_LABELS.get(role, role.title())}: {text}" for role, text in turns), left_out


def parse_arguments(raw: str, provider: str | None) -> dict[str, Any]:
    """:func:`~llmcore.events.parse_tool_arguments` (``{}`` for empty), with the
    :class:`ProviderResponseError` for invalid JSON attributed to ``provider``."""
    try:
        return parse_tool_arguments(raw)
    except ProviderResponseError as e:
        e.provider = provider
        raise


class ToolCallBuffer:
    """A tool call being streamed: its ``id`` and ``name`` (from the block that opens
    it) and the argument pieces received so far (:meth:`add`); :meth:`finish` makes the
    :class:`~llmcore.events.ToolCall` once the block closes."""

    __slots__ = ("id", "name", "parts")

    def __init__(self, id: str, name: str) -> None:
        self.id = id
        self.name = name
        self.parts: list[str] = []

    def add(self, piece: str | None) -> str:
        """Append one piece of the arguments' JSON text (``None`` or ``""``: nothing) and
        return it as a ``str``, ready to emit as a :class:`~llmcore.events.ToolCallDelta`."""
        if piece:
            self.parts.append(piece)
            return piece
        return ""

    @property
    def raw_arguments(self) -> str:
        """The argument text received so far."""
        return "".join(self.parts)

    def finish(self, index: int, provider: str | None) -> ToolCall:
        """The complete call; invalid JSON arguments are a :class:`ProviderResponseError` for ``provider``."""
        raw = "".join(self.parts)
        return ToolCall(
            id=self.id, name=self.name, arguments=parse_arguments(raw, provider), raw_arguments=raw, index=index
        )


#: (logger, raw value) pairs already warned about: once per value and process, so a stream or
#: a batch of answers does not repeat it
_unknown_finish_warned: set[tuple[str, str]] = set()


def unknown_finish_reason(raw: str | None, logger: str, field: str = "finish_reason") -> Literal["other"]:
    """``"other"`` for a finish reason the codec's table does not know (``raw``, which the caller
    keeps as ``raw_finish_reason``), with a warning on ``logger`` the first time each value is seen."""
    if raw and (logger, raw) not in _unknown_finish_warned:
        import logging

        _unknown_finish_warned.add((logger, raw))
        logging.getLogger(logger).warning(
            "unknown %s %r: reported as 'other' (raw value kept in raw_finish_reason)", field, raw
        )
    return "other"
