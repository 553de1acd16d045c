"""xAI's server-side tools on its Responses API (``api="responses"``), beyond the shared mapping of
:mod:`llmcore_openai.builtin` and :mod:`llmcore_openai.responses.items`.

Request side (https://docs.x.ai/developers/tools/overview and the pages of each tool):

* ``WebSearchTool`` → ``{"type": "web_search"}`` (the shared mapping; ``blocked_domains`` as
  ``filters.excluded_domains``);
* :func:`x_search` → a ``WebSearchTool`` whose xAI entry is ``{"type": "x_search", ...}`` (X posts,
  users and threads; xAI only). Its parameters are checked when it is made, before the network;
* ``CodeExecutionTool`` → ``{"type": "code_interpreter"}``: xAI's code execution takes no
  ``container`` (the OpenAI form), so none is sent unless given in the tool's ``provider_options``;
* ``MCPServerTool`` → ``{"type": "mcp", "server_url", "server_label", ...}`` without
  ``require_approval``: xAI documents it as not supported (its remote MCP tools run without
  approval); give it in the tool's ``provider_options`` to send it anyway.

Answer side: X search runs as ``custom_tool_call`` items named ``x_keyword_search``,
``x_semantic_search``, ``x_user_search`` or ``x_thread_fetch`` (:data:`X_SEARCH_TOOLS`) with the
search's arguments as a JSON string in ``input``; the shared codec reads a ``custom_tool_call`` as a
client call it has no part for, so these become :class:`~llmcore.types.ServerToolCallPart` s here
(``name`` = the item's name, ``input`` = the parsed arguments, ``data`` = the item whole, which goes
back as is next turn). xAI sends no results for them (the posts it found are the answer's
``url_citation`` annotations, read by the shared codec). A ``custom_tool_call`` of another name
stays with the shared codec: kept whole in ``provider_metadata["unmapped"]`` with a warning.
``code_interpreter_call`` and ``mcp_call`` items are the shared codec's.

Usage: the answer's whole ``usage`` is kept in ``provider_metadata["xai"]["usage"]`` (chat and
streams): xAI reports there what :class:`~llmcore.types.Usage` has no field for — how many
server-side tool calls ran and of which kind (``server_side_tool_usage_details``), the cost in USD
ticks, the context details. The billed cost (``cost_in_usd_ticks`` / 10^10) is also
``provider_metadata["xai"]["cost"]`` (USD), which llmcore's cost accounting uses over price tables.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from llmcore.builtin_tools import CodeExecutionTool, MCPServerTool, WebSearchTool, options_for
from llmcore.errors import InvalidRequestError
from llmcore.events import Finish, PartEvent
from llmcore.pluginkit import SHAPE_ERRORS, malformed
from llmcore.types import ServerToolCallPart
from llmcore_openai.responses.response import parse_response
from llmcore_openai.responses.stream import ResponsesStreamDecoder

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import CallWarning, ChatRequest, ChatResponse

__all__ = ["X_SEARCH_TOOLS", "XAIStreamDecoder", "adapt_tool_entries", "parse_xai_response", "x_search"]

#: the names of X search's output items (``custom_tool_call``): https://docs.x.ai/developers/tools/x-search
X_SEARCH_TOOLS = frozenset({"x_keyword_search", "x_semantic_search", "x_user_search", "x_thread_fetch"})
#: the most handles xAI takes in ``allowed_x_handles`` / ``excluded_x_handles``
MAX_HANDLES = 10


def _bad(message: str) -> InvalidRequestError:
    return InvalidRequestError(message, provider="xai")


def _handles(name: str, handles: Sequence[str] | None) -> list[str] | None:
    if handles is None:
        return None
    if isinstance(handles, str) or not all(isinstance(h, str) and h.strip("@") for h in handles):
        raise _bad(f"x_search({name}=...) takes a list of X handles, e.g. ['xai'], not {handles!r}")
    out = [h.lstrip("@") for h in handles]
    if len(out) > MAX_HANDLES:
        raise _bad(f"x_search({name}=...) takes at most {MAX_HANDLES} handles, not {len(out)}")
    return out


def _date(name: str, value: str | _dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.date):
        return value.isoformat()
    try:
        return _dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise _bad(f"x_search({name}=...) takes a date as YYYY-MM-DD, not {value!r}") from None


def x_search(
    *,
    allowed_x_handles: Sequence[str] | None = None,
    excluded_x_handles: Sequence[str] | None = None,
    from_date: str | _dt.date | None = None,
    to_date: str | _dt.date | None = None,
    enable_image_understanding: bool | None = None,
    enable_video_understanding: bool | None = None,
) -> WebSearchTool:
    """xAI's X search as a built-in tool: ``m.chat(..., tools=[llmcore_xai.x_search(from_date="2026-01-01")])``
    with ``api="responses"``. It is a :class:`~llmcore.builtin_tools.WebSearchTool` whose xAI entry is
    ``{"type": "x_search", ...}`` (given in its ``provider_options``), so the facade checks it as web
    search; on another provider it is that provider's plain web search.

    Parameters as xAI names them (https://docs.x.ai/developers/tools/x-search): at most 10 handles,
    allowed or excluded (not both); dates as ``YYYY-MM-DD`` (or :class:`datetime.date`), ``from_date``
    not after ``to_date``. Bad values raise :class:`~llmcore.errors.InvalidRequestError` here, before
    any request."""
    allowed = _handles("allowed_x_handles", allowed_x_handles)
    excluded = _handles("excluded_x_handles", excluded_x_handles)
    if allowed is not None and excluded is not None:
        raise _bad("x_search takes allowed_x_handles or excluded_x_handles, not both")
    start, end = _date("from_date", from_date), _date("to_date", to_date)
    if start is not None and end is not None and start > end:
        raise _bad(f"x_search(from_date={start!r}) is after to_date={end!r}")
    entry: dict[str, Any] = {"type": "x_search"}
    for key, value in (
        ("allowed_x_handles", allowed),
        ("excluded_x_handles", excluded),
        ("from_date", start),
        ("to_date", end),
        ("enable_image_understanding", enable_image_understanding),
        ("enable_video_understanding", enable_video_understanding),
    ):
        if value is not None:
            entry[key] = value
    return WebSearchTool(provider_options={"xai": entry})


def adapt_tool_entries(request: ChatRequest, body: dict[str, Any]) -> None:
    """Make the shared mapping's built-in tool entries (the last ``len(request.builtin_tools)`` of
    ``body["tools"]``, in order) xAI's: no ``container`` on ``code_interpreter``, no
    ``require_approval`` on ``mcp``, unless the tool's ``provider_options`` give them."""
    tools = request.builtin_tools or ()
    entries = body.get("tools")
    if not tools or not isinstance(entries, list) or len(entries) < len(tools):
        return
    for tool, entry in zip(tools, entries[len(entries) - len(tools) :], strict=True):
        given = options_for(tool, "xai")
        if isinstance(tool, CodeExecutionTool) and "container" not in given:
            entry.pop("container", None)
        elif isinstance(tool, MCPServerTool) and "require_approval" not in given:
            entry.pop("require_approval", None)


