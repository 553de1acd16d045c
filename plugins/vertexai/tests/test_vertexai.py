"""Vertex AI specifics: credentials and token refresh, project/location/URL resolution,
configuration errors, tokens never leaking, Vertex's count_tokens body, parallel tools,
and Claude through the Anthropic codec."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import vertex_cases as V
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, Message, ReasoningPart, TextPart, ToolCallPart, ToolResultPart
from llmcore_testing import check_stream_invariants, recording_client
from llmcore_testing.conformance import assert_not_leaked
from llmcore_vertexai.provider import VertexAIProvider, default_root

# -- credentials --------------------------------------------------------------------------


@pytest.fixture
def no_adc(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An environment with no Application Default Credentials and no project/location."""
    from google.auth.compute_engine import _metadata

    for var in (
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_CLOUD_PROJECT",
        "GCLOUD_PROJECT",
        "GOOGLE_CLOUD_LOCATION",
        "VERTEX_LOCATION",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))  # no `gcloud auth application-default login`
    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)  # not on Google Cloud: no metadata server


def _service_account_file(tmp_path: Path, project: str = "sa-project") -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "sa.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": project,
                "private_key_id": "0" * 40,
                "private_key": pem,
                "client_email": f"llmcore@{project}.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def test_no_credentials_names_what_to_set(no_adc: None) -> None:
    with pytest.raises(E.ConfigurationError, match="GOOGLE_APPLICATION_CREDENTIALS") as info:
        VertexAIProvider(ProviderConfig(options={"project": "p"}))
    assert "gcloud auth application-default login" in info.value.message


def test_no_project_names_the_env_var(no_adc: None) -> None:
    with pytest.raises(E.ConfigurationError, match="GOOGLE_CLOUD_PROJECT"):
        VertexAIProvider(ProviderConfig(options={"credentials": V.token_credentials()}))


def test_adc_service_account_file_gives_project_and_env_gives_location(
    no_adc: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(_service_account_file(tmp_path)))
    monkeypatch.setenv("VERTEX_LOCATION", "europe-west4")
    p = VertexAIProvider(ProviderConfig())
    assert (p.project, p.location, p.base_url) == (
        "sa-project",
        "europe-west4",
        "https://europe-west4-aiplatform.googleapis.com",
    )
    assert p.model_path("gemini-2.5-flash", "generateContent") == (
        "v1/projects/sa-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent"
    )
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "env-project")
    monkeypatch.setenv("GOOGLE_CLOUD_LOCATION", "us-east5")  # wins over VERTEX_LOCATION
    p = VertexAIProvider(ProviderConfig())
    assert (p.project, p.location) == ("env-project", "us-east5")
    p = VertexAIProvider(
        ProviderConfig(
            options={"service_account_file": str(tmp_path / "sa.json"), "project": "opt-project", "location": "global"}
        )
    )
    assert (p.project, p.base_url) == ("opt-project", "https://aiplatform.googleapis.com")
    with pytest.raises(E.ConfigurationError, match="cannot read the service-account file"):
        VertexAIProvider(ProviderConfig(options={"service_account_file": str(tmp_path / "missing.json")}))


def test_location_defaults_to_global(no_adc: None) -> None:
    p = VertexAIProvider(ProviderConfig(options={"project": "p", "access_token": V.TEST_TOKEN}))
    assert p.location == "global" and p.base_url == default_root("global") == "https://aiplatform.googleapis.com"


def test_oauth2_refresh_token_exchange_then_call() -> None:
    """ruby_llm's recording starts with a refresh-token exchange at oauth2.googleapis.com;
    google-auth replays it, and the Vertex call carries the token it returned."""
    from google.oauth2.credentials import Credentials

    creds = Credentials(
        token=None,
        refresh_token="<GOOGLE_REFRESH_TOKEN>",
        client_id="<GOOGLE_CLIENT_ID>",
        client_secret="<GOOGLE_CLIENT_SECRET>",
        token_uri="https://oauth2.googleapis.com/token",
    )

    async def go() -> Any:
        client, sent = recording_client()
        with V.use_cassette(V.BASIC) as cas:
            async with client:
                p = VertexAIProvider(
                    ProviderConfig(http_client=client, base_url=V.RUBY_ROOT, options={**V.RUBY, "credentials": creds})
                )
                r = await p.chat(ChatRequest(model="gemini-2.5-flash", messages=["What's 2 + 2?"]))
            return r, sent, list(cas.play_counts.values())

    r, sent, plays = asyncio.run(go())
    assert plays == [1, 1]  # the token exchange, then generateContent
    assert creds.token == "<GOOGLE_ACCESS_TOKEN>" and creds.valid
    assert sent[0].headers["authorization"] == "Bearer <GOOGLE_ACCESS_TOKEN>"
    assert r.text == "2 + 2 = **4**"


