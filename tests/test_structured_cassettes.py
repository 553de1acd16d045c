"""Structured output through the facade, proven per provider on the plugins' own cassettes.

Each case replays a recording (from ``plugins/<name>/tests/cassettes``, see
that plugin's SOURCES.md) through ``llmcore.model(...).chat/stream(...,
response_format=<pydantic model>)`` — the mode chosen from the provider's
declared capabilities, the schema shaped by the facade and the provider's
seam, the request encoded by the plugin's codec — and asserts ``.parsed``,
what was sent, and the usage accounting. ``authored`` marks cassettes
written from the provider's docs (not recordings).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import make_vcr, recording_client
from pydantic import BaseModel, create_model

ROOT = Path(__file__).resolve().parent.parent


class CityLocation(BaseModel):
    city: str
    country: str


class Person(BaseModel):
    name: str
    age: int


class Dog(BaseModel):
    name: str
    age: int
    bio: str


class Dogs(BaseModel):
    dogs: list[Dog]


class CityInfo(BaseModel):
    city: str
    country: str
    population: int


class Payment(BaseModel):
    amount: float


class Availability(BaseModel):
    age: int
    available: bool


class Country(BaseModel):
    name: str
    capital: str
    population_millions: float


class Joke(BaseModel):
    joke: str


class CityPopulation(BaseModel):
    city: str
    population_millions: float


class Paper(BaseModel):
    title: str
    authors: list[str]
    year: int


class Recipe(BaseModel):
    recipe_name: str
    ingredients: list[str]
    steps: list[str]


class Article(BaseModel):
    title: str
    author: str


# tool mode names the tool after the output type: these match the recorded tool names
StructuredToolCall = create_model("_structured_tool_call", data=(Article, ...))
FinalResult = create_model("final_result", city=(str, ...), country=(str, ...))

USER_COUNTRY = {"name": "get_user_country", "parameters": {"type": "object", "properties": {}}}
MEXICO_TURNS = [
    {"role": "user", "content": "What is the largest city in the user country?"},
    {
        "role": "assistant",
        "tool_calls": [{"id": "CALL", "type": "function", "function": {"name": "get_user_country", "arguments": "{}"}}],
    },
    {"role": "tool", "tool_call_id": "CALL", "content": "Mexico"},
]
ARTICLE = """
    # Apples are tasty
    By Hadley Wickham

    Apples are delicious and tasty and I like to eat them.
    Except for red delicious, that is. They are NOT delicious.
  """


def _turns(call_id: str) -> list[dict[str, Any]]:
    return json.loads(json.dumps(MEXICO_TURNS).replace('"CALL"', json.dumps(call_id)))


def _bedrock() -> dict[str, Any]:
    return {
        "aws_access_key_id": "LLMCOREFAKEKEYID0000",
        "aws_secret_access_key": "llmcore-fake-secret-structured",
        "region": "us-east-1",
        "api_key": None,
    }


def _vertex() -> dict[str, Any]:
    from google.oauth2.credentials import Credentials

    return {
        "credentials": Credentials(token="vertex-test-access-token-do-not-leak"),
        "project": "<GOOGLE_CLOUD_PROJECT>",
        "location": "<GOOGLE_CLOUD_LOCATION>",
        "api_version": "v1beta1",
        "base_url": "https://aiplatform.googleapis.com",
        "api_key": None,
    }


@dataclass
class SCase:
    plugin: str
    cassette: str
    model: str
    messages: Any
    target: Any
    check: Callable[[Any], None]
    mode: str
    options: dict[str, Any] | Callable[[], dict[str, Any]] = field(default_factory=dict)
    call: dict[str, Any] = field(default_factory=dict)
    interaction: int = 0
    stream: bool = False
    authored: bool = False
    sent: Callable[[dict[str, Any]], None] | None = None


def equals(expected: Any) -> Callable[[Any], None]:
    def check(parsed: Any) -> None:
        assert parsed == expected

    return check


def dog(parsed: Dog) -> None:
    assert isinstance(parsed, Dog) and parsed.name == "Biscuit" and parsed.age == 4
    assert parsed.bio.startswith("Biscuit is a golden retriever")


def three_dogs(parsed: Dogs) -> None:
    assert isinstance(parsed, Dogs) and len(parsed.dogs) == 3
    assert all(d.name and d.bio and d.age > 0 for d in parsed.dogs)


MEXICO = CityLocation(city="Mexico City", country="Mexico")
JOHN = Person(name="John", age=30)


def _recorded_base_url(plugin: str, cassette: str) -> str:
    """``http://127.0.0.1:<port>/v1`` of a recording made against a local server on a free port."""
    from urllib.parse import urlsplit

    from llmcore_testing.cassette_format import deserialize

    text = (ROOT / "plugins" / plugin / "tests" / "cassettes" / cassette).read_text(encoding="utf-8")
    uri = urlsplit(deserialize(text)["interactions"][0]["request"]["uri"])
    return f"{uri.scheme}://{uri.netloc}/v1"


