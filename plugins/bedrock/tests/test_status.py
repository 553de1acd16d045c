"""``llmcore providers list`` status for Bedrock (issue 18 #20, review): ready
only when AWS credentials *and* a region are configured; otherwise it names
what is missing. Checked on the spec and through the CLI, with a clean
environment and ``HOME`` pointed at an empty directory (no ``~/.aws``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llmcore.cli import cli
from llmcore.readiness import is_ready
from llmcore_bedrock import SPEC

_AWS_ENV = (
    "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
    "AWS_BEARER_TOKEN_BEDROCK", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
)  # fmt: skip


@pytest.fixture(autouse=True)
def clean_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in _AWS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))


def test_credentials_without_a_region_are_not_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA" + "EXAMPLE")
    status = SPEC.status()
    assert status == "needs AWS_REGION or AWS_DEFAULT_REGION"
    assert is_ready(status) is False


@pytest.mark.parametrize("var", ["AWS_REGION", "AWS_DEFAULT_REGION"])
def test_credentials_and_a_region_are_ready(monkeypatch: pytest.MonkeyPatch, var: str) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-" + "token")
    monkeypatch.setenv(var, "us-east-1")
    assert SPEC.status() == "ready"


def test_the_profile_region_counts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[profile work]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_PROFILE", "work")
    assert SPEC.status() == "ready"
    monkeypatch.setenv("AWS_PROFILE", "other")  # a profile with no region
    assert SPEC.status() == "needs AWS_REGION or AWS_DEFAULT_REGION"


def test_an_endpoint_naming_a_region_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA" + "EXAMPLE")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "https://bedrock-runtime.us-west-2.amazonaws.com")
    assert SPEC.status() == "ready"


def test_nothing_configured_names_both() -> None:
    assert SPEC.status() == (
        "needs (AWS_ACCESS_KEY_ID or AWS_PROFILE or AWS_BEARER_TOKEN_BEDROCK) and (AWS_REGION or AWS_DEFAULT_REGION)"
    )


def test_providers_list_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA" + "EXAMPLE")
    r = CliRunner().invoke(cli, ["providers", "list", "--json"])
    assert r.exit_code == 0, r.output
    row = next(row for row in json.loads(r.stdout) if row["name"] == "bedrock")
    assert row["ready"] is False and "AWS_REGION" in row["status"]
