"""Testing toolkit for llmcore and its plugins: the conformance kit, cassette
plumbing (vcrpy), the cassette format and importers, and the secret scanner.

The distribution ``llmcore-testing`` (a test dependency of a plugin: ``pip install llmcore-testing``).
"""

from __future__ import annotations

from .cassettes import make_vcr, record_mode, recording_client, vcr_config
from .conformance import (
    OPENAI_SHAPED_EMBEDDING_REFUSALS,
    TEST_API_KEY,
    Case,
    EmbeddingCase,
    ErrorCase,
    ProviderConformance,
    RerankCase,
    check_stream_invariants,
    run_case,
)

__all__ = [
    "Case",
    "EmbeddingCase",
    "ErrorCase",
    "ProviderConformance",
    "RerankCase",
    "TEST_API_KEY",
    "OPENAI_SHAPED_EMBEDDING_REFUSALS",
    "check_stream_invariants",
    "run_case",
    "make_vcr",
    "record_mode",
    "recording_client",
    "vcr_config",
]
