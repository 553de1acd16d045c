"""Every Python and shell block of README.md and docs/*.md runs, as a user would
copy it (issue 18 §3).

Blocks run in a subprocess (Python: the venv's interpreter; shell: bash with the
venv's ``llmcore`` first on PATH) against :mod:`docs_server`, a loopback server
answering each provider with its own recordings (base URLs and fake keys come
from the environment, as a user's would). The provider pages under
docs/providers/ are included. A block is exempt or run differently only when
the line(s) right before its fence say so:

* ``<!-- llmcore-docs: skip: WHY -->``: not run (the README's set-up commands,
  which CI runs anyway);
* ``<!-- llmcore-docs: fragment -->``: a sketch (a signature, ``...`` placeholders),
  not a program: not run;
* ``<!-- llmcore-docs: needs-key VAR -->``: needs a live provider; run with no
  keys, it must fail with the documented one-line message naming ``VAR``
  (``no API key for ...: set VAR``, ``no Google Cloud credentials ...``);
* ``<!-- llmcore-docs: needs: TEXT -->``: needs something the test machine may
  lack (a model file, a local runtime, a live server's endpoint no recording
  covers); run with no keys, it must succeed or fail with a last line
  containing ``TEXT``;
* ``<!-- llmcore-docs: given: CODE -->``: Python run before the block (names
  the page's prose defines, e.g. ``prompts = ["Hi"]``);
* ``<!-- llmcore-docs: async -->``: the block uses top-level ``await`` (as in an
  asyncio REPL or a notebook): it runs inside ``asyncio.run``.

No block reaches the network: every Python process a block starts (the CLI
included) gets a ``sitecustomize`` that refuses connections to anything but
loopback, and a shell block that installs packages must be marked ``skip``.

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
from docs_server import base_url_env, docs_server

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "docs" / "providers").glob("*.md")),
    *sorted((ROOT / "docs" / "migrate").glob("*.md")),
]
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
    """The environment a user would have: every provider's base URL pointed at the docs
    server (always, so that no block ever reaches the network) and, unless the block is
    run to show that it needs a key, a fake key (and the other variables) for each."""
    from llmcore.plugins import get_registry

    secretish = ("_API_KEY", "_API_KEYS", "_KEYS", "_TOKEN", "_SECRET_ACCESS_KEY", "_ACCESS_KEY_ID", "_CREDENTIALS")
    env = {k: v for k, v in os.environ.items() if not k.endswith(secretish) and not k.startswith(("LLMCORE_", "AWS_"))}
    env.update(base_url_env(server))
    env.update(
        {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "HOME": str(tmp / "home"),
            "LLMCORE_DATA_DIR": str(tmp / "data"),
            "LLMCORE_CACHE_DIR": str(tmp / "cache"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "NO_GCE_CHECK": "True",
            "GCE_METADATA_HOST": "127.0.0.1:9",
            "GCE_METADATA_IP": "127.0.0.1:9",
            "NO_PROXY": "127.0.0.1,localhost",
            "COLUMNS": "100",
        }
    )
    if keys:
        for spec in get_registry().providers.values():
            if spec.env_keys:
                env[spec.env_keys[0]] = FAKE_KEY
            for var in spec.requires_env:
                env.setdefault(var.split("|")[0], "docs-value")
        env.update(
            {
                "AWS_ACCESS_KEY_ID": "docs" + "A" * 12,
                "AWS_SECRET_ACCESS_KEY": FAKE_KEY,
                "AWS_REGION": "us-east-1",
                "DATABRICKS_HOST": f"{server}/databricks",
            }
        )
    return env


#: loaded by every Python process of a block: only loopback connections (docs never reach the network)
_GUARD = """
import errno, ipaddress, socket

def _loopback(host):
    if host in (None, "localhost") or isinstance(host, bytes):
        return host in (None, "localhost")
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False

_getaddrinfo, _connect, _connect_ex = socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex

def getaddrinfo(host, *args, **kwargs):
    if not _loopback(host):
        raise socket.gaierror(socket.EAI_NONAME, f"docs test: no network (host {host!r})")
    return _getaddrinfo(host, *args, **kwargs)

def _checked(address):
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise ConnectionRefusedError(errno.ECONNREFUSED, f"docs test: no network ({address[0]!r})")

def connect(self, address):
    _checked(address)
    return _connect(self, address)

def connect_ex(self, address):
    _checked(address)
    return _connect_ex(self, address)

socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex = getaddrinfo, connect, connect_ex
"""


def _run(block: Block, env: dict[str, str], tmp: Path) -> subprocess.CompletedProcess[str]:
    guard = tmp / "guard"
    guard.mkdir(exist_ok=True)
    (guard / "sitecustomize.py").write_text(_GUARD, encoding="utf-8")
    env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(guard), env.get("PYTHONPATH")]))}
    if block.lang == "python":
        given = block.mark("given")
        code = block.code
        if block.mark("async") is not None:
            body = "".join("    " + line if line.strip() else line for line in code.splitlines(keepends=True))
            code = f"import asyncio\n\n\nasync def _block():\n{body}\n\nasyncio.run(_block())\n"
        script = tmp / "block.py"
        script.write_text((given + "\n" if given else "") + code, encoding="utf-8")
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
    if block.lang != "python" and re.search(r"\b(pip|uv|apt-get|brew)\b.*\binstall\b", block.code):
        pytest.fail(f"{block.id} installs packages: mark it <!-- llmcore-docs: skip: WHY --> (tests never install)")
    needs = block.mark("needs-key")
    needs_other = block.mark("needs")
    with docs_server() as server:
        r = _run(block, _env(server, tmp_path, keys=needs is None and needs_other is None), tmp_path)
    shown = (
        f"--- {block.id} ({block.lang}) exit {r.returncode}\nstdout:\n{r.stdout[-2000:]}\nstderr:\n{r.stderr[-3000:]}"
    )
    # nothing printed at exit either (issue 18 #4: "Unclosed client session/connector" after a call)
    assert "Unclosed" not in r.stderr, shown
    if needs_other is not None and r.returncode != 0:
        assert needs_other and needs_other in r.stderr.strip().splitlines()[-1], shown
        return
    if needs is None:
        assert r.returncode == 0, shown
        assert "Traceback" not in r.stderr, shown
        return
    assert needs, f"{block.id}: needs-key names no variable"
    assert r.returncode != 0, shown
    last = [line for line in r.stderr.splitlines() if line.strip()]
    assert last and needs in last[-1], shown


def test_blocks_cannot_reach_the_network(tmp_path: Path) -> None:
    """The guard is loaded by a block's Python and by the CLI it starts (checked without
    sending anything: a name is refused before any lookup, connect is the guard's)."""
    probe = (
        "import socket\n"
        "assert socket.socket.connect.__module__ == 'sitecustomize', socket.socket.connect\n"
        "socket.getaddrinfo('api.example.invalid', 443)\n"
    )
    for block in (Block("probe", 0, "python", probe), Block("probe", 0, "bash", f'python -c "{probe}"')):
        with docs_server() as server:
            r = _run(block, _env(server, tmp_path, keys=False), tmp_path)
        assert r.returncode != 0 and "docs test: no network (host 'api.example.invalid')" in r.stderr, r.stderr
