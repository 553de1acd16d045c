"""Structured output on Groq, the way a user asks for it: ``llmcore.model("groq/<model>")``
with ``response_format=<pydantic model>``, over a real loopback socket on the default
transport, and the request body checked against what Groq documents per model:

* json_schema with ``strict: true`` on gpt-oss, best-effort (``strict: false``) on Kimi K2
  and Llama 4 (https://console.groq.com/docs/structured-outputs, "Supported models");
* ``json_object`` elsewhere, which needs "json" in a message (``ResponseFormatJsonObject`` in
  Groq's OpenAPI spec) — the schema goes in a system instruction;
* compound systems: no JSON mode and no custom tools (https://console.groq.com/docs/compound),
  so no ``response_format`` at all, the schema in a system instruction.

The answer served is the real gpt-oss-120b recording ``pydantic-ai__test_groq_native_output.yaml``
(see cassettes/SOURCES.md) for every model: these tests are about what is *sent*; the answer only
has to parse. Every sent body is validated against Groq's OpenAPI spec.
"""

from __future__ import annotations

import json
from typing import Any

import llmcore
import pytest
from groq_cases import CASSETTES, recorded_request, validate
from llmcore import errors as E
from llmcore_groq import SPEC
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassette_server import CassetteServer
from pydantic import BaseModel

NATIVE = "pydantic-ai__test_groq_native_output.yaml"
QUESTION = "What is the largest city in Mexico?"


class CityLocation(BaseModel):
    """A city and its country."""

    city: str
    country: str


def ask(model: str, **kw: Any) -> tuple[Any, dict[str, Any]]:
    """``llmcore.model(f"groq/{model}").chat(QUESTION, response_format=CityLocation)`` against the
    recording's answer; returns (response or raised error, the JSON body the server received)."""
    with CassetteServer.from_cassette(CASSETTES / NATIVE, repeats=True) as server:
        m = llmcore.model(
            f"groq/{model}", api_key=TEST_API_KEY, base_url=server.base_url_for(SPEC.base_url), retry=False
        )
        try:
            out: Any = m.chat(QUESTION, response_format=CityLocation, **kw)
        except E.LLMCoreError as e:
            out = e
        assert not server.problems, server.problems
        received = list(server.received)
    assert len(received) <= 1
    for request in received:
        validate(request)
    return out, json.loads(received[0].content) if received else {}


def untitled(schema: Any) -> Any:
    """``schema`` without pydantic's ``title``/``description`` annotations."""
    if isinstance(schema, dict):
        return {
            k: untitled(v)
            for k, v in schema.items()
            if k not in ("title", "description") or (isinstance(v, dict) and "type" in v)
        }
    return schema


def system_text(body: dict[str, Any]) -> str:
    return "\n".join(m["content"] for m in body["messages"] if m["role"] == "system")


def mentions_json(body: dict[str, Any]) -> bool:
    """Groq's condition for JSON mode: some message says "json"."""
    return any("json" in json.dumps(m["content"]).lower() for m in body["messages"])


def assert_schema_in_instruction(body: dict[str, Any]) -> None:
    text = system_text(body)
    assert "JSON" in text
    schema = json.loads(text[text.index("{") :])  # the instruction ends with the schema, compact JSON
    assert schema["properties"] == {
        "city": {"title": "City", "type": "string"},
        "country": {"title": "Country", "type": "string"},
    }
    assert schema["required"] == ["city", "country"]


def test_gpt_oss_gets_strict_json_schema_as_recorded() -> None:
    r, body = ask("openai/gpt-oss-120b")
    assert r.parsed == CityLocation(city="Mexico City", country="Mexico") and not r.warnings
    recorded = recorded_request(NATIVE)["response_format"]
    assert body["response_format"]["type"] == "json_schema"
    sent = body["response_format"]["json_schema"]
    assert sent["strict"] is True and sent["name"] == recorded["json_schema"]["name"]
    assert untitled(sent["schema"]) == recorded["json_schema"]["schema"]  # what pydantic-ai sent Groq, titles aside
    assert "tools" not in body and not system_text(body)


def test_kimi_gets_best_effort_json_schema() -> None:
    r, body = ask("moonshotai/kimi-k2-instruct")
    assert r.parsed == CityLocation(city="Mexico City", country="Mexico")
    sent = body["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["strict"] is False
    assert sent["json_schema"]["schema"]["required"] == ["city", "country"]
    assert [w.feature for w in r.warnings] == ["response_format"]  # strict was asked (the default): said so


def test_llama_3_1_8b_instant_gets_json_object_with_the_schema_and_json_in_a_message() -> None:
    r, body = ask("llama-3.1-8b-instant")
    assert r.parsed == CityLocation(city="Mexico City", country="Mexico") and not r.warnings
    assert body["response_format"] == {"type": "json_object"}
    assert mentions_json(body)  # else Groq answers 400
    assert_schema_in_instruction(body)
    assert body["messages"][-1] == {"role": "user", "content": QUESTION} and "tools" not in body


@pytest.mark.parametrize("model", ["compound-beta", "groq/compound-mini"])
def test_compound_gets_no_response_format_and_the_schema_in_a_system_instruction(model: str) -> None:
    r, body = ask(model)
    assert r.parsed == CityLocation(city="Mexico City", country="Mexico")
    assert "response_format" not in body and "tools" not in body  # neither JSON mode nor custom tools
    assert_schema_in_instruction(body)
    assert [w.feature for w in r.warnings] == ["response_format"]
    assert "accepts no structured output mode" in r.warnings[0].detail


def test_tool_mode_on_request_forces_the_output_tool() -> None:
    _, body = ask("llama-3.1-8b-instant", structured_mode="tool")  # the recording answers text: only the body counts
    assert "response_format" not in body
    assert [t["function"]["name"] for t in body["tools"]] == ["CityLocation"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "CityLocation"}}


@pytest.mark.parametrize(
    ("model", "mode"),
    [("llama-3.1-8b-instant", "json_schema"), ("compound-beta", "tool"), ("compound-beta", "json_object")],
)
def test_a_mode_the_model_does_not_accept_is_refused_before_the_network(model: str, mode: str) -> None:
    err, body = ask(model, structured_mode=mode)
    assert isinstance(err, E.UnsupportedFeatureError) and not body
    assert model in str(err) and mode in str(err)


def test_json_object_given_directly_gets_a_json_instruction() -> None:
    """Through the facade with ``response_format={"type": "json_object"}`` and a prompt that
    never says "json": Groq would answer 400, so an instruction is added."""
    with CassetteServer.from_cassette(CASSETTES / NATIVE, repeats=True) as server:
        m = llmcore.model(
            "groq/llama-3.1-8b-instant", api_key=TEST_API_KEY, base_url=server.base_url_for(SPEC.base_url), retry=False
        )
        r = m.chat(QUESTION, response_format={"type": "json_object"})
        validate(server.received[0])
        body = json.loads(server.received[0].content)
    assert r.parsed == {"city": "Mexico City", "country": "Mexico"}
    assert body["response_format"] == {"type": "json_object"} and mentions_json(body)
