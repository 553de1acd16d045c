"""llamacpp in-process, live: SmolLM2-135M-Instruct loaded by llama-cpp-python in this process.

* the conformance kit (its scenarios run on the real model; no HTTP, so no cassettes);
* streaming does not block the event loop; closing a stream stops generation
  (llama.cpp evaluates no more tokens, the worker thread ends);
* ``count_tokens`` equals the ``usage.input_tokens`` of the answer, exactly;
* the offline default: ``llmcore chat "Why is the sky blue?"`` with no ``-m``,
  no key, no config and no network (a fresh network namespace when
  ``unshare`` allows) answers from ``llamacpp/smollm2``;
* timings (import, load, first token, tokens/s) in a fresh process, reported
  at the end of the run.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import llamacpp_cases as C
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_llamacpp.local import LlamaCppProvider
from llmcore_testing import Case, ErrorCase, ProviderConformance

DIR = Path(os.environ["LLMCORE_E2E_CASSETTES"])
MODEL = "smollm2"
L = C.cases(MODEL, "llamacpp", "llamacpp_inprocess", stream_usage=True)  # streams report usage (issue 18 #21)
TIMINGS: dict[str, Any] = {}


def provider() -> LlamaCppProvider:
    return LlamaCppProvider(ProviderConfig(options={"n_ctx": 2048}))


class TestLlamaCppInProcess(ProviderConformance):
    provider = "llamacpp"
    cassette_dir = DIR

    chat_case = L["chat"]
    stream_case = L["stream"]
    system_prompt_case = L["system"]
    multi_turn_case = L["multi_turn"]
    tool_call_case = L["tool_call"]
    tool_call_stream_case = L["tool_call_stream"]
    tool_round_trip_case = L["tool_round_trip"]
    tool_round_trip_stream_case = L["tool_round_trip_stream"]
    structured_case = L["structured"]
    count_tokens_case = L["count_tokens"]
    error_cases = {
        "context_length": ErrorCase(
            "llamacpp_inprocess__error_context_length.yaml",
            {"model": MODEL, "messages": ["sky " * 3000], "max_tokens": 10},
            error=E.ContextWindowExceededError,
        ),
        "not_found": ErrorCase(
            "llamacpp_inprocess__error_model_not_found.yaml",
            {"model": "no-such-model", "messages": ["Hi"]},
            error=E.NotFoundError,
        ),
    }
    required_errors = ("context_length", "not_found")  # no server: no auth, rate limit or 5xx

    def make_provider(self, client: Any, case: Case) -> Any:
        return provider()

    def _check_sent_matches_recording(self, case: Case, res: Any) -> None:
        assert not res.sent, "the in-process provider sent an HTTP request"

    def _reached_the_model(self, case: Case, without: dict[str, Any]) -> None:
        """The answer's prompt tokens differ from the same request's without the system prompt (SmolLM2's
        template puts in a default one) and exceed them without the earlier turns: they reached the model
        (there is no HTTP body to look at)."""
        r = self._ok(case).response
        assert r is not None and r.text.strip()
        smaller = case.chat_request().model_copy(update=without)
        n = asyncio.run(provider().count_tokens(smaller)).input_tokens
        assert r.usage.input_tokens is not None and r.usage.input_tokens != n
        if "messages" in without:
            assert r.usage.input_tokens > n

    def test_system_prompt(self) -> None:
        self._reached_the_model(L["system"], {"system": None})

    def test_multi_turn(self) -> None:
        req = L["multi_turn"].chat_request()
        self._reached_the_model(L["multi_turn"], {"messages": req.messages[-1:]})

    def test_tool_round_trip(self) -> None:
        r = self._ok(L["tool_round_trip"]).response
        assert r is not None and r.text.strip()

    def test_tool_round_trip_stream(self) -> None:
        r = self._ok(self.tool_round_trip_stream_case).response  # type: ignore[arg-type]
        assert r is not None and r.text.strip()

    def test_capability_claims(self) -> None:
        """In process there is no HTTP to record: each claimed capability has a case that ran live above."""
        from llmcore.plugins import get_registry

        spec = get_registry().get("llamacpp")
        assert spec is not None
        caps = spec.capabilities
        assert caps.tools and self.tool_call_case and self.tool_call_stream_case and self.tool_round_trip_case
        assert caps.streaming and self.stream_case
        assert caps.structured_output and self.structured_case
        assert caps.count_tokens == "tokenizer"

    def test_stream_rechunked(self) -> None:
        pytest.skip("in process: there are no stream bytes to cut")

    def test_stream_reports_the_answers_usage(self) -> None:
        """Streamed usage is the answer's (issue 18 #21: ``output=None`` streamed): the same prompt tokens,
        and output tokens, the same count when the texts agree (KV-cache reuse may flip a late near-tie)."""
        a = self._ok(L["chat"]).response
        b = self._ok(self.stream_case).response  # type: ignore[arg-type]
        assert a is not None and b is not None
        assert b.usage.input_tokens == a.usage.input_tokens
        assert b.usage.output_tokens is not None and b.usage.output_tokens > 0
        if b.text == a.text and b.finish_reason == a.finish_reason:
            assert b.usage.output_tokens == a.usage.output_tokens
        if b.finish_reason == "length":
            assert b.usage.output_tokens == L["stream"].request["max_tokens"]
        assert a.text.split()[:3] == b.text.split()[:3]  # greedy: the same start (see test_live_servers._agree)


def test_count_tokens_equals_usage() -> None:
    """count_tokens renders the chat template and tokenizes like llama-cpp-python does."""
    p = provider()
    requests = [
        L["chat"].chat_request(),
        L["system"].chat_request(),
        L["multi_turn"].chat_request(),
        L["tool_call"].chat_request(),
        L["tool_round_trip"].chat_request(),
    ]

    async def go() -> list[tuple[int, int | None]]:
        out = []
        for req in requests:
            n = (await p.count_tokens(req)).input_tokens
            r = await p.chat(req.model_copy(update={"max_tokens": 1 if not req.tools else 60}))
            out.append((n, r.usage.input_tokens))
        return out

    pairs = asyncio.run(go())
    assert all(n == u for n, u in pairs), pairs


def test_streaming_leaves_the_event_loop_free() -> None:
    p = provider()
    req = ChatRequest(model=MODEL, messages=["Tell me a long story about the sea."], max_tokens=80, temperature=0)

    async def go() -> tuple[int, int, float]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                await asyncio.sleep(0.005)
                ticks += 1

        t = asyncio.create_task(ticker())
        t0 = time.perf_counter()
        texts = 0
        async for ev in p.stream_chat(req):
            texts += ev.type == "text"
        elapsed = time.perf_counter() - t0
        stop.set()
        await t
        return ticks, texts, elapsed

    ticks, texts, elapsed = asyncio.run(go())
    assert texts > 10
    # a blocked loop would tick ~once; a free one ticks about every 5 ms while the model works
    assert ticks >= max(5, int(elapsed / 0.005 * 0.1)), (ticks, elapsed)


def test_closing_a_stream_stops_generation() -> None:
    p = provider()
    req = ChatRequest(
        model=MODEL,
        messages=["Write a very long story about a lighthouse keeper."],
        max_tokens=1500,
        temperature=0.8,
        seed=1,
    )

    async def go() -> dict[str, Any]:
        m = await p.model(MODEL)
        stream = p.stream_chat(req)
        texts = 0
        async for ev in stream:
            texts += ev.type == "text"
            if texts == 5:
                break
        at_break = m.llm.n_tokens
        await stream.aclose()  # type: ignore[attr-defined]
        at_close = m.llm.n_tokens
        alive_at_close = [t.name for t in threading.enumerate() if t.name == "llmcore-llamacpp"]
        await asyncio.sleep(1.0)
        later = m.llm.n_tokens
        # the model is free again at once: the next call is served
        r = await p.chat(ChatRequest(model=MODEL, messages=["Say OK."], max_tokens=3))
        return {
            "at_break": at_break,
            "at_close": at_close,
            "later": later,
            "alive": alive_at_close,
            "next": r.finish_reason,
            "prompt": (await p.count_tokens(req)).input_tokens,
        }

    s = asyncio.run(go())
    TIMINGS["cancellation"] = s
    assert not s["alive"], "the worker thread still runs after aclose()"
    assert s["later"] == s["at_close"], "llama.cpp went on evaluating tokens after the stream was closed"
    # at most a token or two past the 5 that were read, far from the 1500 asked for
    assert s["at_close"] - s["prompt"] < 20, s
    assert s["next"] in ("stop", "length")


def test_unknown_option_and_base_url_are_configuration_errors() -> None:
    with pytest.raises(E.ConfigurationError, match="n_ctx"):
        LlamaCppProvider(ProviderConfig(options={"n_cxt": 4096}))
    with pytest.raises(E.ConfigurationError, match="llamacpp_server"):
        LlamaCppProvider(ProviderConfig(base_url="http://127.0.0.1:8000/v1"))


def _clean_env(home: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_API_KEY", "_API_KEYS", "_TOKEN")) and not k.startswith("LLMCORE_")
    }
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), NO_COLOR="1")
    return env


def test_offline_default_answers_with_no_model_no_key_no_network(tmp_path: Path) -> None:
    llmcore_bin = Path(sys.executable).parent / "llmcore"
    cmd = [str(llmcore_bin), "chat", "Why is the sky blue?"]
    isolated = (
        shutil.which("unshare") is not None
        and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    )
    if isolated:
        cmd = ["unshare", "-n", *cmd]  # a network namespace with no interface up: no network at all
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=_clean_env(tmp_path), timeout=300)
    TIMINGS["cli_first_command_seconds"] = round(time.perf_counter() - t0, 2)
    TIMINGS["cli_network_namespace"] = isolated
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.split()) >= 5, out.stdout
    TIMINGS["cli_answer"] = out.stdout.strip()[:200]


def test_no_local_model_and_no_setting_is_one_clear_line(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env["LLMCORE_PLUGINS"] = "openai"  # as if no local model were installed
    out = subprocess.run(
        [str(Path(sys.executable).parent / "llmcore"), "chat", "hi"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "-m provider/model" in lines[0] and "LLMCORE_DEFAULT_MODEL" in lines[0], lines


def test_timings_in_a_fresh_process() -> None:
    script = r"""
