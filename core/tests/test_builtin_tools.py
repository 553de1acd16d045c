"""Built-in (server-side) tools as neutral specs (llmcore.builtin_tools, issue 11): given in
``tools=[...]`` they travel in ``ChatRequest.builtin_tools``; one the provider does not claim in
``Capabilities.server_tools`` is refused before the network, naming the providers that have it; the
kit names a claimed tool no recording shows instead of failing (``unrecorded_server_tools``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import llmcore
import lossy_provider
import pytest
from llmcore import plugins
from llmcore.builtin_tools import BUILTIN_TOOLS, MCPServerTool, WebFetchTool, WebSearchTool, split_tools
from llmcore.errors import UnsupportedFeatureError
from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ChatRequest, Tool
from llmcore_testing.conformance import KitWarning, ProviderConformance
from pydantic import ValidationError

PLAIN = ProviderSpec(  # claims no server tool
    name="plain",
    factory="lossy_provider:LossyProvider",
    env_keys=("PLAIN_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(streaming=False),
)
MCP_ONLY = ProviderSpec(  # claims one server tool and nothing a recording would prove
    name="mcponly",
    factory="lossy_provider:LossyProvider",
    env_keys=("MCPONLY_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(streaming=False, server_tools=("mcp",)),
)


class _Plugin:
    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [lossy_provider.SPEC, PLAIN, MCP_ONLY]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    plugins.reset()
    plugins.register(_Plugin(), "builtin-tools-toys")
    yield
    plugins.reset()


FN = {"name": "lookup", "parameters": {"type": "object", "properties": {}}}


def test_the_specs_are_exported_lazily_and_url_context_is_web_fetch() -> None:
    assert llmcore.WebSearchTool is WebSearchTool and llmcore.UrlContextTool is WebFetchTool
    assert {c.__name__ for c in BUILTIN_TOOLS} <= set(dir(llmcore))


def test_split_keeps_the_order_of_each_kind() -> None:
    a, b = WebSearchTool(), WebFetchTool()
    assert split_tools([FN, a, "x", b]) == ([FN, "x"], [a, b])


def test_the_facade_moves_built_in_tools_out_of_tools() -> None:
    m = llmcore.model("lossy/toy", api_key="k")
    req, _ = m.request("hi", tools=[WebSearchTool(max_uses=2), FN])
    assert req.tools == [Tool(**FN)]
    assert req.builtin_tools == [WebSearchTool(max_uses=2)]
    req, _ = m.request("hi", tools=[WebSearchTool()])
    assert req.tools is None and req.builtin_tools == [WebSearchTool()]


@pytest.mark.parametrize(
    ("model", "tool", "says"),
    [
        ("plain/toy", WebSearchTool(), "plain has no built-in WebSearchTool; providers that have it: lossy"),
        ("lossy/toy", WebFetchTool(), "lossy has no built-in WebFetchTool; no installed provider has it"),
        ("plain/toy", MCPServerTool(url="https://m.example", name="m"), "providers that have it: mcponly"),
    ],
)
def test_an_unclaimed_tool_is_refused_before_the_network(model: str, tool: object, says: str) -> None:
    m = llmcore.model(model, api_key="k", retry=False)  # base_url: a closed port; the call never gets there
    with pytest.raises(UnsupportedFeatureError, match=says):
        m.chat("hi", tools=[tool])
    with pytest.raises(UnsupportedFeatureError, match=says):  # given as the request field, the same check
        m.chat("hi", builtin_tools=[tool])


def test_a_request_round_trips_through_json_with_each_tool_kind() -> None:
    tools = [
        WebSearchTool(user_location={"country": "US"}, provider_options={"openai": {"search_context_size": "low"}}),
        WebFetchTool(citations=True),
        llmcore.CodeExecutionTool(),
        llmcore.FileSearchTool(vector_store_ids=["vs_1"], max_results=3),
        MCPServerTool(url="https://m.example", name="m", allowed_tools=["a"]),
        llmcore.ImageGenerationTool(size="1024x1024"),
    ]
    req = ChatRequest(model="m", messages="hi", builtin_tools=tools)
    again = ChatRequest.model_validate_json(req.model_dump_json())
    assert again.builtin_tools == tools
    assert [type(t) for t in again.builtin_tools or ()] == [type(t) for t in tools]


def test_the_mcp_token_is_never_in_a_repr() -> None:
    token = "tok-" + "s3cr3t"
    tool = MCPServerTool(url="https://m.example", name="m", authorization=token, headers={"X-Key": token})
    req = ChatRequest(model="m", messages="hi", builtin_tools=[tool])
    assert token not in repr(tool) and token not in str(tool) and token not in repr(req)


@pytest.mark.parametrize(
    "build",
    [
        lambda: llmcore.FileSearchTool(vector_store_ids=[]),
        lambda: WebSearchTool(max_uses=0),
        lambda: WebSearchTool(search_context_size="huge"),
        lambda: MCPServerTool(url="", name="m"),
        lambda: WebSearchTool(unknown=1),
    ],
)
def test_bad_options_fail_at_construction(build: object) -> None:
    with pytest.raises(ValidationError):
        build()  # type: ignore[operator]


class _McpOnlyKit(ProviderConformance):
    provider = "mcponly"
    cassette_dir = Path(__file__).parent


def test_the_kit_fails_a_claimed_tool_without_a_recording_unless_it_says_why() -> None:
    with pytest.raises(AssertionError, match=r"mcp \(needs lossless_cases\['mcp'\]\)"):
        _McpOnlyKit().test_capability_claims()

    class Said(_McpOnlyKit):
        unrecorded_server_tools = {"mcp": "no public recording"}

    with pytest.warns(KitWarning, match="no public recording"):
        Said().test_capability_claims()


def test_a_provider_that_has_the_tool_elsewhere_is_not_said_to_lack_it() -> None:
    """A plugin refusing a tool it claims, on a call that cannot run it (another of its APIs does), gets a
    message that does not contradict its claim."""
    from llmcore.builtin_tools import refuse

    err = refuse(WebSearchTool(), "lossy", "it runs on the other API: option api='x'")
    assert str(err).startswith("[lossy] lossy cannot run the built-in WebSearchTool on this call (it runs on")
    assert "has no built-in" not in str(err)
    assert "has no built-in WebFetchTool" in str(refuse(WebFetchTool(), "lossy"))
