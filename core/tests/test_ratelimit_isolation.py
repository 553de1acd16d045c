"""Issue 18 #9: rate limits do not leak between models. A second
``llmcore.model`` of the same name with its own ``rate_limit`` keeps its own
buckets (the first one's limit unchanged); sharing is explicit, by ``name=``.
Measured against a real local server."""

from __future__ import annotations

import time
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.reliability import RateLimit, find_layer
from scripted_server import TOY_KEY, ScriptedServer, toy_json

pytest_plugins = ["reliability_fixtures"]
pytestmark = pytest.mark.usefixtures("toy")


async def _ok(request, server):  # type: ignore[no-untyped-def]
    return toy_json("ok")


def _model(server: ScriptedServer, rate_limit: Any, name: str = "toy/toy-1") -> llmcore.Model:
    return llmcore.model(name, api_key=TOY_KEY, base_url=server.url + "/v1", retry=False, rate_limit=rate_limit)


def _requests_bucket(m: llmcore.Model) -> Any:
    return find_layer(m.provider, RateLimit).status()["requests"]  # type: ignore[union-attr]


def test_a_second_model_with_its_own_limit_does_not_change_the_first(server: ScriptedServer) -> None:
    server.handler = _ok
    slow = _model(server, {"requests_per_minute": 60, "request_burst": 1})  # 1 request/s
    fast = _model(server, {"requests_per_minute": 6000, "request_burst": 100})  # same name, other policy
    assert _requests_bucket(slow).capacity == 1 and _requests_bucket(slow).refill_per_second == pytest.approx(1)
    assert _requests_bucket(fast).capacity == 100
    # the slow model's calls are still paced at 1/s: the second call waits ~1 s
    t = time.monotonic()
    slow.chat("a")
    slow.chat("b")
    assert time.monotonic() - t >= 0.9
    # and the fast one is not held back by the slow one's bucket
    t = time.monotonic()
    for i in range(5):
        fast.chat(f"x{i}")
    assert time.monotonic() - t < 0.8
    assert server.hits == 7


def test_the_same_policy_is_shared_so_a_model_built_per_call_is_still_limited(server: ScriptedServer) -> None:
    server.handler = _ok
    limit = {"requests_per_minute": 6, "request_burst": 5}  # refills 0.1/s: the count barely moves
    a, b = _model(server, limit), _model(server, limit)
    a.chat("x")
    b.chat("y")
    assert _requests_bucket(a).available == pytest.approx(3, abs=0.1)


def test_sharing_across_models_is_explicit_by_name(server: ScriptedServer) -> None:
    server.handler = _ok
    account = {"requests_per_minute": 6, "request_burst": 4, "name": "my-account"}
    a = _model(server, account, "toy/toy-1")
    b = _model(server, account, "toy/toy-2")  # another model, the same named limit
    a.chat("x")
    b.chat("y")
    assert _requests_bucket(a).available == pytest.approx(2, abs=0.1)
    assert _requests_bucket(b).available == pytest.approx(2, abs=0.1)
    # a different limit under a name in use is an error, not a silent change of the first model's limit
    with pytest.raises(E.ConfigurationError, match=r"rate limit name 'my-account' is already used for requests"):
        _model(server, {**account, "requests_per_minute": 600})
    assert _requests_bucket(a).capacity == 4