import json, time
t0 = time.perf_counter()
import llama_cpp
t1 = time.perf_counter()
from llmcore_llamacpp.models import resolve_model_path
llm = llama_cpp.Llama(model_path=str(resolve_model_path("smollm2")), n_ctx=2048, verbose=False)
t2 = time.perf_counter()
first = None; n = 0; t3 = time.perf_counter()
for ch in llm.create_chat_completion(messages=[{"role": "user", "content": "Why is the sky blue?"}],
                                     max_tokens=128, temperature=0, stream=True):
    if ch["choices"][0]["delta"].get("content"):
        n += 1
        if first is None:
            first = time.perf_counter() - t3
t4 = time.perf_counter()
r = llm.create_chat_completion(messages=[{"role": "user", "content": "Why is the sky blue?"}], max_tokens=128,
                               temperature=0)
t5 = time.perf_counter()
out = r["usage"]["completion_tokens"]
print(json.dumps({"import_s": round(t1 - t0, 3), "load_s": round(t2 - t1, 3), "first_token_s": round(first, 3),
                  "stream_chunks": n, "answer_s": round(t5 - t4, 3), "output_tokens": out,
                  "tokens_per_s": round(out / (t5 - t4), 1)}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    t = json.loads(out.stdout.strip().splitlines()[-1])
    TIMINGS["fresh_process"] = t
    assert t["load_s"] < 60 and t["first_token_s"] < 60 and t["tokens_per_s"] > 1
