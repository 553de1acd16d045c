"""Gemini specifics beyond the kit: configuration, keys, errors, safety blocks, usage,
count_tokens, request mapping (validated against the API spec) and the schema conversion."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import gemini_cases as G
import httpx
import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest, Message, TextPart, ToolCallPart, ToolResultPart
from llmcore_gemini.provider import GeminiProvider
from llmcore_gemini.request import CodecSettings, build_generate_body
from llmcore_gemini.schema import to_gemini_schema
from llmcore_testing import TEST_API_KEY, make_vcr, recording_client
from llmcore_testing.conformance import assert_not_leaked

#: a fake key with Google's prefix, built in two so no key-shaped literal is in code
FAKE_GOOGLE_KEY = "AIza" + "-from-google-api-key-variable-000000"

# -- configuration and keys -------------------------------------------------------------


def test_unknown_option_is_a_configuration_error() -> None:
    with pytest.raises(E.ConfigurationError, match=r"unknown option.*temprature.*known: schema_mode, safety_settings"):
        GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, options={"temprature": 1}))
    with pytest.raises(E.ConfigurationError, match="schema_mode"):
        GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, options={"schema_mode": "xml"}))


def test_missing_key_names_the_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    with pytest.raises(E.ConfigurationError, match="GEMINI_API_KEY or GOOGLE_API_KEY"):
        GeminiProvider(ProviderConfig())
    monkeypatch.setenv("GOOGLE_API_KEY", FAKE_GOOGLE_KEY)
    assert GeminiProvider(ProviderConfig()).auth_headers() == {"x-goog-api-key": FAKE_GOOGLE_KEY}
    monkeypatch.setenv("GEMINI_API_KEY", "from-gemini-var-preferred")
    assert GeminiProvider(ProviderConfig()).auth_headers()["x-goog-api-key"] == "from-gemini-var-preferred"


def test_key_goes_in_a_header_never_the_url_and_never_leaks() -> None:
    res = asyncio.run(_run_error(G.ERRORS["auth"].chat_request(), G.AUTH_ERROR))
    err, sent = res
    assert sent[0].headers["x-goog-api-key"] == TEST_API_KEY
    assert TEST_API_KEY not in str(sent[0].url) and "key=" not in str(sent[0].url)
    p = GeminiProvider(ProviderConfig(api_key=TEST_API_KEY))
    assert_not_leaked(TEST_API_KEY, p, p.config, err)


async def _run_error(request: ChatRequest, cassette: str, stream: bool = False) -> tuple[E.LLMCoreError, Any]:
    client, sent = recording_client()
    with make_vcr(G.CASSETTES).use_cassette(cassette):
        async with client:
            p = GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))
            try:
                if stream:
                    async for _ in p.stream_chat(request):
                        pass
                else:
                    await p.chat(request)
            except E.LLMCoreError as e:
                return e, sent
    raise AssertionError("no error")


def test_bad_provider_options_fail_before_any_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - must not be reached
        raise AssertionError("a request was sent")

    async def go(opts: dict[str, Any]) -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            p = GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))
            await p.chat(ChatRequest(model="gemini-2.5-flash", messages=["hi"], provider_options={"gemini": opts}))

    with pytest.raises(
        E.InvalidRequestError, match=r"unknown gemini provider_options: thinking.*known: thinking_config"
    ):
        asyncio.run(go({"thinking": {}}))
    with pytest.raises(E.InvalidRequestError, match="tools must be a list"):
        asyncio.run(go({"tools": {"googleSearch": {}}}))


def test_a_conversation_of_only_system_messages_fails_before_any_request() -> None:
    async def go() -> None:
        p = GeminiProvider(ProviderConfig(api_key=TEST_API_KEY))
        await p.chat(ChatRequest(model="gemini-2.5-flash", messages=[{"role": "system", "content": "be brief"}]))

    with pytest.raises(E.InvalidRequestError, match="at least one user"):
        asyncio.run(go())


# -- errors -------------------------------------------------------------------------------


def test_error_details() -> None:
    err, _ = asyncio.run(_run_error(G.ERRORS["auth"].chat_request(), G.AUTH_ERROR))
    assert isinstance(err, E.AuthenticationError) and err.code == "API_KEY_INVALID"
    assert err.message == "API key not valid. Please pass a valid API key."
    err, _ = asyncio.run(_run_error(G.ERRORS["rate_limit"].chat_request(), G.QUOTA_429))
    assert isinstance(err, E.RateLimitError) and err.is_retryable
    assert err.retry_after == 48.0 and err.code == "RESOURCE_EXHAUSTED"  # RetryInfo.retryDelay "48s"
    assert "Quota exceeded" in err.message
    err, _ = asyncio.run(_run_error(G.ERRORS["context_length"].chat_request(), G.CONTEXT_400))
    assert isinstance(err, E.ContextWindowExceededError) and err.code == "INVALID_ARGUMENT"
    err, _ = asyncio.run(
        _run_error(
            ChatRequest(model="this-model-does-not-exist-12345", messages=["This should fail with NotFoundError"]),
            G.NOT_FOUND_MIRASCOPE,
        )
    )
    assert isinstance(err, E.NotFoundError) and err.code == "NOT_FOUND" and "is not found" in err.message
    err, _ = asyncio.run(_run_error(G.ERRORS["server_stream"].chat_request(), G.SERVER_503_STREAM, stream=True))
    assert isinstance(err, E.ProviderServerError) and err.is_retryable and err.code == "UNAVAILABLE"


# -- responses ---------------------------------------------------------------------------


def test_safety_block_finishes_with_content_filter() -> None:
    safety = [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_LOW_AND_ABOVE"}]
    r, _, sent = G.replay(
        {
            "model": "gemini-1.5-flash",
            "system": "You hate the world!",
            "messages": ["Tell me a joke about a Brazilians."],
            "provider_options": {"gemini": {"safety_settings": safety}},
        },
        G.SAFETY,
    )
    assert r.finish_reason == "content_filter" and r.raw_finish_reason == "SAFETY"
    assert r.message.content == [] and r.text == ""
    assert r.usage.input_tokens == 14 and r.usage.output_tokens == 0  # total 14 - prompt 14, not invented
    body = json.loads(sent[0].content)
    assert body["safetySettings"] == safety
    G.spec().validate_request(sent[0])


def test_prompt_block_reason_finishes_with_content_filter() -> None:
    from llmcore_gemini.response import ResponseMapper

    m = ResponseMapper("gemini", "gemini-2.5-flash")
    m.feed({"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, "usageMetadata": {"promptTokenCount": 7}})
    fin = m.end()[-1]
    assert (fin.reason, fin.raw_reason) == ("content_filter", "PROHIBITED_CONTENT")  # type: ignore[union-attr]


def test_usage_counts_tool_prompt_tokens_and_thoughts() -> None:
    r, _, _ = G.replay(G.MULTI_TURN.chat_request(), G.WEB_SEARCH, interaction=1)
    # promptTokenCount 209 + toolUsePromptTokenCount 286; candidates 206 + thoughts 131
    u = r.usage
    assert (u.input_tokens, u.output_tokens, u.reasoning_tokens, u.cache_read_tokens) == (495, 337, 131, None)
    assert u.total_tokens == 832  # == totalTokenCount


def test_cached_content_tokens_are_part_of_input() -> None:
    from llmcore_gemini.usage import map_usage

    u = map_usage(
        {"promptTokenCount": 1200, "cachedContentTokenCount": 1000, "candidatesTokenCount": 5, "totalTokenCount": 1205}
    )
    assert u is not None and (u.input_tokens, u.cache_read_tokens, u.output_tokens) == (1200, 1000, 5)
    assert map_usage(None) is None


def test_parallel_streamed_tool_loop_maps_results_by_call_name() -> None:
    """Three recorded turns (gemini-2.0-flash, streamed): call ids are ours; each result goes back
    as a functionResponse named after the call it answers."""
    base = ChatRequest(
        model="gemini-2.0-flash",
        system="You are a helpful chatbot.",
        tools=G.CAPITAL_TOOLS,
        messages=["What is the temperature of the capital of France?"],
    )
    history = list(base.messages)
    answers = {"get_capital": "Paris", "get_temperature": "30°C"}
    for turn in range(3):
        r, _, sent = G.replay(base.model_copy(update={"messages": history}), G.ITER_STREAM, turn, stream=True)
        G.spec().validate_request(sent[0])
        if turn < 2:
            call = r.tool_calls[0]
            assert call.id == f"call_{r.id}_0"
            history += [
                r.message,
                Message(role="tool", content=[ToolResultPart(tool_call_id=call.id, content=answers[call.name])]),
            ]
    assert r.text == "The temperature in Paris is 30°C.\n"
    contents = json.loads(sent[0].content)["contents"]
    assert [c["parts"][0].get("functionResponse", {}).get("name") for c in contents[2::2]] == [
        "get_capital",
        "get_temperature",
    ]


def test_forced_tool_with_empty_arguments() -> None:
    r, _, sent = G.replay(
        {
            "model": "gemini-2.0-flash",
            "messages": ["What is the largest city in the user country?"],
            "tools": [
                {"name": "get_user_country"},
                {
                    "name": "final_result",
                    "description": "The final response which ends this conversation",
                    "parameters": {
                        "properties": {"city": {"type": "string"}, "country": {"type": "string"}},
                        "required": ["city", "country"],
                        "type": "object",
                    },
                },
            ],
            "tool_choice": "required",
        },
        G.TOOL_OUTPUT,
    )
    assert r.tool_calls[0].name == "get_user_country" and r.tool_calls[0].arguments == {}
    assert r.tool_calls[0].raw_arguments == "{}" and r.finish_reason == "tool_calls"
    assert json.loads(sent[0].content)["toolConfig"] == {"functionCallingConfig": {"mode": "ANY"}}


def test_thinking_and_structured_output_in_openapi_schema_mode() -> None:
    """llm-gemini (JSON-array stream): thoughts, then JSON text constrained by response_schema."""
    schema = {
        "properties": {"name": {"title": "Name", "type": "string"}, "address": {"$ref": "#/$defs/Address"}},
        "required": ["name", "address"],
        "type": "object",
        "$defs": {
            "Address": {
                "properties": {
                    "street": {"title": "Street", "type": "string"},
                    "city": {"title": "City", "type": "string"},
                },
                "required": ["street", "city"],
                "title": "Address",
                "type": "object",
            }
        },
    }
    r, _, sent = G.replay(
        {
            "model": "gemini-flash-latest",
            "messages": ["Create a person named Alice living in San Francisco"],
            "response_format": {"type": "json_schema", "schema": schema},
            "provider_options": {"gemini": {"include_thoughts": True}},
        },
        G.LLM_NESTED,
        stream=True,
        schema_mode="openapi",
    )
    assert json.loads(r.text) == {"name": "Alice", "address": {"street": "123 Main St", "city": "San Francisco"}}
    assert r.reasoning.startswith("**Defining the Structure**")
    assert r.usage.reasoning_tokens == 423
    gen = json.loads(sent[0].content)["generationConfig"]
    G.spec().validate_request(sent[0])
    assert gen["responseMimeType"] == "application/json" and "responseJsonSchema" not in gen
    assert gen["responseSchema"]["properties"]["address"] == {
        "type": "OBJECT",
        "title": "Address",
        "required": ["street", "city"],
        "properties": {"street": {"type": "STRING", "title": "Street"}, "city": {"type": "STRING", "title": "City"}},
    }


# -- count_tokens -------------------------------------------------------------------------


async def _count(request: ChatRequest, cassette: str, interaction: int = 0) -> tuple[Any, Any]:
    client, sent = recording_client()
    with G.use_cassette(cassette, interaction):
        async with client:
            p = GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))
            return await p.count_tokens(request), sent


def test_count_tokens_counts_system_and_tools() -> None:
    req = ChatRequest(
        model="gemini-3.5-flash",
        system="Be terse.",
        messages=["What is the capital of France?"],
        tools=[
            {
                "name": "counting_weather",
                "description": "Gets current weather for a city",
                "parameters": {
                    "type": "object",
                    "required": ["city"],
                    "properties": {"city": {"type": "string", "description": "City name"}},
                },
            }
        ],
    )
    count, sent = asyncio.run(_count(req, G.RUBY_COUNT_CONFIGURED, 1))
    assert (count.input_tokens, count.method) == (61, "api")
    body = json.loads(sent[0].content)
    G.spec().validate_request(sent[0])
    inner = body["generateContentRequest"]
    assert inner["model"] == "models/gemini-3.5-flash"
    assert inner["systemInstruction"] == {"parts": [{"text": "Be terse."}]}
    assert inner["tools"][0]["functionDeclarations"][0]["name"] == "counting_weather"


def test_count_tokens_replays_a_lowercase_method_recording_and_maps_errors() -> None:
    count, _ = asyncio.run(
        _count(
            ChatRequest(model="gemini-2.5-flash", messages=["The quick brown fox jumps over the lazydog."]), G.PYD_COUNT
        )
    )
    assert count.input_tokens == 12
    with pytest.raises(E.NotFoundError, match="nonexistent-model is not found"):
        asyncio.run(_count(ChatRequest(model="nonexistent-model", messages=["Hello, world!"]), G.COUNT_ERROR))


# -- request mapping ----------------------------------------------------------------------

GENERATE = "/v1beta/models/gemini-2.5-flash:generateContent"


def test_the_spec_check_rejects_bad_and_misspelled_fields() -> None:
    """The spec check is not vacuous: a wrong value fails it, and so does a key the spec does not
    declare (the closed check: Gemini's schemas never set ``additionalProperties: false``)."""
    ok = {"contents": [{"role": "user", "parts": [{"text": "x"}]}], "generationConfig": {"topK": 3}}
    assert G.spec().errors("POST", GENERATE, ok) == []
    assert G.spec().errors("POST", GENERATE, {**ok, "contents": [{"role": "user", "parts": "x"}]})
    assert G.spec().errors("POST", GENERATE, {**ok, "generationConfig": {"top_k": 3}}) == [
        "at /generationConfig: 'top_k' not declared by the schema"
    ]
    assert G.spec().errors("POST", "/v1beta/models/m:countTokens", {**ok, "systemInstruction": {}})


def _body(**kw: Any) -> tuple[dict[str, Any], Any]:
    body, warnings = build_generate_body(ChatRequest(**kw), CodecSettings())
    G.spec().validate_body("POST", GENERATE, body)
    return body, warnings


def test_generation_config_and_tool_choice() -> None:
    body, warnings = _body(
        model="gemini-2.5-flash",
        messages=["hi"],
        temperature=0.3,
        top_p=0.9,
        max_tokens=50,
        stop=["END"],
        seed=7,
        tools=[{"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}}],
        tool_choice={"name": "f"},
        provider_options={"gemini": {"top_k": 20, "cached_content": "cachedContents/x"}},
    )
    assert warnings == []
    assert body["generationConfig"] == {
        "temperature": 0.3,
        "topP": 0.9,
        "topK": 20,
        "maxOutputTokens": 50,
        "stopSequences": ["END"],
        "seed": 7,
    }
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["f"]}}
    assert body["cachedContent"] == "cachedContents/x"
    body, _ = _body(model="gemini-2.5-flash", messages=["hi"], tools=[{"name": "f"}], tool_choice="none")
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "NONE"}}
    body, _ = _body(model="gemini-2.5-flash", messages=["hi"], response_format={"type": "json_object"})
    assert body["generationConfig"] == {"responseMimeType": "application/json"}


