"""Every distribution's ``Documentation`` URL (shown on PyPI) is a page of the docs site that
mkdocs.yml builds (``site_url`` + the page's directory URL), never a folder of Markdown on GitHub."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent
SITE = "https://llmcore.github.io/llmcore/"
PYPROJECTS = [
    ROOT / "core" / "pyproject.toml",
    ROOT / "testing" / "pyproject.toml",
    *sorted(ROOT.glob("plugins/*/pyproject.toml")),
]


def test_the_site_url_is_mkdocs_site_url() -> None:
    assert f"site_url: {SITE}\n" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("pyproject", PYPROJECTS, ids=lambda p: p.parent.name)
def test_documentation_url_is_a_built_page(pyproject: Path) -> None:
    urls = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["urls"]
    url = urls.get("Documentation", "")
    assert url.startswith(SITE), f"{pyproject}: Documentation = {url!r}, not a page of {SITE}"
    path = url.removeprefix(SITE).strip("/")
    page = ROOT / "docs" / f"{path}.md" if path else ROOT / "docs" / "index.md"
    assert page.is_file() or (ROOT / "docs" / path / "index.md").is_file(), f"{pyproject}: no page for {url}"