def test_unrefreshable_credentials_are_an_authentication_error_before_any_call() -> None:
    from google.oauth2.credentials import Credentials

    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - must not be reached
        raise AssertionError("a request was sent")

    async def go() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = VertexAIProvider(
                ProviderConfig(http_client=client, options={"project": "p", "credentials": Credentials(token=None)})
            )
            await p.chat(ChatRequest(model="gemini-2.5-flash", messages=["hi"]))

    with pytest.raises(E.AuthenticationError, match="could not be refreshed"):
        asyncio.run(go())


def test_configuration_errors() -> None:
    creds = {"credentials": V.token_credentials(), "project": "p"}
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*regoin.*known: project, location"):
        VertexAIProvider(ProviderConfig(options={**creds, "regoin": "x"}))
    with pytest.raises(E.ConfigurationError, match="not an API key"):
        VertexAIProvider(ProviderConfig(api_key="AIza-some-key-0000000000000000000000", options=creds))
    with pytest.raises(E.ConfigurationError, match="api_version"):
        VertexAIProvider(ProviderConfig(options={**creds, "api_version": "v2"}))
    with pytest.raises(E.ConfigurationError, match=r"google\.auth credentials object"):
        VertexAIProvider(ProviderConfig(options={"project": "p", "credentials": "a-token-string"}))
    with pytest.raises(E.ConfigurationError, match="schema_mode"):
        VertexAIProvider(ProviderConfig(options={**creds, "schema_mode": "xml"}))


