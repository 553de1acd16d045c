"""The conformance kit, live, against a real ``python -m llama_cpp.server`` (SmolLM2-135M).

Four configurations talk to the same server:

* ``llamacpp_server`` (this plugin): every scenario. Its cassettes of this run
  are the ones kept in ``plugins/llamacpp/tests/cassettes`` (``nox -s e2e --
  --keep-cassettes`` copies them there; see SOURCES.md).
* ``openai_compatible`` (llmcore-openai), ``vllm`` and ``lmstudio``: what the
  server can do for their dialects. What it cannot do is asserted as the
  typed error a user of that configuration gets (the quirks that llmcore-llamacpp
  maps: ``content: null`` → HTTP 500, ``json_schema`` → HTTP 500, an unknown
  model answered silently, LM Studio's ``"required"`` tool choice ignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import live
import llamacpp_cases as C
import pytest
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore_testing import Case, ProviderConformance
from llmcore_testing.conformance import run_case

SRV = live.server()
DIR = Path(os.environ["LLMCORE_E2E_CASSETTES"])
WRONG_KEY = "wrong-key-for-the-auth-case"


def _installed(name: str) -> bool:
    return get_registry().get(name) is not None


class _Live(ProviderConformance):
    """Shared: the auth case is sent with a wrong key; the rest with the server's key (from the env)."""

    cassette_dir = DIR

    def make_provider(self, client: Any, case: Case) -> Any:
        spec = get_registry().get(self.provider)
        assert spec is not None
        key = WRONG_KEY if case.cassette.endswith("__error_auth.yaml") else None  # None: the env var
        # a generous timeout: CI's two cores may be busy compiling while this runs
        return load_provider(
            spec, api_key=key, base_url=case.base_url, http_client=client, timeout=300, options=dict(case.options)
        )


def _agree(a: Any, b: Any) -> None:
    """Chat and stream of the same greedy (temperature 0) request agree: finish reason, tool calls, and
    the start of the text. (Not the whole text: the server reuses the KV cache of the previous request,
    and a different evaluation batching can flip a near-tie many tokens in.)"""
    assert a.finish_reason == b.finish_reason
    assert [(c.name, c.arguments) for c in a.tool_calls] == [(c.name, c.arguments) for c in b.tool_calls]
    assert bool(a.text.strip()) == bool(b.text.strip())
    assert a.text.split()[:3] == b.text.split()[:3], (a.text, b.text)


# -- llamacpp_server: everything -----------------------------------------------------------

S = C.cases(C.SERVER_MODEL, "llamacpp_server", "llamacpp_server", SRV.base_url)