def is_x_search_item(item: Any) -> bool:
    """Whether an output item is one of X search's ``custom_tool_call`` s."""
    return isinstance(item, dict) and item.get("type") == "custom_tool_call" and item.get("name") in X_SEARCH_TOOLS


def x_search_part(item: dict[str, Any], provider: str) -> ServerToolCallPart:
    """The part of one X search item: its name, its arguments (``input``, a JSON string) parsed."""
    item_id = item.get("id")
    if not isinstance(item_id, str):
        raise TypeError(f"custom_tool_call.id is {type(item_id).__name__}, not a string")
    raw = item.get("input")
    try:
        args = json.loads(raw) if isinstance(raw, str) and raw else {}
    except ValueError:
        args = {"input": raw}  # not JSON: kept as sent
    return ServerToolCallPart.model_construct(
        type="server_tool_call",
        id=item_id,
        name=item["name"],
        input=args if isinstance(args, dict) else {"input": args},
        provider=provider,
        data=item,
    )


#: the stand-in item type the shared parser reads as a server tool's item (it ends with ``_call``)
_STAND_IN = "xai_x_search_call"


def parse_xai_response(data: Any, provider: str, warnings: list[CallWarning] | None = None) -> ChatResponse:
    """The shared Responses parser, with X search's items as server-tool parts in answer order: each
    is handed to the parser as a stand-in server item (so it keeps its place among the parts) and the
    stand-in's part is then replaced by :func:`x_search_part` of the item."""
    output = data.get("output") if isinstance(data, dict) else None
    if not isinstance(output, list) or not any(is_x_search_item(o) for o in output):
        return keep_usage(parse_response(data, provider=provider, warnings=warnings), data, provider)
    originals: dict[int, dict[str, Any]] = {}
    shown: list[Any] = []
    for o in output:
        if is_x_search_item(o):
            stand_in = {"type": _STAND_IN, "id": o.get("id")}
            originals[id(stand_in)] = o
            shown.append(stand_in)
        else:
            shown.append(o)
    r = parse_response({**data, "output": shown}, provider=provider, warnings=warnings)
    content = r.message.content
    try:
        for i, p in enumerate(content):
            if isinstance(p, ServerToolCallPart) and id(p.data) in originals:
                content[i] = x_search_part(originals[id(p.data)], provider)
    except SHAPE_ERRORS as e:
        raise malformed(provider, "Responses API response", data, e) from None
    r.raw = data
    return keep_usage(r, data, provider)


