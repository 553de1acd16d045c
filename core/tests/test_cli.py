from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from llmcore.cli import cli
from llmcore.plugins import register, reset


@pytest.fixture(autouse=True)
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    import toy_provider

    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    monkeypatch.delenv("TOY_API_KEY", raising=False)
    reset()
    register(toy_provider.plugin, "toy")
    yield
    reset()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args), input=input)
    return r.exit_code, r.stdout, r.stderr


def test_providers_list_table_and_json(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run("providers", "list")
    assert code == 0 and "toy" in out and "needs TOY_API_KEY" in out and "STATUS" in out
    monkeypatch.setenv("TOY_API_KEY", "k")
    code, out, _ = run("providers", "list", "--json")
    rows = json.loads(out)
    assert rows[0]["name"] == "toy" and rows[0]["status"] == "ready"
    assert {"name", "package", "version", "status", "capabilities"} <= set(rows[0])


def test_providers_show() -> None:
    code, out, _ = run("providers", "show", "toy")
    assert code == 0 and "toy-" in out
    code, _, err = run("providers", "show", "groq")
    assert code == 1 and "pip install llmcore-groq" in err and err.count("\n") == 1


def test_chat_errors_are_one_line() -> None:
    code, _, err = run("chat", "-m", "toy/toy-1", "hi")
    assert code == 1 and err == "llmcore: error: no API key for toy: set TOY_API_KEY (or pass api_key=...)\n"
    code, _, err = run("chat", "-m", "nothing-known", "hi")
    assert code == 1 and "unknown model" in err and "Traceback" not in err


def test_chat_streams_from_stdin(toy_server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "toy-secret-key-123")
    code, out, err = run("chat", "-m", "toy/toy-1", "-o", f"base_url={toy_server}", "--usage", input="red green blue")
    # base_url is a connection option, accepted through -o as well
    assert code == 0, err
    assert out == "red green blue\n" and "input=3 output=3 finish=stop" in err


def test_tokens_estimate(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOY_API_KEY", "k")
    code, out, _ = run("tokens", "-m", "toy/toy-1", "--json", "hello world, this is a test")
    data = json.loads(out)
    assert code == 0 and data["method"] == "estimate" and data["input_tokens"] > 0


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and out.startswith("llmcore, version ")
