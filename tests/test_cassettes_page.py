"""docs/cassettes.md and the README's counts say exactly what is recorded and what
is authored, as the plugins' SOURCES.md files and file names say (issue 18 #23)."""

from __future__ import annotations

import re

from llmcore_testing.provenance import COUNTS_SPAN, check_directory, counts_sentence, table_markdown

from conftest import ROOT

REGENERATE = (
    "stale: run `python -m llmcore_testing.provenance --table docs/cassettes.md --readme README.md "
    "plugins/*/tests/cassettes` and commit the result"
)


def _reports():  # type: ignore[no-untyped-def]
    dirs = sorted(p for p in (ROOT / "plugins").glob("*/tests/cassettes") if p.is_dir())
    assert len(dirs) > 20
    return [check_directory(d, None) for d in dirs]


def test_the_cassettes_page_is_current() -> None:
    committed = (ROOT / "docs" / "cassettes.md").read_text(encoding="utf-8")
    assert committed == table_markdown(_reports()), f"docs/cassettes.md is {REGENERATE}"


def test_the_readme_states_the_counts_and_links_the_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    span = COUNTS_SPAN.search(readme)
    assert span is not None, "README.md lost its <!-- cassette-counts --> span"
    assert span.group(2) == counts_sentence(_reports()), f"README.md's cassette counts are {REGENERATE}"
    assert "docs/cassettes.md)" in readme  # linked (absolute on PyPI: tools/readme_links.py)
    # the overstatement of issue 18 #23 does not come back
    assert not re.search(r"every claimed capability is\s+proven by a recorded", readme)


def test_the_page_names_plugins_without_recordings() -> None:
    reports = _reports()
    page = table_markdown(reports)
    for r in reports:
        assert f"| `{r.name}` | {len(r.files)} | {len(r.recordings)} | {len(r.authored)} |" in page
        if not r.recordings:
            assert f"`{r.name}`" in counts_sentence(reports)
