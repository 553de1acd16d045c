"""Azure specifics on the recordings: the three URL shapes, api-version, api-key vs
Entra ID auth, content filtering, Azure's stream preamble, Foundry usage, config."""

from __future__ import annotations

import json

import pytest
from azure_cases import (
    BERLIN_Q,
    BEST_LANGUAGE,
    EXAMPLE,
    FOUNDRY,
    GROK,
    JOKE,
    TRACELOOP,
    WEATHER,
    recorded_request,
    replay,
)
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.resolve import resolve_model
from llmcore.types import ChatRequest
from llmcore_azure import SPEC
from llmcore_azure.provider import AzureProvider
from llmcore_testing import TEST_API_KEY

JOKE_REQ = {"model": "openllmetry-testing", "messages": [JOKE]}
CHAT = "openllmetry__test_chat.yaml"
STREAM = "openllmetry__test_chat_streaming.yaml"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.entra-test-token-do-not-leak"


def provider(base_url: str = EXAMPLE, **options: object) -> AzureProvider:
    return AzureProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=base_url, options=dict(options)))


# -- URL shapes ------------------------------------------------------------------------------


def test_deployments_url_api_version_and_api_key_header() -> None:
    r, sent = replay(CHAT, JOKE_REQ, base_url=TRACELOOP)
    assert not isinstance(r, Exception), r
    url = sent[0].url
    assert url.path == "/openai/deployments/openllmetry-testing/chat/completions"
    assert url.params["api-version"] == "2024-10-21"
    assert sent[0].headers["api-key"] == TEST_API_KEY and "authorization" not in sent[0].headers
    # what the Azure SDK sent, minus its defaults: the deployment is also the body's model
    assert recorded_request(CHAT)["messages"] == [{"role": "user", "content": JOKE}]
    assert r.text.startswith("Why did the Opentelemetry developer") and r.model == "gpt-35-turbo"
    assert (r.usage.input_tokens, r.usage.output_tokens) == (15, 24)


def test_api_version_from_option_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-06-01")
    _, sent = replay(CHAT, JOKE_REQ, base_url=TRACELOOP)
    assert sent[0].url.params["api-version"] == "2024-06-01"
    _, sent = replay(CHAT, JOKE_REQ, base_url=TRACELOOP, api_version="2025-04-01-preview")
    assert sent[0].url.params["api-version"] == "2025-04-01-preview"


@pytest.mark.parametrize(
    ("base", "api", "path", "version"),
    [
        ("https://r.openai.azure.com", "deployments", "openai/deployments/my%2Fdep%20x/chat/completions", "2024-10-21"),
        ("https://r.openai.azure.com/openai", "deployments", "deployments/my%2Fdep%20x/chat/completions", "2024-10-21"),
        (
            "https://r.cognitiveservices.azure.com/",
            "deployments",
            "openai/deployments/my%2Fdep%20x/chat/completions",
            "2024-10-21",
        ),
        ("https://r.openai.azure.com/openai/v1", "v1", "chat/completions", None),
        ("https://r.services.ai.azure.com", "models", "models/chat/completions", "2024-05-01-preview"),
        ("https://r.services.ai.azure.com/models", "models", "chat/completions", "2024-05-01-preview"),
    ],
)
def test_api_is_chosen_from_the_endpoint(base: str, api: str, path: str, version: str | None) -> None:
    p = provider(base)
    assert p.api == api and p.api_version == version
    ep = p.endpoint(ChatRequest(model="my/dep x", messages=["hi"]))
    assert ep == (f"{path}?api-version={version}" if version else path)


def test_explicit_api_overrides_detection() -> None:
    p = provider("https://r.services.ai.azure.com", api="v1")
    assert p.endpoint(ChatRequest(model="gpt-4o", messages=["hi"])) == "openai/v1/chat/completions"
    p = provider("https://r.openai.azure.com", api="v1", api_version="preview")
    assert p.endpoint(ChatRequest(model="gpt-4o", messages=["hi"])) == "openai/v1/chat/completions?api-version=preview"


