"""docs/server-tools.md's provider table is generated from the installed providers' specs
(``Capabilities.server_tools`` / ``citations`` / ``image_output`` / ``prompt_caching``) and kept in
step: this test fails when the page is stale; ``LLMCORE_UPDATE_DOCS=1`` rewrites it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from llmcore.plugins import get_registry

PAGE = Path(__file__).resolve().parent.parent / "docs" / "server-tools.md"
_SECTION = re.compile(r"(<!-- server-tools-table:start[^>]*-->\n)(.*?)(<!-- server-tools-table:end -->)", re.S)


def _yes(on: bool) -> str:
    return "yes" if on else "—"


def table() -> str:
    """The markdown table: one row per installed provider claiming any of the four."""
    rows = [
        "| provider | install | server tools | citations | image output | prompt caching |",
        "|---|---|---|---|---|---|",
    ]
    for name, spec in sorted(get_registry().providers.items()):
        caps = spec.capabilities
        if not (caps.server_tools or caps.citations or caps.image_output or caps.prompt_caching):
            continue
        page = PAGE.parent / "providers" / f"{name}.md"
        label = f"[{name}](providers/{name}.md)" if page.is_file() else name
        tools = ", ".join(f"`{t}`" for t in caps.server_tools) or "—"
        rows.append(
            f"| {label} | `pip install {spec.distribution}` | {tools} | {_yes(caps.citations)} | "
            f"{_yes(caps.image_output)} | {_yes(caps.prompt_caching)} |"
        )
    return "\n".join(rows) + "\n"


def test_the_provider_table_is_current() -> None:
    text = PAGE.read_text()
    found = _SECTION.search(text)
    assert found, "docs/server-tools.md lost its server-tools-table markers"
    want = table()
    if found.group(2) != want and os.environ.get("LLMCORE_UPDATE_DOCS"):
        PAGE.write_text(text[: found.start(2)] + want + text[found.end(2) :])
        return
    assert found.group(2) == want, "docs/server-tools.md's provider table is stale: run with LLMCORE_UPDATE_DOCS=1"
