"""The response cache through the facade: hits skip the server, streams replay as streams."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from llmcore.cache import MemoryCache, SQLiteCache
from llmcore.cache.codec import event_to_dict
from llmcore.structured import StructuredOutputError
from pydantic import BaseModel
from scripted_server import ScriptedServer
from shaped_provider import answer, stream

pytest_plugins = ["shaped_fixtures"]


class City(BaseModel):
    name: str
    country: str


def counting(text: str = "hello there", **kw: Any) -> Any:
    """Answer ``text #n`` with n = the server's hit count, so a fresh answer differs from a cached one."""

    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        return answer(f"{text} #{server.hits}", **kw)

    return handler


def streaming(pieces: list[str]) -> Any:
    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=[*pieces, f" #{server.hits}"])

    return handler


def test_a_hit_skips_the_provider_and_is_marked(server: ScriptedServer, make_model: Any) -> None:
    server.handler = counting()
    m = make_model(cache="memory")
    r1 = m.chat("hi")
    r2 = m.chat("hi")
    assert server.hits == 1
    assert r1.text == r2.text == "hello there #1"
    assert (r1.cached, r2.cached) == (False, True)
    assert r2.usage == r1.usage and r2.model == r1.model and r2.finish_reason == "stop"
    assert (m.usage.requests, m.usage.cache_hits) == (1, 1)
    assert m.usage.input_tokens == 10  # the hit added no tokens
    m.chat("something else")
    m.chat("hi", temperature=0.3)  # another request: another key
    assert server.hits == 3


def test_per_call_switches(server: ScriptedServer, make_model: Any, shaped: Path) -> None:
    server.handler = counting()
    m = make_model(cache="memory")
    m.chat("hi")
    assert m.chat("hi", cache=False).text == "hello there #2"  # bypass for one call
    assert m.chat("hi").text == "hello there #1"  # the cached answer is still there
    plain = make_model()  # no cache on the model
    plain.chat("hi")
    plain.chat("hi")
    assert server.hits == 4
    a = plain.chat("hi", cache=True)  # the default cache: SQLite in LLMCORE_CACHE_DIR
    b = plain.chat("hi", cache=True)
    assert server.hits == 5 and b.cached and a.text == b.text
    assert (shaped / "cache" / "responses.sqlite").is_file()


def test_a_cached_stream_replays_the_same_events(server: ScriptedServer, make_model: Any) -> None:
    server.handler = streaming(["The ", "sky ", "is ", "blue."])
    m = make_model(cache="memory")
    first = m.stream("why?")
    ev1 = [event_to_dict(e) for e in first]
    second = m.stream("why?")
    ev2 = [event_to_dict(e) for e in second]
    assert server.hits == 1
    assert ev1 == ev2 and [e["text"] for e in ev2 if e["type"] == "text"] == ["The ", "sky ", "is ", "blue.", " #1"]
    assert first.response is not None and second.response is not None
    assert second.response.cached and not first.response.cached
    assert second.response.text == first.response.text == "The sky is blue. #1"
    # a chat call of the same request is answered from the stream's entry
    r = m.chat("why?")
    assert r.cached and r.text == "The sky is blue. #1" and server.hits == 1


def test_a_cached_chat_replays_as_a_stream(server: ScriptedServer, make_model: Any) -> None:
    server.handler = counting(tool_calls=[{"id": "c1", "name": "f", "arguments": '{"x": 1}'}])
    m = make_model(cache="memory")
    r = m.chat("call f")
    events = list(m.stream("call f"))
    types = [e.type for e in events]
    assert server.hits == 1
    assert types == ["metadata", "text", "tool_call", "usage", "finish"]
    st_text = "".join(e.text for e in events if e.type == "text")  # type: ignore[union-attr]
    assert st_text == r.text and events[2].arguments == {"x": 1}  # type: ignore[union-attr]


def test_structured_output_from_the_cache(server: ScriptedServer, make_model: Any) -> None:
    calls = []

    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        calls.append(1)
        return answer(json.dumps({"name": "Lima", "country": "Peru"}) if len(calls) > 1 else '{"name": 5}')

    server.handler = handler
    m = make_model(cache="memory")
    with pytest.raises(StructuredOutputError):
        m.chat("capital?", response_format=City)  # an invalid answer is not stored...
    r = m.chat("capital?", response_format=City)  # ...so this asks again
    assert r.parsed == City(name="Lima", country="Peru") and not r.cached
    hit = m.chat("capital?", response_format=City)
    assert hit.cached and hit.parsed == City(name="Lima", country="Peru")
    assert len(calls) == 2


def test_ttl(server: ScriptedServer, make_model: Any) -> None:
    server.handler = counting()
    m = make_model(cache=MemoryCache(ttl=0.3))
    m.chat("hi")
    assert m.chat("hi").cached
    time.sleep(0.4)
    assert not m.chat("hi").cached and server.hits == 2


def test_sqlite_cache_survives_the_model(server: ScriptedServer, make_model: Any, tmp_path: Path) -> None:
    server.handler = counting()
    path = tmp_path / "eval.sqlite"
    make_model(cache=str(path)).chat("hi")
    again = make_model(cache=SQLiteCache(path)).chat("hi")  # another model, another cache object
    assert again.cached and server.hits == 1
    other_key = make_model(cache=str(path), api_key="another-key-123456789").chat("hi")
    assert other_key.cached  # the API key is not part of the cache key


def test_redis_cache_shared_by_models(server: ScriptedServer, make_model: Any, redis_url: str) -> None:
    server.handler = streaming(["a", "b"])
    url = redis_url.rsplit("/", 1)[0] + "/3"  # a database of its own
    ev1 = [event_to_dict(e) for e in make_model(cache=url).stream("hi")]
    ev2 = [event_to_dict(e) for e in make_model(cache=url).stream("hi")]
    assert ev1 == ev2 and server.hits == 1


def test_a_failing_cache_never_fails_the_call(
    server: ScriptedServer, make_model: Any, caplog: pytest.LogCaptureFixture
) -> None:
    pytest.importorskip("redis")
    from scripted_server import free_port

    server.handler = counting()
    m = make_model(cache=f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with caplog.at_level(logging.WARNING, logger="llmcore.cache"):
        r = m.chat("hi")
    assert r.text == "hello there #1" and not r.cached
    assert "lookup failed" in caplog.text


def test_async_and_concurrent_calls_share_the_cache(server: ScriptedServer, make_model: Any) -> None:
    server.handler = counting()
    m = make_model(cache="memory")

    async def go() -> list[Any]:
        first = await m.achat("q")
        rest = await asyncio.gather(*(m.achat("q") for _ in range(5)))
        return [first, *rest]

    out = asyncio.run(go())
    assert server.hits == 1 and all(r.cached for r in out[1:]) and m.usage.cache_hits == 5
