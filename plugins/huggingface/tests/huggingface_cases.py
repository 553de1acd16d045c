"""The Hugging Face scenarios (see ``cassettes/SOURCES.md``): real recordings of the Inference Providers router
(pydantic-ai, huggingface_hub) and of TGI on the serverless Inference API (huggingface_hub); the rest authored.
Requests sent to TGI are validated against TGI's OpenAPI spec."""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore_huggingface.provider import HuggingFaceProvider
from llmcore_openai.chat.think import split_think
from llmcore_testing import TEST_API_KEY, Case, ErrorCase, run_case
from llmcore_testing import cassette_format as cf
from llmcore_testing.conformance import CaseResult
from llmcore_testing.openapi import load_spec, shared_dir
from llmcore_testing.scenarios import authored_scenarios

CASSETTES = Path(__file__).parent / "cassettes"
TGI_SPEC = shared_dir() / "api-specs" / "huggingface" / "openapi.json"
ROUTER = "https://router.huggingface.co/v1"
ROUTER_HF_INFERENCE = "https://router.huggingface.co/hf-inference/models/{}/v1"
ROUTER_TOGETHER = "https://router.huggingface.co/together/v1"
SERVERLESS = "https://api-inference.huggingface.co/models/{}/v1"
ZEPHYR = SERVERLESS.format("HuggingFaceH4/zephyr-7b-beta")
LLAMA3_70B = SERVERLESS.format("meta-llama/Meta-Llama-3-70B-Instruct")
R1 = "deepseek-ai/DeepSeek-R1"
HELPFUL = "You are a helpful assistant."
DL = "What is deep learning?"
CALL_ID = "call_hfauthored0paris0stream"
ROUTED = "meta-llama/Llama-3.3-70B-Instruct:together"
THINKING = "pydantic-ai__test_hf_model_thinking_part.yaml"
#: the kit's standard conversations (``llmcore_testing.scenarios``), asked of a model routed to Together
S = authored_scenarios(ROUTED, call_id=CALL_ID, reasoning_model=R1)


def _on_router(case: Case, scenario: str) -> Case:
    """A kit case sent to the Inference Providers router, replayed from ``authored__router_<scenario>.yaml``."""
    return replace(case, cassette=f"authored__router_{scenario}.yaml", base_url=ROUTER)


def _first_answer() -> str:
    """The answer (after its <think> block) the model gave in the recorded first turn, which the second turn sends."""
    data = cf.deserialize((CASSETTES / THINKING).read_text(encoding="utf-8"))
    body = json.loads(data["interactions"][0]["response"]["body"]["string"])
    return split_think(body["choices"][0]["message"]["content"])[1]


