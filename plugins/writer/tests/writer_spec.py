"""Validate the bodies we send to ``POST /v1/chat`` against Writer's OpenAPI spec.

The spec is ``<shared>/api-specs/writer/openapi.yaml`` (OpenAPI 3.0.3, Stainless-hosted,
vendored by tryAGI/Writer), ``<shared>`` being ``$LLMCORE_SHARED_DIR`` or
``<repo root>/../shared``. It is loaded once per process; ``$ref``\\ s resolve
over the whole document with ``openapi-schema-validator``'s OAS 3.0 validator,
extended so that ``nullable: true`` also admits ``null`` on a schema that has
``oneOf`` but no ``type`` (OpenAPI 3.0.3: "a true value adds null to the
allowed values"; the validator applies it only next to ``type``) — Writer's
``chat_message.content`` is such a schema.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

SPEC = Path("api-specs") / "writer" / "openapi.yaml"
_URN = "urn:llmcore:writer-openapi"


def shared_dir() -> Path:
    env = os.environ.get("LLMCORE_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared"


@cache
def _validator() -> Any:
    import yaml
    from openapi_schema_validator import OAS30Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    path = shared_dir() / SPEC
    if not path.is_file():
        pytest.fail(
            f"Writer's API spec is not at {path}: set LLMCORE_SHARED_DIR to the directory holding {SPEC}", pytrace=False
        )
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    registry = Registry().with_resource(_URN, Resource.from_contents(doc, default_specification=DRAFT4))
    from jsonschema import validators

    one_of = OAS30Validator.VALIDATORS["oneOf"]

    def nullable_one_of(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Any:
        if instance is None and schema.get("nullable") is True:
            return
        yield from one_of(validator, subschemas, instance, schema)

    cls = validators.extend(OAS30Validator, {"oneOf": nullable_one_of})
    return cls({"$ref": f"{_URN}#/components/schemas/chat_request"}, registry=registry)


def spec_errors(body: Any) -> list[str]:
    """Violations of the ``chat_request`` schema (empty when valid)."""
    from jsonschema.exceptions import best_match

    errors = list(_validator().iter_errors(body))
    if not errors:
        return []
    best = best_match(errors)
    return [f"{'/'.join(map(str, best.absolute_path)) or '<body>'}: {best.message[:300]}"]


def validate_request(request: Any) -> None:
    """Assert an ``httpx.Request`` to ``/v1/chat`` carries a spec-valid body."""
    assert request.url.path == "/v1/chat", request.url.path
    problems = spec_errors(json.loads(request.content))
    assert not problems, "body violates Writer's chat_request schema: " + "; ".join(problems)
