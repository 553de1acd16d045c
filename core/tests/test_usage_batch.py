"""Batch calls are counted: ``llmcore.batch`` adds each answered request to
the model's totals, the ``llmcore_usage`` hook and the usage log, priced at
the batch rates; ``llmcore.batch_retrieve`` logs them once per process."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore import errors as E
from llmcore.batching import BatchRef, BatchStatus, results_in_order
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import ChatRequest, ChatResponse, Message, TextPart, Usage
from llmcore.usage import UsageRecord
from scripted_server import ScriptedServer
from shaped_provider import KEY, ShapedSchemaProvider

pytest_plugins = ["shaped_fixtures"]

# shaped-1: batch_input 1.0, batch_output 4.0 per 1M tokens (live: 2.0 / 8.0)
BATCH_COST = (1000 * 1.0 + 200 * 4.0) / 1e6
_ids = itertools.count()


class ShapedBatchProvider(ShapedSchemaProvider):
    """POST /v1/batches {"prompts"} -> {"id"}; GET /v1/batches/<id> -> {"state"};
    GET /v1/batches/<id>/results -> {"results": [{"text", "usage"} | {"error"}]}."""

    async def batch_submit(self, requests: Sequence[ChatRequest]) -> BatchRef:
        d, _ = await self.request_json("POST", "batches", {"prompts": [r.messages[-1].text for r in requests]})
        return BatchRef("shaped-batch", d["id"], len(requests))

    async def batch_status(self, ref: BatchRef) -> BatchStatus:
        return BatchStatus(id=str(ref), provider="shaped-batch", state="completed")

    async def batch_results(self, ref: BatchRef) -> list[ChatResponse | E.LLMCoreError]:
        d, _ = await self.request_json("GET", f"batches/{ref.id}/results", None)
        found: dict[int, Any] = {}
        for i, r in enumerate(d["results"]):
            if "error" in r:
                found[i] = E.InvalidRequestError(r["error"], provider="shaped-batch")
            else:
                u = r["usage"]
                found[i] = ChatResponse(
                    model="shaped-1-2025-01-01",
                    provider="shaped-batch",
                    finish_reason="stop",
                    message=Message(role="assistant", content=[TextPart(text=r["text"])]),
                    usage=Usage(input_tokens=u["in"], output_tokens=u["out"]),
                )
        return results_in_order(ref, found)


SPEC = ProviderSpec(
    name="shaped-batch",
    factory="test_usage_batch:ShapedBatchProvider",
    env_keys=("SHAPED_BATCH_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(batch=True),
    prices="shaped_prices:prices.json",
)


class _plugin:
    @staticmethod
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return [SPEC]


class Collector:
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    @hookimpl
    def llmcore_usage(self, record: UsageRecord) -> None:
        self.records.append(record)


@pytest.fixture
def batch_server(server: ScriptedServer, shaped: Path) -> ScriptedServer:
    register(_plugin, "shaped-batch")
    batch_id = f"b-{next(_ids)}"  # one id per test: a batch is counted once per process

    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        if request.method == "POST" and request.path == "/v1/batches":
            s.state["prompts"] = (await request.json())["prompts"]
            return web.json_response({"id": batch_id})
        if request.path == f"/v1/batches/{batch_id}/results":
            return web.json_response(
                {
                    "results": [
                        {"error": "bad prompt"}
                        if p == "fail"
                        else {"text": f"re: {p}", "usage": {"in": 1000, "out": 200}}
                        for p in s.state["prompts"]
                    ]
                }
            )
        return web.json_response({"error": {"message": "no route"}}, status=404)

    server.handler = handler
    return server


def test_batch_counts_each_answer_at_batch_prices(batch_server: ScriptedServer) -> None:
    hook = Collector()
    register(hook, "collector")
    m = llmcore.model("shaped-batch/shaped-1", api_key=KEY, base_url=batch_server.url + "/v1")
    res = llmcore.batch(m, ["a", "fail", "c"], poll_interval=0.01)
    assert [getattr(r, "text", None) for r in res] == ["re: a", None, "re: c"]
    t = m.usage
    assert (t.requests, t.input_tokens, t.output_tokens) == (2, 2000, 400), (
        "each answer counts, the failed request does not"
    )
    assert t.cost == pytest.approx(2 * BATCH_COST), "batch results are priced at the batch rates"
    assert [(r.batch, r.model, r.cost) for r in hook.records] == [(True, "shaped-1", pytest.approx(BATCH_COST))] * 2
    log = llmcore.usage.usage_log()
    assert log is not None
    rows = log.rows()
    assert [(r["provider"], r["model"], r["batch"], r["input_tokens"]) for r in rows] == [
        ("shaped-batch", "shaped-1", 1, 1000)
    ] * 2
    assert sum(r["cost"] for r in rows) == pytest.approx(2 * BATCH_COST)


def test_batch_retrieve_logs_the_results_once(batch_server: ScriptedServer) -> None:
    m = llmcore.model("shaped-batch/shaped-1", api_key=KEY, base_url=batch_server.url + "/v1")
    bid = llmcore.batch_submit(m, ["x", "y"])
    conn = {"api_key": KEY, "base_url": batch_server.url + "/v1"}
    assert [r.text for r in llmcore.batch_retrieve(bid, **conn)] == ["re: x", "re: y"]  # type: ignore[union-attr]
    llmcore.batch_retrieve(bid, **conn)  # again: not counted twice
    log = llmcore.usage.usage_log()
    assert log is not None
    rows = log.rows()
    assert [(r["provider"], r["model"], r["batch"], r["latency"]) for r in rows] == [
        ("shaped-batch", "shaped-1-2025-01-01", 1, None)
    ] * 2
    assert sum(r["cost"] for r in rows) == pytest.approx(2 * BATCH_COST)
