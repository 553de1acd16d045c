"""The catalogue's coverage of the models the repo's cassettes call
(tools/catalogue_coverage.py; the table is in docs/models.md). A floor, so a
snapshot refresh or a resolution change that loses models shows."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalogue_coverage", ROOT / "tools" / "catalogue_coverage.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


def test_coverage_floor() -> None:
    tool = _tool()
    rows = {r["provider"]: r for r in tool.coverage(tool.cassette_models(ROOT))}
    hosted = [r for r in rows.values() if not r["local"]]
    models = sum(r["models"] for r in hosted)
    priced = sum(r["priced"] for r in hosted)
    context = sum(r["context"] for r in hosted)
    print(f"hosted: {models} models, priced {priced}, context {context}")
    assert models >= 145
    # 2026-12-04: 96 % priced (148/154), 88 % with a context window (was 73 % / 67 % before plugin
    # entries, response-model resolution, SambaNova / HF-router spellings and the stated exclusions).
    # Issue 13's goal is >= 95 % priced: a new cassette model needs a sourced price or an exclusion.
    assert priced / models >= 0.95 and context / models >= 0.80
    for full in ("anthropic", "gemini", "deepseek", "xai", "moonshot", "azure", "writer", "ai21", "openai"):
        if full in rows:
            assert rows[full]["priced"] == rows[full]["models"], rows[full]["missing_price"]
    for r in rows.values():  # every left-out model says why
        assert all(isinstance(why, str) and len(why) > 20 for why in r["excluded"].values())


def test_excluded_models_are_not_priced_by_the_data() -> None:
    """An exclusion is for a model with no public per-token USD price: if the data prices
    one after a refresh, it must come back into the shares (drop it from EXCLUDED)."""
    from llmcore.usage import price_for

    tool = _tool()
    for (provider, model), _why in tool.EXCLUDED.items():
        plugin = provider.split(" ", 1)[0]
        if plugin in tool.LOCAL or plugin == "ollama":
            continue
        assert price_for(plugin, model) is None, (provider, model)


def test_plugin_catalogue_files_name_their_sources() -> None:
    """Each plugin-shipped catalogue entry says where its numbers were read."""
    files = sorted(ROOT.glob("plugins/*/src/*/models.json"))
    assert files
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        assert data["format"] == "llmcore-models/1" and data["as_of"]
        for mid, e in data["models"].items():
            assert "http" in e["source"], (f, mid)
