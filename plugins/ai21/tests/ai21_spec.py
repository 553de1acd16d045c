"""Validate the bodies we send to ``/studio/v1/chat/completions`` against AI21's OpenAPI spec.

The spec is ``<shared>/api-specs/ai21/openapi.json`` (AI21's own
https://api.ai21.com/openapi.json, OpenAPI 3.1, vendored unmodified by
tryAGI/AI21), ``<shared>`` being ``$LLMCORE_SHARED_DIR`` or
``<repo root>/../shared``. Loaded once per process; ``$ref``\\ s resolve over
the whole document (``openapi-schema-validator``'s OAS 3.1 validator).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC = Path("api-specs") / "ai21" / "openapi.json"
_URN = "urn:llmcore:ai21-openapi"


def shared_dir() -> Path:
    env = os.environ.get("LLMCORE_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared"


@cache
def _validator() -> Any:
    from openapi_schema_validator import OAS31Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    path = shared_dir() / SPEC
    if not path.is_file():
        pytest.fail(
            f"AI21's API spec is not at {path}: set LLMCORE_SHARED_DIR to the directory holding {SPEC}", pytrace=False
        )
    doc = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry().with_resource(_URN, Resource.from_contents(doc, default_specification=DRAFT202012))
    return OAS31Validator({"$ref": f"{_URN}#/components/schemas/ChatRequest"}, registry=registry)


def spec_errors(body: Any, any_model: bool = False) -> list[str]:
    """Violations of the ``ChatRequest`` schema (empty when valid). With
    ``any_model`` the model name is not checked against the spec's enum (the
    vendored spec lists the models of its day; tests also send unknown names
    on purpose)."""
    from jsonschema.exceptions import best_match

    if any_model and isinstance(body, dict):
        body = {**body, "model": "jamba-mini"}
    errors = list(_validator().iter_errors(body))
    if not errors:
        return []
    best = best_match(errors)
    return [f"{'/'.join(map(str, best.absolute_path)) or '<body>'}: {best.message[:300]}"]


def validate_request(request: Any) -> None:
    """Assert an ``httpx.Request`` we sent carries a spec-valid body."""
    assert request.url.path == "/studio/v1/chat/completions", request.url.path
    problems = spec_errors(json.loads(request.content), any_model=True)
    assert not problems, "body violates AI21's ChatRequest schema: " + "; ".join(problems)
