"""Tests for the cassette provenance checker (``llmcore_testing.provenance``).

Every test builds a small upstream collection and a cassette directory in
``tmp_path``: the converted cassettes are made with the real importer, then
edited (or not) the way a dishonest change would edit them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from llmcore_testing import provenance
from llmcore_testing.cassette_format import deserialize, serialize
from llmcore_testing.cassette_import import convert_file
from llmcore_testing.provenance import (
    UpstreamIndex,
    check_directory,
    compare_cassettes,
    iter_cassette_files,
    parse_sources,
)


def _vcrpy(body: str, status: int = 200, headers: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {
        "interactions": [
            {
                "request": {
                    "method": "POST",
                    "uri": "https://api.example.com/v1/chat/completions",
                    "body": '{"model":"m","messages":[{"role":"user","content":"hi"}]}',
                    "headers": {"content-type": ["application/json"], "authorization": ["<filtered>"]},
                },
                "response": {
                    "status": {"code": status, "message": "OK" if status == 200 else "Too Many Requests"},
                    "headers": headers or {"content-type": ["application/json"]},
                    "body": {"string": body},
                },
            }
        ],
        "version": 1,
    }


ANSWER = json.dumps({"id": "chatcmpl-1", "choices": [{"message": {"content": "Paris."}}]})


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    """A tiny collection: ``example/acme/`` with a vcrpy file and a pydantic-ai style file."""
    root = tmp_path / "upstream-cassettes"
    (root / "example" / "acme").mkdir(parents=True)
    (root / "example" / "acme" / "test_chat[basic].yaml").write_text(yaml.safe_dump(_vcrpy(ANSWER)))
    (root / "example" / "acme" / "test_rate_limit.yml").write_text(
        yaml.safe_dump(_vcrpy('{"error": "slow down"}', 429))
    )
    parsed = _vcrpy("")
    parsed["interactions"][0]["response"].pop("body")
    parsed["interactions"][0]["response"]["parsed_body"] = {"answer": "Rome \u2014 of course"}
    (root / "example" / "pyd").mkdir()
    (root / "example" / "pyd" / "test_parsed.yaml").write_text(yaml.safe_dump(parsed, allow_unicode=True))
    return root


def _cassettes(tmp_path: Path, upstream: Path, sources: str) -> Path:
    """``plugins/example/tests/cassettes`` with the three files converted by the importer."""
    out = tmp_path / "plugins" / "example" / "tests" / "cassettes"
    out.mkdir(parents=True)
    convert_file(upstream / "example/acme/test_chat[basic].yaml", out / "acme__test_chat_basic_.yaml")
    convert_file(upstream / "example/acme/test_rate_limit.yml", out / "acme__test_rate_limit.yaml")
    convert_file(upstream / "example/pyd/test_parsed.yaml", out / "pyd__test_parsed.yaml")
    (out / "authored__server_error_500.yaml").write_text(serialize(_vcrpy('{"error": "boom"}', 500)))
    (out / "SOURCES.md").write_text(sources)
    return out


GOOD_SOURCES = """# Cassettes: where they come from

## Real recordings (3)

| source | repository |
|---|---|
| `acme` | acme/acme-client @ `0123456789` |

| file | source | what it records |
|---|---|---|
| `acme__test_chat_basic_.yaml` | acme/acme-client, `tests/cassettes/test_chat[basic].yaml` | a chat |
| `acme__test_rate_limit.yaml` | same repo, `..._rate_limit.yml` | a 429 |
| `pyd__test_parsed.yaml` | pyd/pyd, `tests/test_parsed.yaml` (parsed bodies) | one answer |

## Authored from docs, not recordings (1)

| file | authored from docs: reference | what it holds |
|---|---|---|
| `authored__server_error_500.yaml` | https://docs.example.com/errors | 500 |
"""


def _findings(report: provenance.DirectoryReport) -> list[tuple[str, str, str]]:
    return [(f.file, f.check, f.severity) for f in report.findings]


# --------------------------------------------------------------------------- parsing


def test_parse_sources_reads_file_columns_with_their_context() -> None:
    text = """# Title

Intro prose: every file here is authored.

## Section A

| source | repo |
|---|---|
| `x__a.yaml` | not a file column |

