"""The llmcore conformance kit on the ERNIE (Qianfan v2) cassettes (authored from the Qianfan reference)."""

from __future__ import annotations

import ernie_cases as C
from llmcore_testing import OPENAI_SHAPED_EMBEDDING_REFUSALS, EmbeddingCase, ProviderConformance


class TestErnieConformance(ProviderConformance):
    provider = "ernie"
    lossless_check = True
    cassette_dir = C.CASSETTES

    chat_case = C.CHAT
    stream_case = C.STREAM
    system_prompt_case = C.DOC_CHAT
    multi_turn_case = C.DOC_ROUND_TRIP
    tool_call_case = C.TOOL_CALLS
    tool_call_stream_case = C.TOOL_CALLS_STREAM
    tool_round_trip_case = C.DOC_ROUND_TRIP
    structured_case = C.STRUCTURED
    reasoning_case = C.REASONING
    agreement_pairs = (("chat_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = C.ERRORS
    # /v2/embeddings, the reference's documented request (every number of the answer invented)
    embedding_case = EmbeddingCase(
        "authored__embeddings_embedding_v1.yaml", "embedding-v1", ["White T-shirt"], exact=True
    )
    # refused before the network (the OpenAI-shaped mixin sends none of these to this server)
    embedding_refusals = OPENAI_SHAPED_EMBEDDING_REFUSALS
