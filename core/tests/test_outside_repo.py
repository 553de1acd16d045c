"""The kit's tools work for a plugin developed outside this repository (issue 17, defect 5):
no shared directory, no upstream collection, its own recordings and authored files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llmcore_testing import openapi, provenance

SOURCES = """# Cassettes

| file | source |
|---|---|
| `basic.yaml` | recorded by us against the live API with `nox -s record` |
| `authored__rate_limit_429.yaml` | authored from the API reference's error table |
"""


@pytest.fixture
def outside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``<tmp>/llmcore-acme/tests/cassettes`` as a plugin author has it, the cwd; no shared data anywhere."""
    for var in ("LLMCORE_SHARED_DIR", "LLMCORE_UPSTREAM_CASSETTES"):
        monkeypatch.delenv(var, raising=False)
    # the installed llmcore lives in a site-packages with no shared/ next to it
    monkeypatch.setattr(openapi, "__file__", str(tmp_path / "venv" / "site-packages" / "llmcore" / "t" / "openapi.py"))
    d = tmp_path / "llmcore-acme" / "tests" / "cassettes"
    d.mkdir(parents=True)
    (d / "basic.yaml").write_text("interactions: []\nversion: 1\n")
    (d / "authored__rate_limit_429.yaml").write_text("interactions: []\nversion: 1\n")
    (d / "SOURCES.md").write_text(SOURCES)
    monkeypatch.chdir(d)
    return d


def test_provenance_passes_without_upstream_when_nothing_is_converted(
    outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert provenance.main(["."]) == 0
    out = capsys.readouterr().out
    assert "not found" not in out and "error" not in out.replace("0 error(s)", "")
    assert "no converted recording" in out


def test_provenance_findings_name_the_directory(outside: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (outside / "unlisted.yaml").write_text("interactions: []\n")
    assert provenance.main(["."]) == 1
    out = capsys.readouterr().out
    assert "error: llmcore-acme/unlisted.yaml: listing:" in out, out
    assert " /unlisted.yaml" not in out and ": /" not in out


def test_provenance_findings_name_a_directory_of_any_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("LLMCORE_SHARED_DIR", "LLMCORE_UPSTREAM_CASSETTES"):
        monkeypatch.delenv(var, raising=False)
    d = tmp_path / "recordings"
    d.mkdir()
    (d / "basic.yaml").write_text("interactions: []\n")
    monkeypatch.chdir(d)
    assert provenance.main(["."]) == 1  # no SOURCES.md
    out = capsys.readouterr().out
    assert "error: recordings/SOURCES.md: listing: missing" in out, out
    assert ": /" not in out and "\n/" not in out


def test_provenance_still_needs_upstream_for_converted_recordings(
    outside: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (outside / "ruby_llm__chat_basic.yaml").write_text("interactions: []\n")
    with (outside / "SOURCES.md").open("a") as f:
        f.write("| `ruby_llm__chat_basic.yaml` | converted from ruby_llm's recordings |\n")
    assert provenance.main(["."]) == 1
    out = capsys.readouterr().out
    assert "1 converted recording(s) (e.g. llmcore-acme/ruby_llm__chat_basic.yaml) were not compared" in out
    assert "(None)" not in out


def test_a_recording_called_authored_by_hand_is_reported(outside: Path) -> None:
    (outside / "SOURCES.md").write_text(SOURCES.replace("recorded by us against the live API", "authored by hand"))
    report = provenance.check_directory(outside, None)
    assert [(f.file, f.check) for f in report.errors] == [("basic.yaml", "labels")], report.findings
    assert "does not start with 'authored__'" in report.errors[0].message


def test_openapi_shared_dir_needs_no_env_var(outside: Path, tmp_path: Path) -> None:
    assert openapi.shared_dir() is None
    assert openapi.api_spec_path("acme") is None
    check = openapi.spec_validator("acme")
    request: Any = type("R", (), {"method": "POST", "url": None, "content": b"{}"})()
    with pytest.warns(UserWarning, match=r"acme: requests are not validated against an OpenAPI spec: .* not found"):
        check(request)
    assert "LLMCORE_SHARED_DIR" in check.reason  # type: ignore[attr-defined]


def test_spec_validator_validates_when_the_spec_is_there(outside: Path, tmp_path: Path) -> None:
    import httpx

    spec = tmp_path / "acme.json"
    schema = {"type": "object", "required": ["model"], "properties": {"model": {"type": "string"}}}
    spec.write_text(
        json.dumps(
            {
                "openapi": "3.1.0",
                "paths": {"/v1/chat": {"post": {"requestBody": {"content": {"application/json": {"schema": schema}}}}}},
            }
        )
    )
    check = openapi.spec_validator("acme", path=spec)
    check(httpx.Request("POST", "http://acme.test/v1/chat", json={"model": "m"}))
    with pytest.raises(AssertionError, match="'model' is a required property"):
        check(httpx.Request("POST", "http://acme.test/v1/chat", json={"prompt": "x"}))
