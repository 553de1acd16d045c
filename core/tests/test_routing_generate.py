"""generate / agenerate / multi_chat against a real local server: input order,
per-item typed errors, the concurrency cap measured on the server side, the
progress line, and bounded task count for 10^5 prompts."""

from __future__ import annotations

import asyncio
import io
import random
import sys
import tracemalloc
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import errors as E
from llmcore._progress import Progress
from scripted_server import TOY_KEY, ScriptedServer, prompt_of, toy_error, toy_json

pytest_plugins = ["reliability_fixtures"]


def _toy(server: ScriptedServer, **kw: Any) -> llmcore.Model:
    return llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1", retry=False, **kw)


async def _echo_after_delay(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
    """Answers "echo <prompt>" after a delay that is shorter for later prompts,
    so completion order is the reverse of submission order; "rate"/"boom" fail."""
    p = prompt_of(request)
    if p == "rate":
        return toy_error(429, "slow down", {"retry-after": "3"})
    if p == "boom":
        return toy_error(503, "upstream down")
    n = int(p.split()[-1]) if p.split()[-1].isdigit() else 0
    await asyncio.sleep(max(0.0, 0.05 - n * 0.002))
    return toy_json(f"echo {p}")


def test_generate_keeps_input_order_and_respects_the_cap(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo_after_delay
    prompts = [f"item {i}" for i in range(24)]
    results = llmcore.generate(_toy(server), prompts, concurrency=4, progress=False)
    assert [r.text for r in results] == [f"echo item {i}" for i in range(24)]  # type: ignore[union-attr]
    assert server.hits == 24
    assert server.max_in_flight <= 4, server.max_in_flight
    assert server.max_in_flight >= 3, "calls did not overlap"


def test_generate_cap_of_one_is_sequential(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo_after_delay
    results = llmcore.generate(_toy(server), [f"x {i}" for i in range(6)], concurrency=1, progress=False)
    assert server.max_in_flight == 1
    assert len(results) == 6 and all(isinstance(r, llmcore.ChatResponse) for r in results)


def test_generate_returns_typed_errors_per_item(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo_after_delay
    prompts = ["a 1", "rate", "b 2", "boom", "c 3"]
    results = llmcore.generate(_toy(server), prompts, concurrency=3, progress=False)
    assert isinstance(results[0], llmcore.ChatResponse) and results[0].text == "echo a 1"
    assert isinstance(results[1], E.RateLimitError) and results[1].retry_after == 3.0
    assert results[1].status_code == 429 and "slow down" in str(results[1])
    assert isinstance(results[2], llmcore.ChatResponse) and results[2].text == "echo b 2"
    assert isinstance(results[3], E.ProviderServerError) and results[3].status_code == 503
    assert isinstance(results[4], llmcore.ChatResponse) and results[4].text == "echo c 3"


def test_generate_bad_input_item_is_an_error_not_a_crash(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo_after_delay
    results = llmcore.generate(_toy(server), ["ok 1", 42, "ok 2"], concurrency=2, progress=False)
    assert isinstance(results[1], E.InvalidRequestError)
    assert [r.text for r in (results[0], results[2])] == ["echo ok 1", "echo ok 2"]  # type: ignore[union-attr]
    assert server.hits == 2  # the bad item never reached the network


def test_agenerate_from_a_generator_with_overrides_and_callbacks(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo_after_delay
    seen: list[int] = []
    ticks: list[tuple[int, int | None, int]] = []

    async def go() -> list[Any]:
        return await llmcore.agenerate(
            _toy(server),
            (f"g {i}" for i in range(10)),
            concurrency=3,
            max_tokens=5,
            on_result=lambda i, r: seen.append(i),
            progress=lambda d, t, e: ticks.append((d, t, e)),
        )

    results = asyncio.run(go())
    assert [r.text for r in results] == [f"echo g {i}" for i in range(10)]
    assert sorted(seen) == list(range(10)) and seen != list(range(10))  # finished out of order
    assert ticks[-1] == (10, None, 0)  # a generator has no known total
    assert all(r["body"]["model"] == "toy-1" for r in server.requests)
    assert server.max_in_flight <= 3


def test_generate_rejects_a_bad_concurrency(toy: None) -> None:
    with pytest.raises(E.ConfigurationError, match="concurrency"):
        llmcore.generate("toy/toy-1", ["x"], concurrency=0)


def test_generate_bounded_tasks_for_1e5_prompts() -> None:
    """10^5 prompts from a generator: never more than `concurrency` calls
    pending at once, the generator is consumed lazily, memory stays small.
    (A stand-in model object: this measures generate's own scheduling.)"""

    class Instant:
        name = "instant"
        in_flight = 0
        peak = 0
        peak_tasks = 0

        async def achat(self, prompt: int, **kw: Any) -> Any:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            if prompt % 5000 == 0:
                self.peak_tasks = max(self.peak_tasks, len(asyncio.all_tasks()))
            await asyncio.sleep(0)
            self.in_flight -= 1
            if prompt % 1000 == 7:
                raise E.RateLimitError("no", provider="instant")
            return prompt * 2

    pulled = 0

    def source() -> Any:
        nonlocal pulled
        for i in range(100_000):
            pulled += 1
            yield i

    m = Instant()
    tracemalloc.start()
    results = asyncio.run(llmcore.agenerate(m, source(), concurrency=16, progress=False))
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(results) == 100_000 and pulled == 100_000
    assert results[3] == 6 and results[99_999] == 199_998
    assert isinstance(results[1007], E.RateLimitError)
    assert m.peak <= 16 and m.peak_tasks <= 16 + 2
    assert peak_bytes < 40_000_000, peak_bytes  # results list + a few errors, not 10^5 tasks


def test_progress_line_is_drawn_on_a_tty_and_not_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    class TTY(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = TTY()
    monkeypatch.setattr(sys, "stderr", tty)

    async def ok(i: int) -> int:
        if i == 2:
            raise E.ProviderServerError("x")
        return i

    class M:
        name = "m"

        async def achat(self, p: int, **kw: Any) -> int:
            return await ok(p)

    asyncio.run(llmcore.agenerate(M(), list(range(5)), concurrency=2))
    out = tty.getvalue()
    assert "\r" in out and out.endswith("\n")
    assert "5/5" in out and "(1 error)" in out and "generate m" in out

    plain = io.StringIO()  # not a terminal: nothing drawn
    monkeypatch.setattr(sys, "stderr", plain)
    asyncio.run(llmcore.agenerate(M(), list(range(5)), concurrency=2))
    assert plain.getvalue() == ""


def test_progress_line_format() -> None:
    p = Progress(40, label="job")
    for i in range(12):
        p.update(ok=i % 5 != 0)
    line = p.line()
    assert line.startswith("job [######") and "12/40" in line and "(3 errors)" in line and "eta" in line


def test_multi_chat_keys_by_model_and_keeps_errors(server: ScriptedServer, toy: None) -> None:
    async def by_model(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        model = request.headers.get("x-which", "")
        if model == "bad":
            return toy_error(429, "busy")
        await asyncio.sleep(random.random() / 50)
        return toy_json(f"{model} says {prompt_of(request)}")

    server.handler = by_model
    models = {
        "first": _toy(server, headers={"x-which": "one"}),
        "second": _toy(server, headers={"x-which": "two"}),
        "third": _toy(server, headers={"x-which": "bad"}),
    }
    out = llmcore.multi_chat(models, "hello", max_tokens=3)
    assert list(out) == ["first", "second", "third"]
    assert out["first"].text == "one says hello"  # type: ignore[union-attr]
    assert out["second"].text == "two says hello"  # type: ignore[union-attr]
    assert isinstance(out["third"], E.RateLimitError)
    assert server.max_in_flight >= 2  # fanned out, not one after another


def test_multi_chat_names_and_duplicates(server: ScriptedServer, toy: None) -> None:
    server.handler = _echo_after_delay
    out = asyncio.run(llmcore.amulti_chat([_toy(server)], "q 1"))
    assert list(out) == ["toy/toy-1"] and out["toy/toy-1"].text == "echo q 1"  # type: ignore[union-attr]
    with pytest.raises(E.ConfigurationError, match="twice"):
        llmcore.multi_chat(["toy/toy-1", "toy/toy-1"], "x")
    with pytest.raises(E.ConfigurationError, match="list of models"):
        llmcore.multi_chat("toy/toy-1", "x")