@pytest.mark.parametrize(
    ("model", "effort", "expected"),
    [
        ("gemini-2.5-flash", "low", {"thinkingBudget": 1024, "includeThoughts": True}),
        ("gemini-2.5-pro", "high", {"thinkingBudget": 24576, "includeThoughts": True}),
        ("gemini-3-pro-preview", "high", {"thinkingLevel": "HIGH", "includeThoughts": True}),
        ("gemini-3.5-flash", "minimal", {"thinkingLevel": "MINIMAL", "includeThoughts": True}),
        ("gemini-flash-latest", "medium", {"thinkingLevel": "MEDIUM", "includeThoughts": True}),
    ],
)
def test_reasoning_effort_to_thinking_config(model: str, effort: str, expected: dict[str, Any]) -> None:
    body, warnings = _body(model=model, messages=["hi"], reasoning_effort=effort)
    assert body["generationConfig"]["thinkingConfig"] == expected and warnings == []


def test_reasoning_effort_on_a_model_without_thinking_warns_or_raises() -> None:
    body, warnings = _body(model="gemini-2.0-flash", messages=["hi"], reasoning_effort="high")
    assert "generationConfig" not in body
    assert [w.feature for w in warnings] == ["reasoning_effort"]
    with pytest.raises(E.UnsupportedFeatureError, match="reasoning_effort"):
        _body(model="gemma-3-27b-it", messages=["hi"], reasoning_effort="high", strict=True)


