"""What the conformance kit reports to a plugin author (issue 17, defects 4 and 6).

* a scenario without its case says whether the capability is claimed (never "not claimed"
  for a claimed one); with tools and streaming claimed, a missing
  ``tool_round_trip_stream_case`` is named;
* ``test_errors`` reports every failing error kind, each with what was expected;
* a recording made by llmcore's own recorder is compared with the request sent, whole body.

The provider is ``toy_provider`` (real HTTP over the kit's loopback cassette server).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from llmcore import errors as E
from llmcore import plugins
from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec
from llmcore_testing import cassette_format
from llmcore_testing.cassettes import RECORDED_BY_HEADER
from llmcore_testing.conformance import Case, ErrorCase, ProviderConformance

import toy_provider

TOOLISH = ProviderSpec(
    name="toolish",
    factory="toy_provider:ToyProvider",
    env_keys=("TOOLISH_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(streaming=True, tools=True),
)


class _Plugin:
    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [toy_provider.SPEC, TOOLISH]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    monkeypatch.delenv("LLMCORE_RECORD_MODE", raising=False)
    plugins.reset()
    plugins.register(_Plugin(), "kit-report-toys")
    yield
    plugins.reset()


def _cassette(
    path: Path,
    status: int,
    response: Any,
    *,
    request: Any = None,
    headers: dict[str, str] | None = None,
    marked: bool = False,
) -> None:
    """One interaction POST /v1/chat answering ``status`` with JSON ``response``."""
    req_headers = {"content-type": ["application/json"]}
    if marked:
        req_headers[RECORDED_BY_HEADER] = ["llmcore 0.1.0"]
    body = json.dumps(request if request is not None else {"model": "toy-1", "stream": False, "messages": []})
    path.write_text(
        cassette_format.serialize(
            {
                "interactions": [
                    {
                        "request": {
                            "method": "POST",
                            "uri": "http://127.0.0.1:9/v1/chat",
                            "body": body,
                            "headers": req_headers,
                        },
                        "response": {
                            "status": {"code": status, "message": "x"},
                            "headers": {
                                "content-type": ["application/json"],
                                **{k: [v] for k, v in (headers or {}).items()},
                            },
                            "body": {"string": json.dumps(response)},
                        },
                    }
                ]
            }
        )
    )


# -- defect 4: skip reasons and the claims check ------------------------------------------


def _kit(provider: str, tmp_path: Path, **cases: Any) -> ProviderConformance:
    cls = type("_Kit", (ProviderConformance,), {"provider": provider, "cassette_dir": tmp_path, **cases})
    return cls()  # type: ignore[no-any-return]


def test_a_claimed_capability_is_never_skipped_as_not_claimed(tmp_path: Path) -> None:
    kit = _kit("toolish", tmp_path)
    with pytest.raises(pytest.skip.Exception) as e:
        kit.test_tool_round_trip_stream()
    msg = str(e.value)
    assert "not claimed" not in msg
    assert "claims tools and streaming but has no tool_round_trip_stream_case" in msg
    with pytest.raises(pytest.skip.Exception, match="claims tools but has no tool_call_case"):
        kit.test_tool_call()
    with pytest.raises(pytest.skip.Exception, match=r"no chat_case given"):
        kit.test_chat()
    toy = _kit("toy", tmp_path)  # toy claims streaming only
    with pytest.raises(pytest.skip.Exception, match=r"no tool_call_case \(tools not claimed\)"):
        toy.test_tool_call()
    with pytest.raises(pytest.skip.Exception, match=r"no tool_round_trip_stream_case \(tools and streaming not both"):
        toy.test_tool_round_trip_stream()


def test_claims_check_names_the_missing_streamed_round_trip(tmp_path: Path) -> None:
    for name in ("s.yaml", "t.yaml", "ts.yaml", "rt.yaml"):
        (tmp_path / name).write_text("interactions: []\n")
    req = {"model": "toy-1", "messages": ["hi"]}
    kit = _kit(
        "toolish",
        tmp_path,
        stream_case=Case("s.yaml", req, stream=True),
        tool_call_case=Case("t.yaml", req),
        tool_call_stream_case=Case("ts.yaml", req, stream=True),
        tool_round_trip_case=Case("rt.yaml", req),
    )
    from llmcore_testing.conformance import KitWarning

    with pytest.warns(KitWarning, match="claims tools and streaming but has no tool_round_trip_stream_case"):
        kit.test_capability_claims()


# -- defect 4: test_errors ---------------------------------------------------------------


def test_errors_reports_every_failing_kind_with_what_was_expected(tmp_path: Path) -> None:
    def err(status: int, message: str, **headers: str) -> str:
        name = f"e{status}.yaml"
        _cassette(tmp_path / name, status, {"error": {"message": message, "code": str(status)}}, headers=headers)
        return name

    req = {"model": "toy-1", "messages": ["hi"]}
    kit = _kit(
        "toy",
        tmp_path,
        required_errors=("auth", "not_found", "rate_limit", "context_length", "server"),
        error_cases={
            "auth": ErrorCase(err(401, "bad key"), req, error=E.AuthenticationError, status_code=401),
            # the case expects 400 (a copy-paste slip), the recording is a 404
            "not_found": ErrorCase(err(404, "no such model"), req, error=E.NotFoundError, status_code=400),
            # the recording has no Retry-After
            "rate_limit": ErrorCase(err(429, "slow down"), req, error=E.RateLimitError, expect_retry_after=True),
            "server": ErrorCase(err(503, "overloaded"), req, error=E.AuthenticationError),
        },
    )
    with pytest.raises(AssertionError) as e:
        kit.test_errors()
    msg = str(e.value)
    assert "4 error case problem(s)" in msg, msg
    assert "no recording for error kind 'context_length'" in msg
    assert "not_found (e404.yaml): status_code 404, expected 400 (the case's status_code)" in msg
    assert "rate_limit (e429.yaml): retry_after None, expected the recording's Retry-After" in msg
    assert "server (e503.yaml): " in msg and "expected AuthenticationError" in msg
    assert "auth (" not in msg  # the passing kind is not reported


def test_kit_docstring_documents_the_mandatory_error_kinds() -> None:
    from llmcore_testing import conformance

    doc = conformance.__doc__ or ""
    for kind, error in [
        ("auth", "AuthenticationError"),
        ("not_found", "NotFoundError"),
        ("rate_limit", "RateLimitError"),
        ("context_length", "ContextWindowExceededError"),
        ("server", "ProviderServerError"),
    ]:
        assert f'``"{kind}"``' in doc and error in doc, kind
    assert ProviderConformance.required_errors == ("auth", "not_found", "rate_limit", "context_length", "server")


# -- defect 6: a recording llmcore made is compared whole -----------------------------------


def _chat_kit(
    tmp_path: Path, recorded: dict[str, Any], *, marked: bool, **attrs: Any
) -> tuple[ProviderConformance, Case]:
    _cassette(tmp_path / "chat.yaml", 200, {"text": "hi there", "in": 2, "out": 2}, request=recorded, marked=marked)
    case = Case("chat.yaml", {"model": "toy-1", "messages": ["hello there"], "temperature": 0.5})
    return _kit("toy", tmp_path, **attrs), case


SENT = {"model": "toy-1", "stream": False, "messages": [{"role": "user", "content": "hello there"}]}


def test_a_recording_made_by_llmcore_is_compared_whole(tmp_path: Path) -> None:
    stale = {**SENT, "messages": [{"role": "user", "content": "hello"}], "temperature": 0.5}
    kit, case = _chat_kit(tmp_path, stale, marked=True)
    with pytest.raises(AssertionError) as e:
        kit._ok(case)
    msg = str(e.value)
    assert "chat.yaml was recorded by llmcore, and the request sent now differs from it (2 difference(s)" in msg
    assert "$.messages[0].content: sent 'hello there', recorded 'hello'" in msg
    assert "$.temperature: recorded 0.5, not sent" in msg

    kit, case = _chat_kit(tmp_path, SENT, marked=True)
    assert kit._ok(case).response is not None  # the same body passes

    kit, case = _chat_kit(tmp_path, {**SENT, "messages": []}, marked=True, recorded_body_ignore=("messages",))
    assert kit._ok(case).response is not None  # an ignored field is not compared


def test_a_recording_by_another_client_compares_model_and_stream_only(tmp_path: Path) -> None:
    kit, case = _chat_kit(
        tmp_path, {"model": "toy-1", "messages": [{"role": "user", "content": "other words"}]}, marked=False
    )
    assert kit._ok(case).response is not None
