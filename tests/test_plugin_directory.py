"""docs/plugin-directory.md lists every first-party plugin as this checkout has it (its
generated section is current), and its third-party table keeps the listing rules' shape."""

from __future__ import annotations

import re

import plugin_directory
from plugin_directory import END, PAGE, ROOT, START

REGENERATE = "stale: run `python tests/plugin_directory.py` and commit docs/plugin-directory.md"


def test_the_first_party_section_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == plugin_directory.current_page(), REGENERATE


def test_every_plugin_directory_is_listed() -> None:
    text = PAGE.read_text(encoding="utf-8").split(START, 1)[1].split(END, 1)[0]
    with_entry_point = {
        p.parent.name for p in (ROOT / "plugins").glob("*/pyproject.toml") if "entry-points.llmcore" in p.read_text()
    }
    listed = set(re.findall(r"\]\(\.\./plugins/([a-z0-9_]+)\)", text))
    assert listed == with_entry_point
    assert "`openai`, `openai_compatible`" in text and "`anthropic`" in text


def test_third_party_rows_follow_the_rules() -> None:
    text = PAGE.read_text(encoding="utf-8")
    table = text.split("## Third-party plugins", 1)[1].split("## Get your plugin listed", 1)[0]
    first_party = {n for row in plugin_directory.first_party() for n in re.findall(r"`([a-z0-9_]+)`", row["providers"])}
    rows = [line for line in table.splitlines() if line.startswith("|")][2:]  # after the header and separator
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4, f"{row}: providers | package | what it is | source"
        names = re.findall(r"`([a-z0-9_]+)`", cells[0])
        assert names, f"{row}: provider names in backticks"
        assert not set(names) & first_party, f"{row}: {sorted(set(names) & first_party)} are first-party names"
        assert cells[3].startswith("[") or cells[3].startswith("http"), f"{row}: a link to the source"