def test_thinking_provider_options_override() -> None:
    body, _ = _body(
        model="gemini-2.5-flash",
        messages=["hi"],
        reasoning_effort="high",
        provider_options={"gemini": {"thinking_budget": 0, "include_thoughts": False}},
    )
    assert body["generationConfig"]["thinkingConfig"] == {"thinkingBudget": 0, "includeThoughts": False}
    body, _ = _body(
        model="gemini-3-flash-preview",
        messages=["hi"],
        provider_options={"gemini": {"thinking_config": {"thinkingLevel": "LOW"}}},
    )
    assert body["generationConfig"]["thinkingConfig"] == {"thinkingLevel": "LOW"}


def test_messages_media_and_tool_results() -> None:
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    body, _ = _body(
        model="gemini-2.5-flash",
        system="sys",
        messages=[
            {"role": "system", "content": "more sys"},
            Message(
                role="user",
                content=[
                    TextPart(text="look"),
                    {"type": "image", "data": png},
                    {"type": "image", "url": "https://example.com/cat.jpg"},
                    {"type": "file", "url": "gs://bucket/doc.pdf", "media_type": "application/pdf"},
                ],
            ),
            Message(
                role="assistant",
                content=[
                    ToolCallPart(id="a", name="f", arguments={"x": 1}),
                    ToolCallPart(id="b", name="g", arguments={}),
                ],
            ),
            Message(role="tool", content=[ToolResultPart(tool_call_id="a", content="one")]),
            Message(role="tool", content=[ToolResultPart(tool_call_id="b", content="bad", is_error=True)]),
            Message(
                role="tool",
                content=[
                    ToolResultPart(
                        tool_call_id="b",
                        name="g2",
                        content=[TextPart(text="img:"), {"type": "image", "data": png, "media_type": "image/png"}],
                    )
                ],
            ),
        ],
    )
    assert body["systemInstruction"] == {"parts": [{"text": "sys\n\nmore sys"}]}
    assert body["contents"][0]["parts"] == [
        {"text": "look"},
        {"inlineData": {"mimeType": "image/png", "data": png}},
        {"fileData": {"fileUri": "https://example.com/cat.jpg", "mimeType": "image/jpeg"}},
        {"fileData": {"fileUri": "gs://bucket/doc.pdf", "mimeType": "application/pdf"}},
    ]
    # the three tool messages are one user turn, answering the two parallel calls
    assert [c["role"] for c in body["contents"]] == ["user", "model", "user"]
    assert body["contents"][2]["parts"] == [
        {"functionResponse": {"name": "f", "id": "a", "response": {"output": "one"}}},
        {"functionResponse": {"name": "g", "id": "b", "response": {"error": "bad"}}},
        {
            "functionResponse": {
                "name": "g2",
                "id": "b",
                "response": {"output": "img:"},
                "parts": [{"inlineData": {"mimeType": "image/png", "data": png}}],
            }
        },
    ]
    with pytest.raises(E.InvalidRequestError, match="media_type"):
        _body(model="gemini-2.5-flash", messages=[Message(role="user", content=[{"type": "image", "data": "AAAA"}])])