CASES: dict[str, SCase] = {
    "openai-chat": SCase(
        "openai",
        "pydantic-ai__test_openai_native_output.yaml",
        "openai/gpt-4o",
        _turns("call_PkRGedQNRFUzJp2R7dO7avWR"),
        CityLocation,
        equals(MEXICO),
        "json_schema",
        call={"tools": [USER_COUNTRY]},
        interaction=1,
        sent=lambda b: (
            (
                b["response_format"]["json_schema"]["strict"] is True
                and b["response_format"]["json_schema"]["schema"]["additionalProperties"] is False
                and b["response_format"]["json_schema"]["name"] == "CityLocation"
            )
            or pytest.fail(str(b))
        ),
    ),
    "openai-responses": SCase(
        "openai",
        "pydantic-ai__test_native_output.yaml",
        "openai/gpt-4o",
        _turns("call_tTAThu8l2S9hNky2krdwijGP"),
        CityLocation,
        equals(MEXICO),
        "json_schema",
        options={"api": "responses"},
        call={"tools": [USER_COUNTRY]},
        interaction=1,
    ),
    "anthropic-native": SCase(
        "anthropic",
        "pydantic-ai__test_anthropic_native_output_decimal_strict.yaml",
        "anthropic/claude-sonnet-4-5",
        ["Return exactly this payment amount: 12.34"],
        Payment,
        equals(Payment(amount=12.34)),
        "json_schema",
        call={"max_tokens": 4096},
    ),
    "anthropic-native-stream": SCase(
        "anthropic",
        "llm-anthropic__test_schema_prompt.yaml",
        "anthropic/claude-sonnet-4-5",
        ["Invent a good dog"],
        Dog,
        dog,
        "json_schema",
        call={"max_tokens": 8192, "temperature": 1.0},
        stream=True,
    ),
    "anthropic-tool": SCase(
        "anthropic",
        "ellmer__anthropic-structured-data.yaml",
        "anthropic/claude-sonnet-5",
        [ARTICLE],
        StructuredToolCall,
        lambda p: equals(Article(title="Apples are tasty", author="Hadley Wickham"))(p.data),
        "tool",
        call={"structured_mode": "tool", "max_tokens": 4096},
        sent=lambda b: equals({"type": "tool", "name": "_structured_tool_call"})(b["tool_choice"]),
    ),
    "anthropic-tool-with-tools": SCase(
        "anthropic",
        "pydantic-ai__test_anthropic_tool_output.yaml",
        "anthropic/claude-sonnet-4-5",
        _turns("toolu_01X9wcHKKAZD9tBC711xipPa"),
        FinalResult,
        lambda p: equals(MEXICO.model_dump())(p.model_dump()),
        "tool",
        call={"structured_mode": "tool", "tools": [USER_COUNTRY], "max_tokens": 4096},
        interaction=1,
        sent=lambda b: (
            equals(["get_user_country", "final_result"])([t["name"] for t in b["tools"]])
            or equals("any")(b["tool_choice"]["type"])
        ),
    ),
    "gemini-native": SCase(
        "gemini",
        "pydantic-ai__test_google_native_output.yaml",
        "gemini/gemini-2.0-flash",
        ["What is the largest city in Mexico?"],
        CityLocation,
        equals(MEXICO),
        "json_schema",
        sent=lambda b: equals(["city", "country"])(sorted(b["generationConfig"]["responseJsonSchema"]["required"])),
    ),
    "gemini-native-stream": SCase(
        "gemini",
        "llm-gemini__test_prompt_with_multiple_dogs.yaml",
        "gemini/gemini-flash-latest",
        ["Invent 3 cool dogs"],
        Dogs,
        three_dogs,
        "json_schema",
        stream=True,
    ),
    "cohere": SCase(
        "cohere",
        "ruby_llm__chat_with_schema_with_cohere_command-a-03-2025_accepts_a_json_schema_and_returns_structured_output.yaml",
        "cohere/command-a-03-2025",
        ["Generate a person named John who is 30 years old"],
        Person,
        equals(JOHN),
        "json_schema",
    ),
    "ollama-native": SCase(
        "ollama",
        "authored__structured_output.yaml",
        "ollama/llama3.1",
        ["Ollama is 22 years old and busy saving the world. Return a JSON object with the age and availability."],
        Availability,
        equals(Availability(age=22, available=False)),
        "json_schema",
        options={"base_url": "http://localhost:11434"},
        call={"temperature": 0},
        authored=True,
    ),
    "openai-compatible-ollama": SCase(
        "openai",
        "compat-ollama-pydantic-ai__test_ollama_local_native_output_uses_json_schema.yaml",
        "openai_compatible/qwen3:0.6b",
        ["What is the capital of France?"],
        CityLocation,
        equals(CityLocation(city="Paris", country="France")),
        "json_schema",
        options={"base_url": "http://localhost:11434/v1"},
    ),
    "groq": SCase(
        "groq",
        "pydantic-ai__test_groq_native_output.yaml",
        "groq/openai/gpt-oss-120b",
        ["What is the largest city in Mexico?"],
        CityLocation,
        equals(MEXICO),
        "json_schema",
    ),
    "openrouter": SCase(
        "openrouter",
        "ruby_llm__chat_with_schema_with_openrouter_claude-haiku-4-5_accepts_a_json_schema_and_returns_structured_output.yaml",
        "openrouter/anthropic/claude-haiku-4.5",
        ["Generate a person named John who is 30 years old"],
        Person,
        equals(JOHN),
        "json_schema",
    ),
    "azure": SCase(
        "azure",
        "ruby_llm__chat_with_schema_with_azure_grok-4-1-fast-non-reasoning_allows_removing_schema_mid-conversation.yaml",
        "azure/grok-4-1-fast-non-reasoning",
        ["Generate a person named Bob"],
        Person,
        equals(Person(name="Bob", age=30)),
        "json_schema",
        options={"base_url": "https://rubyllm.services.ai.azure.com"},
    ),
    "bedrock": SCase(
        "bedrock",
        "pydantic-ai__test_bedrock_native_output_supported_model.yaml",
        "bedrock/us.anthropic.claude-sonnet-4-6",
        ["What is the capital of France? Give me the city name, country, and population."],
        CityInfo,
        equals(CityInfo(city="Paris", country="France", population=2161000)),
        "json_schema",
        options=_bedrock,
    ),
    "bedrock-stream": SCase(
        "bedrock",
        "pydantic-ai__test_bedrock_native_output_stream.yaml",
        "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ["What is the capital of France? Give me the city name, country, and population."],
        CityInfo,
        lambda p: (
            (isinstance(p, CityInfo) and p.city == "Paris" and p.country == "France" and p.population > 10**6)
            or pytest.fail(f"unexpected {p!r}")
        ),
        "json_schema",
        options=_bedrock,
        stream=True,
    ),
    "vertexai": SCase(
        "vertexai",
        "ruby_llm__chat_with_schema_with_vertexai_gemini-3-flash-preview_accepts_a_json_schema_and_returns_structured_output.yaml",
        "vertexai/gemini-3-flash-preview",
        ["Generate a person named John who is 30 years old"],
        Person,
        equals(JOHN),
        "json_schema",
        options=_vertex,
        interaction=1,
    ),
    "together": SCase(
        "together",
        "authored__structured_json_schema.yaml",
        "together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        ["Give me facts about Japan as JSON."],
        Country,
        lambda p: (
            (p.name == "Japan" and p.capital == "Tokyo" and p.population_millions > 100)
            or pytest.fail(f"unexpected {p!r}")
        ),
        "json_schema",
        authored=True,
    ),
    "fireworks": SCase(
        "fireworks",
        "authored__structured_json_schema.yaml",
        "fireworks/accounts/fireworks/models/llama-v3p3-70b-instruct",
        ["Give me facts about Japan as JSON."],
        Country,
        lambda p: (p.name == "Japan" and p.capital == "Tokyo") or pytest.fail(f"unexpected {p!r}"),
        "json_schema",
        authored=True,
    ),
    "vllm": SCase(
        "vllm",
        "authored__structured_json_schema.yaml",
        "vllm/meta-llama/Llama-3.1-8B-Instruct",
        ["Generate a JSON with the name and age of one random person."],
        Person,
        lambda p: (isinstance(p, Person) and p.name and p.age > 0) or pytest.fail(f"unexpected {p!r}"),
        "json_schema",
        options={"base_url": "http://localhost:8000/v1"},
        authored=True,
    ),
    **{
        name: SCase(
            name,
            "authored__structured_json_schema.yaml",
            f"{name}/{model}",
            ["Give me facts about Japan as JSON."],
            Country,
            lambda p: (
                (p.name == "Japan" and p.capital == "Tokyo" and p.population_millions > 100)
                or pytest.fail(f"unexpected {p!r}")
            ),
            "json_schema",
            authored=True,
        )
        for name, model in (
            ("novita", "meta-llama/llama-3.3-70b-instruct"),
            ("cerebras", "llama-3.3-70b"),
            ("sambanova", "Meta-Llama-3.3-70B-Instruct"),
            ("moonshot", "kimi-k2.6"),
        )
    },
    "databricks": SCase(
        "databricks",
        "authored__structured.yaml",
        "databricks/databricks-meta-llama-3-3-70b-instruct",
        ["Extract the paper: 'Attention Is All You Need' by Vaswani et al., 2017."],
        Paper,
        equals(Paper(title="Attention Is All You Need", authors=["Vaswani et al."], year=2017)),
        "json_schema",
        options={"base_url": "https://adb-1234567890123456.7.azuredatabricks.net/serving-endpoints"},
        authored=True,
    ),
    "ernie": SCase(
        "ernie",
        "authored__ernie_json_schema.yaml",
        "ernie/ernie-4.5-turbo-128k",
        ["北京的人口大约是多少\uff1f用JSON回答。"],
        CityPopulation,
        equals(CityPopulation(city="北京", population_millions=21.8)),
        "json_schema",
        authored=True,
    ),
    "mistral": SCase(
        "mistral",
        "ruby_llm__chat_with_schema_with_mistral_mistral-small-latest_allows_removing_schema_mid-conversation.yaml",
        "mistral/mistral-small-latest",
        ["Generate a person named Bob"],
        Person,
        equals(Person(name="Bob", age=30)),
        "json_schema",
    ),
    "xai": SCase(
        "xai",
        "ruby_llm__chat_with_schema_with_xai_grok-4-1-fast-non-reasoning_accepts_a_json_schema_and_returns_structured_output.yaml",
        "xai/grok-4.3",
        ["Generate a person named John who is 30 years old"],
        Person,
        equals(JOHN),
        "json_schema",
        options={"api": "responses"},
    ),
    "writer": SCase(
        "writer",
        "authored__structured_recipe.yaml",
        "writer/palmyra-x5",
        ["Give me a recipe for a simple pasta dish."],
        Recipe,
        lambda p: (
            (p.recipe_name == "Garlic Butter Spaghetti" and len(p.ingredients) == 5 and len(p.steps) == 3)
            or pytest.fail(f"unexpected {p!r}")
        ),
        "json_schema",
        call={"system": "You are a helpful cooking assistant."},
        authored=True,
    ),
    "llamacpp": SCase(  # recorded live from llama_cpp.server + SmolLM2-135M (nox -s e2e)
        "llamacpp",
        "llamacpp_server__structured_json_schema.yaml",
        "llamacpp_server/default",
        ["Name one city in France and its country, as JSON."],
        CityLocation,
        lambda p: (isinstance(p, CityLocation) and p.city and p.country) or pytest.fail(f"unexpected {p!r}"),
        "json_schema",
        options=lambda: {"base_url": _recorded_base_url("llamacpp", "llamacpp_server__structured_json_schema.yaml")},
        call={"max_tokens": 60, "temperature": 0},
    ),
    "lmstudio": SCase(
        "lmstudio",
        "authored__structured_joke.yaml",
        "lmstudio/qwen2.5-7b-instruct",
        ["Tell me a joke."],
        Joke,
        lambda p: (isinstance(p, Joke) and len(p.joke) > 10) or pytest.fail(f"unexpected {p!r}"),
        "json_schema",
        options={"base_url": "http://localhost:1234/v1"},
        call={"system": "You are a helpful jokester.", "max_tokens": 50, "temperature": 0.7},
        authored=True,
    ),
}