| file | what | notes |
|---|---|---|
| `x__a.yaml`, `x__b.yaml` ⚠ | a `|` pipe in code: `a|b` | plain |
| — | no file | - |

### Sub

| File | kind |
|---|---|
| `...tail.yaml` / `y.har` | real |
"""
    rows = parse_sources(text)
    assert [r.names for r in rows] == [("x__a.yaml", "x__b.yaml"), (), ("...tail.yaml", "y.har")]
    assert rows[0].section == ("Title", "Section A") and rows[2].section == ("Title", "Section A", "Sub")
    assert rows[0].line == 13
    assert "a|b" in rows[0].text and rows[0].header.startswith("| file")
    assert rows[2].prose == ""


def test_iter_cassette_files_skips_sources_and_dot_files(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("SOURCES.md", ".gitkeep", "a.yaml", "sub/b.yaml"):
        (tmp_path / name).write_text("x")
    assert list(iter_cassette_files(tmp_path)) == ["a.yaml", "sub/b.yaml"]


# --------------------------------------------------------------------------- a clean directory


def test_a_clean_directory_has_no_findings(tmp_path: Path, upstream: Path) -> None:
    report = check_directory(_cassettes(tmp_path, upstream, GOOD_SOURCES), UpstreamIndex(upstream))
    assert report.findings == []
    assert report.name == "example"
    assert report.authored == ["authored__server_error_500.yaml"]
    assert sorted(report.verified) == [
        "acme__test_chat_basic_.yaml",
        "acme__test_rate_limit.yaml",
        "pyd__test_parsed.yaml",
    ]
    assert report.verified["pyd__test_parsed.yaml"] == "example/pyd/test_parsed.yaml"
    assert "3 recording(s) (3 equal" in report.summary() and "1 authored" in report.summary()


# --------------------------------------------------------------------------- check 1: listing


def test_unlisted_files_stale_rows_and_prose_only_mentions(tmp_path: Path, upstream: Path) -> None:
    sources = (
        GOOD_SOURCES.replace(
            "| `pyd__test_parsed.yaml` | pyd/pyd, `tests/test_parsed.yaml` (parsed bodies) | one answer |\n",
            "| `gone__old.yaml` | somewhere | removed long ago |\n",
        )
        + "\nAlso used: `pyd__test_parsed.yaml`.\n"
    )
    out = _cassettes(tmp_path, upstream, sources)
    (out / "sub").mkdir()
    (out / "sub" / "acme__extra.yaml").write_text("x")
    report = check_directory(out, UpstreamIndex(upstream))
    messages = {(f.file, f.check): f.message for f in report.findings}
    assert "stale row: `gone__old.yaml`" in messages[("SOURCES.md", "listing")]
    assert messages[("pyd__test_parsed.yaml", "listing")].startswith("mentioned only in prose")
    assert messages[("sub/acme__extra.yaml", "listing")].startswith("not named")
    assert all(f.severity == "error" for f in report.findings)


def test_an_ambiguous_abbreviation_is_reported(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace("`acme__test_rate_limit.yaml`", "`...limit.yaml`")
    out = _cassettes(tmp_path, upstream, sources)
    assert check_directory(out, UpstreamIndex(upstream)).findings == []  # unique: fine
    (out / "other__rate_limit.yaml").write_text("x")
    findings = check_directory(out, UpstreamIndex(upstream)).findings
    assert any("`...limit.yaml` is ambiguous" in f.message for f in findings)


def test_a_directory_without_sources_md(tmp_path: Path) -> None:
    (tmp_path / "rec__a.yaml").write_text("x")
    (tmp_path / "authored__b.yaml").write_text("x")
    report = check_directory(tmp_path, None)
    assert _findings(report) == [("SOURCES.md", "listing", "error")]
    assert report.recordings == ["rec__a.yaml"] and report.authored == ["authored__b.yaml"]


# --------------------------------------------------------------------------- check 2: labels


def test_an_authored_file_presented_as_a_recording(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace(
        "| `pyd__test_parsed.yaml` |",
        "| `authored__server_error_500.yaml` | recorded by us | a 500 |\n| `pyd__test_parsed.yaml` |",
    ).split("## Authored")[0]
    report = check_directory(_cassettes(tmp_path, upstream, sources), UpstreamIndex(upstream))
    assert _findings(report) == [("authored__server_error_500.yaml", "labels", "error")]
    assert "described as a recording" in report.findings[0].message


def test_a_file_called_hand_written_must_be_named_authored(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace("| a chat |", "| ⚠ hand-written upstream, not a recording |")
    report = check_directory(_cassettes(tmp_path, upstream, sources), UpstreamIndex(upstream))
    assert _findings(report) == [("acme__test_chat_basic_.yaml", "labels", "error")]


def test_a_recording_in_an_authored_section_must_be_named_authored(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace(
        "| `authored__server_error_500.yaml` |", "| `authored__server_error_500.yaml`, `pyd__test_parsed.yaml` |"
    ).replace("| `pyd__test_parsed.yaml` | pyd/pyd, `tests/test_parsed.yaml` (parsed bodies) | one answer |\n", "")
    report = check_directory(_cassettes(tmp_path, upstream, sources), UpstreamIndex(upstream))
    assert ("pyd__test_parsed.yaml", "labels", "error") in _findings(report)


def test_a_recording_row_may_mention_authored_files_in_passing(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace("| a 429 |", "| a 429: the error shape the authored 500 follows |")
    assert check_directory(_cassettes(tmp_path, upstream, sources), UpstreamIndex(upstream)).findings == []


def test_a_page_that_says_every_file_is_authored(tmp_path: Path) -> None:
    (tmp_path / "authored__a.yaml").write_text("x")
    (tmp_path / "SOURCES.md").write_text(
        "# Cassettes\n\nEvery file here is **authored**, not a recording.\n\n| file | what |\n|---|---|\n"
        "| `authored__a.yaml` | a chat |\n"
    )
    assert check_directory(tmp_path, None).findings == []


# --------------------------------------------------------------------------- check 3: content


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["interactions"][0]["response"]["body"].update(string=ANSWER.replace("Paris", "Lyon")),
            "response body differs",
        ),
        (lambda d: d["interactions"][0]["response"]["status"].update(code=429), "response status upstream 200"),
        (
            lambda d: d["interactions"][0]["response"]["headers"].update({"retry-after": ["5"]}),
            "response header 'retry-after' added",
        ),
        (lambda d: d["interactions"][0]["request"].update(body='{"model":"other"}'), "request body differs"),
        (lambda d: d["interactions"].append(d["interactions"][0]), "2 interaction(s) committed, 1 in the upstream"),
    ],
)
def test_an_edited_recording_is_reported(tmp_path: Path, upstream: Path, edit: Any, expected: str) -> None:
    out = _cassettes(tmp_path, upstream, GOOD_SOURCES)
    path = out / "acme__test_chat_basic_.yaml"
    data = deserialize(path.read_text())
    edit(data)
    path.write_text(serialize(data))
    report = check_directory(out, UpstreamIndex(upstream))
    assert _findings(report) == [("acme__test_chat_basic_.yaml", "content", "error")]
    assert "upstream example/acme/test_chat[basic].yaml" in report.findings[0].message
    assert expected in report.findings[0].message


def test_an_edited_parsed_body_is_reported(tmp_path: Path, upstream: Path) -> None:
    out = _cassettes(tmp_path, upstream, GOOD_SOURCES)
    path = out / "pyd__test_parsed.yaml"
    path.write_text(path.read_text().replace("of course", "naturally"))
    report = check_directory(out, UpstreamIndex(upstream))
    assert _findings(report) == [("pyd__test_parsed.yaml", "content", "error")]


def test_a_recording_without_an_upstream_file_is_a_warning(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace(
        "| `pyd__test_parsed.yaml` | pyd/pyd, `tests/test_parsed.yaml` (parsed bodies) |",
        "| `mykey__chat.yaml` | recorded with our key |",
    )
    out = _cassettes(tmp_path, upstream, sources)
    (out / "pyd__test_parsed.yaml").rename(out / "mykey__chat.yaml")
    report = check_directory(out, UpstreamIndex(upstream))
    assert _findings(report) == [("mykey__chat.yaml", "content", "warning")]
    assert report.errors == []


def test_the_upstream_file_a_row_quotes_is_used_when_the_name_differs(tmp_path: Path, upstream: Path) -> None:
    sources = GOOD_SOURCES.replace("`acme__test_chat_basic_.yaml`", "`proxy__chat.yaml`")
    out = _cassettes(tmp_path, upstream, sources)
    (out / "acme__test_chat_basic_.yaml").rename(out / "proxy__chat.yaml")
    report = check_directory(out, UpstreamIndex(upstream))
    assert report.findings == [] and report.verified["proxy__chat.yaml"] == "example/acme/test_chat[basic].yaml"


def test_compare_cassettes_ignores_header_order_and_case() -> None:
    a = deserialize(serialize(_vcrpy(ANSWER, headers={"Content-Type": ["application/json"], "x-a": ["1"]})))
    b = deserialize(serialize(_vcrpy(ANSWER, headers={"x-a": ["1"], "content-type": ["application/json"]})))
    assert compare_cassettes(a, b) == []
    b["interactions"][0]["response"]["headers"]["x-a"] = ["2"]
    assert compare_cassettes(a, b) == [
        "interaction 0: response header 'x-a' changed: upstream ['1'] vs committed ['2']"
    ]


# --------------------------------------------------------------------------- CLI


def test_main_exit_codes(tmp_path: Path, upstream: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = _cassettes(tmp_path, upstream, GOOD_SOURCES)
    assert provenance.main(["--upstream", str(upstream), str(out)]) == 0
    assert "example: 4 cassette(s): 3 recording(s) (3 equal" in capsys.readouterr().out
    (out / "stray.yaml").write_text("x")
    assert provenance.main(["--upstream", str(upstream), str(out)]) == 1
    assert "error: example/stray.yaml: listing: not named" in capsys.readouterr().out
    assert provenance.main([str(tmp_path / "nope")]) == 2


def test_main_finds_the_collection_or_fails(
    tmp_path: Path, upstream: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cassettes(tmp_path, upstream, GOOD_SOURCES)
    monkeypatch.delenv("LLMCORE_UPSTREAM_CASSETTES", raising=False)
    monkeypatch.setenv("LLMCORE_SHARED_DIR", str(tmp_path))  # tmp_path/upstream-cassettes
    assert provenance.main([str(out)]) == 0
    monkeypatch.setenv("LLMCORE_SHARED_DIR", str(tmp_path / "elsewhere"))
    assert provenance.main([str(out)]) == 1
    assert "upstream collection not found" in capsys.readouterr().out


def test_a_llama_stack_conversion_is_verified_and_an_edit_reported(tmp_path: Path) -> None:
    """llama-stack JSON re-converts like any other format: equal when untouched, an error when edited."""
    root = tmp_path / "upstream-cassettes"
    (root / "example" / "llama-stack").mkdir(parents=True)
    rec = {
        "request": {
            "method": "POST",
            "url": "https://api.example.test/v1/v1/embeddings",
            "headers": {},
            "body": {"model": "m", "input": "a", "encoding_format": "float"},
            "endpoint": "/v1/embeddings",
        },
        "response": {
            "body": {
                "__type__": "openai.types.create_embedding_response.CreateEmbeddingResponse",
                "__data__": {"data": [{"embedding": [0.25], "index": 0}], "model": "m"},
            },
            "is_streaming": False,
        },
    }
    (root / "example" / "llama-stack" / "abcdef012345.json").write_text(json.dumps(rec))
    out = tmp_path / "plugins" / "example" / "tests" / "cassettes"
    out.mkdir(parents=True)
    convert_file(root / "example" / "llama-stack" / "abcdef012345.json", out / "llama-stack__abcdef012345.yaml")
    (out / "SOURCES.md").write_text("| file | source |\n|---|---|\n| `llama-stack__abcdef012345.yaml` | ls |\n")
    report = check_directory(out, UpstreamIndex(root))
    assert report.findings == [] and report.verified == {
        "llama-stack__abcdef012345.yaml": "example/llama-stack/abcdef012345.json"
    }
    path = out / "llama-stack__abcdef012345.yaml"
    path.write_text(path.read_text().replace("0.25", "0.5"))
    report = check_directory(out, UpstreamIndex(root))
    assert _findings(report) == [("llama-stack__abcdef012345.yaml", "content", "error")]
