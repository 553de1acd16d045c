"""The CLI as a person runs it: the installed ``llmcore`` script in a subprocess.

A failure is exactly one ``llmcore: error: ...`` line on stderr, a non-zero exit
code, and nothing on stdout (issue 18 §3 and #12, #22)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_line_failure(r, *needles: str, code: int | None = None) -> str:  # type: ignore[no-untyped-def]
    assert r.returncode != 0, (r.returncode, r.stdout, r.stderr)
    if code is not None:
        assert r.returncode == code, (r.returncode, r.stderr)
    assert r.stdout == "", r.stdout
    lines = r.stderr.splitlines()
    assert lines and lines[0].startswith("llmcore: error: "), r.stderr
    for needle in needles:
        assert needle in lines[0], (needle, r.stderr)
    return str(r.stderr)


def _exactly_one_line(stderr: str) -> None:
    assert stderr.count("\n") == 1 and stderr.endswith("\n"), stderr


def test_no_key_is_one_line_naming_the_provider_once() -> None:
    r = run_cli("chat", "-m", "groq/llama-3.1-8b-instant", "hi")
    err = _one_line_failure(r, "GROQ_API_KEY")
    assert err == "llmcore: error: no API key for groq: set GROQ_API_KEY (or pass api_key=...)\n"


def test_unknown_model_is_one_line() -> None:
    r = run_cli("chat", "-m", "no-such-model-anywhere", "hi")
    _exactly_one_line(_one_line_failure(r, "unknown model 'no-such-model-anywhere'"))


def test_usage_error_is_one_line() -> None:
    r = run_cli("chat", "--no-such-option", "hi")
    _exactly_one_line(_one_line_failure(r, "--no-such-option", "llmcore chat --help", code=2))


@pytest.mark.parametrize("content", [b"not a database at all\n" * 10, b""])
def test_usage_db_that_is_no_sqlite_file_is_one_line(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "notes.txt"
    db.write_bytes(content or b"\x00" * 100)
    r = run_cli("usage", "--db", str(db))
    _exactly_one_line(_one_line_failure(r, str(db), "not a usage log"))


def test_usage_db_that_is_a_directory_is_one_line(tmp_path: Path) -> None:
    r = run_cli("usage", "--db", str(tmp_path))
    _exactly_one_line(_one_line_failure(r, "is a directory"))


def test_unreachable_server_names_the_url_and_the_variable() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    r = run_cli("chat", "-m", "ollama/llama3.2", "hi", env={"OLLAMA_HOST": url})
    err = _one_line_failure(r, f"could not reach ollama at {url}", "OLLAMA_HOST")
    _exactly_one_line(err)  # no "Unclosed client session" at exit (#4)


def test_unreachable_openai_compatible_server_names_the_url() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    r = run_cli(
        "chat",
        "--no-stream",
        "-m",
        "openai/gpt-4.1-mini",
        "-o",
        f"base_url={url}",
        "hi",
        env={"OPENAI_API_KEY": "sk-" + "x" * 8},
    )
    err = _one_line_failure(r, f"could not reach openai at {url}")
    _exactly_one_line(err)  # no "Unclosed client session" at exit (#4)


def test_traceback_flag_works_after_the_subcommand() -> None:
    r = run_cli("chat", "-m", "groq/llama-3.1-8b-instant", "hi", "--traceback")
    assert r.returncode != 0 and "Traceback (most recent call last)" in r.stderr, r.stderr
    assert "ConfigurationError" in r.stderr and "No such option" not in r.stderr
    before = run_cli("--traceback", "chat", "-m", "groq/llama-3.1-8b-instant", "hi")
    assert "Traceback (most recent call last)" in before.stderr


@pytest.mark.parametrize(
    ("model", "methods"),
    [
        ("groq/llama-3.1-8b-instant", ("(estimate)",)),
        # tiktoken; a labelled estimate where its encoding file is not available offline
        ("openai/gpt-4.1-mini", ("(tokenizer)", "(estimate)")),
    ],
)
def test_tokens_needs_no_key_where_counting_is_local(model: str, methods: tuple[str, ...]) -> None:
    r = run_cli("tokens", "-m", model, "How many tokens is this?")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith(methods) and r.stderr == ""


def test_tokens_with_an_api_counter_and_no_key_says_so_and_offers_an_estimate() -> None:
    r = run_cli("tokens", "-m", "anthropic/claude-sonnet-4-5", "How many?")
    _exactly_one_line(_one_line_failure(r, "ANTHROPIC_API_KEY", "--estimate"))
    r = run_cli("tokens", "--estimate", "-m", "anthropic/claude-sonnet-4-5", "How many?")
    assert r.returncode == 0 and r.stdout.strip().endswith("(estimate)"), r.stderr


def test_usage_db_that_is_a_real_log_still_reads(tmp_path: Path) -> None:
    db = tmp_path / "usage.sqlite"
    sqlite3.connect(db).close()  # an empty SQLite file: llmcore's reader sets it up
    r = run_cli("usage", "--db", str(db), "--json")
    assert r.returncode == 0 and r.stdout.strip() == "[]", r.stderr


def test_usage_db_of_another_program_is_refused_and_left_untouched(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    before, mode = db.read_bytes(), db.stat().st_mode
    r = run_cli("usage", "--db", str(db))
    _exactly_one_line(_one_line_failure(r, "not a usage log", "notes"))
    assert db.read_bytes() == before and db.stat().st_mode == mode
    assert not (tmp_path / "other.sqlite-wal").exists()


def test_tokens_from_an_unreachable_server_names_the_url() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    r = run_cli("tokens", "-m", "llamacpp_server/default", "hi", env={"LLAMACPP_BASE_URL": url})
    err = _one_line_failure(r, f"could not reach llamacpp_server at {url}", "LLAMACPP_BASE_URL")
    _exactly_one_line(err)  # no "Unclosed client session" at exit (#4)
