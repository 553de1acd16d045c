"""The llmcore conformance kit on the Aleph Alpha cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

import aleph_alpha_cases as A
from llmcore_testing import EmbeddingCase, ProviderConformance


class TestAlephAlphaConformance(ProviderConformance):
    provider = "aleph_alpha"
    lossless_check = True
    cassette_dir = A.CASSETTES

    chat_case = A.CHAT  # the real /complete recording
    stream_case = A.STREAM
    system_prompt_case = A.SYSTEM_PROMPT
    multi_turn_case = A.MULTI_TURN
    count_tokens_case = A.COUNT_TOKENS
    # The chat guide's conversation, non-streamed and streamed.
    agreement_pairs = (("multi_turn_case", "stream_case"),)
    error_cases = A.ERRORS
    # /batch_semantic_embed, authored from the API reference (every number invented)
    embedding_case = EmbeddingCase(
        "authored__batch_semantic_embed_document_128.yaml",
        "luminous-base",
        ["This is a content of the document", "Aleph Alpha is based in Heidelberg."],
        {"input_type": "document", "dimensions": 128},
    )
