"""``openai_compatible`` embeddings and rerank beyond the kit: the body it sends (JSON numbers by default,
base64 with option ``embeddings_base64``), the recorded vectors read exactly, a bad option value refused at
construction, vLLM's ``/rerank`` recording replayed with the server root as base URL."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import test_conformance as TC
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_openai.provider import OpenAICompatibleProvider
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

CASSETTES = TC.CASSETTES
REC = Recordings(CASSETTES)
EMB = TC.TestOpenAICompatibleConformance.embedding_case  # not imported by name: pytest would collect it again
RERANK = TC.TestOpenAICompatibleConformance.rerank_case


def _make(_client: Any, case: Any) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, options=dict(case.options))
    )


@pytest.mark.parametrize(("options", "b64"), [({}, False), ({"embeddings_base64": True}, True)])
@pytest.mark.parametrize("path", ["aiohttp", "facade"])
def test_embeddings_body(options: dict[str, Any], b64: bool, path: str) -> None:
    assert isinstance(EMB, EmbeddingCase)
    case = EmbeddingCase(EMB.cassette, EMB.model, EMB.texts, EMB.params, base_url=EMB.base_url, options=options)
    res, r = asyncio.run(
        run_case_served(case, path, _make, CASSETTES, spec_base_url=None, provider_name="openai_compatible")
    )
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/v1/embeddings"
    want = {"model": "text-embedding-3-small", "input": ["Ruby", "Python", "JavaScript"], "dimensions": 768}
    if b64:
        want["encoding_format"] = "base64"
    assert json.loads(res.sent[0].content) == want
    # the recorded server answered JSON numbers either way (it was asked none): read as they are
    data = json.loads(REC.response_text(case.cassette))
    assert r.vectors == [d["embedding"] for d in sorted(data["data"], key=lambda d: d["index"])]


def test_bad_embeddings_base64_option() -> None:
    with pytest.raises(E.ConfigurationError, match="embeddings_base64"):
        OpenAICompatibleProvider(ProviderConfig(base_url="http://127.0.0.1:9/v1", options={"embeddings_base64": "yes"}))


def test_rerank_at_the_server_root() -> None:
    res, r = asyncio.run(
        run_case_served(RERANK, "aiohttp", _make, CASSETTES, spec_base_url=None, provider_name="openai_compatible")
    )
    assert res.error is None, res.error
    assert res.sent[0].url.path == "/rerank"
    assert [x.index for x in r.results] == [1, 0, 2] and r.results[0].document == "C++ is a programming language. "
    assert r.usage.input_tokens == 40
