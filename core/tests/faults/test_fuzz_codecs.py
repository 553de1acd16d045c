"""Fuzz every native codec's response and stream parsers through the user's path
(issue 18, defect 3).

Each answer starts from a real recording (the plugin's cassettes) and is then
mutated — one field of the JSON set to any JSON value or deleted; one stream
event mutated or dropped; the stream cut at any byte — and served by a real
loopback server (:class:`llmcore_testing.fuzz.FuzzServer`) to
``llmcore.model(...)`` on both transports (``aiohttp``: the default direct path;
``httpx``). The only allowed outcomes are a correct response or a typed
:class:`~llmcore.errors.LLMCoreError` that does not hold the key
(:func:`llmcore_testing.fuzz.check_call`).

Deterministic (``derandomize=True``) and bounded: ``LLMCORE_FUZZ_EXAMPLES``
examples per codec, mode and transport (default 40).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from llmcore_testing import fuzz
from llmcore_testing.cassettes import Recordings

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
EXAMPLES = int(os.environ.get("LLMCORE_FUZZ_EXAMPLES", "40"))
KEY = "fuzz-" + "key-" + "a1b2c3d4e5f6a7b8"  # built from fragments: no key-shaped literal


@dataclass
class Target:
    """One codec reached through ``llmcore.model``: its recordings (``(cassette,
    interaction)`` of 200 answers) as JSON bodies and as streams."""

    plugin: str
    module: str
    model: str
    provider: str
    base_path: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    bodies: list[tuple[str, int]] = field(default_factory=list)
    streams: list[tuple[str, int]] = field(default_factory=list)
    framing: fuzz.Framing = fuzz.SSE

    def recordings(self) -> Recordings:
        return Recordings(PLUGINS / self.plugin / "tests" / "cassettes")


TARGETS = {
    t.provider + ("-responses" if t.options.get("api") == "responses" else ""): t
    for t in [
        Target(
            "openai",
            "llmcore_openai",
            "openai/gpt-4o-mini",
            "openai",
            "/v1",
            bodies=[
                ("pydantic-ai__test_openai_native_output.yaml", 0),
                ("compat-ollama-pydantic-ai__test_ollama_cloud_tool_output.yaml", 0),
                ("pydantic-ai__test_openai_model_thinking_part.yaml", 1),
            ],
            streams=[
                ("llm__test_tool_use_basic.yaml", 0),
                ("compat-vllm-openllmetry__test_trace_propagation_stream_ChatOpenAI_.yaml", 0),
            ],
        ),
        Target(
            "openai",
            "llmcore_openai",
            "openai/gpt-4o-mini",
            "openai",
            "/v1",
            {"api": "responses"},
            bodies=[
                ("pydantic-ai__test_openai_responses_model_simple_response.yaml", 0),
                ("pydantic-ai__test_openai_responses_model_simple_response_with_tool_call.yaml", 0),
                ("llm__test_responses_round_trips_encrypted_reasoning.yaml", 0),
            ],
            streams=[
                ("llm__test_responses_basic_streaming.yaml", 0),
                ("llm__test_responses_tool_use_streaming.yaml", 0),
            ],
        ),
        Target(
            "anthropic",
            "llmcore_anthropic",
            "anthropic/claude-3-5-haiku-latest",
            "anthropic",
            bodies=[
                ("ellmer__anthropic-basic.yaml", 0),
                ("ellmer__anthropic-tool.yaml", 0),
                ("pydantic-ai__test_anthropic_model_thinking_part.yaml", 0),
            ],
            streams=[
                ("llm-anthropic__test_stream_events_text.yaml", 0),
                ("llm-anthropic__test_stream_events_tool_calls.yaml", 0),
                ("llm-anthropic__test_stream_events_thinking.yaml", 0),
            ],
        ),
        Target(
            "gemini",
            "llmcore_gemini",
            "gemini/gemini-2.0-flash",
            "gemini",
            bodies=[
                ("pydantic-ai__test_google_model.yaml", 0),
                ("ellmer__google-tool.yaml", 0),
                ("pydantic-ai__test_google_model_structured_output.yaml", 0),
            ],
            streams=[
                ("pydantic-ai__test_google_model_stream.yaml", 0),
                ("pydantic-ai__test_google_streaming_tool_call_thought_signature.yaml", 0),
            ],
        ),
        Target(
            "ollama",
            "llmcore_ollama",
            "ollama/llama3.2",
            "ollama",
            bodies=[
                ("openllmetry__test_ollama_chat_legacy.yaml", 0),
                ("openllmetry__test_ollama_chat_tool_calls_legacy.yaml", 0),
                ("authored__structured_output.yaml", 0),
            ],
            streams=[
                ("openllmetry__test_ollama_streaming_chat_legacy.yaml", 0),
                ("authored__tool_call_stream.yaml", 0),
            ],
            framing=fuzz.NDJSON,
        ),
        Target(
            "bedrock",
            "llmcore_bedrock",
            "bedrock/anthropic.claude-3-haiku-20240307-v1:0",
            "bedrock",
            options={"region": "us-east-1"},
            bodies=[
                ("pydantic-ai__test_bedrock_model.yaml", 0),
                ("ruby_llm__chat_function_calling_bedrock_claude-sonnet-4-5_can_use_parallel_tool_calls.yaml", 0),
                ("pydantic-ai__test_bedrock_model_structured_output.yaml", 0),
            ],
            streams=[
                (
                    "ruby_llm__chat_streaming_responses_bedrock_amazon_nova-2-lite-v1_0_supports_streaming_responses.yaml",
                    0,
                ),
                ("pydantic-ai__test_bedrock_model_thinking_part_stream.yaml", 0),
                ("pydantic-ai__test_bedrock_native_output_stream.yaml", 0),
            ],
            framing=fuzz.EVENTSTREAM,
        ),
    ]
}


def _target(name: str) -> Target:
    t = TARGETS[name]
    if importlib.util.find_spec(t.module) is None:
        pytest.skip(f"{t.module} is not installed: run `nox -s faults`")
    return t


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as server:
        yield server


@pytest.fixture(params=fuzz.TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _model(t: Target, server: fuzz.FuzzServer, client: Any) -> Any:
    import llmcore

    return llmcore.model(
        t.model, base_url=server.url + t.base_path, api_key=KEY, http_client=client, retry=False, **t.options
    )


@pytest.mark.parametrize("stream", [False, True], ids=["chat", "stream"])
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_answers_of_any_shape_and_any_cut(
    name: str, stream: bool, transport: str, fuzz_server: fuzz.FuzzServer
) -> None:
    t = _target(name)
    rec = t.recordings()
    framing = t.framing if stream else None
    if stream:
        seeds: list[Any] = [rec.response_bytes(c, i) for c, i in t.streams]
    else:
        seeds = [rec.response_body(c, i) for c, i in t.bodies]
    with fuzz.transport_client(transport) as client:
        m = _model(t, fuzz_server, client)

        def check(answer: Any) -> fuzz.Outcome:
            fuzz_server.serve(answer, framing)
            return fuzz.check_call(m, stream=stream, provider=t.provider, secret=KEY)

        @fuzz.settings(max_examples=EXAMPLES)
        @given(answer=fuzz.seeded(seeds, framing))
        def run(answer: Any) -> None:
            check(answer)

        for seed in seeds:  # the recordings themselves are answers
            assert check(seed).response is not None
        run()
