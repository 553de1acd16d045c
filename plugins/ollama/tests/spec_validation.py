"""Validation of the request bodies we send against Ollama's official OpenAPI
spec (``<shared>/api-specs/ollama/openapi.yaml``, OpenAPI 3.1). The
shared directory is ``$LLMCORE_SHARED_DIR`` or ``<repo root>/../shared``.

Bodies are checked against the operations' request schemas
(``POST /api/chat``: ``ChatRequest``) with
``openapi-schema-validator``'s OAS 3.1 validator; ``$ref``\\ s are resolved
over the whole document. The spec is loaded once per process.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC_RELATIVE = Path("api-specs") / "ollama" / "openapi.yaml"
_BASE = "urn:llmcore:ollama-openapi"
#: request path → JSON pointer of its body schema in the spec
BODY_SCHEMAS = {
    "/api/chat": "/components/schemas/ChatRequest",
}


def shared_dir() -> Path:
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared"  # <repo root>/../shared


@cache
def _validators() -> dict[str, Any]:
    import yaml
    from openapi_schema_validator import OAS31Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    path = shared_dir() / SPEC_RELATIVE
    if not path.is_file():
        pytest.fail(
            f"Ollama API spec not found at {path}: set LLMCORE_SHARED_DIR to the directory holding "
            f"{SPEC_RELATIVE} (default: <repo root>/../shared)",
            pytrace=False,
        )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    registry = Registry().with_resource(_BASE, Resource.from_contents(doc, default_specification=DRAFT202012))
    return {
        route: OAS31Validator({"$ref": f"{_BASE}#{pointer}"}, registry=registry)
        for route, pointer in BODY_SCHEMAS.items()
    }


def schema_errors(path: str, body: Any) -> list[str]:
    """Spec violations of ``body`` sent to ``path`` (empty when valid)."""
    from jsonschema.exceptions import best_match

    validator = _validators().get(path.rstrip("/"))
    if validator is None:
        return [f"no request schema known for {path}"]
    errors = list(validator.iter_errors(body))
    if not errors:
        return []
    best = best_match(errors)
    where = "/".join(str(p) for p in best.absolute_path) or "<body>"
    return [f"{where}: {best.message[:300]}", *[e.message[:120] for e in errors if e is not best][:5]]


def validate_chat_request(request: Any) -> None:
    """Assert an ``httpx.Request`` we sent carries a spec-valid JSON body."""
    body = json.loads(request.content)
    problems = schema_errors(request.url.path, body)
    assert not problems, f"{request.url.path} body violates the Ollama API spec: " + "; ".join(problems)
