"""Issue 18 #12: bad arguments are typed errors that say what to do, raised
before any network call (a real local server counts the requests that got
through: none may)."""

from __future__ import annotations

import gc
import warnings
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from scripted_server import TOY_KEY, ScriptedServer, toy_json

pytest_plugins = ["reliability_fixtures"]


async def _ok(request, server):  # type: ignore[no-untyped-def]
    return toy_json("ok")


def _model(server: ScriptedServer, **kw: Any) -> llmcore.Model:
    kw.setdefault("base_url", server.url + "/v1")
    return llmcore.model("toy/toy-1", api_key=TOY_KEY, **kw)


def _no_stray_coroutines(caught: list[warnings.WarningMessage]) -> None:
    gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)], [str(w.message) for w in caught]


@pytest.mark.parametrize("name", [5, None, b"toy/toy-1", ["toy/toy-1"]])
def test_a_model_name_that_is_not_a_string(name: Any, toy: None) -> None:
    with pytest.raises(E.ConfigurationError, match="a model name must be a string"):
        llmcore.model(name)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("timeout", "x", "timeout must be a positive number of seconds, not 'x'"),
        ("timeout", -1, "timeout must be a positive number of seconds, not -1"),
        ("timeout", 0, "timeout must be a positive number"),
        ("timeout", float("nan"), "timeout must be a positive number"),
        ("headers", "x", "headers must be a dict of header names to values, not str"),
        ("headers", {"x-tenant": 5}, "headers must map non-empty string names to string values"),
        ("http_client", "x", "http_client must be an httpx.AsyncClient, not str"),
        ("base_url", "", "base_url is empty"),
        ("base_url", "   ", "base_url is empty"),
        ("base_url", "localhost:8000/v1", "base_url must start with http:// or https://"),
        ("base_url", 8000, "base_url must be a URL string, not int"),
        ("api_key", 12345, "api_key must be a non-empty string, not int"),
        ("api_key", "", "api_key must be a non-empty string, not an empty string"),
        ("retry", -1, "retry must be True/False or a number of attempts"),
    ],
)
def test_bad_connection_options_fail_before_the_network(
    server: ScriptedServer, toy: None, option: str, value: Any, message: str
) -> None:
    server.handler = _ok
    kw: dict[str, Any] = {option: value}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(E.ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
            if option == "api_key":
                llmcore.model("toy/toy-1", base_url=server.url + "/v1", **kw).chat("hi")
            else:
                _model(server, **kw).chat("hi")
        _no_stray_coroutines(caught)
    assert server.hits == 0


def test_retry_policy_with_no_attempts_and_configure(toy: None) -> None:
    from llmcore.reliability import RetryPolicy, configure

    with pytest.raises(E.ConfigurationError, match="max_attempts must be an integer of 1 or more"):
        llmcore.model("toy/toy-1", api_key=TOY_KEY, retry=RetryPolicy(max_attempts=-2))
    with pytest.raises(E.ConfigurationError, match="retry must be True/False or a number of attempts"):
        configure(retry=-1)


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ([{"role": "user", "content": 5}], "a message's content must be a string or a list of parts, not int"),
        ([{"role": "user", "content": {"text": "hi"}}], "content must be a string or a list of parts, not dict"),
    ],
)
def test_bad_message_content_is_typed(server: ScriptedServer, toy: None, messages: Any, message: str) -> None:
    server.handler = _ok
    with pytest.raises(E.InvalidRequestError, match=message):
        _model(server).chat(messages)
    assert server.hits == 0


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"type": "banana"}, r"tool 'f': type 'banana' is not a JSON Schema type"),
        ({"type": "object", "properties": {"a": 5}}, r"tool 'f'.properties.a must be a JSON Schema object"),
        ({"type": "object", "properties": {"a": {"type": "strin"}}}, r"properties.a: type 'strin'"),
        ({"type": "object", "required": "a"}, "required must be a list of property names"),
        ({"type": "array", "items": {"type": "string"}}, "must be a schema of type 'object'"),
        ({"type": "object", "properties": {"a": {"type": "integer", "minimum": "zero"}}}, "not a valid JSON Schema"),
    ],
)
def test_a_tool_with_an_invalid_schema_never_reaches_the_server(
    server: ScriptedServer, toy: None, parameters: dict[str, Any], message: str
) -> None:
    if "minimum" in str(parameters):
        pytest.importorskip("jsonschema")
    server.handler = _ok
    with pytest.raises(E.InvalidRequestError, match=message):
        _model(server).chat("hi", tools=[{"name": "f", "parameters": parameters}])
    with pytest.raises(E.InvalidRequestError, match=message):  # the OpenAI shape too
        _model(server).chat("hi", tools=[{"type": "function", "function": {"name": "f", "parameters": parameters}}])
    assert server.hits == 0


@pytest.mark.parametrize(
    ("response_format", "message"),
    [
        ({"type": "banana"}, "response_format type 'banana' is neither a response format"),
        ({"type": "json_schema"}, "needs a schema"),
        (
            {"type": "json_schema", "schema": {"type": "object", "properties": {"a": {"type": "banana"}}}},
            "the response_format schema.properties.a: type 'banana'",
        ),
        ({"type": "object", "properties": []}, "properties must map names to schemas"),
    ],
)
def test_a_bad_response_format_never_reaches_the_server(
    server: ScriptedServer, toy: None, response_format: dict[str, Any], message: str
) -> None:
    server.handler = _ok
    with pytest.raises(E.InvalidRequestError, match=message):
        _model(server).chat("hi", response_format=response_format)
    assert server.hits == 0


def test_good_arguments_still_work(server: ScriptedServer, toy: None) -> None:
    server.handler = _ok
    m = _model(server, timeout=5, headers={"x-tenant": "a"}, retry=0)
    tool = {"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": ["string", "null"]}}}}
    assert m.chat("hi", tools=[tool]).text == "ok"
    assert {k.lower(): v for k, v in server.requests[0]["headers"].items()}["x-tenant"] == "a"


@pytest.mark.parametrize("tools", [5, "f", {"name": "f"}])
def test_tools_that_are_not_a_list(server: ScriptedServer, toy: None, tools: Any) -> None:
    server.handler = _ok
    with pytest.raises(E.InvalidRequestError, match="tools must be a list of tools"):
        _model(server).chat("hi", tools=tools)
    assert server.hits == 0


@pytest.mark.parametrize(
    ("connection", "message"),
    [
        ({"timeout": "x"}, "timeout must be a positive number"),
        ({"headers": "x"}, "headers must be a dict"),
        ({"base_url": ""}, "base_url is empty"),
        ({"colour": "red"}, "unknown connection option"),
    ],
)
def test_batch_status_checks_its_connection_options(
    server: ScriptedServer, toy: None, connection: dict[str, Any], message: str
) -> None:
    from llmcore.plugins import register
    from test_routing_batch import _plugin as batch_plugin

    register(batch_plugin, "toybatch")
    kw = {"api_key": TOY_KEY, "base_url": server.url + "/v1", **connection}
    with pytest.raises(E.ConfigurationError, match=message):
        llmcore.batch_status("toybatch:b/42?n=1", **kw)
    assert server.hits == 0
