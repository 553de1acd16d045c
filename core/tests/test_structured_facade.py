"""Structured output through the facade, over a real local HTTP server.

Each shaped provider declares different modes; the server sees exactly
what the facade sent and answers like a model would.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import llmcore
import pytest
from aiohttp import web
from llmcore.errors import ProviderResponseError, UnsupportedFeatureError
from llmcore.structured import StructuredOutputError
from pydantic import BaseModel
from scripted_server import ScriptedServer
from shaped_provider import answer, stream

pytest_plugins = ["shaped_fixtures"]


class Address(BaseModel):
    street: str
    city: str


class Person(BaseModel):
    """A person and where they live."""

    name: str
    age: int
    nickname: str | None = None
    address: Address


class City(BaseModel):
    name: str
    country: str


PERSON = {"name": "Ada", "age": 36, "nickname": None, "address": {"street": "1 Main St", "city": "London"}}


def sent(server: ScriptedServer, i: int = -1) -> dict[str, Any]:
    return server.requests[i]["body"]  # type: ignore[no-any-return]


def reply(text: str = "", **kw: Any) -> Any:
    async def handler(request: web.Request, server: ScriptedServer) -> web.StreamResponse:
        return answer(text, **kw)

    return handler


# -- json_schema (native) ------------------------------------------------------------------


def test_json_schema_mode_sends_the_schema_and_parses(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply(json.dumps(PERSON))
    r = make_model("shaped-schema").chat("who?", response_format=Person)
    assert r.parsed == Person.model_validate(PERSON)
    assert isinstance(r.parsed.address, Address)
    rf = sent(server)["response_format"]
    assert rf["type"] == "json_schema" and rf["name"] == "Person" and rf["strict"] is True
    # nested model inlined: no $ref/$defs left for providers that cannot follow them
    assert "$defs" not in rf["schema"] and "$ref" not in json.dumps(rf["schema"])
    assert rf["schema"]["properties"]["address"]["properties"]["city"] == {"title": "City", "type": "string"}
    assert sent(server)["tools"] is None and r.text == json.dumps(PERSON)


def test_json_schema_mode_wraps_a_list_and_unwraps_it(server: ScriptedServer, make_model: Any) -> None:
    cities = [{"name": "Paris", "country": "France"}, {"name": "Lima", "country": "Peru"}]
    server.handler = reply(json.dumps({"value": cities}))
    r = make_model("shaped-schema").chat("cities?", response_format=list[City])
    assert r.parsed == [City(**c) for c in cities]
    schema = sent(server)["response_format"]["schema"]
    assert schema["type"] == "object" and schema["required"] == ["value"]
    assert schema["properties"]["value"]["type"] == "array"


def test_plain_json_schema_dict_is_validated_with_jsonschema(server: ScriptedServer, make_model: Any) -> None:
    schema = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 0}},
        "required": ["n"],
        "title": "Count",
    }
    server.handler = reply('{"n": 3}')
    r = make_model("shaped-schema").chat("count", response_format=schema)
    assert r.parsed == {"n": 3}
    assert sent(server)["response_format"]["name"] == "Count"
    server.handler = reply('{"n": -1}')
    with pytest.raises(StructuredOutputError) as ei:
        make_model("shaped-schema").chat("count", response_format=schema)
    assert ei.value.text == '{"n": -1}' and ei.value.errors


def test_openai_shaped_response_format_dict(server: ScriptedServer, make_model: Any) -> None:
    rf = {"type": "json_schema", "json_schema": {"name": "city", "strict": False, "schema": City.model_json_schema()}}
    server.handler = reply('{"name": "Oslo", "country": "Norway"}')
    r = make_model("shaped-schema").chat("c", response_format=rf)
    assert r.parsed == {"name": "Oslo", "country": "Norway"}
    assert sent(server)["response_format"]["strict"] is False and sent(server)["response_format"]["name"] == "city"


# -- tool (forced call) ---------------------------------------------------------------------------


def test_tool_mode_forces_a_call_and_parses_its_arguments(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply(
        "Here is the person.", tool_calls=[{"id": "c1", "name": "Person", "arguments": json.dumps(PERSON)}]
    )
    r = make_model("shaped-tool").chat("who?", response_format=Person)
    assert r.parsed == Person.model_validate(PERSON)
    assert r.text == "Here is the person."  # the text stays as it is
    body = sent(server)
    assert body["response_format"] is None
    assert body["tool_choice"] == {"mode": "tool", "name": "Person"}
    (tool,) = body["tools"]
    assert tool["name"] == "Person" and "A person and where they live." in tool["description"]
    # the provider's transform_schema seam (strict: closed objects, every property required)
    params = tool["parameters"]
    assert params["additionalProperties"] is False
    assert params["required"] == ["name", "age", "nickname", "address"]
    assert params["properties"]["address"]["additionalProperties"] is False


def test_tool_mode_with_the_callers_tools(server: ScriptedServer, make_model: Any) -> None:
    weather = {"name": "weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}
    server.handler = reply(tool_calls=[{"id": "c1", "name": "weather", "arguments": '{"city": "Oslo"}'}])
    r = make_model("shaped-tool").chat("weather?", response_format=City, tools=[weather])
    body = sent(server)
    assert [t["name"] for t in body["tools"]] == ["weather", "City"]
    assert body["tool_choice"] == {"mode": "required", "name": None}
    assert r.parsed is None and r.tool_calls[0].name == "weather"  # run the tool, then ask again


def test_tool_mode_without_the_call_is_an_error(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply("I won't.")
    with pytest.raises(StructuredOutputError, match="did not call"):
        make_model("shaped-tool").chat("who?", response_format=Person)


# -- json_object and prompt -------------------------------------------------------------------------


def test_json_object_mode_puts_the_schema_in_the_system_prompt(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply("```json\n" + json.dumps({"name": "Rome", "country": "Italy"}) + "\n```")
    r = make_model("shaped-json", system="Be brief.").chat("capital of Italy?", response_format=City)
    assert r.parsed == City(name="Rome", country="Italy")
    body = sent(server)
    assert body["response_format"]["type"] == "json_object"
    assert body["system"].startswith("Be brief.\n\nRespond only with a JSON value that matches this JSON schema")
    assert json.loads(body["system"].split("\n")[-1]) == City.model_json_schema()


def test_prompt_mode_on_a_provider_without_structured_output(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply('Sure: {"name": "Quito", "country": "Ecuador"}')
    r = make_model("shaped-plain").chat("capital of Ecuador?", response_format=City)
    assert r.parsed == City(name="Quito", country="Ecuador")
    assert "JSON schema" in sent(server)["system"]
    assert any(w.feature == "response_format" and "system instruction" in w.detail for w in r.warnings)


def test_json_object_without_a_schema_parses_any_json(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply('{"anything": [1, 2]}')
    r = make_model("shaped-json").chat("json", response_format={"type": "json_object"})
    assert r.parsed == {"anything": [1, 2]}
    assert sent(server)["system"].startswith("Respond only with a JSON object")


def test_text_response_format_parses_nothing(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply("plain")
    r = make_model("shaped-schema").chat("x", response_format={"type": "text"})
    assert r.parsed is None and sent(server)["response_format"]["type"] == "text"


# -- choosing the mode ------------------------------------------------------------------------------


def test_structured_mode_per_model_and_per_call(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply('{"name": "Bern", "country": "Switzerland"}')
    m = make_model("shaped-schema", structured_mode="prompt")
    assert m.chat("x", response_format=City).parsed.name == "Bern"
    assert sent(server)["response_format"]["type"] == "json_schema" and "JSON schema" in sent(server)["system"]
    assert m.chat("x", response_format=City, structured_mode="json_schema").parsed.country == "Switzerland"
    assert sent(server)["system"] is None


def test_a_mode_the_provider_lacks_fails_before_the_network(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply("{}")
    with pytest.raises(UnsupportedFeatureError, match="does not declare structured output mode 'tool'"):
        make_model("shaped-schema").chat("x", response_format=City, structured_mode="tool")
    with pytest.raises(llmcore.InvalidRequestError, match="structured_mode must be one of"):
        make_model("shaped-schema").chat("x", response_format=City, structured_mode="xml")
    assert server.hits == 0


# -- invalid answers ---------------------------------------------------------------------------------


def test_invalid_output_raises_a_typed_error_with_the_raw_text(server: ScriptedServer, make_model: Any) -> None:
    long_text = '{"name": "Ada", "age": "old", "address": {"street": "x", "city": "y"}, "pad": "' + "z" * 5000 + '"}'
    server.handler = reply(long_text)
    with pytest.raises(StructuredOutputError) as ei:
        make_model("shaped-schema").chat("who?", response_format=Person)
    e = ei.value
    assert isinstance(e, ProviderResponseError) and e.provider == "shaped-schema"
    assert e.text == long_text  # the whole answer, not an excerpt
    assert "age" in str(e) and e.errors[0]["loc"] == ("age",)
    assert e.response is not None and e.response.text == long_text


def test_not_json_and_cut_off(server: ScriptedServer, make_model: Any) -> None:
    server.handler = reply('{"name": "Ada", "ag', finish="length")
    with pytest.raises(StructuredOutputError, match=r"not JSON.*cut off") as ei:
        make_model("shaped-schema").chat("who?", response_format=Person)
    assert ei.value.text == '{"name": "Ada", "ag'


# -- streams ---------------------------------------------------------------------------------------


def test_stream_partials_from_text_deltas(server: ScriptedServer, make_model: Any) -> None:
    text = json.dumps(PERSON)
    pieces = [text[i : i + 7] for i in range(0, len(text), 7)]

    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=pieces)

    server.handler = handler
    st = make_model("shaped-schema").stream("who?", response_format=Person)
    partials = list(st.partials())
    assert partials[-1] == PERSON
    assert len(partials) >= 5
    # progressively more complete: each known key keeps its (growing) value
    assert partials[0] == {} or set(partials[0]) <= {"name"}
    assert any(p.get("name") == "Ada" and "address" not in p for p in partials)
    streets = [p["address"].get("street", "") for p in partials if isinstance(p.get("address"), dict)]
    assert any(s and s != "1 Main St" and "1 Main St".startswith(s) for s in streets)  # an unfinished string
    assert st.response is not None and st.response.parsed == Person.model_validate(PERSON)
    assert st.parsed_partial == PERSON


def test_stream_partials_from_tool_argument_deltas(server: ScriptedServer, make_model: Any) -> None:
    args = json.dumps({"name": "Nairobi", "country": "Kenya"})

    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=["Calling."], tool=("City", [args[:10], args[10:25], args[25:]]))

    server.handler = handler

    async def go() -> tuple[list[Any], Any]:
        st = make_model("shaped-tool").astream("capital of Kenya?", response_format=City)
        out = [p async for p in st.partials()]
        return out, st.response

    partials, resp = asyncio.run(go())
    # '{"name": "' → '{"name": "Nairobi", "coun' → the whole object
    assert partials == [{"name": ""}, {"name": "Nairobi"}, {"name": "Nairobi", "country": "Kenya"}]
    assert resp.parsed == City(name="Nairobi", country="Kenya") and resp.text == "Calling."


def test_stream_parsed_partial_while_iterating_and_errors_at_the_end(server: ScriptedServer, make_model: Any) -> None:
    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=['{"name": "Li', 'ma", "country": 5}'])

    server.handler = handler
    st = make_model("shaped-schema").stream("x", response_format=City)
    seen = []
    with pytest.raises(StructuredOutputError, match="country"):
        for ev in st:
            if ev.type == "text":
                seen.append(st.parsed_partial)
    assert seen == [{"name": "Li"}, {"name": "Lima", "country": 5}]


def test_partials_needs_a_response_format(server: ScriptedServer, make_model: Any) -> None:
    async def handler(request: web.Request, s: ScriptedServer) -> web.StreamResponse:
        return await stream(request, texts=["hi"])

    server.handler = handler
    st = make_model("shaped-schema").stream("x")
    with pytest.raises(llmcore.InvalidRequestError):
        list(st.partials())
    assert st.parsed_partial is None