class TestLlamaCppServerLive(_Live):
    provider = "llamacpp_server"
    chat_case = S["chat"]
    stream_case = S["stream"]
    system_prompt_case = S["system"]
    multi_turn_case = S["multi_turn"]
    tool_call_case = S["tool_call"]
    tool_call_stream_case = S["tool_call_stream"]
    tool_round_trip_case = S["tool_round_trip"]
    tool_round_trip_stream_case = S["tool_round_trip_stream"]
    structured_case = S["structured"]
    count_tokens_case = S["count_tokens"]
    # the server's streams carry no usage, its answers do: the kit's pairwise usage check cannot
    # hold; test_greedy_agreement below compares the pairs (text included) instead
    agreement_pairs = ()
    error_cases = S["errors"]
    required_errors = ("auth", "not_found", "context_length", "server")  # it has no rate limiter: no 429

    def test_greedy_agreement(self) -> None:
        for a, b in (
            ("chat", "stream"),
            ("tool_call", "tool_call_stream"),
            ("tool_round_trip", "tool_round_trip_stream"),
        ):
            _agree(self._ok(S[a]).response, self._ok(S[b]).response)

    def test_alias_is_the_served_model(self) -> None:
        """``llamacpp_server/smollm2`` is checked against GET /v1/models and sent as the served id."""
        case = Case(
            "llamacpp_server__alias.yaml",
            {"model": "smollm2", "messages": ["Hi"], "max_tokens": 5},
            base_url=SRV.base_url,
        )
        res = self.run(case)
        assert res.error is None, res.error
        sent = res.sent.bodies()
        assert res.sent[0].method == "GET" and sent[1]["model"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")

    def test_tool_choice_auto_warns(self) -> None:
        case = Case(
            "llamacpp_server__tool_auto.yaml",
            {"model": C.SERVER_MODEL, "messages": [C.WEATHER_QUESTION], "tools": [C.WEATHER], "max_tokens": 20},
            base_url=SRV.base_url,
        )
        r = self._ok(case).response
        assert r is not None and not r.tool_calls
        assert [w.feature for w in r.warnings] == ["tool_choice"]

    def test_count_tokens_counts_the_text(self) -> None:
        """The server's count is the text's; the chat answer's usage adds the template's framing."""
        r = self._ok(S["chat"]).response
        assert r is not None and r.usage.input_tokens is not None
        import asyncio

        async def count() -> int:
            p = self.make_provider(None, S["count_tokens"])
            return (await p.count_tokens(S["count_tokens"].chat_request())).input_tokens  # type: ignore[attr-defined]

        n = asyncio.run(count())
        assert 0 < n < r.usage.input_tokens


# -- other plugins' configurations pointed at the same server -------------------------------


def _compat(provider: str) -> dict[str, Any]:
    return C.cases(C.SERVER_MODEL, provider, provider, SRV.base_url)


def _expect_error(kit: ProviderConformance, case: Case, cls: type[Exception], status: int | None = None) -> Any:
    import asyncio

    res = asyncio.run(run_case(case, kit.make_provider, kit.cassette_dir))
    assert isinstance(res.error, cls), f"{case.cassette}: expected {cls.__name__}, got {res.error!r}"
    if status is not None:
        assert res.error.status_code == status  # type: ignore[attr-defined]
    return res


OC = _compat("openai_compatible")


class TestOpenAICompatibleLive(_Live):
    provider = "openai_compatible"
    chat_case = OC["chat"]
    stream_case = OC["stream"]
    system_prompt_case = OC["system"]
    multi_turn_case = OC["multi_turn"]
    tool_call_case = OC["tool_call"]
    tool_call_stream_case = OC["tool_call_stream"]
    agreement_pairs = ()
    error_cases = {k: v for k, v in OC["errors"].items() if k != "not_found"}
    required_errors = ("auth", "context_length", "server")

    def test_capability_claims(self) -> None:
        pytest.skip("openai_compatible's claims are proven by its own cassettes; here: what llama.cpp's server does")

    def test_greedy_agreement(self) -> None:
        _agree(self._ok(OC["chat"]).response, self._ok(OC["stream"]).response)
        _agree(self._ok(OC["tool_call"]).response, self._ok(OC["tool_call_stream"]).response)

    def test_quirks_a_plain_compatible_client_hits(self) -> None:
        # assistant `content: null` after a tool call → the server's HTTP 500
        _expect_error(self, OC["tool_round_trip"], E.ProviderServerError, 500)
        # response_format json_schema → HTTP 500
        _expect_error(self, OC["structured"], E.ProviderServerError, 500)
        # an unknown model name is answered by the loaded model, silently
        res = self.run(
            Case(
                "openai_compatible__unknown_model.yaml",
                {"model": "no-such-model", "messages": ["Hi"], "max_tokens": 5},
                base_url=SRV.base_url,
            )
        )
        assert res.error is None and res.response is not None and res.response.text


@pytest.mark.skipif(not _installed("vllm"), reason="llmcore-vllm is not installed")
class TestVLLMLive(_Live):
    provider = "vllm"
    V = _compat("vllm")
    chat_case = V["chat"]
    stream_case = V["stream"]
    system_prompt_case = V["system"]
    multi_turn_case = V["multi_turn"]
    tool_call_case = V["tool_call"]
    tool_call_stream_case = V["tool_call_stream"]
    agreement_pairs = ()
    error_cases = {k: v for k, v in V["errors"].items() if k != "not_found"}
    required_errors = ("auth", "context_length", "server")

    def test_capability_claims(self) -> None:
        pytest.skip("vllm's claims are proven by its own cassettes; here: what llama.cpp's server does")

    def test_count_tokens(self) -> None:
        """vLLM's /tokenize does not exist on llama_cpp.server: a typed 404."""
        import asyncio

        case = self.V["count_tokens"]

        async def go() -> None:
            p = self.make_provider(None, case)
            with pytest.raises(E.NotFoundError):
                await p.count_tokens(case.chat_request())  # type: ignore[attr-defined]

        asyncio.run(go())

    def test_greedy_agreement(self) -> None:
        _agree(self._ok(self.V["chat"]).response, self._ok(self.V["stream"]).response)

    def test_quirks(self) -> None:
        _expect_error(self, self.V["tool_round_trip"], E.ProviderServerError, 500)
        _expect_error(self, self.V["structured"], E.ProviderServerError, 500)


@pytest.mark.skipif(not _installed("lmstudio"), reason="llmcore-lmstudio is not installed")
class TestLMStudioLive(_Live):
    provider = "lmstudio"
    L = _compat("lmstudio")
    chat_case = L["chat"]
    stream_case = L["stream"]
    system_prompt_case = L["system"]
    multi_turn_case = L["multi_turn"]
    agreement_pairs = ()
    error_cases = {k: v for k, v in L["errors"].items() if k != "not_found"}
    required_errors = ("auth", "context_length", "server")

    def test_capability_claims(self) -> None:
        pytest.skip("lmstudio's claims are proven by its own cassettes; here: what llama.cpp's server does")

    def test_greedy_agreement(self) -> None:
        _agree(self._ok(self.L["chat"]).response, self._ok(self.L["stream"]).response)

    def test_named_tool_choice_becomes_required_which_this_server_ignores(self) -> None:
        r = self._ok(
            Case("lmstudio__tool_call.yaml", self.L["tool_call"].request, base_url=SRV.base_url, expect_usage=True)
        ).response
        assert r is not None and not r.tool_calls and r.text


def test_cassettes_of_this_run_are_loopback_recordings() -> None:
    """What was recorded: only loopback traffic, auth headers scrubbed."""
    files = sorted(DIR.glob("*.yaml"))
    assert files
    for f in files:
        text = f.read_text()
        assert SRV.api_key not in text and WRONG_KEY not in text, f"{f.name}: a key was recorded"
        for line in text.splitlines():
            if line.strip().startswith("uri:"):
                assert "://127.0.0.1:" in line, line
