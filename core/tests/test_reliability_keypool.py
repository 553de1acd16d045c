"""Key pools against a real server that treats each key differently: rotation,
429 cool-down, 401 removal, the all-keys-out error, the ``<ENV>S`` variable,
and streams — and no key ever shown."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter

import llmcore
import pytest
from llmcore import errors as E
from llmcore.reliability import KeyPool, RetryPolicy, find_layer, key_id
from scripted_server import toy_error, toy_json, toy_stream

pytest_plugins = ["reliability_fixtures"]
pytestmark = pytest.mark.usefixtures("toy")

GOOD = ["good-key-aaaaaaaaaaaa1", "good-key-bbbbbbbbbbbb2", "good-key-cccccccccccc3"]
LIMITED = "limited-key-dddddddddd4"
REVOKED = "revoked-key-eeeeeeeeee5"


def _key(request) -> str:  # type: ignore[no-untyped-def]
    return str(request.headers.get("authorization", "")).removeprefix("Bearer ")


async def by_key(request, s):  # type: ignore[no-untyped-def]
    from scripted_server import BODY, prompt_of

    k = _key(request)
    s.state.setdefault("keys", []).append(k)
    if k == LIMITED:
        return toy_error(429, "rate limited", headers={"retry-after": "30"})
    if k == REVOKED or k not in GOOD:
        return toy_error(401, f"Incorrect API key provided: {k}")
    if request[BODY].get("stream"):
        return await toy_stream(request, ["ok"])
    return toy_json(prompt_of(request))


def test_keys_rotate_round_robin(server) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    m = llmcore.model("toy/toy-1", api_keys=GOOD, base_url=server.url + "/v1")
    for i in range(9):
        assert m.chat(f"n{i}").text == f"n{i}"
    assert Counter(server.state["keys"]) == {k: 3 for k in GOOD}
    assert isinstance(m.base_provider, KeyPool)


def test_a_rate_limited_key_cools_down_and_the_call_moves_on(server) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    m = llmcore.model("toy/toy-1", api_keys=[LIMITED, GOOD[0]], base_url=server.url + "/v1", retry=False)
    for i in range(4):
        assert m.chat(f"n{i}").text == f"n{i}"  # never fails: the other key answers
    assert server.state["keys"].count(LIMITED) == 1  # tried once, then cooling for its Retry-After
    pool = find_layer(m.provider, KeyPool)
    st = pool.status()
    assert st[0]["state"].startswith("cooling down") and st[1]["state"] == "ok"
    assert st[0]["id"] == key_id(LIMITED) and pool.rotations == 1


def test_a_rejected_key_is_taken_out(server) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    m = llmcore.model("toy/toy-1", api_keys=f"{REVOKED}, {GOOD[1]}", base_url=server.url + "/v1")
    for i in range(3):
        assert m.chat(f"n{i}").text == f"n{i}"
    assert server.state["keys"].count(REVOKED) == 1
    assert find_layer(m.provider, KeyPool).status()[0]["state"].startswith("removed")


def test_all_keys_out_is_a_clear_error_naming_keys_only_by_hash(server, caplog) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    caplog.set_level(logging.DEBUG)
    m = llmcore.model("toy/toy-1", api_keys=[REVOKED, "another-bad-key-ffffff6"], base_url=server.url + "/v1")
    with pytest.raises(E.AuthenticationError) as ei:
        m.chat("x")
    msg = str(ei.value)
    assert "all 2 API keys for toy were rejected" in msg and "api_keys" in msg
    assert key_id(REVOKED) in msg and "#1" in msg
    for text in (
        msg,
        repr(ei.value),
        repr(m),
        repr(m.provider),
        str(find_layer(m.provider, KeyPool).status()),
        caplog.text,
    ):
        assert REVOKED not in text and "another-bad-key" not in text
    assert server.hits == 2  # each key tried once; an auth error is not retried


def test_all_keys_cooling_raises_a_rate_limit_with_the_wait(server) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    m = llmcore.model(
        "toy/toy-1", api_keys=[LIMITED, "limited-key-dddddddddd4-b"], base_url=server.url + "/v1", retry=False
    )

    async def both_limited(request, s):  # type: ignore[no-untyped-def]
        return toy_error(429, "rate limited", headers={"retry-after": "0.4"})

    server.handler = both_limited
    with pytest.raises(E.RateLimitError, match="all 2 usable API keys") as ei:
        m.chat("x")
    assert ei.value.retry_after is not None and 0.2 < ei.value.retry_after <= 0.4
    # with retries, the caller waits for the first key to come back and succeeds
    server.reset()
    server.handler = by_key
    m2 = llmcore.model(
        "toy/toy-1",
        api_keys=[GOOD[2], LIMITED],
        base_url=server.url + "/v1",
        retry=RetryPolicy(max_attempts=3, initial_backoff=0.01),
    )
    pool = find_layer(m2.provider, KeyPool)
    pool._keys[0].cooldown_until = time.monotonic() + 0.3  # the good key is cooling; the other is limited
    t = time.monotonic()
    assert m2.chat("hello").text == "hello"
    assert time.monotonic() - t >= 0.25


def test_env_var_plural_builds_a_pool(server, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    monkeypatch.setenv("TOY_API_KEYS", ",".join(GOOD[:2]))
    m = llmcore.model("toy/toy-1", base_url=server.url + "/v1")
    pool = find_layer(m.provider, KeyPool)
    assert pool is not None and pool.source == "TOY_API_KEYS" and len(pool.providers) == 2
    m.chat("a")
    m.chat("b")
    assert sorted(server.state["keys"]) == sorted(GOOD[:2])
    # an explicit api_key wins over the pool variable
    single = llmcore.model("toy/toy-1", api_key=GOOD[2], base_url=server.url + "/v1")
    assert find_layer(single.provider, KeyPool) is None


def test_streams_move_to_another_key_before_the_first_event(server) -> None:  # type: ignore[no-untyped-def]
    server.handler = by_key
    m = llmcore.model("toy/toy-1", api_keys=[LIMITED, GOOD[0]], base_url=server.url + "/v1", retry=False)

    async def go() -> str:
        return "".join([t async for t in m.astream("x").texts()])

    assert asyncio.run(go()) == "ok"
    assert server.state["keys"] == [LIMITED, GOOD[0]]


def test_empty_pool_is_a_configuration_error() -> None:
    with pytest.raises(E.ConfigurationError, match="no key"):
        llmcore.model("toy/toy-1", api_keys=" , ", base_url="http://127.0.0.1:9/v1")
