"""Zhipu / Z.ai embeddings beyond the conformance kit (which replays the authored cassette with
``exact=True`` and checks ``embedding_refusals``): embedding-2's fixed size and the per-model limits."""

from __future__ import annotations

import asyncio

import pytest
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore_testing import TEST_API_KEY


def test_embedding_2_has_a_fixed_size() -> None:
    spec = get_registry().get("zhipu")
    assert spec is not None
    provider = load_provider(spec, api_key=TEST_API_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(E.UnsupportedFeatureError, match="fixed size"):  # nothing listens on :9
        asyncio.run(provider.embed(embedding_request("embedding-2", ["a"], dimensions=512)))
    assert provider.embedding_limits("embedding-2") == (64, 8000)
    assert provider.embedding_limits("embedding-3") == (64, None)
