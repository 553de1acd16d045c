"""Property tests (issue 18, defect 3), seeded from this plugin's recordings in
``cassettes/``: whatever a TGI server answers with a 200 — a recorded answer with any
field replaced by any JSON value or deleted, a recorded stream with an event mutated
or dropped and cut at any byte — a call through ``llmcore.model`` on the default
transport ends in a correct response or a typed error naming huggingface
(:mod:`llmcore_testing.fuzz`), never an empty answer with no reason. (A loopback base URL is a TGI server; ``<think>`` blocks included.)"""

from __future__ import annotations

from pathlib import Path

from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

REC = Recordings(Path(__file__).parent / "cassettes")


class TestFuzz(fuzz.CodecFuzz):
    model = "huggingface/meta-llama/Llama-3.1-8B-Instruct"
    provider = "huggingface"
    chat = [
        REC.response_body(c)
        for c in (
            "huggingface_hub__InferenceClientVCRTest.test_chat_completion_no_stream.yaml",
            "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_tool.yaml",
            "pydantic-ai__test_hf_model_thinking_part.yaml",
        )
    ]
    streams = [
        REC.response_bytes(c)
        for c in (
            "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_stream.yaml",
            "authored__router_tool_call_stream.yaml",
        )
    ]
