"""ERNIE / Qianfan embeddings beyond the conformance kit (which replays the authored cassette with
``exact=True`` and checks ``embedding_refusals``): limits per model and the ``appid`` header."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

CASSETTES = Path(__file__).parent / "cassettes"
REC = Recordings(CASSETTES)
CASE = EmbeddingCase("authored__embeddings_embedding_v1.yaml", "embedding-v1", ["White T-shirt"])


def _spec() -> Any:
    from llmcore.plugins import get_registry

    spec = get_registry().get("ernie")
    assert spec is not None
    return spec


def _make(_client: Any, case: Any) -> Any:
    from llmcore.facade import load_provider

    return load_provider(_spec(), api_key=TEST_API_KEY, base_url=case.base_url, options=dict(case.options))


def test_limits_by_model() -> None:
    from llmcore.facade import load_provider

    provider = load_provider(_spec(), api_key=TEST_API_KEY)
    assert provider.embedding_limits("embedding-v1") == (16, None)
    assert provider.embedding_limits("bge-large-zh") == (16, None)
    assert provider.embedding_limits("tao-8k") == (1, None)


def test_appid_header_is_sent() -> None:
    case = EmbeddingCase(CASE.cassette, CASE.model, CASE.texts, options={"appid": "app-7"})
    res, _ = asyncio.run(
        run_case_served(case, "aiohttp", _make, CASSETTES, spec_base_url=_spec().base_url, provider_name="ernie")
    )
    assert res.error is None and res.sent[0].headers["appid"] == "app-7"
