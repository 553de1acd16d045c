"""Issue 18 #6: a single string given to a batch entry point is one prompt,
never one request per character (generate, batch_submit, batch), against a
real local server."""

from __future__ import annotations

import asyncio

import llmcore
import pytest
from llmcore import errors as E
from scripted_server import TOY_KEY, ScriptedServer, prompt_of, toy_json
from test_routing_batch import _plugin as batch_plugin
from test_routing_batch import _server_batch

pytest_plugins = ["reliability_fixtures"]


async def _echo(request, server):  # type: ignore[no-untyped-def]
    return toy_json(f"echo {prompt_of(request)}")


def test_generate_with_one_string_sends_one_request(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False)
    results = llmcore.generate(m, "hello", progress=False)
    assert server.hits == 1
    assert [r.text for r in results] == ["echo hello"]  # type: ignore[union-attr]
    # by name too, and the async entry point
    assert len(asyncio.run(llmcore.agenerate(m, "hi there", progress=False))) == 1
    assert server.hits == 2


def test_generate_with_one_message_dict_sends_one_request(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False)
    results = llmcore.generate(m, {"role": "user", "content": "hello"}, progress=False)
    assert server.hits == 1 and [r.text for r in results] == ["echo hello"]  # type: ignore[union-attr]


def test_generate_rejects_a_non_iterable(toy: None) -> None:
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url="http://127.0.0.1:9/v1")
    with pytest.raises(E.ConfigurationError, match="prompts must be a string or an iterable"):
        llmcore.generate(m, 5, progress=False)


def test_batch_submit_with_one_string_is_one_request(server: ScriptedServer, toy: None) -> None:
    from llmcore.plugins import register

    register(batch_plugin, "toybatch")
    server.handler = _server_batch(polls_until_done=0)
    m = llmcore.model("toybatch/m", api_key=TOY_KEY, base_url=server.url + "/v1")
    bid = llmcore.batch_submit(m, "hello")
    assert bid.endswith("?n=1&v=1"), bid
    assert server.state["prompts"] == ["hello"]
    server.handler = _server_batch(polls_until_done=2)  # poll 2 is its scripted hiccup, tolerated
    res = llmcore.batch(m, "again", poll_interval=0.01)
    assert [r.text for r in res] == ["re: again"]  # type: ignore[union-attr]
