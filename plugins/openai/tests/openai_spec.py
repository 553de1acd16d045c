"""Validate the request bodies we send against OpenAI's official OpenAPI spec.

The spec is ``<shared>/api-specs/openai/openapi.yaml`` where ``<shared>`` is
``$LLMCORE_SHARED_DIR`` or ``<repo root>/../shared``. It is loaded once per
process (libyaml's CSafeLoader) and ``$ref``s are resolved with the
``referencing`` library (the spec is OpenAPI 3.1, i.e. JSON Schema 2020-12).

OpenAPI's ``oneOf`` + ``discriminator`` means "the branch the discriminator
names"; JSON Schema's ``oneOf`` means "exactly one branch matches", which
wrongly fails when branches overlap (a user message with a content list is
both an ``EasyInputMessage`` and an ``InputMessage``). So a ``oneOf`` that has
a ``discriminator`` is checked as "at least one branch matches"; every other
keyword keeps its JSON Schema meaning.

Endpoint → schema: ``…/chat/completions`` → ``CreateChatCompletionRequest``,
``…/responses`` → ``CreateResponse``, ``…/responses/input_tokens`` →
``TokenCountsBody``.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

__all__ = ["spec_path", "validate_openai_body", "validate_openai_request", "SCHEMA_FOR_PATH"]

SCHEMA_FOR_PATH = {
    "/chat/completions": "CreateChatCompletionRequest",
    "/responses/input_tokens": "TokenCountsBody",
    "/responses": "CreateResponse",
    "/embeddings": "CreateEmbeddingRequest",
}
_URN = "urn:openai:openapi"


def spec_path() -> Path:
    """Where the OpenAI spec is; a clear failure when the shared dir is missing."""
    shared = os.environ.get("LLMCORE_SHARED_DIR")
    base = Path(shared) if shared else Path(__file__).resolve().parents[3].parent / "shared"
    path = base / "api-specs" / "openai" / "openapi.yaml"
    if not path.is_file():
        raise FileNotFoundError(
            f"OpenAI's OpenAPI spec is not at {path}: set LLMCORE_SHARED_DIR to the directory holding "
            "api-specs/ (it sits next to the repository as ../shared)"
        )
    return path


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    import yaml
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    with spec_path().open(encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Loader)
    return Registry().with_resource(_URN, Resource(contents=doc, specification=DRAFT202012))


@functools.lru_cache(maxsize=1)
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    anyOf, oneOf = Draft202012Validator.VALIDATORS["anyOf"], Draft202012Validator.VALIDATORS["oneOf"]

    def one_of(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Any:
        rule = anyOf if isinstance(schema, dict) and "discriminator" in schema else oneOf
        yield from rule(validator, subschemas, instance, schema)

    return validators.extend(Draft202012Validator, {"oneOf": one_of})


@functools.lru_cache(maxsize=8)
def _validator(schema_name: str) -> Any:
    return _validator_class()({"$ref": f"{_URN}#/components/schemas/{schema_name}"}, registry=_registry())


def schema_for(path: str) -> str | None:
    """The component schema name for a request path, or ``None``."""
    for suffix, name in SCHEMA_FOR_PATH.items():
        if path.rstrip("/").endswith(suffix):
            return name
    return None


def validate_openai_body(schema_name: str, body: Any) -> None:
    """Raise ``AssertionError`` listing every violation of ``schema_name`` by ``body``."""
    errors = sorted(_validator(schema_name).iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10]]
        raise AssertionError(f"request body violates OpenAI's {schema_name}:\n" + "\n".join(lines))


def validate_openai_request(request: Any) -> None:
    """Validate a sent ``httpx.Request`` whose path maps to a known schema."""
    name = schema_for(request.url.path)
    if name is None:
        raise AssertionError(f"no OpenAI request schema known for {request.url.path}")
    validate_openai_body(name, json.loads(request.content))
