"""HTTP error bodies → typed errors (the recorded ones run in the kit's
error cases; these cover the mapping table and header/body variants)."""

from __future__ import annotations

import json

import pytest
from llmcore import errors as E
from llmcore_bedrock.errors import error_from_http


def _err(status: int, message: str, etype: str | None = None, *, body_type: str | None = None) -> E.LLMCoreError:
    headers = {"x-amzn-requestid": "req-1"}
    if etype:
        headers["x-amzn-errortype"] = f"{etype}:http://internal.amazon.com/coral/com.amazon.bedrock/"
    body: dict[str, str] = {"message": message}
    if body_type:
        body["__type"] = body_type
    return error_from_http(status, json.dumps(body).encode(), headers, "bedrock")


@pytest.mark.parametrize(
    ("status", "etype", "message", "cls"),
    [
        (400, "ValidationException", "Malformed input request", E.InvalidRequestError),
        (400, "ValidationException", "Input is too long for requested model.", E.ContextWindowExceededError),
        (
            400,
            "ValidationException",
            "prompt is too long: 215337 tokens > 200000 maximum",
            E.ContextWindowExceededError,
        ),
        (400, "ValidationException", "The provided model identifier is invalid.", E.NotFoundError),
        (400, "ServiceQuotaExceededException", "Too many tokens per day", E.RateLimitError),
        (403, "AccessDeniedException", "You don't have access to the model", E.PermissionDeniedError),
        (
            403,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            E.AuthenticationError,
        ),
        (403, "InvalidSignatureException", "The request signature we calculated does not match", E.AuthenticationError),
        (403, "ExpiredTokenException", "The security token included in the request is expired", E.AuthenticationError),
        (404, "ResourceNotFoundException", "Model not found", E.NotFoundError),
        (408, "ModelTimeoutException", "Model timed out", E.ProviderTimeoutError),
        (424, "ModelErrorException", "The model failed", E.ProviderServerError),
        (429, "ThrottlingException", "Too many requests", E.RateLimitError),
        (429, "ModelNotReadyException", "Model is not ready", E.ProviderServerError),
        (500, "InternalServerException", "Internal failure", E.ProviderServerError),
        (503, "ServiceUnavailableException", "Unavailable", E.ProviderServerError),
        (400, None, "Input is too long for requested model.", E.ContextWindowExceededError),
        (400, None, "The provided model identifier is invalid.", E.NotFoundError),
        (403, None, "Forbidden", E.PermissionDeniedError),
        (502, None, "Bad gateway", E.ProviderServerError),
    ],
)
def test_error_mapping(status: int, etype: str | None, message: str, cls: type[E.LLMCoreError]) -> None:
    err = _err(status, message, etype)
    assert type(err) is cls
    assert (err.status_code, err.code, err.message, err.request_id) == (status, etype, message, "req-1")
    assert err.provider == "bedrock"


def test_error_type_from_the_body_and_non_json_bodies() -> None:
    err = _err(403, "bad token", body_type="com.amazon.coral.service#UnrecognizedClientException")
    assert type(err) is E.AuthenticationError and err.code == "UnrecognizedClientException"
    plain = error_from_http(502, b"<html>Bad Gateway</html>", {}, "bedrock")
    assert type(plain) is E.ProviderServerError and "Bad Gateway" in plain.message
    empty = error_from_http(500, b"", {}, "bedrock")
    assert empty.message == "HTTP 500"


def test_retryability() -> None:
    assert _err(429, "x", "ThrottlingException").is_retryable
    assert _err(503, "x", "ServiceUnavailableException").is_retryable
    assert not _err(400, "x", "ValidationException").is_retryable
