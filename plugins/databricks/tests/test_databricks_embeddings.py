"""Databricks ``POST /serving-endpoints/embeddings`` beyond the kit: llama-stack's recording replayed over the
cassette server on aiohttp and through the facade (the sent body as promised, the vectors exactly the recorded
ones, whatever the ``api`` option); what the Foundation Model API's embeddings request cannot carry is
refused before the network, and ``provider_options`` reach the body."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from databricks_cases import BASE, CASSETTES
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore.provider import ProviderConfig
from llmcore_databricks.provider import DatabricksProvider
from llmcore_openai.embeddings import build_embeddings_body
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

REC = Recordings(CASSETTES)
HOST = "https://__databricks__/serving-endpoints"


@pytest.mark.parametrize("path", ["aiohttp", "facade"])
@pytest.mark.parametrize("api", ["chat", "invocations"])
def test_recording(path: str, api: str) -> None:
    case = EmbeddingCase(
        "llama-stack__ffd7b58fded8.yaml",
        "databricks-bge-large-en",
        "Test encoding format",
        base_url=HOST,
        options={"api": api},
    )

    def make(_client: Any, c: Any) -> DatabricksProvider:
        return DatabricksProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=c.base_url, options=c.options))

    res, r = asyncio.run(
        run_case_served(
            case,
            path,
            make,
            CASSETTES,
            spec_base_url=HOST,
            provider_name="databricks",
            model_options=lambda c: {"api_key": TEST_API_KEY, **c.options},
        )
    )
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/serving-endpoints/embeddings"
    assert json.loads(res.sent[0].content) == {"model": "databricks-bge-large-en", "input": ["Test encoding format"]}
    data = json.loads(REC.response_text(case.cassette))
    assert r.vectors == [data["data"][0]["embedding"]] and r.dimensions == 1024
    assert r.model == "bge-large-en-v1.5" and r.usage.input_tokens == 5


@pytest.mark.parametrize(
    "params", [{"dimensions": 256}, {"input_type": "query"}, {"truncate": "end"}, {"embedding_type": "int8"}]
)
def test_refused_before_the_network(params: dict[str, Any]) -> None:
    import llmcore

    m = llmcore.embedding_model("databricks/databricks-gte-large-en", api_key=TEST_API_KEY, base_url=BASE, retry=False)
    with pytest.raises(E.UnsupportedFeatureError):
        m.embed(["a"], **params)


def test_instruction_via_provider_options() -> None:
    req = embedding_request(
        "databricks-bge-large-en", ["q"], provider_options={"databricks": {"instruction": "Represent this sentence: "}}
    )
    body = build_embeddings_body(
        req,
        "databricks",
        base64=DatabricksProvider.embeddings_base64,
        dimensions=DatabricksProvider.embeddings_dimensions,
    )
    assert body == {"model": "databricks-bge-large-en", "input": ["q"], "instruction": "Represent this sentence: "}
