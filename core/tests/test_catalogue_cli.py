"""``llmcore models list|show|update``."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from llmcore import catalogue
from llmcore.cli import cli


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    monkeypatch.delenv("LLMCORE_MODELS", raising=False)
    monkeypatch.setenv("LLMCORE_DATA_DIR", str(tmp_path / "data"))
    catalogue.reload()
    yield
    catalogue.reload()


def run(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_list_one_provider() -> None:
    code, out, _ = run("models", "list", "--provider", "groq")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["PROVIDER", "MODEL", "CONTEXT"]
    row = next(line for line in lines if " llama-3.3-70b-versatile " in line)
    assert row.split()[2:6] == ["131,072", "32,768", "0.59", "0.79"]
    assert "data built 2026-12-04 from genai-prices" in lines[-1]
    assert all(line.startswith(("PROVIDER", "--", "groq")) for line in lines[:-1])


def test_list_json_and_unknown_provider() -> None:
    code, out, _ = run("models", "list", "-p", "deepseek", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows and {r["provider"] for r in rows} == {"deepseek"}
    code, _, err = run("models", "list", "-p", "nosuch")
    assert code != 0 and "no models for provider 'nosuch'" in err and "openai" in err


def test_show_resolves_a_provider_spelling() -> None:
    code, out, _ = run("models", "show", "bedrock/us.amazon.nova-micro-v1:0")
    assert code == 0, out
    assert out.splitlines()[0].startswith("bedrock/amazon.nova-micro-v1:0")
    assert "resolved from: us.amazon.nova-micro-v1:0" in out and "context window: 128,000 tokens" in out
    assert "input: 0.035" in out and "sources:" in out and "data built" in out


def test_show_json_and_errors() -> None:
    code, out, _ = run("models", "show", "openai/gpt-4o", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["id"] == "gpt-4o" and d["price"]["input"] == 2.5 and d["catalogue"]["sources"]
    code, _, err = run("models", "show", "openai/no-such-model")
    assert code == 1 and "knows no openai model 'no-such-model'" in err and "models list --provider openai" in err
    code, _, err = run("models", "show", "gpt-4o")
    assert code == 1 and "provider/model" in err


def test_update_needs_the_sources_and_writes_the_user_snapshot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without genai-prices installed the command says how to get it; with its
    data (faked here: a tiny package) it writes the user's snapshot, which is
    then used while it is newer than the shipped one."""
    monkeypatch.setitem(sys.modules, "genai_prices", None)  # not installed
    code, _, err = run("models", "update")
    assert code == 1 and "pip install -U genai-prices" in err
    monkeypatch.delitem(sys.modules, "genai_prices")
    pkg = tmp_path / "pkgs"
    (pkg / "genai_prices").mkdir(parents=True)
    (pkg / "genai_prices" / "__init__.py").write_text("__version__ = '9.9'\n")
    (pkg / "genai_prices" / "types.py").write_text("")
    (pkg / "genai_prices" / "data.py").write_text(
        "from types import SimpleNamespace as N\n"
        "class ClauseEquals:\n    def __init__(self, equals): self.equals = equals\n"
        "providers = [N(id='openai', models=[N(id='my-model', name='Mine', context_window=5000, deprecated=None,"
        " prices=N(input_mtok=1, output_mtok=2), price_variants=None, match=ClauseEquals('my-model'))])]\n"
    )
    md = tmp_path / "api.json"
    md.write_text(json.dumps({"openai": {"models": {"my-model": {"limit": {"output": 100}}}}}))
    monkeypatch.syspath_prepend(str(pkg))
    for mod in [m for m in sys.modules if m.startswith("genai_prices")]:
        monkeypatch.delitem(sys.modules, mod)
    code, out, err = run("models", "update", "--models-dev-json", str(md))
    assert code == 0, err
    path = catalogue.user_snapshot_path()
    assert str(path) in out and path.is_file()
    snap = json.loads(gzip.decompress(path.read_bytes()))
    assert snap["sources"]["genai-prices"]["version"] == "9.9"
    assert catalogue.snapshot_path() == path  # built today: newer than the shipped snapshot
    info = catalogue.lookup("openai", "my-model")
    assert info is not None and info.context_window == 5000 and info.max_output_tokens == 100
    assert catalogue.lookup("openai", "gpt-4o") is None  # the refreshed data replaced the shipped data
