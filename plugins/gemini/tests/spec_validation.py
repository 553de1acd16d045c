"""Validation of the request bodies we send against Google's Gemini API spec
(``<shared>/api-specs/gemini/openapi.json``: the official Discovery document of
generativelanguage v1beta converted to OpenAPI 3.0 by tryAGI, see the shared
SOURCES.md). The shared directory is ``$LLMCORE_SHARED_DIR`` or
``<repo root>/../shared``.

OpenAPI 3.0 schemas are validated with a JSON-Schema draft 4 validator
(``$ref`` resolved over the whole document; OpenAPI-only keywords such as
``nullable``/``x-*`` are ignored by it). Objects in this spec do not set
``additionalProperties: false``, so to catch misspelled fields we also walk
the body and require every key to be a property the spec declares.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC_RELATIVE = Path("api-specs") / "gemini" / "openapi.json"
_BASE = "urn:llmcore:gemini-openapi"

#: method suffix of the request path → schema of its body
BODY_SCHEMAS = {
    "generateContent": "GenerateContentRequest",
    "streamGenerateContent": "GenerateContentRequest",
    "countTokens": "CountTokensRequest",
}


def shared_dir() -> Path:
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared"  # <repo root>/../shared


@cache
def _spec() -> dict[str, Any]:
    path = shared_dir() / SPEC_RELATIVE
    if not path.is_file():
        pytest.fail(
            f"Gemini API spec not found at {path}: set LLMCORE_SHARED_DIR to the directory holding {SPEC_RELATIVE}"
        )
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _validator(schema_name: str) -> Any:
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    resource = Resource.from_contents(_spec(), default_specification=DRAFT4)
    registry = Registry().with_resource(_BASE, resource)
    return Draft4Validator({"$ref": f"{_BASE}#/components/schemas/{schema_name}"}, registry=registry)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = _spec()["components"]["schemas"][name]
    return schema


def _unknown_keys(value: Any, schema: dict[str, Any], path: str, out: list[str]) -> None:
    schema = _resolve(schema)
    if isinstance(value, dict):
        props = schema.get("properties")
        if props is None:
            return  # free-form object (args, response, JSON schemas)
        for k, v in value.items():
            if k not in props:
                out.append(f"{path}.{k}")
            else:
                _unknown_keys(v, props[k], f"{path}.{k}", out)
    elif isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            _unknown_keys(v, schema["items"], f"{path}[{i}]", out)


def validate_body(body: Any, schema_name: str) -> None:
    """Assert ``body`` is a valid ``schema_name`` and uses only declared fields."""
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"request does not match {schema_name}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in errors[:5]
    )
    unknown: list[str] = []
    _unknown_keys(body, {"$ref": f"#/components/schemas/{schema_name}"}, "", unknown)
    assert not unknown, f"fields not in the {schema_name} schema: {unknown}"


def validate_sent(request: Any) -> None:
    """Validate one sent ``httpx.Request`` whose path ends in a known method."""
    method = request.url.path.rsplit(":", 1)[-1]
    schema = BODY_SCHEMAS.get(method)
    assert schema is not None, f"unexpected request path {request.url.path}"
    validate_body(json.loads(request.content), schema)
