"""Every Python and shell block of README.md and docs/*.md runs, as a user would
copy it (issue 18 §3).

Blocks run in a subprocess (Python: the venv's interpreter; shell: bash with the
venv's ``llmcore`` first on PATH) against :mod:`docs_server`, a loopback server
answering with real recordings (base URLs and fake keys come from the
environment, as a user's would). A block is exempt or run differently only when
the line(s) right before its fence say so:

* ``<!-- llmcore-docs: skip: WHY -->``: not run (the README's set-up commands,
  which CI runs anyway);
* ``<!-- llmcore-docs: fragment -->``: a sketch (a signature, ``...`` placeholders),
  not a program: not run;
* ``<!-- llmcore-docs: needs-key VAR -->``: needs a live provider; run with no
  keys, it must fail with the documented message (``no API key ... VAR``);
* ``<!-- llmcore-docs: given: CODE -->``: Python run before the block (names
  the page's prose defines, e.g. ``prompts = ["Hi"]``).

A ``console`` block's ``$ `` lines are run; its other lines are sample output.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from docs_server import docs_server

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LANGS = {"python", "bash", "sh", "shell", "console"}
_FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```", re.S | re.M)
_MARK = re.compile(r"<!--\s*llmcore-docs:\s*(.*?)\s*-->", re.S)


@dataclass
class Block:
    page: str
    line: int
    lang: str
    code: str
    marks: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"

    def mark(self, kind: str) -> str | None:
        for m in self.marks:
            if m == kind or m.startswith(kind + " ") or m.startswith(kind + ":"):
                return m[len(kind) :].lstrip(": ").strip()
        return None


def blocks() -> list[Block]:
    out = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            if m.group(1) not in LANGS:
                continue
            before = text[: m.start()].rstrip("\n").split("\n")
            marks: list[str] = []
            while before and _MARK.fullmatch(before[-1].strip()):  # consecutive marker lines right above
                marks.insert(0, _MARK.fullmatch(before.pop().strip()).group(1))  # type: ignore[union-attr]
            out.append(
                Block(str(page.relative_to(ROOT)), text[: m.start()].count("\n") + 1, m.group(1), m.group(2), marks)
            )
    return out


BLOCKS = blocks()
FAKE_KEY = "docs-" + "k" * 12  # not key-shaped: the docs server checks nothing


def _env(server: str, tmp: Path, keys: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.endswith(("_API_KEY", "_API_KEYS", "_KEYS", "_TOKEN")) and not k.startswith("LLMCORE_")
    }
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "LLMCORE_DATA_DIR": str(tmp / "data"),
            "LLMCORE_CACHE_DIR": str(tmp / "cache"),
            "OPENAI_BASE_URL": f"{server}/v1",
            "ANTHROPIC_BASE_URL": server,
            "GEMINI_BASE_URL": f"{server}/v1beta",
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_PROXY": "127.0.0.1,localhost",
            "COLUMNS": "100",
        }
    )
    if keys:
        env.update({"OPENAI_API_KEY": FAKE_KEY, "ANTHROPIC_API_KEY": FAKE_KEY, "GEMINI_API_KEY": FAKE_KEY})
    return env


def _run(block: Block, env: dict[str, str], tmp: Path) -> subprocess.CompletedProcess[str]:
    if block.lang == "python":
        given = block.mark("given")
        script = tmp / "block.py"
        script.write_text((given + "\n" if given else "") + block.code, encoding="utf-8")
        cmd = [sys.executable, str(script)]
    else:
        code = block.code
        if block.lang == "console":
            code = "\n".join(line[2:] for line in code.splitlines() if line.startswith("$ "))
        cmd = ["bash", "-e", "-o", "pipefail", "-c", code]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp, timeout=120, stdin=subprocess.DEVNULL)


def test_the_blocks_are_found() -> None:
    assert len(BLOCKS) >= 25
    assert any(b.page == "README.md" and "llmcore.model(" in b.code for b in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_block(block: Block, tmp_path: Path) -> None:
    if block.mark("skip") is not None:
        pytest.skip(f"marked skip: {block.mark('skip')}")
    if block.mark("fragment") is not None:
        return  # a sketch, documented as such
    needs = block.mark("needs-key")
    with docs_server() as server:
        r = _run(block, _env(server, tmp_path, keys=needs is None), tmp_path)
    shown = (
        f"--- {block.id} ({block.lang}) exit {r.returncode}\nstdout:\n{r.stdout[-2000:]}\nstderr:\n{r.stderr[-3000:]}"
    )
    if needs is None:
        assert r.returncode == 0, shown
        assert "Traceback" not in r.stderr, shown
        return
    assert needs, f"{block.id}: needs-key names no variable"
    assert r.returncode != 0, shown
    last = [
        line
        for line in r.stderr.splitlines()
        if line.strip() and not line.startswith(("Unclosed", "client_session", "connector", "connections"))
    ]
    assert last and "no API key" in last[-1] and needs in last[-1], shown