def test_v1_api_on_the_authored_recording() -> None:
    req = {
        "model": "gpt-4.1-mini",
        "system": "You are a terse assistant. Answer in one word.",
        "messages": ["What is the capital of France?"],
        "max_tokens": 50,
    }
    r, sent = replay("authored__v1_system_prompt.yaml", req, base_url=EXAMPLE + "/openai/v1")
    assert sent[0].url.path == "/openai/v1/chat/completions" and not sent[0].url.params
    body = json.loads(sent[0].content)
    assert body["max_completion_tokens"] == 50 and "max_tokens" not in body
    assert r.text == "Paris." and r.usage.cache_read_tokens == 0


def test_foundry_models_api() -> None:
    r, sent = replay(
        "ruby_llm__chat_basic_chat_functionality_azure_grok-4-1-fast-non-reasoning_can_have_a_basic_conversation.yaml",
        {"model": GROK, "messages": ["What's 2 + 2?"], "max_tokens": 20},
        base_url=FOUNDRY,
    )
    assert sent[0].url.path == "/models/chat/completions"
    assert sent[0].url.params["api-version"] == "2024-05-01-preview"
    body = json.loads(sent[0].content)
    assert body["max_tokens"] == 20 and "max_completion_tokens" not in body
    assert r.text == "4"
    # Grok on Foundry reports cached_tokens (163) larger than prompt_tokens (7): not a subset, so unknown
    assert (r.usage.input_tokens, r.usage.output_tokens, r.usage.cache_read_tokens) == (7, 1, None)


def test_foundry_parallel_tool_calls_round_trip() -> None:
    cassette = "ruby_llm__chat_function_calling_azure_grok-4-1-fast-non-reasoning_can_use_parallel_tool_calls.yaml"
    q = "What's the weather in Berlin (52.5200, 13.4050) and what's the best language to learn?"
    r, _ = replay(cassette, {"model": GROK, "messages": [q], "tools": [WEATHER, BEST_LANGUAGE]}, base_url=FOUNDRY)
    assert [c.name for c in r.tool_calls] == ["weather", "best_language_to_learn"]
    assert [c.id for c in r.tool_calls] == ["call_49676659", "call_06735833"] and r.finish_reason == "tool_calls"
    history = [
        {"role": "user", "content": q},
        r.message,
        {
            "role": "tool",
            "tool_call_id": "call_49676659",
            "content": "Current weather at 52.5200, 13.4050: 15°C, Wind: 10 km/h",
        },
        {"role": "tool", "tool_call_id": "call_06735833", "content": "Ruby"},
    ]
    r2, sent = replay(
        cassette,
        {"model": GROK, "messages": history, "tools": [WEATHER, BEST_LANGUAGE]},
        base_url=FOUNDRY,
        interaction=1,
    )
    ours, recorded = json.loads(sent[0].content), recorded_request(cassette, 1)
    assert ours["messages"][1]["tool_calls"] == recorded["messages"][1]["tool_calls"]
    assert ours["messages"][2:] == recorded["messages"][2:]
    assert "Ruby" in r2.text and r2.finish_reason == "stop"


# -- streams -----------------------------------------------------------------------------------


def test_stream_skips_azures_prompt_filter_preamble_and_agrees_with_chat() -> None:
    """openllmetry recorded the same prompt non-streamed and streamed on the same deployment."""
    chat, _ = replay(CHAT, JOKE_REQ, base_url=TRACELOOP)
    streamed, sent = replay(STREAM, JOKE_REQ, base_url=TRACELOOP, stream=True)
    assert sent[0].headers["accept"] == "text/event-stream"
    # the first chunk (id "", choices [], prompt_filter_results) is not the response's metadata
    assert streamed.id == "chatcmpl-9HpbaAXyt0cAnlWvI8kUAFpZt5jyQ" and streamed.model == "gpt-35-turbo"
    assert streamed.text.startswith("Why did the Opentelemetry developer bring a ladder")
    assert chat.finish_reason == streamed.finish_reason == "stop"
    # recorded without stream_options: the stream carries no usage, and none is invented
    assert streamed.usage.input_tokens is None and streamed.usage.output_tokens is None


def test_content_filter_verdicts_are_kept() -> None:
    """Azure's prompt and completion filter results (recorded on openllmetry's pair) are in
    ``provider_metadata["azure"]``, in chat and in the stream (where the prompt's verdict is the preamble)."""
    chat, _ = replay(CHAT, JOKE_REQ, base_url=TRACELOOP)
    streamed, _ = replay(STREAM, JOKE_REQ, base_url=TRACELOOP, stream=True)
    for r in (chat, streamed):
        meta = r.provider_metadata["azure"]
        assert meta["prompt_filter_results"][0]["content_filter_results"]["hate"] == {
            "filtered": False,
            "severity": "safe",
        }
        assert set(meta["content_filter_results"]) >= {"hate", "self_harm", "sexual", "violence"}


