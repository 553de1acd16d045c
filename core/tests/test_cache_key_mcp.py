"""Response-cache keys never take an MCP server's credentials as input (not even hashed), yet
two different servers keep different keys (issue 11)."""

from __future__ import annotations

from llmcore.builtin_tools import MCPServerTool
from llmcore.cache import cache_key, canonical_request
from llmcore.types import ChatRequest, Message

# fake credentials built from fragments: no key-shaped literal in tracked code
TOKEN_A = "tok" + "-" + "A" * 24
TOKEN_B = "tok" + "-" + "B" * 24
HEADER_VALUE = "hv" + "-" + "C" * 20


def _req(tool: MCPServerTool) -> ChatRequest:
    return ChatRequest(model="m", messages=[Message(role="user", content="hi")], builtin_tools=[tool])


def test_mcp_authorization_and_header_values_are_not_hash_inputs() -> None:
    tool = MCPServerTool(url="https://mcp.example/a", name="a", authorization=TOKEN_A, headers={"X-Team": HEADER_VALUE})
    text = canonical_request("openai", _req(tool))
    assert TOKEN_A not in text
    assert HEADER_VALUE not in text
    assert "x-team" in text  # the header's name still counts


def test_same_server_different_tokens_share_a_key() -> None:
    a = MCPServerTool(url="https://mcp.example/a", name="a", authorization=TOKEN_A)
    b = MCPServerTool(url="https://mcp.example/a", name="a", authorization=TOKEN_B)
    assert cache_key("openai", _req(a)) == cache_key("openai", _req(b))


def test_different_servers_keep_different_keys() -> None:
    a = MCPServerTool(url="https://mcp.example/a", name="a", authorization=TOKEN_A)
    other_url = MCPServerTool(url="https://mcp.example/b", name="a", authorization=TOKEN_A)
    other_name = MCPServerTool(url="https://mcp.example/a", name="b", authorization=TOKEN_A)
    other_tools = MCPServerTool(url="https://mcp.example/a", name="a", authorization=TOKEN_A, allowed_tools=["x"])
    keys = {cache_key("openai", _req(t)) for t in (a, other_url, other_name, other_tools)}
    assert len(keys) == 4


def test_the_request_itself_is_not_changed() -> None:
    tool = MCPServerTool(url="https://mcp.example/a", name="a", authorization=TOKEN_A)
    req = _req(tool)
    canonical_request("openai", req)
    assert req.builtin_tools is not None and req.builtin_tools[0].authorization == TOKEN_A


def test_provider_options_credentials_are_not_hash_inputs() -> None:
    # a credential passed through a tool's provider_options (e.g. an OpenAI MCP connector's headers)
    opts_a = {
        "openai": {
            "server_label": "a",
            "headers": {"Authorization": TOKEN_A},
            "api_key": TOKEN_A,
            "nested": [{"token": TOKEN_A}],
        }
    }
    opts_b = {
        "openai": {
            "server_label": "a",
            "headers": {"Authorization": TOKEN_B},
            "api_key": TOKEN_B,
            "nested": [{"token": TOKEN_B}],
        }
    }
    a = MCPServerTool(url="https://mcp.example/a", name="a", provider_options=opts_a)
    b = MCPServerTool(url="https://mcp.example/a", name="a", provider_options=opts_b)
    text = canonical_request("openai", _req(a))
    assert TOKEN_A not in text
    assert '"headers":["authorization"]' in text and '"api_key":null' in text and '"server_label":"a"' in text
    assert cache_key("openai", _req(a)) == cache_key("openai", _req(b))
    # a setting that is not a credential still tells two requests apart
    other = MCPServerTool(
        url="https://mcp.example/a", name="a", provider_options={"openai": {**opts_a["openai"], "server_label": "z"}}
    )
    assert cache_key("openai", _req(other)) != cache_key("openai", _req(a))
    assert a.provider_options == opts_a  # the request itself is untouched
