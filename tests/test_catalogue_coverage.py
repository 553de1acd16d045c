"""The catalogue's coverage of the models the repo's cassettes call
(tools/catalogue_coverage.py; the table is in docs/models.md). A floor, so a
snapshot refresh or a resolution change that loses models shows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_coverage_floor(capsys: object) -> None:
    spec = importlib.util.spec_from_file_location("catalogue_coverage", ROOT / "tools" / "catalogue_coverage.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    rows = {r["provider"]: r for r in tool.coverage(tool.cassette_models(ROOT))}
    hosted = [r for r in rows.values() if not r["local"]]
    models = sum(r["models"] for r in hosted)
    priced = sum(r["priced"] for r in hosted)
    context = sum(r["context"] for r in hosted)
    print(f"hosted: {models} models, priced {priced}, context {context}")
    assert models >= 150
    assert priced / models >= 0.70 and context / models >= 0.65  # 2026-12-04 snapshot: 73 % and 67 %
    for full in ("anthropic", "gemini", "deepseek", "xai", "moonshot"):
        if full in rows:
            assert rows[full]["priced"] == rows[full]["models"], rows[full]["missing_price"]
