"""The real plugins, as installed: listed, resolvable, failing clearly without keys."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import run_cli


def test_providers_list_shows_the_foundation_plugins() -> None:
    r = run_cli("providers", "list", "--json", env={"OPENAI_COMPATIBLE_BASE_URL": ""})
    assert r.returncode == 0, r.stderr
    rows = {row["name"]: row for row in json.loads(r.stdout)}
    for name, package in (
        ("openai", "llmcore-openai"),
        ("openai_compatible", "llmcore-openai"),
        ("anthropic", "llmcore-anthropic"),
    ):
        assert name in rows, f"{name} missing from {sorted(rows)}"
        row = rows[name]
        assert row["package"] == package and row["version"], row
        assert row["capabilities"], row
    assert rows["openai"]["status"] == "needs OPENAI_API_KEY"
    assert rows["anthropic"]["status"] == "needs ANTHROPIC_API_KEY"
    assert rows["openai_compatible"]["status"] == "needs OPENAI_COMPATIBLE_BASE_URL"  # no server without a URL
    table = run_cli("providers", "list")
    assert table.returncode == 0
    for name in rows:
        assert name in table.stdout
    ready = run_cli("providers", "list", "--json", env={"OPENAI_API_KEY": "x" * 10})
    assert {r["name"]: r["status"] for r in json.loads(ready.stdout)}["openai"] == "ready"


def test_chat_without_key_names_the_env_var() -> None:
    r = run_cli("chat", "-m", "openai/gpt-4o", "hi")
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and "OPENAI_API_KEY" in lines[0] and "Traceback" not in r.stderr
    r = run_cli("chat", "-m", "claude-sonnet-4-5", "hi")
    assert r.returncode == 1 and "ANTHROPIC_API_KEY" in r.stderr and len(r.stderr.splitlines()) == 1


def test_unknown_model_names_what_to_install() -> None:
    # every plugin is installed in this session: load only the foundation ones
    only = {"LLMCORE_PLUGINS": "openai,anthropic"}
    r = run_cli("chat", "-m", "groq/llama-3.1-8b-instant", "hi", env=only)
    assert r.returncode == 1 and "pip install llmcore-groq" in r.stderr
    r = run_cli("chat", "-m", "gemini-2.5-flash", "hi", env=only)
    assert r.returncode == 1 and "pip install llmcore-gemini" in r.stderr


def test_discovery_imports_no_sdk_and_no_codec() -> None:
    code = (
        "import sys, json; from llmcore.plugins import get_registry; reg = get_registry();"
        "print(json.dumps({'providers': sorted(reg.providers), 'modules': sorted(sys.modules)}))"
    )
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert {"openai", "anthropic", "openai_compatible"} <= set(out["providers"])
    heavy = [
        m
        for m in out["modules"]
        if m.split(".")[0] in ("openai", "anthropic", "httpx", "aiohttp", "tiktoken", "pydantic")
    ]
    assert not heavy, f"discovery imported {heavy[:10]}"
    plugin_mods = [m for m in out["modules"] if m.startswith(("llmcore_openai.", "llmcore_anthropic."))]
    assert not plugin_mods, f"discovery imported more than the plugins' top modules: {plugin_mods}"