def test_filtered_stream_finishes_with_content_filter() -> None:
    r, _ = replay(
        "authored__deployments_stream_finish_content_filter.yaml",
        {"model": "gpt-4o", "messages": ["Tell me a story about a battle."]},
        base_url=EXAMPLE,
        stream=True,
    )
    assert r.text == "The armies met at dawn"
    assert (r.finish_reason, r.raw_finish_reason) == ("content_filter", "content_filter")
    assert r.id == "chatcmpl-authored0000000000000000001"


# -- content filter errors ---------------------------------------------------------------------------


def test_content_filter_errors() -> None:
    err, _ = replay(
        "authored__deployments_content_filter_400.yaml",
        {"model": "gpt-4o", "messages": ["(a prompt the filter rejects)"]},
        base_url=EXAMPLE,
    )
    assert isinstance(err, E.ContentFilterError) and err.status_code == 400 and err.code == "content_filter"
    assert not err.retryable and "content management policy" in err.message
    assert "ResponsibleAIPolicyViolation" in str(err.raw)  # innererror.content_filter_result is kept in raw
    # the real recording: openllmetry stored Azure's content-filter body with HTTP 200
    err, _ = replay("openllmetry__test_prompt_content_filtering.yaml", JOKE_REQ, base_url=TRACELOOP)
    assert isinstance(err, E.ContentFilterError) and err.code == "content_filter"


def test_deployment_not_found_and_rate_limit() -> None:
    err, _ = replay(
        "openllmetry__test_chat_reasoning.yaml",
        {"model": "gpt-5-nano", "messages": ["Count r's in strawberry"]},
        base_url=TRACELOOP,
        interaction=1,
    )
    assert isinstance(err, E.NotFoundError) and err.code == "DeploymentNotFound"
    err, _ = replay(
        "ruby_llm__chat_real_error_scenarios_azure_grok-4-1-fast-non-reasoning_handles_context_length_exceeded_"
        "errors.yaml",
        {"model": GROK, "messages": ["Hi"]},
        base_url=FOUNDRY,
    )
    assert isinstance(err, E.RateLimitError) and err.code == "RateLimitReached" and err.retryable
    assert err.retry_after is not None  # Retry-After / Retry-After-Ms


def test_reasoning_effort_and_usage_on_a_reasoning_deployment() -> None:
    r, sent = replay(
        "openllmetry__test_chat_reasoning.yaml",
        {"model": "gpt-5-nano", "messages": ["Count r's in strawberry"], "reasoning_effort": "low"},
        base_url=TRACELOOP,
    )
    assert json.loads(sent[0].content)["reasoning_effort"] == "low"
    assert r.text == "3" and (r.usage.output_tokens, r.usage.reasoning_tokens, r.usage.cache_read_tokens) == (
        203,
        192,
        0,
    )
    assert not r.reasoning  # Azure OpenAI sends no reasoning text on Chat Completions


# -- Entra ID auth ----------------------------------------------------------------------------------


def test_entra_token_is_sent_as_bearer_instead_of_the_key() -> None:
    _, sent = replay(CHAT, JOKE_REQ, base_url=TRACELOOP, api_key=None, azure_ad_token=TOKEN)
    assert sent[0].headers["authorization"] == f"Bearer {TOKEN}" and "api-key" not in sent[0].headers


def test_token_provider_sync_and_async_called_per_request() -> None:
    calls: list[int] = []

    def sync_provider() -> str:
        calls.append(1)
        return f"{TOKEN}-{len(calls)}"

    async def async_provider() -> str:
        calls.append(1)
        return f"{TOKEN}-{len(calls)}"

    _, sent = replay(CHAT, JOKE_REQ, base_url=TRACELOOP, api_key=None, azure_ad_token_provider=sync_provider)
    assert sent[0].headers["authorization"] == f"Bearer {TOKEN}-1"
    _, sent = replay(
        STREAM, JOKE_REQ, base_url=TRACELOOP, api_key=None, stream=True, azure_ad_token_provider=async_provider
    )
    assert sent[0].headers["authorization"] == f"Bearer {TOKEN}-2"
    err, sent = replay(CHAT, JOKE_REQ, base_url=TRACELOOP, api_key=None, azure_ad_token_provider=lambda: "")
    assert isinstance(err, E.ConfigurationError) and not sent


