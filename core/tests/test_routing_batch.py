"""The batch seam in core: ids, the "not supported" error, and llmcore.abatch's
polling/warnings/timeout against a real local server that plays a small
batch API (a toy BatchProvider over HTTP)."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import errors as E
from llmcore.batching import BatchNotReadyError, BatchRef, BatchStatus, BatchWarning, results_in_order
from llmcore.batching.http import iter_jsonl, send
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import CallWarning, ChatRequest, ChatResponse, Message, TextPart
from scripted_server import BODY, TOY_KEY, ScriptedServer

import toy_provider

pytest_plugins = ["reliability_fixtures"]


class ToyBatchProvider(toy_provider.ToyProvider):
    """POST /v1/batch {"prompts": [...]} -> {"id"}; GET /v1/batch/<id> -> {"state"};
    GET /v1/batch/<id>/results -> JSONL {"i", "text"} | {"i", "error"}."""

    async def batch_submit(self, requests: Sequence[ChatRequest]) -> BatchRef:
        data, _ = await self.request_json("POST", "batch", {"prompts": [r.messages[-1].text for r in requests]})
        warn = {i: [CallWarning(feature="seed", detail="not sent")] for i, r in enumerate(requests) if r.seed}
        return BatchRef("toybatch", data["id"], len(requests), {"v": "1"}, warn)

    async def batch_status(self, ref: BatchRef) -> BatchStatus:
        data, _ = await self.request_json("GET", f"batch/{ref.id}")
        state = {"queued": "pending", "busy": "running", "done": "completed"}[data["state"]]
        return BatchStatus(id=str(ref), provider="toybatch", state=state, raw_state=data["state"])  # type: ignore[arg-type]

    async def batch_results(self, ref: BatchRef) -> list[ChatResponse | E.LLMCoreError]:
        if not (await self.batch_status(ref)).done:
            raise BatchNotReadyError("not yet", provider="toybatch")
        found: dict[int, Any] = {}
        for line in iter_jsonl(await send(self, "GET", f"batch/{ref.id}/results"), "toybatch"):
            if "error" in line:
                found[line["i"]] = E.RateLimitError(line["error"], provider="toybatch")
            else:
                found[line["i"]] = ChatResponse(
                    message=Message(role="assistant", content=[TextPart(text=line["text"])])
                )
        return results_in_order(ref, found)


SPEC = ProviderSpec(
    name="toybatch",
    factory="test_routing_batch:ToyBatchProvider",
    env_keys=("TOY_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(batch=True),
)


class _plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [SPEC]


@pytest.fixture
def batch_toy(toy: None) -> Iterator[None]:
    register(_plugin, "toybatch")
    yield


def _server_batch(polls_until_done: int) -> Any:
    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        st = server.state
        if request.method == "POST" and request.path == "/v1/batch":
            st["prompts"] = request[BODY]["prompts"]
            st["polls"] = 0
            return web.json_response({"id": "b/42"})
        if request.path == "/v1/batch/b/42":
            st["polls"] += 1
            if st["polls"] == 2:  # one transient failure while polling is tolerated
                return web.json_response({"error": {"message": "hiccup"}}, status=503)
            return web.json_response({"state": "done" if st["polls"] > polls_until_done else "busy"})
        if request.path == "/v1/batch/b/42/results":
            lines = []
            for i, p in reversed(list(enumerate(st["prompts"]))):  # out of order
                lines.append(f'{{"i": {i}, "error": "quota"}}' if p == "fail" else f'{{"i": {i}, "text": "re: {p}"}}')
            return web.Response(text="\n".join(lines) + "\n", content_type="application/jsonl")
        return web.json_response({"error": {"message": "no route"}}, status=404)

    return handler


def test_batch_id_round_trip_and_bad_ids() -> None:
    ref = BatchRef("gemini", "batches/12 3", 7, {"api": "responses"})
    assert str(ref) == "gemini:batches/12%203?n=7&api=responses"
    back = BatchRef.parse(str(ref))
    assert (back.provider, back.id, back.count, back.extra) == ("gemini", "batches/12 3", 7, {"api": "responses"})
    for bad in ("openai", "openai:abc", ":x?n=1", "openai:x?n=many"):
        with pytest.raises(E.InvalidRequestError, match="not an llmcore batch id"):
            BatchRef.parse(bad)


def test_provider_without_batch_api_says_so_before_the_network(server: ScriptedServer, toy: None) -> None:
    server.handler = _server_batch(1)
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url=server.url + "/v1")
    with pytest.raises(E.UnsupportedFeatureError, match="batch is not supported by toy"):
        llmcore.batch_submit(m, ["a"])
    with pytest.raises(E.UnsupportedFeatureError, match="batch is not supported by toy"):
        llmcore.batch_status("toy:x?n=1", api_key=TOY_KEY, base_url=server.url + "/v1")
    with pytest.raises(E.ConfigurationError, match="not installed"):
        llmcore.batch_status("nosuch:x?n=1")
    assert server.hits == 0


def test_abatch_polls_tolerates_a_hiccup_and_orders_results(server: ScriptedServer, batch_toy: None) -> None:
    server.handler = _server_batch(polls_until_done=3)
    m = llmcore.model("toybatch/m", api_key=TOY_KEY, base_url=server.url + "/v1")
    seen: list[str | None] = []
    res = llmcore.batch(m, ["a", "fail", "c"], poll_interval=0.01, seed=1, on_status=lambda s: seen.append(s.raw_state))
    assert res[0].text == "re: a" and res[2].text == "re: c"  # type: ignore[union-attr]
    assert isinstance(res[1], E.RateLimitError)
    assert seen == ["busy", "busy", "done"]  # the 503 poll was skipped, not fatal
    assert [w.feature for w in res[0].warnings] == ["seed"]  # type: ignore[union-attr]


def test_submit_warns_and_retrieve_works_from_the_id_alone(server: ScriptedServer, batch_toy: None) -> None:
    server.handler = _server_batch(polls_until_done=0)
    m = llmcore.model("toybatch/m", api_key=TOY_KEY, base_url=server.url + "/v1")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bid = llmcore.batch_submit(m, ["x", "y"], seed=3)
    assert bid == "toybatch:b/42?n=2&v=1"
    assert [str(w.message) for w in caught if w.category is BatchWarning] == [
        "toybatch batch request 0: seed: not sent",
        "toybatch batch request 1: seed: not sent",
    ]
    conn = {"api_key": TOY_KEY, "base_url": server.url + "/v1"}
    assert llmcore.batch_status(bid, **conn).state == "completed"
    with pytest.raises(E.ProviderServerError):  # the second poll is the scripted hiccup
        llmcore.batch_status(bid, **conn)
    assert [r.text for r in llmcore.batch_retrieve(bid, **conn)] == ["re: x", "re: y"]  # type: ignore[union-attr]


def test_abatch_timeout_names_the_batch(server: ScriptedServer, batch_toy: None) -> None:
    server.handler = _server_batch(polls_until_done=10_000)
    m = llmcore.model("toybatch/m", api_key=TOY_KEY, base_url=server.url + "/v1")
    with pytest.raises(E.ProviderTimeoutError, match=r"toybatch:b/42\?n=1"):
        asyncio.run(llmcore.abatch(m, ["a"], poll_interval=0.02, timeout=0.1))
    with pytest.raises(BatchNotReadyError):
        llmcore.batch_retrieve("toybatch:b/42?n=1", api_key=TOY_KEY, base_url=server.url + "/v1")


def test_bad_prompt_fails_before_submitting(server: ScriptedServer, batch_toy: None) -> None:
    server.handler = _server_batch(1)
    m = llmcore.model("toybatch/m", api_key=TOY_KEY, base_url=server.url + "/v1")
    with pytest.raises(E.InvalidRequestError):
        llmcore.batch_submit(m, ["ok", 12])
    assert server.hits == 0


def test_missing_results_are_typed() -> None:
    ref = BatchRef("p", "x", 3)
    out = results_in_order(ref, {1: E.RateLimitError("r")})
    assert isinstance(out[0], E.ProviderResponseError) and "request 0" in out[0].message
    assert isinstance(out[1], E.RateLimitError) and isinstance(out[2], E.ProviderResponseError)
