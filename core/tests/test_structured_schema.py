"""Schema transforms and mode choice (pure functions over real pydantic schemas)."""

from __future__ import annotations

import copy
import json
from typing import Literal

import jsonschema
import pytest
from llmcore.errors import ConfigurationError, InvalidRequestError, UnsupportedFeatureError
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.structured import (
    choose_mode,
    drop_introduced_nulls,
    inline_refs,
    prepare,
    schema_of,
    strict_schema,
)
from pydantic import BaseModel, Field
from typing_extensions import NotRequired, TypedDict


class Pet(BaseModel):
    kind: Literal["cat", "dog"]
    name: str


class Owner(BaseModel):
    name: str = Field(description="full name")
    pets: list[Pet] = []
    best: Pet | None = None
    age: int = 30


class Node(BaseModel):
    value: int
    children: list[Node] = []


class Cat(BaseModel):
    type: Literal["cat"]
    lives: int


class Dog(BaseModel):
    type: Literal["dog"]
    good: bool


class Zoo(BaseModel):
    animal: Cat | Dog = Field(discriminator="type")


class Opt(TypedDict):
    a: int
    b: NotRequired[int]


def spec(*modes: str) -> ProviderSpec:
    return ProviderSpec(name="p", factory="x:y", capabilities=Capabilities(structured_output=modes))  # type: ignore[arg-type]


def refs(schema: object) -> list[str]:
    return [m for m in json.dumps(schema).split('"') if m.startswith("#/")]


def test_inline_refs_removes_non_recursive_refs_and_keeps_meaning() -> None:
    raw = Owner.model_json_schema()
    assert "$defs" in raw
    before = copy.deepcopy(raw)
    out = inline_refs(raw)
    assert raw == before  # input untouched
    assert "$defs" not in out and not refs(out)
    assert out["properties"]["pets"]["items"]["properties"]["kind"] == {
        "enum": ["cat", "dog"],
        "title": "Kind",
        "type": "string",
    }
    # the same documents validate against both
    good = {"name": "A", "pets": [{"kind": "cat", "name": "T"}], "best": None}
    bad = {"name": "A", "pets": [{"kind": "cow", "name": "T"}]}
    for doc, ok in ((good, True), (bad, False)):
        assert jsonschema.Draft202012Validator(raw).is_valid(doc) is ok
        assert jsonschema.Draft202012Validator(out).is_valid(doc) is ok


def test_inline_refs_keeps_recursive_definitions_and_opens_the_root() -> None:
    raw = Node.model_json_schema()
    out = inline_refs(raw)
    assert out["type"] == "object"  # root inlined even though Node is recursive
    assert set(refs(out)) == {"#/$defs/Node"} and "Node" in out["$defs"]
    doc = {"value": 1, "children": [{"value": 2, "children": [{"value": 3}]}]}
    assert jsonschema.Draft202012Validator(out).is_valid(doc)
    assert not jsonschema.Draft202012Validator(out).is_valid({"value": 1, "children": [{"value": "x"}]})


def test_strict_schema_is_openai_strict_form() -> None:
    out = strict_schema(inline_refs(Owner.model_json_schema()))
    assert out["additionalProperties"] is False
    assert out["required"] == ["name", "pets", "best", "age"]
    pet = out["properties"]["pets"]["items"]
    assert pet["additionalProperties"] is False and pet["required"] == ["kind", "name"]
    assert "default" not in out["properties"]["best"]  # default None dropped
    assert out["properties"]["age"]["default"] == 30  # a real default stays; the model must give a value
    assert out["properties"]["name"]["description"] == "full name"

    # every object is closed, every property required, everywhere
    def walk(n: object) -> None:
        if isinstance(n, dict):
            if "properties" in n:
                assert n["additionalProperties"] is False and set(n["required"]) == set(n["properties"])
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(out)


def test_strict_schema_turns_oneof_into_anyof_and_drops_discriminator() -> None:
    out = strict_schema(inline_refs(Zoo.model_json_schema()))
    animal = out["properties"]["animal"]
    assert "oneOf" not in animal and "discriminator" not in animal and len(animal["anyOf"]) == 2
    assert jsonschema.Draft202012Validator(out).is_valid({"animal": {"type": "dog", "good": True}})


def test_optional_without_default_becomes_nullable_and_nulls_are_dropped_back() -> None:
    t = schema_of(Opt)
    assert t is not None
    out = strict_schema(t.schema)
    assert out["required"] == ["a", "b"]
    assert out["properties"]["b"]["type"] == ["integer", "null"]
    value = drop_introduced_nulls({"a": 1, "b": None}, t.schema)
    assert value == {"a": 1}
    assert t.validate(value) == {"a": 1}
    assert drop_introduced_nulls({"a": 1, "b": 2}, t.schema) == {"a": 1, "b": 2}