async def replay(case: SCase) -> tuple[Any, list[Any], list[Any], llmcore.Model]:
    cassettes = ROOT / "plugins" / case.plugin / "tests" / "cassettes"
    assert (cassettes / case.cassette).is_file(), f"missing cassette {case.cassette}"
    client, sent = recording_client()
    options = case.options() if callable(case.options) else dict(case.options)
    options.setdefault("api_key", TEST_API_KEY)
    if options["api_key"] is None:
        del options["api_key"]
    partials: list[Any] = []
    with make_vcr(cassettes).use_cassette(case.cassette, allow_playback_repeats=not case.interaction) as cas:
        for i in range(case.interaction):
            cas.play_counts[i] = 1
        async with client:
            m = llmcore.model(case.model, http_client=client, retry=False, **options)
            if case.stream:
                st = m.astream(case.messages, response_format=case.target, **case.call)
                partials = [p async for p in st.partials()]
                resp = st.response
            else:
                resp = await m.achat(case.messages, response_format=case.target, **case.call)
    return resp, partials, sent.bodies(), m


def _field_names(target: Any) -> set[str]:
    names: set[str] = set()
    for name, f in target.model_fields.items():
        names.add(name)
        ann = f.annotation
        inner = getattr(ann, "__args__", (ann,))
        for t in inner:
            if isinstance(t, type) and issubclass(t, BaseModel):
                names |= _field_names(t)
    return names


