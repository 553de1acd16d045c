"""Issue 18 #8: a comma-separated key variable is a key pool (never one bearer
token ``k1,k2``), and the ``<PROVIDER>_KEYS`` / ``*_KEYS`` spellings are read,
against a real local server that records the key of every request."""

from __future__ import annotations

from collections.abc import Iterator

import llmcore
import pytest
from llmcore.reliability import KeyPool, find_layer
from scripted_server import ScriptedServer, toy_json

pytest_plugins = ["reliability_fixtures"]

K1, K2, K3 = ("test" + "-key-" + c * 10 for c in "abc")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, toy: None) -> Iterator[pytest.MonkeyPatch]:
    for var in ("TOY_API_KEY", "TOY_API_KEYS", "TOY_KEYS"):
        monkeypatch.delenv(var, raising=False)
    yield monkeypatch


async def _record_key(request, server):  # type: ignore[no-untyped-def]
    server.state.setdefault("keys", []).append(request.headers.get("authorization", "").removeprefix("Bearer "))
    return toy_json("ok")


def _two_calls(server: ScriptedServer, **kw: object) -> llmcore.Model:
    server.handler = _record_key
    m = llmcore.model("toy/toy-1", base_url=server.url + "/v1", retry=False, **kw)  # type: ignore[arg-type]
    m.chat("a")
    m.chat("b")
    return m


def test_a_comma_separated_key_variable_is_a_pool(server: ScriptedServer, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TOY_API_KEY", f"{K1}, {K2}")
    m = _two_calls(server)
    assert server.state["keys"] == [K1, K2]  # rotated, each key alone
    pool = find_layer(m.provider, KeyPool)
    assert pool is not None and pool.source == "TOY_API_KEY"
    assert K1 not in repr(m.provider) and K1 not in repr(pool)


@pytest.mark.parametrize("var", ["TOY_KEYS", "TOY_API_KEYS"])
def test_keys_variables_are_pools(server: ScriptedServer, clean_env: pytest.MonkeyPatch, var: str) -> None:
    clean_env.setenv(var, f"{K1},{K2}")
    clean_env.setenv("TOY_API_KEY", K3)  # the pool variable wins over the single key
    _two_calls(server)
    assert server.state["keys"] == [K1, K2]


def test_an_api_key_with_commas_is_a_pool(server: ScriptedServer, clean_env: pytest.MonkeyPatch) -> None:
    _two_calls(server, api_key=f"{K1},{K2}")
    assert server.state["keys"] == [K1, K2]


def test_one_key_stays_one_key(server: ScriptedServer, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("TOY_API_KEY", K3 + ",")  # a trailing comma is not a second key
    m = _two_calls(server)
    assert server.state["keys"] == [K3, K3] and find_layer(m.provider, KeyPool) is None


def test_pool_variable_names() -> None:
    from llmcore.reliability.keypool import pool_variables
    from llmcore.spec import ProviderSpec

    gemini = ProviderSpec(name="gemini", factory="x:y", env_keys=("GEMINI_API_KEY", "GOOGLE_API_KEY"))
    assert pool_variables(gemini) == ["GEMINI_API_KEYS", "GEMINI_KEYS", "GOOGLE_API_KEYS", "GOOGLE_KEYS"]
    bedrock = ProviderSpec(name="bedrock", factory="x:y", env_keys=("AWS_ACCESS_KEY_ID", "AWS_PROFILE"))
    assert pool_variables(bedrock) == []  # not keys to rotate


def test_where_one_key_is_needed_a_pool_gives_its_first(clean_env: pytest.MonkeyPatch) -> None:
    from llmcore.spec import ProviderSpec

    clean_env.setenv("TOY_API_KEY", f"{K1},{K2}")
    assert ProviderSpec(name="toy", factory="x:y", env_keys=("TOY_API_KEY",)).key_from_env() == K1
