from __future__ import annotations

import email.utils
import pickle
import time

import pytest
from llmcore import errors as E
from llmcore.http import error_for_status, parse_retry_after


@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [
        (400, E.InvalidRequestError, False),
        (401, E.AuthenticationError, False),
        (403, E.PermissionDeniedError, False),
        (404, E.NotFoundError, False),
        (413, E.ContextWindowExceededError, False),
        (422, E.InvalidRequestError, False),
        (429, E.RateLimitError, True),
        (500, E.ProviderServerError, True),
        (503, E.ProviderServerError, True),
        (529, E.ProviderServerError, True),
    ],
)
def test_status_mapping(status: int, cls: type[E.LLMCoreError], retryable: bool) -> None:
    err = error_for_status(status, "msg", provider="p", headers={"x-request-id": "req_1"})
    assert type(err) is cls
    assert err.is_retryable is retryable
    assert err.status_code == status and err.provider == "p" and err.request_id == "req_1"
    assert str(err) == f"[p {status}] msg (request id: req_1)"


def test_retry_after_forms() -> None:
    assert parse_retry_after({"retry-after": "12"}) == 12.0
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    future = email.utils.formatdate(time.time() + 30, usegmt=True)
    v = parse_retry_after({"retry-after": future})
    assert v is not None and 25 <= v <= 31
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "-3"}) == 0.0


def test_keys_are_redacted_everywhere() -> None:
    key = "sk-proj-" + "Ab3" * 15
    E.register_secret("custom-secret-value-42")
    err = E.AuthenticationError(
        f"Incorrect API key provided: {key}; also custom-secret-value-42",
        provider="openai",
        raw=f'{{"error": "bad key {key}"}}',
    )
    for text in (str(err), repr(err), err.message, str(err.raw)):
        assert key not in text
        assert "custom-secret-value-42" not in text
        assert "[REDACTED]" in text


def test_short_dummy_keys_are_not_registered() -> None:
    E.register_secret("EMPTY")
    assert E.redact("EMPTY response") == "EMPTY response"


def test_errors_pickle_with_attributes() -> None:
    err = E.RateLimitError("slow", provider="p", status_code=429, retry_after=3.0)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is E.RateLimitError and back.retry_after == 3.0 and back.provider == "p"
    assert back.is_retryable


def test_context_window_is_an_invalid_request() -> None:
    assert issubclass(E.ContextWindowExceededError, E.InvalidRequestError)
    assert issubclass(E.UnsupportedFeatureError, E.InvalidRequestError)