def test_strict_schema_inlines_a_ref_with_siblings() -> None:
    schema = {
        "type": "object",
        "properties": {"p": {"$ref": "#/$defs/P", "description": "the pet"}},
        "required": ["p"],
        "$defs": {"P": {"type": "object", "properties": {"n": {"type": "string"}}, "required": ["n"]}},
    }
    out = strict_schema(schema)
    assert out["properties"]["p"] == {
        "type": "object",
        "properties": {"n": {"type": "string"}},
        "description": "the pet",
        "additionalProperties": False,
        "required": ["n"],
    }


def test_schema_of_shapes() -> None:
    t = schema_of(list[Pet])
    assert t is not None and t.wrapped and t.schema["required"] == ["value"]
    assert schema_of({"type": "json_object"}) is None and schema_of({"type": "text"}) is None
    t = schema_of({"type": "json_schema", "schema": {"type": "object"}, "name": "X"})
    assert t is not None and t.name == "X" and not t.wrapped
    t = schema_of({"type": "string", "title": "Word"})
    assert t is not None and t.wrapped and t.name == "Word"


def test_choose_mode_prefers_native_then_tool_then_json_mode_then_prompt() -> None:
    assert choose_mode(spec("tool", "json_schema")) == "json_schema"
    assert choose_mode(spec("json_object", "tool")) == "tool"
    assert choose_mode(spec("json_object")) == "json_object"
    assert choose_mode(spec()) == "prompt"
    assert choose_mode(spec("json_schema"), "prompt") == "prompt"
    with pytest.raises(UnsupportedFeatureError):
        choose_mode(spec("json_schema"), "json_object")
    with pytest.raises(InvalidRequestError):
        choose_mode(spec(), "yaml")


def test_prepare_calls_the_provider_seam_with_a_copy() -> None:
    seen = []

    class Provider:
        def transform_schema(self, schema: dict, mode: str) -> dict:
            seen.append(mode)
            schema["x-touched"] = True
            return schema

    plan = prepare(Owner, spec("json_schema"), Provider())
    assert plan is not None and seen == ["json_schema"]
    assert plan.sent_schema is not None and plan.sent_schema["x-touched"] is True
    assert plan.target is not None and "x-touched" not in plan.target.schema
    plan = prepare(Owner, spec("json_object"), Provider())  # no schema is sent as such in JSON mode
    assert plan is not None and seen == ["json_schema"]
    with pytest.raises(InvalidRequestError, match="not a pydantic model"):
        prepare(object(), spec("json_schema"))


class Profiled:
    """A provider whose models accept different modes (the ``structured_modes`` model profile)."""

    def structured_modes(self, model: str) -> tuple[str, ...] | None:
        return {
            "schema-model": ("json_schema", "tool"),
            "json-only": ("json_object", "tool"),
            "tools-only": ("tool",),
            "nothing": (),
            "bad": ("yaml",),
        }.get(model)


def test_the_model_profile_chooses_a_mode_the_model_accepts() -> None:
    declared = spec("json_schema", "json_object", "tool")

    def plan(model: str | None, mode: str | None = None, rf: object = Owner) -> tuple[str, dict]:
        out = prepare(rf, declared, Profiled(), mode=mode, model=model)
        assert out is not None
        params: dict = {}
        out.apply(params)
        return out.mode, params

    assert plan("schema-model")[0] == "json_schema"
    mode, params = plan("json-only")  # the profile's order, not MODES': JSON mode before tool
    assert mode == "json_object" and params["response_format"] == {"type": "json_object"}
    assert "JSON" in params["system"] and '"title":"Owner"' in params["system"]  # the schema, in the instruction
    mode, params = plan("tools-only")
    assert mode == "tool" and params["tool_choice"] == {"mode": "tool", "name": "Owner"}
    assert plan("tools-only", rf={"type": "json_object"})[0] == "prompt"  # any JSON: no schema for a tool
    mode, params = plan("nothing")  # accepts nothing: no response_format at all, the schema in the instruction
    assert mode == "prompt" and "response_format" not in params and "JSON" in params["system"]
    assert plan("unknown")[0] == "json_schema" and plan(None)[0] == "json_schema"  # None: the declaration
    assert plan("json-only", "tool")[0] == "tool"
    with pytest.raises(UnsupportedFeatureError, match=r"p model 'json-only' does not accept .*'json_schema'"):
        plan("json-only", "json_schema")
    with pytest.raises(ConfigurationError, match="unknown mode"):
        plan("bad")
