"""Responses API output items of built-in (server-run) tools and ``output_text``
annotations → llmcore parts and citations, shared by the response parser and the
stream decoder so that both give the same answer.

Server tool items (each becomes a :class:`ServerToolCallPart` whose ``data`` is
the item whole — what goes back next turn — and, where the item carries what the
tool returned, a :class:`ServerToolResultPart` with ``call_id`` = the item id and
``data=None``: its output rides on the call's item):

=========================  ====================  ==============================  ===========================
item                       ``name``              ``input``                       result ``content``
=========================  ====================  ==============================  ===========================
``web_search_call``        ``web_search``        ``action`` (query, queries…)    ``action.sources`` if sent
``file_search_call``       ``file_search``       ``{"queries": [...]}``          ``results`` if not null
``code_interpreter_call``  ``code_interpreter``  ``{"code", "container_id"}``    ``outputs`` if not null
``image_generation_call``  ``image_generation``  ``{"revised_prompt", …}``       an :class:`ImagePart` (the
                                                                                 base64 ``result``)
``mcp_call``               ``mcp``               ``{"server_label", "name",      ``output`` (``error``:
                                                 "arguments"}``                  ``is_error``)
``mcp_list_tools``         ``mcp_list_tools``    ``{"server_label"}``            ``tools``
``mcp_approval_request``   ``mcp_approval_       ``{"server_label", "name",      —
                           request``             "arguments"}``
``tool_search_call``       ``tool_search``       the item's ``arguments``        —
``tool_search_output``     —                     —                               the item (result part with
                                                                                 ``data`` = the item)
other ``*_call`` the       the type without      ``{}``                          —
server runs                ``_call``
=========================  ====================  ==============================  ===========================

xAI's Responses API sends ``web_search_call`` / ``code_interpreter_call`` with the
tool's ``arguments`` as a JSON string instead: ``input`` is then those arguments.

Client-run items (``computer_call``, ``local_shell_call``, ``shell_call``,
``apply_patch_call``, ``custom_tool_call``) and anything else are no server tool:
they are kept whole with :func:`~llmcore.pluginkit.keep_unmapped`.

Annotations of an ``output_text`` → :class:`Citation` (``kind`` = the annotation
type, ``data`` = the annotation whole): ``url_citation`` (url, title, span),
``file_citation`` / ``file_path`` (``title`` = filename; their single ``index`` is a
position, given as ``start == end``), ``container_file_citation`` (span,
``title`` = filename). Offsets are moved from the content part's text to
``ChatResponse.text`` (all text parts concatenated).
"""

from __future__ import annotations

import json
from typing import Any

from llmcore.types import Citation, ImagePart, ServerToolCallPart, ServerToolResultPart

__all__ = ["CLIENT_CALLS", "is_server_item", "server_item_parts", "citation_of"]

#: output items the caller must answer (not server tools): never mapped to server-tool parts
CLIENT_CALLS = frozenset(
    {
        "function_call",
        "custom_tool_call",
        "computer_call",
        "local_shell_call",
        "shell_call",
        "apply_patch_call",
    }
)

_NAMES = {
    "web_search_call": "web_search",
    "file_search_call": "file_search",
    "code_interpreter_call": "code_interpreter",
    "image_generation_call": "image_generation",
    "mcp_call": "mcp",
    "mcp_list_tools": "mcp_list_tools",
    "mcp_approval_request": "mcp_approval_request",
    "tool_search_call": "tool_search",
}


def is_server_item(t: Any) -> bool:
    """Whether an output item of type ``t`` is a server-run tool's item."""
    if not isinstance(t, str):
        return False
    return t in _NAMES or t == "tool_search_output" or (t.endswith("_call") and t not in CLIENT_CALLS)


