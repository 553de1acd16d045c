"""Validate the request bodies a provider sends against the provider's OpenAPI spec.

Plugins whose provider publishes an OpenAPI document (``<shared>/api-specs/<provider>/``)
check every request their tests send against it::

    from llmcore_testing.openapi import spec_validator

    class TestTogetherConformance(ProviderConformance):
        validate_request = staticmethod(spec_validator("together"))

* :func:`spec_validator` returns that check for ``<shared>/api-specs/<provider>/openapi.yaml``
  (or a ``path=`` of the plugin's own); where no spec is found (a plugin outside this
  repository, no ``LLMCORE_SHARED_DIR``) requests are not validated, and one warning
  says why, instead of the tests failing.
* :func:`shared_dir` finds the shared data directory: ``$LLMCORE_SHARED_DIR``, else a
  ``shared/`` directory holding ``api-specs/`` next to an ancestor of the current
  directory or of this file; ``None`` when there is none.
* :func:`load_spec` parses a spec (YAML or JSON) once per process.
* :meth:`OpenAPISpec.validate_request` picks the operation whose path template the
  request path ends with (``/v1/chat/completions`` matches a spec path
  ``/chat/completions``: servers differ in what they put in the base URL) and
  checks the JSON body against its ``application/json`` request schema;
  violations raise ``AssertionError`` listing each one.
* :meth:`OpenAPISpec.errors` returns the violations instead (empty when valid), for
  tests that assert a body is rejected.
* ``load_spec(path, closed=True)`` also rejects object keys a schema does not declare,
  for specs that never say ``additionalProperties: false`` (misspelled fields would
  pass unnoticed); a schema with ``additionalProperties``, ``patternProperties`` or
  ``unevaluatedProperties`` keeps its own rule. Not for specs that split one object's
  properties over ``allOf`` branches.

OpenAPI semantics on top of JSON Schema 2020-12 (3.0 and 3.1 documents alike):
``nullable: true`` also admits ``null`` (next to ``type``, ``enum``, ``oneOf``,
``anyOf`` or ``allOf``: Groq's assistant ``content`` is a nullable ``oneOf``); a ``oneOf``/``anyOf`` with a
``discriminator`` means "a branch matches" (JSON Schema's ``oneOf`` wrongly fails
when branches overlap). Needs ``jsonschema`` (a dependency of llmcore-testing).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["OpenAPISpec", "api_spec_path", "load_spec", "shared_dir", "spec_validator"]

_URN = "urn:llmcore:openapi"


def shared_dir() -> Path | None:
    """``$LLMCORE_SHARED_DIR``, else the ``shared`` directory (one holding ``api-specs/``) next to
    an ancestor of the current directory or of this file; ``None`` when there is none (a plugin
    developed outside this repository: :func:`spec_validator` then skips validation, saying why)."""
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    for start in (Path.cwd(), Path(__file__).resolve()):
        for d in (start, *start.parents):
            if (d.parent / "shared" / "api-specs").is_dir():
                return d.parent / "shared"
    return None


def api_spec_path(provider: str, file: str = "openapi.yaml") -> Path | None:
    """``<shared>/api-specs/<provider>/<file>`` when that file exists, else ``None``."""
    shared = shared_dir()
    path = shared / "api-specs" / provider / file if shared is not None else None
    return path if path is not None and path.is_file() else None


def spec_validator(
    provider: str,
    file: str = "openapi.yaml",
    *,
    path: str | os.PathLike[str] | None = None,
    closed: bool = False,
) -> Callable[[Any], None]:
    """A ``validate_request`` for the conformance kit: each sent request's JSON body is checked
    against ``path`` (default: :func:`api_spec_path` of ``provider`` and ``file``), parsed once.
    When there is no spec, the returned check does nothing and warns once (``UserWarning``)
    saying which file was looked for and how to provide it."""
    import warnings

    found = Path(path) if path is not None else api_spec_path(provider, file)
    if found is not None and found.is_file():
        spec_file = found

        def validate(request: Any) -> None:
            load_spec(spec_file, closed=closed).validate_request(request)

        return validate
    shared = shared_dir()
    looked = (
        str(found)
        if found is not None
        else (
            f"{shared / 'api-specs' / provider / file}"
            if shared is not None
            else f"api-specs/{provider}/{file} (no shared directory: LLMCORE_SHARED_DIR is not set)"
        )
    )
    reason = (
        f"{provider}: requests are not validated against an OpenAPI spec: {looked} not found "
        "(set LLMCORE_SHARED_DIR to the directory holding api-specs/, or pass path=)"
    )
    warned: list[bool] = []

    def skip(request: Any) -> None:
        if not warned:
            warned.append(True)
            warnings.warn(reason, UserWarning, stacklevel=2)

    skip.reason = reason  # type: ignore[attr-defined]  # for a test or a report to show
    return skip


_OPEN_KEYWORDS = ("additionalProperties", "patternProperties", "unevaluatedProperties")


def _validator_class(closed: bool = False) -> Any:
    from jsonschema import Draft202012Validator, ValidationError, validators

    base = Draft202012Validator.VALIDATORS
    any_of, one_of, type_, enum = base["anyOf"], base["oneOf"], base["type"], base["enum"]
    properties = base["properties"]

    def oneof(validator: Any, subschemas: Any, instance: Any, schema: Any) -> Any:
        rule = any_of if isinstance(schema, dict) and "discriminator" in schema else one_of
        yield from rule(validator, subschemas, instance, schema)

    def nullable(rule: Any) -> Any:
        def check(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
            if instance is None and isinstance(schema, dict) and schema.get("nullable") is True:
                return
            yield from rule(validator, value, instance, schema)

        return check

    def closed_properties(validator: Any, declared: Any, instance: Any, schema: Any) -> Any:
        yield from properties(validator, declared, instance, schema)
        if validator.is_type(instance, "object") and not any(k in schema for k in _OPEN_KEYWORDS):
            extra = [k for k in instance if k not in declared]
            if extra:
                yield ValidationError(f"{', '.join(map(repr, extra))} not declared by the schema")

    rules = {
        "oneOf": nullable(oneof),
        "anyOf": nullable(any_of),
        "allOf": nullable(base["allOf"]),
        "type": nullable(type_),
        "enum": nullable(enum),
    }
    if closed:
        rules["properties"] = closed_properties
    return validators.extend(Draft202012Validator, rules)


class OpenAPISpec:
    """One parsed OpenAPI document; validators are built once per operation.
    ``closed``: object keys a schema does not declare are violations (see the module doc)."""

    def __init__(self, doc: dict[str, Any], name: str = "spec", *, closed: bool = False) -> None:
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        self.doc = doc
        self.name = name
        self._registry: Any = Registry().with_resource(_URN, DRAFT202012.create_resource(doc))
        self._cls = _validator_class(closed)
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

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]]:
        """The path template ``path`` ends with and its ``method`` operation object;
        ``AssertionError`` when the spec has no such operation."""
        tpl = self.operation_path(path)
        if tpl is None:
            raise AssertionError(f"{self.name}: no operation for {path}")
        op = (self.doc["paths"][tpl] or {}).get(method.lower())
        if not op:
            raise AssertionError(f"{self.name}: no {method.upper()} {tpl}")
        return tpl, op

    def _validator(self, method: str, path: str) -> Any:
        tpl, op = self.operation(method, path)
        key = (method.lower(), tpl)
        if key not in self._validators:
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

    def errors(self, method: str, path: str, body: Any) -> list[str]:
        """How ``body`` violates the operation's request schema, one ``at /<pointer>: <message>``
        line per violation (sorted by where); empty when it is valid. An unknown operation
        still raises ``AssertionError``."""
        found = sorted(self._validator(method, path).iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        return [f"at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in found]

    def validate_body(self, method: str, path: str, body: Any) -> None:
        """Raise ``AssertionError`` listing how ``body`` violates the operation's schema."""
        errors = self.errors(method, path, body)
        if errors:
            lines = [f"  {line}" for line in errors[:10]]
            raise AssertionError(f"{self.name}: {method.upper()} {path} body violates the spec:\n" + "\n".join(lines))

    def validate_request(self, request: Any) -> None:
        """Validate a sent ``httpx.Request``'s JSON body."""
        self.validate_body(request.method, request.url.path, json.loads(request.content))


@functools.cache
def load_spec(path: str | os.PathLike[str], *, closed: bool = False) -> OpenAPISpec:
    """Parse the spec at ``path`` (YAML or JSON) once per process (per ``closed``)."""
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
    return OpenAPISpec(doc, name=p.parent.name or p.name, closed=closed)
