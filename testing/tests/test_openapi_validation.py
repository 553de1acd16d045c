"""Tests for llmcore_testing.openapi: request bodies checked against an OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from llmcore_testing.openapi import OpenAPISpec, load_spec, shared_dir

DOC = {
    "openapi": "3.0.3",
    "paths": {
        "/chat/completions": {
            "post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}}}
        },
        "/v1/inline": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [{"$ref": "#/components/schemas/Req"}],
                                "discriminator": {"propertyName": "model"},
                            }
                        }
                    }
                }
            }
        },
        "/models/{model}/generate": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["inputs"],
                                "properties": {"inputs": {"type": "string"}},
                            }
                        }
                    }
                }
            }
        },
    },
    "components": {
        "schemas": {
            "Req": {
                "type": "object",
                "required": ["model", "messages"],
                "properties": {
                    "model": {"type": "string"},
                    "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Msg"}},
                    "format": {"type": "string", "enum": ["a", "b"], "nullable": True},
                },
            },
            # overlapping branches: a discriminated oneOf must accept a body matching both
            "Msg": {
                "oneOf": [{"$ref": "#/components/schemas/Text"}, {"$ref": "#/components/schemas/Any"}],
                "discriminator": {"propertyName": "role"},
            },
            "Text": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {"role": {"type": "string"}, "content": {"type": "string", "nullable": True}},
            },
            "Any": {"type": "object", "required": ["role"], "properties": {"role": {"type": "string"}}},
        }
    },
}


def test_valid_body_passes_with_nullable_and_discriminated_oneof() -> None:
    spec = OpenAPISpec(DOC, "toy")
    spec.validate_body(
        "POST",
        "/v1/chat/completions",
        {
            "model": "m",
            "messages": [{"role": "assistant", "content": None}],
            "format": None,
        },
    )


def test_violations_are_listed() -> None:
    spec = OpenAPISpec(DOC, "toy")
    with pytest.raises(AssertionError) as e:
        spec.validate_body("POST", "/chat/completions", {"model": 3, "format": "c"})
    text = str(e.value)
    assert "'messages' is a required property" in text
    assert "at /model" in text and "at /format" in text


def test_inline_request_schema_refs_resolve_in_the_document() -> None:
    spec = OpenAPISpec(DOC, "toy")
    spec.validate_body("POST", "/v1/inline", {"model": "m", "messages": []})
    with pytest.raises(AssertionError, match="inline"):
        spec.validate_body("POST", "/v1/inline", {"model": "m"})


def test_path_templates_and_unknown_operations() -> None:
    spec = OpenAPISpec(DOC, "toy")
    assert spec.operation_path("/api/models/org/x/generate") is None  # {model} is one segment
    assert spec.operation_path("/models/x/generate") == "/models/{model}/generate"
    spec.validate_body("POST", "/models/x/generate", {"inputs": "hi"})
    with pytest.raises(AssertionError, match="no operation"):
        spec.validate_body("POST", "/v1/embeddings", {})
    with pytest.raises(AssertionError, match="no GET"):
        spec.validate_body("GET", "/chat/completions", {})


def test_validate_request_and_load_once(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(DOC))
    assert load_spec(path) is load_spec(path)
    req = httpx.Request("POST", "https://x.test/v1/chat/completions", json={"model": "m", "messages": []})
    load_spec(path).validate_request(req)
    bad = httpx.Request("POST", "https://x.test/v1/chat/completions", json={"messages": []})
    with pytest.raises(AssertionError, match="'model' is a required property"):
        load_spec(path).validate_request(bad)


def test_shared_dir_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LLMCORE_SHARED_DIR", str(tmp_path))
    assert shared_dir() == tmp_path
    with pytest.raises(FileNotFoundError, match="LLMCORE_SHARED_DIR"):
        load_spec(tmp_path / "missing.yaml")


def test_nullable_admits_null_next_to_oneof_anyof_allof() -> None:
    """Groq's assistant ``content``: ``nullable: true`` on a ``oneOf`` of string / parts."""
    doc = {
        "openapi": "3.0.0",
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "one": {"nullable": True, "oneOf": [{"type": "string"}, {"type": "array"}]},
                                        "any": {"nullable": True, "anyOf": [{"type": "string"}]},
                                        "all": {"nullable": True, "allOf": [{"type": "string"}]},
                                        "strict": {"oneOf": [{"type": "string"}, {"type": "array"}]},
                                    },
                                }
                            }
                        }
                    }
                }
            }
        },
    }
    spec = OpenAPISpec(doc, "toy")
    spec.validate_body("POST", "/x", {"one": None, "any": None, "all": None})
    spec.validate_body("POST", "/x", {"one": "text", "any": "a", "all": "b"})
    with pytest.raises(AssertionError, match="at /strict"):
        spec.validate_body("POST", "/x", {"strict": None})
    with pytest.raises(AssertionError, match="at /one"):
        spec.validate_body("POST", "/x", {"one": 3})


def test_errors_lists_violations_and_is_empty_for_a_valid_body() -> None:
    spec = OpenAPISpec(DOC, "toy")
    assert spec.errors("POST", "/chat/completions", {"model": "m", "messages": []}) == []
    found = spec.errors("POST", "/chat/completions", {"model": 3, "format": "c"})
    assert found[0].startswith("at /: ") and "'messages' is a required property" in found[0]
    assert [line.split(":")[0] for line in found[1:]] == ["at /format", "at /model"]
    with pytest.raises(AssertionError, match="no operation"):
        spec.errors("POST", "/v1/embeddings", {})


def test_closed_rejects_undeclared_keys_but_keeps_open_and_free_form_objects() -> None:
    doc = {
        "openapi": "3.0.3",
        "paths": {
            "/x": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}}
                }
            }
        },
        "components": {
            "schemas": {
                "Req": {
                    "type": "object",
                    "properties": {
                        "config": {"$ref": "#/components/schemas/Config"},
                        "items": {"type": "array", "items": {"$ref": "#/components/schemas/Config"}},
                        "args": {"type": "object"},  # free-form: no declared properties
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "meta": {"type": "object", "properties": {"a": {}}, "additionalProperties": True},
                    },
                },
                "Config": {"type": "object", "properties": {"topK": {"type": "integer"}}},
            }
        },
    }
    body = {
        "config": {"topK": 1},
        "items": [{"topK": 2}],
        "args": {"any": 1},
        "labels": {"k": "v"},
        "meta": {"a": 1, "b": 2},
    }
    assert OpenAPISpec(doc, "toy").errors("POST", "/x", {**body, "config": {"top_k": 1}}) == []
    closed = OpenAPISpec(doc, "toy", closed=True)
    assert closed.errors("POST", "/x", body) == []
    assert closed.errors("POST", "/x", {**body, "config": {"top_k": 1}}) == [
        "at /config: 'top_k' not declared by the schema"
    ]
    assert closed.errors("POST", "/x", {**body, "items": [{"topK": 1}, {"k": 1}], "extra": 0}) == [
        "at /: 'extra' not declared by the schema",
        "at /items/1: 'k' not declared by the schema",
    ]
    assert closed.errors("POST", "/x", {**body, "labels": {"k": 1}})  # the map's own rule still applies
