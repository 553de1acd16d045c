"""``$LLMCORE_LOSSLESS_REPORT``: the kit's lossless checks write what each replayed answer held and
became, and ``python -m llmcore_testing.lossless_report`` tabulates it per provider."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from llmcore.types import ChatResponse, Message, ServerToolCallPart, TextPart, Usage
from llmcore_testing.conformance import _report
from llmcore_testing.lossless_report import main, render


def _answer() -> ChatResponse:
    return ChatResponse(
        model="m",
        provider="acme",
        message=Message(
            role="assistant",
            content=[ServerToolCallPart(id="s1", name="web_search", input={}, provider="acme"), TextPart(text="hi")],
        ),
        finish_reason="stop",
        usage=Usage(),
        provider_metadata={"unmapped": [{"kind": "odd_block", "data": {}}]},
    )


def test_nothing_is_written_without_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LLMCORE_LOSSLESS_REPORT", raising=False)
    monkeypatch.chdir(tmp_path)
    _report("answer", provider="acme", response=_answer(), where="x.yaml#0", kinds=Counter({"server_tool_use": 1}))
    assert list(tmp_path.iterdir()) == []


def test_lines_and_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.jsonl"
    monkeypatch.setenv("LLMCORE_LOSSLESS_REPORT", str(out))
    kinds = Counter({"server_tool_use": 1, "odd_block": 1, "text": 1})
    _report("answer", provider="acme", response=_answer(), where="a.yaml#0", kinds=kinds)
    _report("proof", provider="acme", response=_answer(), key="web_search", cassette="a.yaml")
    lines = [json.loads(s) for s in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["made"] == {"server_tool": 1, "text": 1} and lines[0]["unmapped"] == {"odd_block": 1}
    table = render(lines)
    row = table.splitlines()[2]
    assert row.startswith("| acme | 1 | `odd_block` x1, `server_tool_use` x1 | `server_tool` x1 | `odd_block` x1 |")
    assert "web_search: `a.yaml`" in row
    assert main([str(out)]) == 0 and capsys.readouterr().out == table
