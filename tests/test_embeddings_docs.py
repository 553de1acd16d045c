"""docs/embeddings.md's provider table is generated from the installed providers' specs
(``Capabilities.embeddings`` / ``rerank``) and kept in step: this test fails when the page is
stale; ``LLMCORE_UPDATE_DOCS=1`` rewrites it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from llmcore.plugins import get_registry

PAGE = Path(__file__).resolve().parent.parent / "docs" / "embeddings.md"
_SECTION = re.compile(r"(<!-- embeddings-table:start[^>]*-->\n)(.*?)(<!-- embeddings-table:end -->)", re.S)


def table() -> str:
    """The markdown table: one row per installed provider with embeddings or rerank."""
    rows = ["| provider | install | `embed` | `rerank` |", "|---|---|---|---|"]
    for name, spec in sorted(get_registry().providers.items()):
        caps = spec.capabilities
        if caps.embeddings or caps.rerank:
            page = PAGE.parent / "providers" / f"{name}.md"
            label = f"[{name}](providers/{name}.md)" if page.is_file() else name
            rows.append(
                f"| {label} | `pip install {spec.distribution}` | "
                f"{'yes' if caps.embeddings else '—'} | {'yes' if caps.rerank else '—'} |"
            )
    return "\n".join(rows) + "\n"


def test_the_provider_table_is_current() -> None:
    text = PAGE.read_text()
    found = _SECTION.search(text)
    assert found, "docs/embeddings.md lost its embeddings-table markers"
    want = table()
    if found.group(2) != want and os.environ.get("LLMCORE_UPDATE_DOCS"):
        PAGE.write_text(text[: found.start(2)] + want + text[found.end(2) :])
        return
    assert found.group(2) == want, "docs/embeddings.md's provider table is stale: run with LLMCORE_UPDATE_DOCS=1"
