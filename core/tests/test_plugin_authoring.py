"""What a plugin author uses without an underscore (issue 17): ``check_options`` says when a
provider takes no options, ``ToolCallBuffer.add``, ``HTTPProvider.api_key``, the authoring
helpers of :mod:`llmcore_testing.scenarios` (labelled ``authored__`` files listed in
SOURCES.md, which the provenance checker and the secret scanner accept), and the files
``llmcore plugin new`` writes (installed and run in a fresh venv by tests/test_plugin_new.py)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from llmcore.errors import ConfigurationError, ContextWindowExceededError, RateLimitError
from llmcore.pluginkit import ToolCallBuffer, check_options
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore_testing import cassette_format
from llmcore_testing.provenance import check_directory
from llmcore_testing.scenarios import (
    ERROR_KINDS,
    authored_error_cases,
    interaction,
    ndjson,
    sse,
    write_authored,
    write_error_cassettes,
)
from llmcore_testing.secrets import scan_paths


def test_check_options_with_no_known_option_says_so() -> None:
    with pytest.raises(ConfigurationError) as e:
        check_options({"tempratur": 1}, [], "acme")
    assert str(e.value).endswith("unknown option(s) for acme: tempratur; acme takes no options"), str(e.value)
    with pytest.raises(ConfigurationError, match=r"known: region, tier$"):
        check_options({"x": 1}, ["region", "tier"], "acme")
    assert check_options({"tier": "a"}, ["tier"], "acme") == {"tier": "a"}


def test_tool_call_buffer_add() -> None:
    buf = ToolCallBuffer("call_1", "get_weather")
    assert [buf.add('{"city":'), buf.add(None), buf.add(""), buf.add('"Paris"}')] == ['{"city":', "", "", '"Paris"}']
    assert buf.raw_arguments == '{"city":"Paris"}'
    call = buf.finish(0, "acme")
    assert call.arguments == {"city": "Paris"} and call.raw_arguments == '{"city":"Paris"}'


class _Acme(HTTPProvider):
    spec = ProviderSpec(name="acme", factory="x:y", env_keys=("ACME_TEST_KEY",), base_url="https://api.acme.invalid")


def test_api_key_is_public_and_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "acme-" + "k" * 10
    p = _Acme(ProviderConfig(api_key=key))
    assert p.api_key == key and key not in repr(p)
    with pytest.raises(AttributeError):
        p.api_key = "other"  # type: ignore[misc]
    monkeypatch.setenv("ACME_TEST_KEY", key + "-env")
    assert _Acme().api_key == key + "-env"


def test_stream_bodies() -> None:
    assert sse([{"a": 1}, "raw"]) == 'data: {"a":1}\n\ndata: raw\n\ndata: [DONE]\n\n'
    assert sse([("ping", {})], done=None, event_names=True) == "event: ping\ndata: {}\n\n"
    assert ndjson([{"a": 1}, [2]]) == '{"a":1}\n[2]\n'
    inter = interaction("https://api.acme.invalid/v1/chat", {"m": 1}, sse([{"a": 1}]))
    assert inter["response"]["headers"]["content-type"] == ["text/event-stream"]
    assert inter["request"]["body"] == '{"m":1}'


def test_write_authored_labels_and_lists_every_file(tmp_path: Path) -> None:
    url = "https://api.acme.invalid/v1/chat"
    path = write_authored(tmp_path, "chat", interaction(url, {"model": "m"}, {"text": "hi"}), source="docs | p.1")
    assert path.name == "authored__chat.yaml"
    write_error_cassettes(
        tmp_path,
        url,
        {"model": "m"},
        lambda k, m: {"error": {"message": m, "code": k}},
        source="https://docs.acme.invalid/errors",
    )
    # a second write of the same file replaces its row, not duplicates it
    write_authored(
        tmp_path,
        "authored__chat.yaml",
        interaction(url, {"model": "m"}, {"text": "hello"}),
        source="https://docs.acme.invalid/chat",
        what="the reference's example",
    )
    sources = (tmp_path / "SOURCES.md").read_text()
    assert sources.count("`authored__chat.yaml`") == 1 and "the reference's example" in sources
    assert "| file | source | what it holds |" in sources
    report = check_directory(tmp_path, None)
    assert not report.errors, report.errors
    assert sorted(report.authored) == sorted(p.name for p in tmp_path.glob("authored__*.yaml"))
    assert len(report.authored) == 1 + len(ERROR_KINDS)
    assert not scan_paths([tmp_path])
    rate = cassette_format.deserialize((tmp_path / "authored__error_rate_limit.yaml").read_text())
    resp = rate["interactions"][0]["response"]
    assert resp["status"]["code"] == 429 and resp["headers"]["retry-after"] == ["1"]
    assert json.loads(resp["body"]["string"])["error"]["code"] == "rate_limit"


def test_write_authored_needs_a_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="source"):
        write_authored(tmp_path, "chat", interaction("https://x.invalid", None, {}), source=" ")


def test_authored_error_cases_cover_the_mandatory_kinds() -> None:
    from llmcore_testing import ProviderConformance

    cases = authored_error_cases({"model": "m", "messages": ["Hello"]}, statuses={"not_found": 400})
    assert tuple(cases) == ProviderConformance.required_errors
    assert cases["rate_limit"].error is RateLimitError and cases["rate_limit"].expect_retry_after
    assert cases["context_length"].error is ContextWindowExceededError
    assert cases["not_found"].status_code == 400 and cases["auth"].cassette == "authored__error_auth.yaml"


@pytest.mark.parametrize("flavour", ["--wire", "--openai-compatible"])
def test_plugin_new_writes_a_complete_distribution(tmp_path: Path, flavour: str) -> None:
    from llmcore.cli import cli

    r = CliRunner().invoke(cli, ["plugin", "new", "Acme-AI", flavour, "--dir", str(tmp_path / "p")])
    assert r.exit_code == 0, r.output
    root = tmp_path / "p"
    files = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    for f in (
        "pyproject.toml",
        "README.md",
        "src/llmcore_acme_ai/__init__.py",
        "src/llmcore_acme_ai/provider.py",
        "src/llmcore_acme_ai/py.typed",
        "tests/authored.py",
        "tests/test_fuzz.py",
        "tests/test_conformance.py",
        "tests/cassettes/SOURCES.md",
        "tests/cassettes/authored__chat_stream.yaml",
    ):
        assert f in files, f
    assert not [f for f in files if "__" in f.replace("authored__", "").replace("__init__", "")], files
    for p in root.rglob("*"):
        if p.is_file():
            text = p.read_text()
            assert "__PKG__" not in text and "__NAME__" not in text and "__CLASS__" not in text, p
            if p.suffix == ".py":
                ast.parse(text, str(p))
    pyproject = (root / "pyproject.toml").read_text()
    assert '[project.entry-points.llmcore]\nacme_ai = "llmcore_acme_ai"' in pyproject
    assert '"llmcore-core>=' in pyproject and ("llmcore-openai" in pyproject) == (flavour == "--openai-compatible")
    assert not check_directory(root / "tests" / "cassettes", None).errors
    # no private name of llmcore is used by what an outsider starts from
    for p in root.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("llmcore"):
                assert not any(a.name.startswith("_") for a in node.names), (p, ast.dump(node))
            if isinstance(node, ast.Attribute) and node.attr in ("_api_key",):
                pytest.fail(f"{p} uses {node.attr}")


def test_plugin_new_refuses_a_bad_name_and_a_full_directory(tmp_path: Path) -> None:
    from llmcore.cli import cli

    r = CliRunner().invoke(cli, ["plugin", "new", "9lives", "--dir", str(tmp_path / "a")])
    assert r.exit_code != 0 and "a provider name is a letter" in r.output
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_text("")
    r = CliRunner().invoke(cli, ["plugin", "new", "acme", "--dir", str(tmp_path / "b")])
    assert r.exit_code != 0 and "not empty" in r.output


def test_plugin_command_is_loaded_lazily() -> None:
    import subprocess
    import sys

    code = "import llmcore.cli, sys; print('llmcore.cli_plugin' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