def test_raw_tools_and_extra_body_pass_through() -> None:
    body, _ = _body(
        model="gemini-2.5-flash",
        messages=["hi"],
        tools=[{"name": "f"}],
        provider_options={
            "gemini": {
                "tools": [{"googleSearch": {}}, {"codeExecution": {}}],
                "extra_body": {"serviceTier": "flex"},
                "generation_config": {"candidateCount": 1},
            }
        },
    )
    assert body["tools"] == [
        {"functionDeclarations": [{"name": "f", "parametersJsonSchema": {"type": "object", "properties": {}}}]},
        {"googleSearch": {}},
        {"codeExecution": {}},
    ]
    assert body["serviceTier"] == "flex" and body["generationConfig"] == {"candidateCount": 1}


# -- schema conversion (schema_mode="openapi") ----------------------------------------------


def test_schema_conversion_is_valid_gemini_schema() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "kind": {"const": "pet"},
            "size": {"enum": [1, 2, 3]},
            "nick": {"anyOf": [{"type": "string", "maxLength": 10}, {"type": "null"}], "description": "optional"},
            "tags": {"type": ["array", "null"], "items": {"$ref": "#/$defs/Tag"}, "minItems": 1},
            "either": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "merged": {"allOf": [{"$ref": "#/$defs/Tag"}, {"description": "a tag"}]},
        },
        "required": ["kind"],
        "$defs": {"Tag": {"type": "object", "properties": {"label": {"type": "string"}}, "required": ["label"]}},
    }
    out = to_gemini_schema(schema)
    G.spec().validate_body(
        "POST", GENERATE, {"contents": [{"parts": [{"text": "x"}]}], "generationConfig": {"responseSchema": out}}
    )
    p = out["properties"]
    assert out["type"] == "OBJECT" and "additionalProperties" not in out and "$defs" not in out
    assert p["kind"] == {"type": "STRING", "enum": ["pet"]}
    assert p["size"] == {"type": "STRING", "enum": ["1", "2", "3"]}
    assert p["nick"] == {"type": "STRING", "maxLength": "10", "description": "optional", "nullable": True}
    assert p["tags"]["nullable"] is True and p["tags"]["items"]["properties"]["label"] == {"type": "STRING"}
    assert p["tags"]["minItems"] == "1"
    assert p["either"] == {"anyOf": [{"type": "INTEGER"}, {"type": "STRING"}]}
    assert p["merged"]["required"] == ["label"] and p["merged"]["description"] == "a tag"