@pytest.mark.parametrize("name", list(CASES))
def test_structured_output_on_recorded_answers(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    case = CASES[name]
    spec = llmcore.get_registry().get(case.model.split("/", 1)[0])
    if spec is None:
        pytest.skip(f"llmcore-{case.plugin} is not installed")
    from llmcore.structured import choose_mode

    mode = choose_mode(spec, case.call.get("structured_mode"))
    assert mode == case.mode, f"{spec.name} declares {spec.capabilities.structured_output}"
    for var in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(var, raising=False)

    resp, partials, bodies, m = asyncio.run(replay(case))

    case.check(resp.parsed)
    assert isinstance(resp.parsed, case.target)
    # the facade's schema reached the wire: every field name is in the request body
    assert len(bodies) == 1
    body = json.dumps(bodies[0])
    missing = [f for f in _field_names(case.target) if f not in body]
    assert not missing, f"fields {missing} not in the request sent"
    if mode == "tool":
        assert case.target.__name__ in body and not resp.text.startswith("{")
    if case.sent is not None:
        case.sent(bodies[0])
    # usage accounting ran for the call
    assert m.usage.requests == 1
    assert m.usage.input_tokens > 0 and m.usage.output_tokens > 0
    if case.stream:
        assert len(partials) >= 2, "the answer arrived in pieces: partials must grow"
        assert partials[-1] == resp.parsed.model_dump()
        sizes = [len(json.dumps(p)) for p in partials]
        assert sizes[0] < sizes[-1]


def test_every_structured_plugin_with_a_cassette_is_covered() -> None:
    """A provider that claims structured output and whose SOURCES.md lists a
    structured cassette appears above (new plugins: add a case)."""
    covered = {c.plugin for c in CASES.values()} | {c.model.split("/", 1)[0] for c in CASES.values()}
    registry = llmcore.get_registry()
    missing = []
    for spec in registry.providers.values():
        if not spec.capabilities.structured_output or spec.name in covered:
            continue
        plugin = spec.distribution.removeprefix("llmcore-").replace("-", "_")
        sources = ROOT / "plugins" / plugin / "tests" / "cassettes" / "SOURCES.md"
        if plugin in covered or not sources.is_file():
            continue
        text = sources.read_text(encoding="utf-8").lower()
        if "structured output" in text or "json_schema" in text:
            missing.append(spec.name)
    if missing:  # plugins land in parallel: say so loudly without failing their CI; add a case above
        pytest.skip(f"structured-output cassettes exist but no facade case covers yet: {sorted(missing)}")


def test_anthropic_seam_sends_the_schema_anthropic_accepts() -> None:
    """A ``pattern`` (here the one pydantic 2.11 gave ``Decimal``) is a keyword
    Anthropic's structured outputs reject: the plugin's ``transform_schema``
    moves it into the description — exactly the schema this recording was made
    with — and the answer parses and validates against the schema."""
    if llmcore.get_registry().get("anthropic") is None:
        pytest.skip("llmcore-anthropic is not installed")
    pattern = "^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$"
    schema = {
        "type": "object",
        "required": ["amount"],
        "properties": {"amount": {"anyOf": [{"type": "number"}, {"type": "string", "pattern": pattern}]}},
    }
    case = SCase(
        "anthropic",
        "pydantic-ai__test_anthropic_native_output_decimal_strict.yaml",
        "anthropic/claude-sonnet-4-5",
        ["Return exactly this payment amount: 12.34"],
        schema,
        equals({"amount": 12.34}),
        "json_schema",
        call={"max_tokens": 4096},
    )
    resp, _, bodies, _ = asyncio.run(replay(case))
    case.check(resp.parsed)

    from llmcore_testing.cassette_format import deserialize

    recorded = deserialize((ROOT / "plugins/anthropic/tests/cassettes" / case.cassette).read_text())
    recorded_body = json.loads(recorded["interactions"][0]["request"]["body"])
    assert bodies[0]["output_config"] == recorded_body["output_config"]
