"""Cache backends (memory, SQLite, a real redis-server), keys and the entry codec."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from llmcore.cache import (
    Cache,
    MemoryCache,
    RedisCache,
    SQLiteCache,
    cache_key,
    canonical_request,
    decode_entry,
    encode_entry,
    resolve_cache,
    response_events,
)
from llmcore.cache.codec import event_to_dict
from llmcore.errors import ConfigurationError
from llmcore.events import (
    Finish,
    ReasoningDelta,
    ResponseMetadata,
    StreamAccumulator,
    TextDelta,
    ToolCall,
    ToolCallDelta,
    UsageEvent,
    WarningEvent,
)
from llmcore.types import CallWarning, ChatRequest, Usage

pytest_plugins = ["shaped_fixtures"]


@pytest.fixture(params=["memory", "sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """A factory ``backend(ttl=None) -> Cache`` for each backend."""
    if request.param == "memory":
        return lambda ttl=None: MemoryCache(ttl=ttl)
    if request.param == "sqlite":
        return lambda ttl=None: SQLiteCache(tmp_path / "c.sqlite", ttl=ttl)
    url = request.getfixturevalue("redis_url")
    prefix = f"test:{request.node.name}:{time.monotonic_ns()}:"
    return lambda ttl=None: RedisCache(url, ttl=ttl, prefix=prefix)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def test_set_get_delete_clear(backend: Any) -> None:
    async def go() -> None:
        c: Cache = backend()
        assert await c.get("k1") is None
        await c.set("k1", b"one")
        await c.set("k2", b"two")
        assert await c.get("k1") == b"one"
        await c.set("k1", b"uno")  # replace
        assert await c.get("k1") == b"uno"
        await c.delete("k1")
        assert await c.get("k1") is None and await c.get("k2") == b"two"
        await c.clear()
        assert await c.get("k2") is None
        assert (c.hits, c.misses) == (3, 3)
        if isinstance(c, RedisCache):
            await c.aclose()

    run(go())


def test_ttl_expires_entries(backend: Any) -> None:
    async def go() -> None:
        c: Cache = backend(ttl=0.3)
        await c.set("short", b"x")
        await c.set("long", b"y", ttl=30)
        assert await c.get("short") == b"x"
        await asyncio.sleep(0.45)
        assert await c.get("short") is None
        assert await c.get("long") == b"y"
        if isinstance(c, RedisCache):
            await c.aclose()

    run(go())


def test_memory_cache_is_lru() -> None:
    async def go() -> None:
        c = MemoryCache(max_entries=2)
        await c.set("a", b"1")
        await c.set("b", b"2")
        assert await c.get("a") == b"1"  # a is now the most recent
        await c.set("c", b"3")  # evicts b
        assert await c.get("b") is None and await c.get("a") == b"1" and await c.get("c") == b"3"
        assert len(c) == 2

    run(go())


def test_sqlite_cache_persists_and_prunes(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.sqlite"

    async def write() -> None:
        c = SQLiteCache(path)
        await c.set("k", b"v")
        await c.set("old", b"x", ttl=0.05)
        c.close()

    async def read() -> None:
        c = SQLiteCache(path)
        assert await c.get("k") == b"v"
        await asyncio.sleep(0.1)
        assert c.count() == 2 and c.prune() == 1 and c.count() == 1
        c.close()

    run(write())
    run(read())  # another instance, another event loop: same data


def test_redis_cache_is_shared_and_hides_credentials(redis_url: str) -> None:
    async def go() -> None:
        a, b = RedisCache(redis_url, prefix="shared:"), RedisCache(redis_url, prefix="shared:")
        await a.set("k", b"v")
        assert await b.get("k") == b"v"
        await a.clear()
        assert await b.get("k") is None
        await a.aclose()
        await b.aclose()

    run(go())
    assert "hunter2" not in RedisCache("redis://:hunter2@127.0.0.1:1/0").describe()


def test_resolve_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_url: str) -> None:
    monkeypatch.setenv("LLMCORE_CACHE_DIR", str(tmp_path / "cdir"))
    monkeypatch.delenv("LLMCORE_CACHE", raising=False)
    assert resolve_cache(None) is None and resolve_cache(False) is None
    default = resolve_cache(True)
    assert isinstance(default, SQLiteCache) and default.path == tmp_path / "cdir" / "responses.sqlite"
    assert resolve_cache("sqlite") is default
    assert resolve_cache("memory") is resolve_cache("memory")  # one per process
    p = resolve_cache(str(tmp_path / "x.sqlite"))
    assert isinstance(p, SQLiteCache) and p.path == tmp_path / "x.sqlite"
    assert isinstance(resolve_cache(redis_url), RedisCache)
    m = resolve_cache({"backend": "memory", "ttl": 5, "max_entries": 3})
    assert isinstance(m, MemoryCache) and m.ttl == 5 and m.max_entries == 3
    monkeypatch.setenv("LLMCORE_CACHE", "memory")
    assert isinstance(resolve_cache(True), MemoryCache)
    with pytest.raises(ConfigurationError):
        resolve_cache("nonsense")
    with pytest.raises(ConfigurationError):
        MemoryCache(ttl=0)


# -- keys ---------------------------------------------------------------------------------


def req(**kw: Any) -> ChatRequest:
    return ChatRequest(model=kw.pop("model", "m-1"), messages=kw.pop("messages", "hi"), **kw)


def test_cache_key_covers_the_request_and_not_the_key() -> None:
    base = cache_key("p", req())
    assert base.startswith("sha256:") and len(base) == 71
    assert cache_key("p", req()) == base
    assert cache_key("q", req()) != base
    assert cache_key("p", req(model="m-2")) != base
    assert cache_key("p", req(messages="hello")) != base
    assert cache_key("p", req(temperature=0.5)) != base
    assert cache_key("p", req(provider_options={"p": {"x": 1}})) != base
    assert cache_key("p", req(), base_url="http://other") != base
    assert cache_key("p", req(), settings={"api": "responses"}) != base
    # secrets never enter the key text
    text = canonical_request("p", req(), settings={"api_key": "sk-secret123", "access_token": "t0k", "api": "x"})
    assert "sk-secret123" not in text and "t0k" not in text and '"api":"x"' in text


# -- entries ------------------------------------------------------------------------------


EVENTS = [
    ResponseMetadata("id-1", "m-1"),
    ReasoningDelta("thinking", signature="sig"),
    TextDelta("Hel"),
    TextDelta("lo"),
    ToolCallDelta(0, "c1", "f", '{"a"'),
    ToolCallDelta(0, None, None, ": 1}"),
    ToolCall("c1", "f", {"a": 1}, '{"a": 1}', 0),
    WarningEvent(CallWarning(feature="seed", detail="ignored")),
    UsageEvent(Usage(input_tokens=5, output_tokens=3, cache_read_tokens=2)),
    Finish("tool_calls", "tool_use", {"k": "v"}),
]


def test_entry_round_trip_keeps_every_event() -> None:
    back = decode_entry(encode_entry(EVENTS))
    assert back is not None
    assert [event_to_dict(e) for e in back] == [event_to_dict(e) for e in EVENTS]
    assert decode_entry(b"garbage") is None and decode_entry(b'{"v": 999, "events": []}') is None


def test_response_events_collect_to_the_same_response() -> None:
    acc = StreamAccumulator()
    for e in EVENTS:
        acc.add(e)
    resp = acc.response("p")
    again = StreamAccumulator()
    for e in response_events(resp):
        again.add(e)
    r2 = again.response("p")
    assert r2.model_dump() == resp.model_dump()