def test_recursive_schema_needs_json_schema_mode() -> None:
    node = {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#"}}}}
    with pytest.raises(E.InvalidRequestError, match="recursive"):
        to_gemini_schema(node)
    body, _ = _body(model="gemini-2.5-flash", messages=["hi"], response_format={"schema": node})
    assert body["generationConfig"]["responseJsonSchema"] == node


def test_provider_level_safety_settings_and_resolved_model() -> None:
    """llm-gemini sends four BLOCK_NONE settings on every call; ``gemini-flash-latest`` resolves
    to the model the server names in ``modelVersion``."""
    block_none = [
        {"category": c, "threshold": "BLOCK_NONE"}
        for c in (
            "HARM_CATEGORY_DANGEROUS_CONTENT",
            "HARM_CATEGORY_SEXUALLY_EXPLICIT",
            "HARM_CATEGORY_HATE_SPEECH",
            "HARM_CATEGORY_HARASSMENT",
        )
    ]
    r, _, sent = G.replay(
        {
            "model": "gemini-flash-latest",
            "messages": ["hi"],
            "provider_options": {"gemini": {"include_thoughts": True}},
        },
        "llm-gemini__test_resolved_model.yaml",
        stream=True,
        safety_settings=block_none,
    )
    assert r.model == "gemini-3.6-flash" and r.text == "Hello! How can I help you today?"
    body = json.loads(sent[0].content)
    assert body["safetySettings"] == G.recorded_body("llm-gemini__test_resolved_model.yaml")["safetySettings"]
    G.spec().validate_request(sent[0])


def test_required_tool_choice() -> None:
    r, _, sent = G.replay(
        {
            "model": "gemini-2.5-flash",
            "messages": ["What's the weather in Paris?"],
            "tool_choice": "required",
            "tools": [
                {
                    "name": "get_weather",
                    "description": "Get weather for a city",
                    "parameters": {"properties": {"city": {"type": "string"}}, "required": ["city"], "type": "object"},
                }
            ],
        },
        G.TOOL_REQUIRED,
    )
    assert [(c.name, c.arguments) for c in r.tool_calls] == [("get_weather", {"city": "Paris"})]
    assert json.loads(sent[0].content)["toolConfig"] == G.recorded_body(G.TOOL_REQUIRED)["toolConfig"]


@pytest.mark.parametrize(
    ("interaction", "kwargs", "expected"),
    [
        (1, {"system": "Answer succinctly"}, 10),
        (
            5,
            {
                "response_format": {
                    "schema": {
                        "type": "object",
                        "required": ["title", "author"],
                        "properties": {
                            "title": {"type": "string", "description": "Content title"},
                            "author": {"type": "string", "description": "Name of the author"},
                        },
                    }
                }
            },
            11,
        ),
    ],
)
def test_count_tokens_with_system_and_response_schema(interaction: int, kwargs: dict[str, Any], expected: int) -> None:
    prompt = "Apples are tasty. By Hadley Wickham." if interaction == 5 else "What's the current date?"
    count, sent = asyncio.run(
        _count(ChatRequest(model="gemini-3.5-flash", messages=[prompt], **kwargs), G.ELLMER_COUNT, interaction)
    )
    assert count.input_tokens == expected
    G.spec().validate_request(sent[0])


def test_a_response_without_finish_reason_is_incomplete() -> None:
    """Gemini documents a missing finishReason as "the model has not stopped generating".
    Constructed body: the recorded test_google_model answer with its finishReason removed."""
    body = G.recorded_body(G.BASIC, 0, "response")
    del body["candidates"][0]["finishReason"]

    async def go() -> None:
        transport = httpx.MockTransport(lambda req: httpx.Response(200, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            p = GeminiProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))
            await p.chat(ChatRequest(model="gemini-2.5-flash", messages=["Hello!"]))

    with pytest.raises(E.ProviderResponseError, match="no finish reason"):
        asyncio.run(go())