def _arguments(v: Any) -> Any:
    """MCP ``arguments`` (a JSON string) as an object when it parses, else as sent."""
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _input(t: str, item: dict[str, Any]) -> dict[str, Any]:
    if t in ("web_search_call", "code_interpreter_call", "file_search_call") and isinstance(item.get("arguments"), str):
        # xAI's form of these items: the tool's arguments as a JSON string (no action/code/queries)
        args = _arguments(item["arguments"])
        return args if isinstance(args, dict) else {"arguments": args}
    if t == "web_search_call":
        action = item.get("action")
        return {k: v for k, v in action.items() if k != "sources"} if isinstance(action, dict) else {}
    if t == "file_search_call":
        return {"queries": item.get("queries") or []}
    if t == "code_interpreter_call":
        return {"code": item.get("code"), "container_id": item.get("container_id")}
    if t == "image_generation_call":
        return {
            k: item[k]
            for k in ("prompt", "revised_prompt", "size", "quality", "background", "output_format")
            if item.get(k) is not None
        }
    if t in ("mcp_call", "mcp_approval_request"):
        return {
            "server_label": item.get("server_label"),
            "name": item.get("name"),
            "arguments": _arguments(item.get("arguments")),
        }
    if t == "mcp_list_tools":
        return {"server_label": item.get("server_label")}
    if t == "tool_search_call":
        args = _arguments(item.get("arguments"))
        return args if isinstance(args, dict) else ({"arguments": args} if args is not None else {})
    return {}


def _result(t: str, item: dict[str, Any], call_id: str, name: str, provider: str) -> Any:
    content: Any = None
    is_error = False
    if t == "web_search_call":
        action = item.get("action")
        content = action.get("sources") if isinstance(action, dict) else None
    elif t == "file_search_call":
        content = item.get("results")
    elif t == "code_interpreter_call":
        content = item.get("outputs")
    elif t == "mcp_call":
        if item.get("error") is not None:
            content, is_error = item["error"], True
        else:
            content = item.get("output")
    elif t == "mcp_list_tools":
        content = item.get("tools")
        if item.get("error") is not None:
            content, is_error = item["error"], True
    if content is None:
        return None
    return ServerToolResultPart.model_construct(
        type="server_tool_result",
        call_id=call_id,
        name=name,
        content=content,
        is_error=is_error,
        provider=provider,
        data=None,
    )


def _media_type(item: dict[str, Any]) -> str:
    fmt = item.get("output_format")
    return f"image/{fmt}" if isinstance(fmt, str) and fmt else "image/png"


def server_item_parts(item: dict[str, Any], provider: str) -> list[Any]:
    """The parts of one server-tool output item, in answer order (see the module table)."""
    t = item["type"]
    item_id = item.get("id")
    if not isinstance(item_id, str):
        raise TypeError(f"{t}.id is {type(item_id).__name__}, not a string")
    if t == "tool_search_output":  # the result of a tool_search_call (an item of its own)
        call_id = item.get("call_id")
        return [
            ServerToolResultPart.model_construct(
                type="server_tool_result",
                call_id=call_id if isinstance(call_id, str) else None,
                name="tool_search",
                content=item.get("tools", item.get("output")),
                is_error=False,
                provider=provider,
                data=item,
            )
        ]
    name = _NAMES.get(t) or t.removesuffix("_call")
    parts: list[Any] = [
        ServerToolCallPart.model_construct(
            type="server_tool_call",
            id=item_id,
            name=name,
            input=_input(t, item),
            provider=provider,
            data=item,
        )
    ]
    if t == "image_generation_call":
        result = item.get("result")
        if isinstance(result, str) and result:
            parts.append(ImagePart.model_construct(type="image", data=result, url=None, media_type=_media_type(item)))
        return parts
    res = _result(t, item, item_id, name, provider)
    if res is not None:
        parts.append(res)
    return parts


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _opt(v: Any) -> str | None:
    return v if isinstance(v, str) else None


def citation_of(ann: dict[str, Any], offset: int, provider: str) -> Citation:
    """One ``output_text`` annotation as a :class:`Citation`; ``offset`` = where the
    annotated text starts in ``ChatResponse.text``."""
    kind = ann.get("type")
    start, end = _int(ann.get("start_index")), _int(ann.get("end_index"))
    if start is None and end is None and _int(ann.get("index")) is not None:
        start = end = ann["index"]  # file_citation / file_path: a position, not a span
    return Citation.model_construct(
        kind=kind if isinstance(kind, str) else "annotation",
        url=_opt(ann.get("url")),
        title=_opt(ann.get("title")) or _opt(ann.get("filename")),
        cited_text=None,
        start=None if start is None else start + offset,
        end=None if end is None else end + offset,
        source_index=None,
        provider=provider,
        data=ann,
    )
