"""Azure embeddings beyond the kit: openllmetry's deployments recording (base64 asked and answered, the
``api-version`` and ``api-key`` on the request) and ruby_llm's Azure AI Foundry ``/openai/v1/embeddings``
recording (Cohere-embed-v3-english, JSON numbers) replayed over the cassette server on aiohttp and through
the facade, vectors exactly the recorded ones; the three URL shapes; an Entra ID token provider is called
before an embeddings request too; what Azure cannot do is refused before the network."""

from __future__ import annotations

import asyncio
import base64
import json
import struct
from typing import Any

import pytest
from azure_cases import CASSETTES, FOUNDRY
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore.provider import ProviderConfig
from llmcore_azure.provider import AzureProvider
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

REC = Recordings(CASSETTES)
DEPLOYMENTS = EmbeddingCase(
    "openllmetry__test_azure_openai_embeddings.yaml",
    "test-deployment",
    "Tell me a joke about opentelemetry",
    base_url="https://test-resource.openai.azure.com",
    options={"api_version": "2023-07-01-preview"},
)
COHERE = EmbeddingCase(
    "ruby_llm__embedding_basic_functionality_azure_cohere-embed-v3-english_can_handle_a_single_text.yaml",
    "Cohere-embed-v3-english",
    "Ruby is a programmer's best friend",
    base_url=FOUNDRY + "/openai/v1",
)


def _make(_client: Any, case: Any) -> AzureProvider:
    return AzureProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, options=case.options))


def _opts(case: Any) -> dict[str, Any]:
    return {"api_key": TEST_API_KEY, **case.options}


@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_deployments_recording(path: str) -> None:
    res, r = asyncio.run(
        run_case_served(
            DEPLOYMENTS, path, _make, CASSETTES, spec_base_url=None, provider_name="azure", model_options=_opts
        )
    )
    assert res.error is None, res.error
    sent = res.sent[0]
    assert sent.url.path == "/openai/deployments/test-deployment/embeddings"
    assert sent.url.params["api-version"] == "2023-07-01-preview"
    assert sent.headers["api-key"] == TEST_API_KEY and "authorization" not in sent.headers
    assert json.loads(sent.content) == {
        "model": "test-deployment",
        "input": [DEPLOYMENTS.texts],
        "encoding_format": "base64",
    }
    raw = base64.b64decode(json.loads(REC.response_text(DEPLOYMENTS.cassette))["data"][0]["embedding"])
    assert r.vectors == [list(struct.unpack(f"<{len(raw) // 4}f", raw))] and r.dimensions == 3072
    assert r.model == "text-embedding-3-large" and r.usage.input_tokens == 8


@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_foundry_v1_recording(path: str) -> None:
    res, r = asyncio.run(
        run_case_served(COHERE, path, _make, CASSETTES, spec_base_url=None, provider_name="azure", model_options=_opts)
    )
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/openai/v1/embeddings" and not res.sent[0].url.params
    # the v1 API also serves other vendors' models: JSON numbers, as ruby_llm sent
    assert json.loads(res.sent[0].content) == {"model": "Cohere-embed-v3-english", "input": [COHERE.texts]}
    data = json.loads(REC.response_text(COHERE.cassette))
    assert r.vectors == [data["data"][0]["embedding"]] and r.dimensions == 1024
    assert r.usage.input_tokens == 8 and r.provider_metadata["id"] == data["id"]


@pytest.mark.parametrize(
    ("base_url", "options", "path"),
    [
        ("https://r.openai.azure.com", {}, "openai/deployments/my%2Fdep/embeddings?api-version=2024-10-21"),
        ("https://r.openai.azure.com/openai/v1", {}, "embeddings"),
        ("https://r.openai.azure.com/openai/v1", {"api_version": "preview"}, "embeddings?api-version=preview"),
        ("https://r.services.ai.azure.com", {}, "models/embeddings?api-version=2024-05-01-preview"),
    ],
)
def test_url_shapes(base_url: str, options: dict[str, Any], path: str) -> None:
    p = AzureProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=base_url, options=options))
    assert p.embeddings_endpoint(embedding_request("my/dep", ["a"])) == path


def test_token_provider_is_called_before_embed() -> None:
    calls: list[int] = []

    def token() -> str:
        calls.append(1)
        return "entra-" + "token-value"

    res, _ = asyncio.run(
        run_case_served(
            DEPLOYMENTS,
            "aiohttp",
            lambda _c, case: AzureProvider(
                ProviderConfig(base_url=case.base_url, options={**case.options, "azure_ad_token_provider": token})
            ),
            CASSETTES,
            spec_base_url=None,
            provider_name="azure",
        )
    )
    assert res.error is None, res.error
    assert calls == [1] and res.sent[0].headers["authorization"] == "Bearer entra-token-value"


@pytest.mark.parametrize("params", [{"input_type": "query"}, {"truncate": "end"}, {"embedding_type": "int8"}])
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    import llmcore

    m = llmcore.embedding_model("azure/dep", api_key=TEST_API_KEY, base_url="http://127.0.0.1:9", retry=False)
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["a"], **params)
