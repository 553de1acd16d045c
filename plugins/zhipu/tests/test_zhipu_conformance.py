"""The llmcore conformance kit on the Zhipu / Z.ai cassettes (see cassettes/SOURCES.md)."""

from __future__ import annotations

import zhipu_cases as Z
from llmcore_testing import OPENAI_SHAPED_EMBEDDING_REFUSALS, EmbeddingCase, ProviderConformance


class TestZhipuConformance(ProviderConformance):
    provider = "zhipu"
    lossless_check = True
    cassette_dir = Z.CASSETTES

    chat_case = Z.CHAT  # real
    stream_case = Z.STREAM  # real
    reasoning_case = Z.THINKING  # real
    multi_turn_case = Z.MULTI_TURN  # real (preserved thinking)
    system_prompt_case = Z.SYSTEM
    tool_call_case = Z.TOOL_CALL
    tool_call_stream_case = Z.TOOL_CALL_STREAM
    tool_round_trip_case = Z.ROUND_TRIP
    structured_case = Z.STRUCTURED
    # the real thinking-mode chat and the real thinking stream: same prompt, same options
    agreement_pairs = (("reasoning_case", "stream_case"), ("tool_call_case", "tool_call_stream_case"))
    error_cases = Z.ERRORS
    # embedding-3 on open.bigmodel.cn, authored from the API reference (every number invented)
    embedding_case = EmbeddingCase(
        "authored__embeddings_embedding3_256.yaml",
        "embedding-3",
        ["你好,今天天气怎么样.", "What is the weather like today?"],
        {"dimensions": 256},
        options={"region": "cn"},
        base_url="https://open.bigmodel.cn/api/paas/v4",
        exact=True,
    )
    # refused before the network (the OpenAI-shaped mixin sends none of these to this server)
    embedding_refusals = {  # Zhipu shortens, but only to these sizes
        **{k: v for k, v in OPENAI_SHAPED_EMBEDDING_REFUSALS.items() if k != "dimensions"},
        "256, 512, 1024, 2048": {"dimensions": 300},
    }
