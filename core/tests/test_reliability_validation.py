"""Bad input is a typed error before any network call, saying what is wrong
and how to fix it. A real server counts hits: every case must leave it at 0."""

from __future__ import annotations

import llmcore
import pytest
from llmcore import errors as E
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.spec import Capabilities, ProviderSpec
from scripted_server import TOY_KEY, toy_json

pytest_plugins = ["reliability_fixtures"]
pytestmark = pytest.mark.usefixtures("toy")

IMAGE = {
    "role": "user",
    "content": [
        {"type": "text", "text": "what is this?"},
        {"type": "image", "data": "iVBORw0KGgo=", "media_type": "image/png"},
    ],
}


@pytest.fixture
def m(server):  # type: ignore[no-untyped-def]
    async def ok(request, s):  # type: ignore[no-untyped-def]
        return toy_json("ok")

    server.handler = ok
    return llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False)


def _rejects(m, server, messages, cls, *fragments, **kw):  # type: ignore[no-untyped-def]
    with pytest.raises(cls) as ei:
        m.chat(messages, **kw)
    text = str(ei.value)
    for f in fragments:
        assert f in text, text
    assert server.hits == 0
    return ei.value


def test_invalid_role(m, server) -> None:  # type: ignore[no-untyped-def]
    _rejects(
        m, server, [{"role": "bot", "content": "hi"}], E.InvalidRequestError, "message 0 is invalid", "role", "'user'"
    )


def test_empty_message_list(m, server) -> None:  # type: ignore[no-untyped-def]
    _rejects(m, server, [], E.InvalidRequestError, "messages is empty", "at least one user message")


def test_tool_result_without_its_call(m, server) -> None:  # type: ignore[no-untyped-def]
    msgs = [{"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "call_9", "content": "42"}]
    _rejects(m, server, msgs, E.InvalidRequestError, "call_9", "no matching tool call")


def test_image_to_a_provider_without_vision(m, server) -> None:  # type: ignore[no-untyped-def]
    err = _rejects(m, server, [IMAGE], E.UnsupportedFeatureError, "does not take images", "vision", "message 0")
    assert isinstance(err, E.InvalidRequestError)
    # also an image inside a tool result
    msgs = [
        {"role": "user", "content": "look"},
        {"role": "assistant", "content": [{"type": "tool_call", "id": "c1", "name": "snap", "arguments": {}}]},
        {
            "role": "tool",
            "content": [
                {
                    "type": "tool_result",
                    "tool_call_id": "c1",
                    "content": [{"type": "image", "url": "https://example.com/x.png"}],
                }
            ],
        },
    ]
    _rejects(m, server, msgs, E.UnsupportedFeatureError, "message 2")


VISION_SPEC = ProviderSpec(
    name="toyvision",
    factory="toy_provider:ToyProvider",
    env_keys=("TOY_API_KEY",),
    capabilities=Capabilities(vision=True),
)


class _vision_plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [VISION_SPEC]


def test_an_image_goes_to_a_provider_with_vision(server) -> None:  # type: ignore[no-untyped-def]
    async def ok(request, s):  # type: ignore[no-untyped-def]
        return toy_json("a pixel")

    server.handler = ok
    register(_vision_plugin, "toyvision")
    mv = llmcore.model("toyvision/x", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False)
    assert mv.chat([IMAGE]).text == "a pixel" and server.hits == 1


def test_non_serialisable_tool_argument(m, server) -> None:  # type: ignore[no-untyped-def]
    msgs = [
        {"role": "user", "content": "hi"},
        {
            "role": "assistant",
            "content": [{"type": "tool_call", "id": "c1", "name": "f", "arguments": {"when": object()}}],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "ok"},
    ]
    _rejects(m, server, msgs, E.InvalidRequestError, "arguments of tool call 'c1'", "JSON-serialisable")


def test_non_serialisable_tool_schema(m, server) -> None:  # type: ignore[no-untyped-def]
    tool = {"name": "f", "parameters": {"type": "object", "properties": {"x": {"default": {1, 2}}}}}
    _rejects(m, server, "hi", E.InvalidRequestError, "parameters schema of tool 'f'", "JSON", tools=[tool])


def test_non_serialisable_provider_option(m, server) -> None:  # type: ignore[no-untyped-def]
    # the toy codec does not read provider_options; a real codec merges them into the body,
    # which HTTPProvider serialises before sending
    from llmcore._sync import run

    provider = m.base_provider

    async def send() -> None:
        await provider.request_json("POST", "chat", {"model": "x", "extra": object()})

    with pytest.raises(E.InvalidRequestError, match="cannot be sent as JSON"):
        run(send())
    assert server.hits == 0


def test_unknown_parameter_suggests_the_right_one(m, server) -> None:  # type: ignore[no-untyped-def]
    _rejects(
        m,
        server,
        "hi",
        E.InvalidRequestError,
        "'temprature'",
        "did you mean 'temperature'",
        "provider_options",
        temprature=0.2,
    )


def test_unknown_reliability_fields(server) -> None:  # type: ignore[no-untyped-def]
    base = {"api_key": TOY_KEY, "base_url": server.url + "/v1"}
    with pytest.raises(E.ConfigurationError, match="known: connect"):
        llmcore.model("toy/toy-1", timeouts={"conect": 1}, **base)
    with pytest.raises(E.ConfigurationError, match="requests_per_minute"):
        llmcore.model("toy/toy-1", rate_limit={"rpm": 1}, **base)
    with pytest.raises(E.ConfigurationError, match="concurrency"):
        llmcore.model("toy/toy-1", concurrency="lots", **base)
    with pytest.raises(E.ConfigurationError, match="retry"):
        llmcore.model("toy/toy-1", retry="often", **base)
    assert server.hits == 0


def test_global_defaults_apply_and_model_options_win(server) -> None:  # type: ignore[no-untyped-def]
    from llmcore.reliability import UNSET, ConcurrencyPolicy, RateLimit, configure, find_layer

    configure(rate_limit={"requests_per_minute": 60})
    configure(provider="toy", concurrency=4)
    with pytest.raises(E.ConfigurationError, match="unknown reliability option"):
        configure(speed=3)
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1")
    assert find_layer(m.provider, RateLimit) is not None
    from llmcore.reliability import AdaptiveConcurrency

    assert find_layer(m.provider, AdaptiveConcurrency).limiter.max_concurrency == 4
    own = llmcore.model(
        "toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", rate_limit=None, concurrency=ConcurrencyPolicy(max=2)
    )
    assert find_layer(own.provider, RateLimit) is None
    assert find_layer(own.provider, AdaptiveConcurrency).limiter.max_concurrency == 2
    configure(rate_limit=UNSET)
    assert (
        find_layer(llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1").provider, RateLimit) is None
    )
