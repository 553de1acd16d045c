"""Databricks specifics: workspace URL, /invocations, signed reasoning echo, error bodies."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import databricks_cases as D
import pytest
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_databricks.provider import DatabricksProvider, serving_url
from llmcore_testing import TEST_API_KEY, Case, run_case


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABRICKS_HOST", raising=False)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-secret-0123456789")


def _run(case: Case) -> Any:
    def make(client: Any, c: Case) -> Any:
        return load_provider(
            get_registry().get("databricks"),
            api_key=TEST_API_KEY,
            base_url=c.base_url,
            http_client=client,
            options=dict(c.options),
        )

    return asyncio.run(run_case(case, make, D.CASSETTES))


def test_model_names_resolve_to_databricks() -> None:
    for name in ("databricks-claude-sonnet-4", "dbrx-instruct"):
        assert resolve_model(name)[0].name == "databricks"
    spec, model = resolve_model("databricks/my-team-endpoint")
    assert spec.name == "databricks" and model == "my-team-endpoint"


def test_workspace_url_from_host(monkeypatch: pytest.MonkeyPatch) -> None:
    assert serving_url("adb-1.2.azuredatabricks.net/") == "https://adb-1.2.azuredatabricks.net/serving-endpoints"
    assert serving_url("https://x.cloud.databricks.com") == "https://x.cloud.databricks.com/serving-endpoints"
    with pytest.raises(E.ConfigurationError, match="DATABRICKS_HOST"):
        DatabricksProvider(ProviderConfig())
    monkeypatch.setenv("DATABRICKS_HOST", "dbc-a1b2c3d4-e5f6.cloud.databricks.com")
    p = DatabricksProvider(ProviderConfig())
    assert p.base_url == "https://dbc-a1b2c3d4-e5f6.cloud.databricks.com/serving-endpoints"
    assert p.auth_headers() == {"authorization": "Bearer dapi-secret-0123456789"}
    assert "dapi-secret" not in repr(p) + repr(p.config)
    monkeypatch.delenv("DATABRICKS_TOKEN")
    with pytest.raises(E.ConfigurationError, match="DATABRICKS_TOKEN"):
        DatabricksProvider(ProviderConfig())


def test_options_are_checked() -> None:
    with pytest.raises(E.ConfigurationError, match="known: api"):
        DatabricksProvider(ProviderConfig(base_url=D.BASE, options={"workspace": "x"}))
    with pytest.raises(E.ConfigurationError, match="invocations"):
        DatabricksProvider(ProviderConfig(base_url=D.BASE, options={"api": "responses"}))


def test_invocations_route_and_body() -> None:
    res = _run(D.INVOCATIONS)
    sent = res.sent[0]
    assert sent.url.path == f"/serving-endpoints/{D.LLAMA}/invocations"
    body = json.loads(sent.content)
    assert "model" not in body and body["messages"] == [{"role": "user", "content": "Hello!"}]
    assert res.response.text == "Hello! How can I help you today?"


def test_reasoning_parts_and_their_signature_round_trip() -> None:
    r = _run(D.REASONING).response
    (part,) = [p for p in r.message.content if p.type == "reasoning"]
    assert part.text.startswith("The question is asking") and part.signature.startswith("EqoBCkgI")
    assert r.text.startswith("The sky looks blue")
    sent = json.loads(_run(D.REASONING).sent[0].content)
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 10240}
    # next turn: the signed reasoning goes back as Databricks content parts
    follow = ChatRequest(
        model="databricks-claude-3-7-sonnet",
        messages=[
            {"role": "user", "content": "Why is the sky blue?"},
            r.message,
            {"role": "user", "content": "And sunsets?"},
        ],
    )
    body, _ = DatabricksProvider(ProviderConfig(base_url=D.BASE)).build_request(follow, stream=False)
    assert body["messages"][1]["content"] == [
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": part.text, "signature": part.signature}]},
        {"type": "text", "text": r.text},
    ]
    # reasoning without a signature (or from another provider) is not echoed
    plain = ChatRequest(
        model="m",
        messages=[
            "q",
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "text": "hmm", "provider": "deepseek", "signature": "s"},
                    {"type": "text", "text": "a"},
                ],
            },
            "q2",
        ],
    )
    body, _ = DatabricksProvider(ProviderConfig(base_url=D.BASE)).build_request(plain, stream=False)
    assert body["messages"][1]["content"] == "a"


def test_error_bodies_keep_code_and_message() -> None:
    rl = _run(D.ERRORS["rate_limit"]).error
    assert rl.code == "REQUEST_LIMIT_EXCEEDED" and "Exceeded workspace QPS rate limit" in rl.message
    nf = _run(D.ERRORS["not_found"]).error
    assert nf.code == "RESOURCE_DOES_NOT_EXIST" and nf.message.startswith("The given endpoint does not exist")
    bad = _run(D.ERRORS["bad_request"]).error
    assert isinstance(bad, E.InvalidRequestError) and "max_tokens (10000) cannot exceed 8192" in bad.message
    un = _run(D.ERRORS["server"]).error
    assert un.is_retryable and un.code == "TEMPORARILY_UNAVAILABLE"
