"""The README's provider table names every provider the repo ships."""

from __future__ import annotations

import json
import re

from conftest import ROOT, run_cli


def test_every_installed_provider_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text()
    table_names = set(re.findall(r"^\| `([a-z0-9_]+)`(?:, `([a-z0-9_]+)`)?", readme, re.M))
    names = {n for pair in table_names for n in pair if n}
    r = run_cli("providers", "list", "--json")
    installed = {row["name"] for row in json.loads(r.stdout) if not row["status"].startswith("broken")}
    missing = installed - names
    assert not missing, f"providers missing from README.md's table: {sorted(missing)}"