llama31 = "meta-llama/Llama-3.1-8B-Instruct"
CHAT = Case(
    "huggingface_hub__TestInferenceClient.test_chat_completion_no_stream_hf-inference,conversational_.yaml",
    {"model": llama31, "system": HELPFUL, "messages": [DL]},
    base_url=ROUTER_HF_INFERENCE.format(llama31),
    expect_text="deep learning",
    expect_finish="stop",
)
STREAM = Case(
    "huggingface_hub__TestInferenceClient.test_chat_completion_with_stream_hf-inference,conversational_.yaml",
    {"model": llama31, "system": HELPFUL, "messages": [DL], "max_tokens": 20},
    stream=True,
    base_url=ROUTER_HF_INFERENCE.format(llama31),
    expect_text="Deep learning",
    expect_finish="length",
    expect_usage=False,
)  # recorded without stream_options: the stream carries no usage
TGI_CHAT = Case(
    "huggingface_hub__InferenceClientVCRTest.test_chat_completion_no_stream.yaml",
    {"model": "tgi", "system": HELPFUL, "messages": [DL], "max_tokens": 20, "temperature": 1.0},
    base_url=ZEPHYR,
    expect_text="Deep learning",
    expect_finish="length",
)
TGI_STREAM = Case(
    "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_stream.yaml",
    {"model": "tgi", "system": HELPFUL, "messages": [DL], "max_tokens": 20, "temperature": 1.0},
    stream=True,
    base_url=ZEPHYR,
    expect_text="Deep learning",
    expect_finish="length",
    expect_usage=False,
)
SYSTEM = Case(
    "pydantic-ai__test_hf_model_instructions.yaml",
    {"model": R1, "system": HELPFUL, "messages": ["What is the capital of France?"]},
    base_url=ROUTER_TOGETHER,
    expect_text="Paris",
)
REASONING = Case(
    "pydantic-ai__test_simple_completion.yaml",
    {"model": R1, "messages": ["hello"]},
    base_url=ROUTER_TOGETHER,
    expect_text="Hello",
)
MULTI_TURN = Case(
    THINKING,
    {
        "model": R1,
        "messages": [
            {"role": "user", "content": "How do I cross the street?"},
            {"role": "assistant", "content": _first_answer()},
            {
                "role": "user",
                "content": "Considering the way to cross the street, analogously, how do I cross the river?",
            },
        ],
    },
    base_url=ROUTER_TOGETHER,
    interaction=1,
    expect_text="river",
)
GET_WEATHER = {
    "name": "get_weather",
    "description": "Get weather for a city",
    "parameters": {"properties": {"city": {"type": "string"}}, "required": ["city"], "type": "object"},
}
TOOL_CALL = Case(
    "pydantic-ai__test_tool_choice_matrix_required-huggingface_.yaml",
    {
        "model": "meta-llama/Llama-4-Scout-17B-16E-Instruct",
        "messages": ["What's the weather in Paris?"],
        "tools": [GET_WEATHER],
        "tool_choice": "required",
    },
    base_url=ROUTER_TOGETHER,
    expect_tool="get_weather",
    expect_finish="tool_calls",
)
ROUTER_TOOL_CALL = _on_router(S.tool_call, "tool_call")
TOOL_CALL_STREAM = _on_router(S.tool_call_stream, "tool_call_stream")
ROUND_TRIP = _on_router(S.round_trip, "tool_round_trip")
ANIMALS = {
    "properties": {
        "location": {"type": "string"},
        "activity": {"type": "string"},
        "animals_seen": {"type": "integer", "minimum": 1, "maximum": 5},
        "animals": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["location", "activity", "animals_seen", "animals"],
}
STRUCTURED = Case(
    "huggingface_hub__InferenceClientVCRTest.test_chat_completion_with_response_format.yaml",
    {
        "model": "meta-llama/Meta-Llama-3-70B-Instruct",
        "max_tokens": 500,
        "messages": ["I saw a puppy a cat and a raccoon during my bike ride in the park. What did I saw and when?"],
        "response_format": {"type": "json_schema", "name": "animals", "schema": ANIMALS},
    },
    base_url=LLAMA3_70B,
    expect_text="raccoon",
)
HELLO = S.hello
llama3_70b = "meta-llama/Meta-Llama-3-70B-Instruct"
ERRORS = {
    "auth": ErrorCase(
        "huggingface_hub__TestInferenceClient.test_chat_completion_unprocessable_entity.yaml",
        {
            "model": llama3_70b,
            "max_tokens": 200,
            "stop": ["Observation", "Final Answer"],
            "messages": ["please output 'Observation'"],
        },
        base_url=ROUTER_HF_INFERENCE.format(llama3_70b),
        error=E.AuthenticationError,
        status_code=401,
    ),
    "not_found": ErrorCase(
        "authored__router_model_not_found_404.yaml",
        {**HELLO, "model": "no-such-org/no-such-model"},
        base_url=ROUTER,
        error=E.NotFoundError,
        status_code=404,
    ),
    "rate_limit": ErrorCase(
        "authored__router_rate_limited_429.yaml",
        HELLO,
        base_url=ROUTER,
        error=E.RateLimitError,
        status_code=429,
        expect_retry_after=True,
    ),
    "context_length": ErrorCase(
        "authored__tgi_input_validation_422.yaml",
        {"model": "tgi", "messages": ["Summarize this document: ..."], "max_tokens": 200},
        base_url="https://my-endpoint.us-east-1.aws.endpoints.huggingface.cloud",
        error=E.ContextWindowExceededError,
        status_code=422,
    ),
    "server": ErrorCase(
        "authored__serverless_model_loading_503.yaml",
        {"model": "tgi", "messages": ["Hello"], "max_tokens": 16},
        base_url=ZEPHYR,
        error=E.ProviderServerError,
        status_code=503,
        expect_retry_after=True,
    ),
}


#: TEI's ``RerankRequest`` (docs/openapi.json of text-embeddings-inference; not in the shared api-specs)
_TEI_RERANK = {
    "query": str,
    "texts": list,
    "raw_scores": bool,
    "return_text": bool,
    "truncate": bool,
    "truncation_direction": str,
}


def tei_rerank_check(body: dict[str, Any]) -> None:
    """A ``/rerank`` body against TEI's ``RerankRequest``: ``query`` and ``texts`` required, no unknown field."""
    assert {"query", "texts"} <= set(body), body
    for k, v in body.items():
        assert k in _TEI_RERANK and isinstance(v, _TEI_RERANK[k]), (k, v)
    assert all(isinstance(t, str) for t in body["texts"])
    assert body.get("truncation_direction", "Right") in ("Left", "Right")


def validate(request: Any) -> None:
    """Requests to TGI (anything but the router) must satisfy TGI's OpenAPI spec. TGI's ``FunctionDefinition``
    takes ``parameters`` as a serde alias of ``arguments``, which the generated spec cannot express: the alias
    is resolved on a copy before validating."""
    if request.url.host == "router.huggingface.co":
        return
    if request.url.path.endswith("/rerank"):
        tei_rerank_check(json.loads(request.content))
        return
    checked = copy.deepcopy(json.loads(request.content))
    for tool in checked.get("tools") or ():
        fn = tool.get("function") or {}
        if "parameters" in fn:
            fn["arguments"] = fn.pop("parameters")
    load_spec(TGI_SPEC).validate_body("POST", request.url.path, checked)


def make(client: Any, case: Case) -> HuggingFaceProvider:
    return HuggingFaceProvider(
        ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options))
    )


def replay(case: Case) -> CaseResult:
    """Run one case through the real provider and vcrpy; errors are returned, not raised."""
    return asyncio.run(run_case(case, make, CASSETTES, validate))


#: the image of the Inference Providers "Image-Text to Text" task page
STATUE_OF_LIBERTY = "https://cdn.britannica.com/61/93061-050-99147DCE/Statue-of-Liberty-Island-New-York-Bay.jpg"
VISION = Case(  # authored from the Image-Text to Text task page (no recording with an image exists)
    "authored__vision_image_url.yaml",
    {
        "model": "CohereLabs/command-a-vision-07-2025:cohere",
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "Describe this image in one sentence."},
                    {"type": "image", "url": STATUE_OF_LIBERTY},
                ],
            }
        ],
    },
    expect_text="Statue of Liberty",
    expect_finish="stop",
)
