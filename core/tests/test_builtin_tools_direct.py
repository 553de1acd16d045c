"""Built-in tools a provider does not claim are refused on every path, not only through the facade:
a hand-built ChatRequest given straight to a provider's chat/stream_chat is refused before the
network (its codec would otherwise drop the tool silently) (issue 11)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from llmcore.builtin_tools import MCPServerTool, WebSearchTool
from llmcore.errors import UnsupportedFeatureError
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ChatRequest, Message
from scripted_server import ScriptedServer, running, toy_json
from shaped_provider import ShapedPlainProvider

pytestmark = pytest.mark.timeout(30)

FAKE_KEY = "test" + "-" + "k" * 16  # built from fragments: no key-shaped literal


@pytest.fixture(scope="module")
def server() -> Any:
    with running() as s:
        yield s


def _request(*tools: Any) -> ChatRequest:
    return ChatRequest(model="m", messages=[Message(role="user", content="hi")], builtin_tools=list(tools))


def _provider(server: ScriptedServer) -> ShapedPlainProvider:
    # the shaped codec knows nothing of built-in tools: without the base class's check it would send
    # the request without them and the answer would look as if the search had run
    return ShapedPlainProvider(ProviderConfig(api_key=FAKE_KEY, base_url=server.url + "/v1"))


def test_chat_refuses_an_unclaimed_builtin_tool_before_the_network(server: ScriptedServer) -> None:
    server.reset()
    server.handler = lambda req, body: toy_json("searched?")
    with pytest.raises(UnsupportedFeatureError, match="WebSearchTool"):
        asyncio.run(_provider(server).chat(_request(WebSearchTool())))
    assert server.hits == 0


def test_stream_chat_refuses_an_unclaimed_builtin_tool_before_the_network(server: ScriptedServer) -> None:
    server.reset()

    async def drain() -> None:
        async for _ in _provider(server).stream_chat(_request(MCPServerTool(url="https://mcp.example", name="a"))):
            pass

    with pytest.raises(UnsupportedFeatureError, match="MCPServerTool"):
        asyncio.run(drain())
    assert server.hits == 0


def test_a_claimed_tool_passes_to_the_codec() -> None:
    asyncio.run(_claimed())


async def _claimed() -> None:
    seen: list[ChatRequest] = []

    class Searching(HTTPProvider):
        spec = ProviderSpec(
            name="searching",
            factory="x:y",
            requires_key=False,
            base_url="http://127.0.0.1:9",
            capabilities=Capabilities(server_tools=("web_search",)),
        )

        async def chat(self, request: ChatRequest) -> Any:
            seen.append(request)
            return "reached"

        async def stream_chat(self, request: ChatRequest) -> AsyncIterator[Any]:  # type: ignore[override]
            seen.append(request)
            yield "reached"

    p = Searching()
    assert await p.chat(_request(WebSearchTool())) == "reached"
    assert [e async for e in p.stream_chat(_request(WebSearchTool()))] == ["reached"]
    with pytest.raises(UnsupportedFeatureError):
        await p.chat(_request(WebSearchTool(), MCPServerTool(url="https://mcp.example", name="a")))
    assert len(seen) == 2


def test_every_installed_provider_class_checks() -> None:
    """Each installed plugin's provider classes (every chat/stream_chat they define) carry the check."""
    import importlib

    from llmcore.plugins import get_registry

    for spec in get_registry().providers.values():
        importlib.import_module(spec.factory.partition(":")[0])
    classes: list[type] = []
    todo: list[type] = [HTTPProvider]
    while todo:
        c = todo.pop()
        classes.append(c)
        todo.extend(c.__subclasses__())
    missing = [
        f"{c.__module__}.{c.__qualname__}.{name}"
        for c in classes[1:]
        for name in ("chat", "stream_chat")
        if name in vars(c) and not getattr(vars(c)[name], "_checks_builtin_tools", False)
    ]
    assert ShapedPlainProvider in classes  # plugins too, as many as are installed (all of them in /work/venv)
    assert missing == []