def test_discovery_does_not_import_google_auth() -> None:
    import subprocess
    import sys

    code = (
        "import sys, llmcore_vertexai; llmcore_vertexai.llmcore_providers(); "
        "bad = [m for m in sys.modules if m.startswith(('google', 'httpx', 'llmcore_gemini', 'llmcore_anthropic'))]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_token_never_leaks() -> None:
    res = _error(V.ERRORS["auth"])
    err, sent = res
    assert sent[0].headers["authorization"] == f"Bearer {V.TEST_TOKEN}"
    assert V.TEST_TOKEN not in str(sent[0].url)
    p = V.make_provider(None, dict(V.AUTHORED))
    assert_not_leaked(V.TEST_TOKEN, p, p.config, p._tokens, err)
    # a server echoing the token back is redacted too
    echoed = E.AuthenticationError(f"bad token {V.TEST_TOKEN}", provider="vertexai")
    assert V.TEST_TOKEN not in str(echoed)


def _error(case: Any) -> tuple[E.LLMCoreError, Any]:
    async def go() -> tuple[E.LLMCoreError, Any]:
        client, sent = recording_client()
        with V.use_cassette(case.cassette, case.interaction):
            async with client:
                p = V.make_provider(client, dict(case.options), case.base_url)
                try:
                    await p.chat(case.chat_request())
                except E.LLMCoreError as e:
                    return e, sent
        raise AssertionError("no error")

    return asyncio.run(go())


def test_error_details() -> None:
    err, sent = _error(V.ERRORS["auth"])
    assert str(sent[0].url) == (
        "https://us-central1-aiplatform.googleapis.com/v1/projects/llmcore-test/locations/"
        "us-central1/publishers/google/models/gemini-2.5-flash:generateContent"
    )
    assert err.code == "UNAUTHENTICATED" and "invalid authentication credentials" in err.message
    err, _ = _error(V.ERRORS["context_length"])
    assert err.message == "The input token count (1250074) exceeds the maximum number of tokens allowed (1048576)."
    err, _ = _error(V.ERRORS["rate_limit"])
    assert err.code == "RESOURCE_EXHAUSTED" and err.is_retryable and err.retry_after is None
    err, _ = _error(V.ERRORS["claude_overloaded"])
    assert (type(err), err.code, err.message) == (E.ProviderServerError, "overloaded_error", "Overloaded")


# -- Gemini on Vertex -------------------------------------------------------------------------


def test_model_paths() -> None:
    p = V.make_provider(None, {"project": "p", "location": "us-central1", "api_version": "v1beta1"})
    scope = "v1beta1/projects/p/locations/us-central1"
    assert (
        p.model_path("gemini-2.5-flash", "countTokens")
        == f"{scope}/publishers/google/models/gemini-2.5-flash:countTokens"
    )
    assert p.model_path("claude-sonnet-4-5@20250929", "rawPredict") == (
        f"{scope}/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict"
    )
    assert p.model_path("publishers/meta/models/llama-4", "generateContent") == (
        f"{scope}/publishers/meta/models/llama-4:generateContent"
    )
    endpoint = "projects/p/locations/us-central1/endpoints/123"
    assert p.model_path(endpoint, "generateContent") == f"v1beta1/{endpoint}:generateContent"


def test_parallel_tool_calls_round_trip() -> None:
    """Two calls in one turn, only the first signed; both results go back in one user turn."""
    req = ChatRequest(
        model="gemini-2.5-flash",
        tools=[V.WEATHER, V.BEST_LANGUAGE],
        messages=["What's the weather in Berlin (52.5200, 13.4050) and what's the best language to learn?"],
    )
    case = V.ruby(V.PARALLEL, req)
    first, _, _ = V.replay(case)
    assert [c.name for c in first.tool_calls] == ["weather", "best_language_to_learn"]
    assert [p.type for p in first.message.content] == ["tool_call", "reasoning", "tool_call"]
    a, b = first.tool_calls
    follow = req.model_copy(
        update={
            "messages": [
                *req.messages,
                first.message,
                Message(role="tool", content=[ToolResultPart(tool_call_id=a.id, content=V.WEATHER_RESULT)]),
                Message(role="tool", content=[ToolResultPart(tool_call_id=b.id, content="Ruby")]),
            ]
        }
    )
    second, _, sent = V.replay(V.ruby(V.PARALLEL, follow, interaction=2))
    assert second.text.startswith("The weather in Berlin is 15°C")
    contents = json.loads(sent[0].content)["contents"]
    sig = V.recorded_body(V.PARALLEL, 1, "response")["candidates"][0]["content"]["parts"][0]["thoughtSignature"]
    assert [("thoughtSignature" in p, p["functionCall"]["name"]) for p in contents[1]["parts"]] == [
        (True, "weather"),
        (False, "best_language_to_learn"),
    ]
    assert contents[1]["parts"][0]["thoughtSignature"] == sig
    assert [p["functionResponse"]["name"] for p in contents[2]["parts"]] == ["weather", "best_language_to_learn"]


async def _count(case: Any, request: ChatRequest) -> tuple[Any, Any]:
    client, sent = recording_client()
    with V.use_cassette(case.cassette, case.interaction):
        async with client:
            p = V.make_provider(client, dict(case.options), case.base_url)
            return await p.count_tokens(request), sent


def test_count_tokens_uses_vertex_body_shape() -> None:
    req = ChatRequest(
        model="gemini-2.5-flash",
        system="You are a helpful chatbot.",
        messages=["What is the capital of France?"],
        provider_options={"vertexai": {"tools": [{"googleSearch": {}}]}},
    )
    count, sent = asyncio.run(_count(V.Case(V.PYD_COUNT_TOOLS, {}, options=dict(V.PYD)), req))
    assert (count.input_tokens, count.method) == (13, "api")
    body = json.loads(sent[0].content)
    assert body == {
        "contents": [{"role": "user", "parts": [{"text": "What is the capital of France?"}]}],
        "systemInstruction": {"parts": [{"text": "You are a helpful chatbot."}]},
        "tools": [{"googleSearch": {}}],
    }
    req = ChatRequest(
        model="gemini-2.0-flash",
        system="You are a chatbot.",
        max_tokens=100,
        tool_choice="auto",
        tools=[{"name": "get_user_country"}],
        messages=[
            "What is the largest city in the user country? Use the get_user_country tool and "
            "then your own world knowledge."
        ],
    )
    count, sent = asyncio.run(_count(V.Case(V.PYD_COUNT_POST, {}, options=dict(V.PYD)), req))
    assert count.input_tokens == 36  # a google-genai recording that stored the method as "post"
    body = json.loads(sent[0].content)
    assert set(body) == {"contents", "systemInstruction", "tools", "generationConfig"}  # no toolConfig
    assert body["generationConfig"] == {"maxOutputTokens": 100}


def test_generation_config_passthrough_logprobs() -> None:
    case = V.Case(
        V.PYD_LOGPROBS,
        {
            "model": "gemini-2.5-flash",
            "messages": ["What is 2+2?"],
            "provider_options": {"vertexai": {"generation_config": {"responseLogprobs": True, "logprobs": 5}}},
        },
        options=dict(V.PYD),
    )
    r, _, sent = V.replay(case)
    assert r.text == "2 + 2 = 4" and r.finish_reason == "stop"
    assert json.loads(sent[0].content)["generationConfig"] == {"responseLogprobs": True, "logprobs": 5}
    assert r.raw["candidates"][0]["logprobsResult"]["chosenCandidates"][0]["token"] == "2"


def test_vertex_signatures_are_stamped_vertexai_and_go_back_to_vertex_only() -> None:
    r, _, _ = V.replay(V.TOOL_CALL)
    sig = [p for p in r.message.content if isinstance(p, ReasoningPart)]
    assert len(sig) == 1 and sig[0].provider == "vertexai" and sig[0].signature
    from llmcore_gemini.request import CodecSettings, build_generate_body

    req = ChatRequest(
        model="gemini-2.5-flash",
        messages=[
            V.BERLIN,
            r.message,
            Message(role="tool", content=[ToolResultPart(tool_call_id=r.tool_calls[0].id, content="x")]),
        ],
    )
    to_vertex, _ = build_generate_body(req, CodecSettings(provider="vertexai"))
    to_gemini, _ = build_generate_body(req, CodecSettings(provider="gemini"))
    assert to_vertex["contents"][1]["parts"][0]["thoughtSignature"] == sig[0].signature
    assert "thoughtSignature" not in to_gemini["contents"][1]["parts"][0]


# -- Claude on Vertex -------------------------------------------------------------------------


def _claude(cassette: str, request: dict[str, Any], stream: bool = False) -> Any:
    return V.replay(V.Case(cassette, request, stream=stream, options=dict(V.CLAUDE)))


def test_claude_raw_predict() -> None:
    r, _, sent = _claude(
        V.CLAUDE_CHAT,
        {
            "model": "claude-3-opus@20240229",
            "system": "You are a helpful assistant.",
            "messages": ["What is the capital of France?"],
        },
    )
    assert str(sent[0].url) == (
        "https://us-east5-aiplatform.googleapis.com/v1/projects/llmcore-test/locations/"
        "us-east5/publishers/anthropic/models/claude-3-opus@20240229:rawPredict"
    )
    assert json.loads(sent[0].content) == V.recorded_body(V.CLAUDE_CHAT)  # no model, anthropic_version set
    assert sent[0].headers["authorization"] == f"Bearer {V.TEST_TOKEN}" and "x-api-key" not in sent[0].headers
    assert r.text == "The capital of France is Paris." and r.finish_reason == "stop"
    assert (r.usage.input_tokens, r.usage.output_tokens) == (20, 10) and r.provider == "vertexai"


def test_claude_stream_raw_predict() -> None:
    r, events, sent = _claude(
        V.CLAUDE_STREAM,
        {"model": "claude-haiku-4-5@20251001", "max_tokens": 8192, "temperature": 1.0, "messages": ["Say just hello"]},
        stream=True,
    )
    assert sent[0].url.path.endswith("/publishers/anthropic/models/claude-haiku-4-5@20251001:streamRawPredict")
    body = json.loads(sent[0].content)
    assert body == V.recorded_body(V.CLAUDE_STREAM) and body["stream"] is True and "model" not in body
    check_stream_invariants(events, r)
    assert r.text == "Hello" and r.finish_reason == "stop" and r.usage.output_tokens == 4


def test_claude_count_tokens() -> None:
    case = V.Case(V.CLAUDE_COUNT, {}, options=dict(V.CLAUDE))
    count, sent = asyncio.run(
        _count(case, ChatRequest(model="claude-sonnet-4-5@20250929", messages=["What is 2 + 2?"]))
    )
    assert (count.input_tokens, count.method) == (16, "api")
    assert sent[0].url.path.endswith("/publishers/anthropic/models/count-tokens:rawPredict")
    assert json.loads(sent[0].content) == V.recorded_body(V.CLAUDE_COUNT)


def test_gemini_signature_markers_are_not_sent_to_claude() -> None:
    from llmcore_vertexai.claude import _body

    p = V.make_provider(None, dict(V.CLAUDE))
    history = Message(
        role="assistant",
        content=[
            TextPart(text="Calling."),
            ToolCallPart(id="t1", name="f", arguments={}),
            ReasoningPart(signature="gemini-sig", provider="vertexai", data={"thought_signature_on": "previous_part"}),
        ],
    )
    req = ChatRequest(
        model="claude-sonnet-4-5@20250929",
        tools=[{"name": "f"}],
        messages=["q", history, Message(role="tool", content=[ToolResultPart(tool_call_id="t1", content="r")])],
    )
    body, _ = _body(p, req, stream=False)
    assert "gemini-sig" not in json.dumps(body)
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "Calling."},
        {"type": "tool_use", "id": "t1", "name": "f", "input": {}},
    ]