def test_token_never_leaks_into_errors_or_repr() -> None:
    err, _ = replay(
        "openllmetry__test_chat_reasoning.yaml",
        {"model": "gpt-5-nano", "messages": ["x"]},
        base_url=TRACELOOP,
        interaction=1,
        api_key=None,
        azure_ad_token=TOKEN,
    )
    assert isinstance(err, E.NotFoundError)
    p = AzureProvider(ProviderConfig(base_url=TRACELOOP, options={"azure_ad_token": TOKEN}))
    for text in (str(err), repr(err), str(err.raw), repr(p), repr(p.config)):
        assert TOKEN not in text and TEST_API_KEY not in text
    from llmcore.errors import redact

    assert TOKEN not in redact(f"header Bearer {TOKEN}")


# -- configuration ---------------------------------------------------------------------------------------


def test_missing_credentials_name_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(E.ConfigurationError, match="AZURE_OPENAI_API_KEY"):
        AzureProvider(ProviderConfig(base_url=EXAMPLE))
    monkeypatch.setenv("AZURE_OPENAI_AD_TOKEN", TOKEN)
    assert AzureProvider(ProviderConfig(base_url=EXAMPLE)).auth_headers() == {"authorization": f"Bearer {TOKEN}"}


def test_missing_endpoint_names_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    with pytest.raises(E.ConfigurationError, match="AZURE_OPENAI_ENDPOINT"):
        AzureProvider(ProviderConfig(api_key=TEST_API_KEY))
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://env-resource.openai.azure.com/")
    assert AzureProvider(ProviderConfig(api_key=TEST_API_KEY)).base_url == "https://env-resource.openai.azure.com"


def test_unknown_and_bad_options() -> None:
    with pytest.raises(E.ConfigurationError, match="api_version") as info:
        provider(deployment="x")
    assert "deployment" in str(info.value)
    with pytest.raises(E.ConfigurationError, match="deployments"):
        provider(api="responses")
    with pytest.raises(E.ConfigurationError, match="callable"):
        provider(azure_ad_token_provider="not-callable")


def test_key_never_leaks() -> None:
    p = provider()
    assert TEST_API_KEY not in repr(p) and TEST_API_KEY not in repr(p.config)


def test_model_naming() -> None:
    spec, model = resolve_model("azure/my-gpt4o-deployment")
    assert spec.name == "azure" and model == "my-gpt4o-deployment"
    assert SPEC.model_prefixes == ()  # deployment names are the user's: never auto-detected


def test_tools_sent_as_recorded() -> None:
    cassette = "ruby_llm__chat_function_calling_azure_grok-4-1-fast-non-reasoning_can_use_tools.yaml"
    r, sent = replay(cassette, {"model": GROK, "messages": [BERLIN_Q], "tools": [WEATHER]}, base_url=FOUNDRY)
    assert json.loads(sent[0].content)["tools"] == recorded_request(cassette)["tools"]
    assert r.tool_calls[0].arguments == {"latitude": "52.5200", "longitude": "13.4050"}


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_api_version_reaches_the_server_on_every_transport(path: str) -> None:
    """The ``?api-version=`` in the chat path is on the wire (the default aiohttp path once dropped it)."""
    import asyncio

    from azure_cases import CASSETTES, PYDANTIC
    from llmcore_testing import Case
    from llmcore_testing.conformance import run_case_served

    case = Case(
        "pydantic-ai__test_azure_provider_call.yaml",
        {"model": "gpt-4o", "messages": ["What is the capital of France?"]},
        base_url=PYDANTIC,
        options={"api_version": "2024-12-01-preview"},
    )
    sent, _ = asyncio.run(
        run_case_served(
            case,
            path,
            lambda _c, c: AzureProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=c.base_url, options=c.options)),
            CASSETTES,
            spec_base_url=None,
            provider_name="azure",
            model_options=lambda c: {"api_key": TEST_API_KEY, **c.options},
        )
    )
    assert sent.error is None, sent.error
    assert sent.sent[0].url.params["api-version"] == "2024-12-01-preview"
