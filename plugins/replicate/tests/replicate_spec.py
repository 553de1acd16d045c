"""Validation of what we send against Replicate's official OpenAPI spec
(``<shared>/api-specs/replicate/openapi.json``, downloaded unmodified from
https://api.replicate.com/openapi.json). The shared directory is
``$LLMCORE_SHARED_DIR`` or ``<repo root>/../shared``.

Create-prediction bodies are checked against the operation's request schema
(``additionalProperties: false``, so an unknown field fails); the ``Prefer``
header against its declared pattern.
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC_RELATIVE = Path("api-specs") / "replicate" / "openapi.json"
_BASE = "urn:llmcore:replicate-openapi"


def shared_dir() -> Path:
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared"


@cache
def _spec() -> dict[str, Any]:
    path = shared_dir() / SPEC_RELATIVE
    if not path.is_file():
        pytest.fail(f"Replicate API spec not found at {path}: set LLMCORE_SHARED_DIR", pytrace=False)
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _operation(path: str, method: str) -> dict[str, Any]:
    """The spec operation for a concrete request path below /v1."""
    route = path.removeprefix("/v1")
    for template, ops in _spec()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, route) and method.lower() in ops:
            return ops[method.lower()]  # type: ignore[no-any-return]
    raise AssertionError(f"{method} {path} is not an operation of the Replicate API")


@cache
def _validator(schema_ref: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry = Registry().with_resource(_BASE, Resource.from_contents(_spec(), default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": _BASE + schema_ref}, registry=registry)


def _prefer_pattern() -> str:
    return str(_spec()["components"]["parameters"]["parameters_prefer_header"]["schema"]["pattern"])


def validate_sent(request: Any) -> None:
    """Assert an ``httpx.Request`` we sent to api.replicate.com is valid per the spec."""
    if request.url.host != "api.replicate.com":
        return  # the stream URL is not part of the REST API spec
    op = _operation(request.url.path, request.method)
    prefer = request.headers.get("prefer")
    if prefer is not None:
        assert re.match(_prefer_pattern(), prefer), f"Prefer header {prefer!r} does not match the spec"
    if request.method != "POST":
        assert not request.content, "a GET must not carry a body"
        return
    ref = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    body = json.loads(request.content)
    errors = sorted(_validator(ref).iter_errors(body), key=str)
    assert not errors, f"{request.url.path}: body violates {ref}: {errors[0].message}"
