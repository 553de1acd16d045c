"""Validation of the request bodies we send against Anthropic's official API
spec (``<shared>/api-specs/anthropic/openapi.yaml``, JSON content despite the
name). The shared directory is ``$LLMCORE_SHARED_DIR`` or ``<repo root>/../shared``.

The spec is loaded once per process; ``$ref``\\ s are resolved with
``referencing`` over the whole document.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC_RELATIVE = Path("api-specs") / "anthropic" / "openapi.yaml"
_BASE = "urn:llmcore:anthropic-openapi"

#: request path → schema of its body
BODY_SCHEMAS = {
    "/v1/messages": "CreateMessageParams",
    "/v1/messages/count_tokens": "CountMessageTokensParams",
}


def shared_dir() -> Path:
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared"  # <repo root>/../shared


def spec_path() -> Path:
    return shared_dir() / SPEC_RELATIVE


@cache
def _validators() -> dict[str, Any]:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    path = spec_path()
    if not path.is_file():
        pytest.fail(
            f"Anthropic API spec not found at {path}: set LLMCORE_SHARED_DIR to the directory holding "
            f"{SPEC_RELATIVE} (default: <repo root>/../shared)",
            pytrace=False,
        )
    doc = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resource(_BASE, Resource.from_contents(doc, default_specification=DRAFT202012))
    return {
        route: Draft202012Validator({"$ref": f"{_BASE}#/components/schemas/{name}"}, registry=registry)
        for route, name in BODY_SCHEMAS.items()
    }


def schema_errors(path: str, body: Any) -> list[str]:
    """Spec violations of ``body`` sent to ``path`` (empty when valid)."""
    from jsonschema.exceptions import best_match

    route = path.rstrip("/")
    validator = _validators().get(route)
    if validator is None:
        return [f"no request schema known for {route}"]
    errors = list(validator.iter_errors(body))
    if not errors:
        return []
    best = best_match(errors)
    where = "/".join(str(p) for p in best.absolute_path) or "<body>"
    return [f"{where}: {best.message[:300]}", *[e.message[:120] for e in errors if e is not best][:5]]


def validate_sent(request: Any) -> None:
    """Assert an ``httpx.Request`` we sent carries a spec-valid JSON body."""
    body = json.loads(request.content)
    problems = schema_errors(request.url.path, body)
    assert not problems, f"{request.url.path} body violates the Anthropic API spec: " + "; ".join(problems)
