"""Validate the request bodies a provider sends against the provider's OpenAPI spec.

Plugins whose provider publishes an OpenAPI document (``<shared>/api-specs/<provider>/``)
check every request their tests send against it::

    from llmcore.testing.openapi import load_spec, shared_dir

    SPEC = shared_dir() / "api-specs" / "together" / "openapi.yaml"

    class TestTogetherConformance(ProviderConformance):
        def validate_request(self, request):
            load_spec(SPEC).validate_request(request)

* :func:`shared_dir` finds the shared data directory: ``$LLMCORE_SHARED_DIR``, else
  ``shared/`` next to the repository that holds the calling code.
* :func:`load_spec` parses a spec (YAML or JSON) once per process.
* :meth:`OpenAPISpec.validate_request` picks the operation whose path template the
  request path ends with (``/v1/chat/completions`` matches a spec path
  ``/chat/completions``: servers differ in what they put in the base URL) and
  checks the JSON body against its ``application/json`` request schema;
  violations raise ``AssertionError`` listing each one.

OpenAPI semantics on top of JSON Schema 2020-12 (3.0 and 3.1 documents alike):
``nullable: true`` also admits ``null`` (next to ``type``, ``enum``, ``oneOf``,
``anyOf`` or ``allOf``: Groq's assistant ``content`` is a nullable ``oneOf``); a ``oneOf``/``anyOf`` with a
``discriminator`` means "a branch matches" (JSON Schema's ``oneOf`` wrongly fails
when branches overlap). Needs ``jsonschema`` (``pip install 'llmcore[testing]'``).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["OpenAPISpec", "load_spec", "shared_dir"]

_URN = "urn:llmcore:openapi"


def shared_dir() -> Path:
    """``$LLMCORE_SHARED_DIR``, else the ``shared`` directory next to the repository
    (found upward from the current directory or from this file)."""
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    for start in (Path.cwd(), Path(__file__).resolve()):
        for d in (start, *start.parents):
            if (d.parent / "shared" / "api-specs").is_dir():
                return d.parent / "shared"
    raise FileNotFoundError("the shared data directory was not found: set LLMCORE_SHARED_DIR")


def _validator_class() -> Any:
    from jsonschema import Draft202012Validator, validators

    base = Draft202012Validator.VALIDATORS
    any_of, one_of, type_, enum = base["anyOf"], base["oneOf"], base["type"], base["enum"]

    def oneof(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Any:
        rule = any_of if isinstance(schema, dict) and "discriminator" in schema else one_of
        yield from rule(validator, subschemas, instance, schema)

    def nullable(rule: Any) -> Any:
        def check(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
            if instance is None and isinstance(schema, dict) and schema.get("nullable") is True:
                return
            yield from rule(validator, value, instance, schema)

        return check

    return validators.extend(
        Draft202012Validator,
        {"oneOf": nullable(oneof), "anyOf": nullable(any_of), "allOf": nullable(base["allOf"]),
         "type": nullable(type_), "enum": nullable(enum)},
    )


class OpenAPISpec:
    """One parsed OpenAPI document; validators are built once per operation."""

    def __init__(self, doc: dict[str, Any], name: str = "spec") -> None:
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        self.doc = doc
        self.name = name
        self._registry: Any = Registry().with_resource(_URN, DRAFT202012.create_resource(doc))
        self._cls = _validator_class()
        self._validators: dict[tuple[str, str], Any] = {}
        self._templates = [
            (tpl, re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(tpl.rstrip("/"))) + "/?$"))
            for tpl in sorted(doc.get("paths") or {}, key=len, reverse=True)
        ]

    def operation_path(self, path: str) -> str | None:
        """The spec's path template that ``path`` ends with (longest first)."""
        for tpl, rx in self._templates:
            if rx.search(path):
                return tpl
        return None

    def _validator(self, method: str, path: str) -> Any:
        tpl = self.operation_path(path)
        if tpl is None:
            raise AssertionError(f"{self.name}: no operation for {path}")
        key = (method.lower(), tpl)
        if key not in self._validators:
            op = (self.doc["paths"][tpl] or {}).get(key[0])
            if not op:
                raise AssertionError(f"{self.name}: no {method.upper()} {tpl}")
            pointer = ["paths", tpl, key[0], "requestBody"]
            body = op.get("requestBody") or {}
            if "$ref" in body:
                pointer = [seg.replace("~1", "/").replace("~0", "~") for seg in body["$ref"].lstrip("#/").split("/")]
                body = self._resolve(body["$ref"])
            schema = ((body.get("content") or {}).get("application/json") or {}).get("schema")
            if schema is None:
                raise AssertionError(f"{self.name}: {method.upper()} {tpl} has no JSON request body")
            # point into the document, so the schema's own "#/components/..." refs resolve
            pointer += ["content", "application/json", "schema"]
            ref = "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in pointer)
            self._validators[key] = self._cls({"$ref": f"{_URN}{ref}"}, registry=self._registry)
        return self._validators[key]

    def _resolve(self, ref: str) -> Any:
        node: Any = self.doc
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def validate_body(self, method: str, path: str, body: Any) -> None:
        """Raise ``AssertionError`` listing how ``body`` violates the operation's schema."""
        errors = sorted(self._validator(method, path).iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10]]
            raise AssertionError(f"{self.name}: {method.upper()} {path} body violates the spec:\n" + "\n".join(lines))

    def validate_request(self, request: Any) -> None:
        """Validate a sent ``httpx.Request``'s JSON body."""
        self.validate_body(request.method, request.url.path, json.loads(request.content))


@functools.cache
def load_spec(path: str | os.PathLike[str]) -> OpenAPISpec:
    """Parse the spec at ``path`` (YAML or JSON) once per process."""
    import yaml

    try:
        from yaml import CSafeLoader as Loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as Loader  # type: ignore[assignment]
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(
            f"OpenAPI spec not found at {p}: set LLMCORE_SHARED_DIR to the directory holding api-specs/"
        )
    text = p.read_text(encoding="utf-8")
    doc = json.loads(text) if text.lstrip().startswith("{") else yaml.load(text, Loader=Loader)
    return OpenAPISpec(doc, name=p.parent.name or p.name)
