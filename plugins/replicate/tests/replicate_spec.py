"""Validation of what we send against Replicate's official OpenAPI spec
(``<shared>/api-specs/replicate/openapi.json``, downloaded unmodified from
https://api.replicate.com/openapi.json), with :mod:`llmcore_testing.openapi`.

Every request to api.replicate.com must be an operation of the spec; create-prediction
bodies are checked against the operation's request schema (``additionalProperties:
false``, so an unknown field fails); the ``Prefer`` header against its declared pattern.
"""

from __future__ import annotations

import re
from typing import Any

from llmcore_testing.openapi import load_spec, shared_dir

SPEC = shared_dir() / "api-specs" / "replicate" / "openapi.json"


def validate_sent(request: Any) -> None:
    """Assert an ``httpx.Request`` we sent to api.replicate.com is valid per the spec."""
    if request.url.host != "api.replicate.com":
        return  # the stream URL is not part of the REST API spec
    spec = load_spec(SPEC)
    spec.operation(request.method, request.url.path)
    prefer = request.headers.get("prefer")
    if prefer is not None:
        pattern = spec.doc["components"]["parameters"]["parameters_prefer_header"]["schema"]["pattern"]
        assert re.match(pattern, prefer), f"Prefer header {prefer!r} does not match the spec"
    if request.method != "POST":
        assert not request.content, "a GET must not carry a body"
        return
    spec.validate_request(request)