def keep_usage(r: ChatResponse, data: Any, provider: str) -> ChatResponse:
    """Keep the answer's whole ``usage`` in ``provider_metadata[provider]["usage"]``: xAI adds what
    :class:`~llmcore.types.Usage` has no field for (``num_server_side_tools_used``,
    ``server_side_tool_usage_details``: the searches and code runs billed, ``cost_in_usd_ticks``,
    ``context_details``)."""
    usage = data.get("usage") if isinstance(data, dict) else None
    if isinstance(usage, dict):
        r.provider_metadata = with_usage(r.provider_metadata, provider, usage)
    return r


#: ``cost_in_usd_ticks`` per USD (https://docs.x.ai/developers/cost-tracking: 1 USD = 10^10 ticks)
TICKS_PER_USD = 10**10


def with_usage(metadata: dict[str, Any] | None, provider: str, usage: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` with ``usage`` under ``[provider]["usage"]`` and, when xAI reported what it billed
    (``cost_in_usd_ticks``, an integer), that cost in USD under ``[provider]["cost"]``: llmcore's usage
    accounting takes a cost the provider reports over price tables
    (:func:`llmcore.usage.reported_cost`)."""
    meta = dict(metadata or {})
    own = meta.get(provider)
    entry: dict[str, Any] = {**(own if isinstance(own, dict) else {}), "usage": usage}
    ticks = usage.get("cost_in_usd_ticks")
    if isinstance(ticks, int) and not isinstance(ticks, bool) and ticks >= 0:
        entry["cost"] = ticks / TICKS_PER_USD
    meta[provider] = entry
    return meta


class XAIStreamDecoder(ResponsesStreamDecoder):
    """The shared Responses stream decoder; an X search item's ``response.output_item.done`` is a
    :class:`~llmcore.events.PartEvent` of :func:`x_search_part` (its ``custom_tool_call_input``
    deltas are progress, as the shared decoder treats every built-in tool's)."""

    _usage: Any = None  # the final response's usage (response.completed / incomplete)

    def feed(self, ev: Any) -> list[StreamEvent]:
        if isinstance(ev, dict) and ev.get("type") in ("response.completed", "response.incomplete"):
            final = ev.get("response")
            self._usage = final.get("usage") if isinstance(final, dict) else None
        if isinstance(ev, dict) and ev.get("type") == "response.output_item.done" and is_x_search_item(ev.get("item")):
            try:
                return [PartEvent(x_search_part(ev["item"], self.provider))]
            except SHAPE_ERRORS as e:
                raise malformed(self.provider, "stream event", ev, e) from None
        return super().feed(ev)

    def close(self) -> list[StreamEvent]:
        """The shared end of stream; the ``Finish`` carries the whole usage, as the chat path keeps it."""
        out = super().close()
        if isinstance(self._usage, dict):
            for i, ev in enumerate(out):
                if isinstance(ev, Finish):
                    out[i] = Finish(
                        ev.reason, ev.raw_reason, with_usage(ev.provider_metadata, self.provider, self._usage)
                    )
        return out
