"""Docs sections generated from the installed specs (the provider tables of docs/embeddings.md and
docs/server-tools.md): the shared check that a section is current, and the provider label."""

from __future__ import annotations

import os
import re
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def provider_label(name: str) -> str:
    """``name`` linked to its docs/providers page when it has one."""
    return f"[{name}](providers/{name}.md)" if (DOCS / "providers" / f"{name}.md").is_file() else name


def check_section(page: Path, marker: str, want: str) -> None:
    """The text between ``<!-- <marker>:start ... -->`` and ``<!-- <marker>:end -->`` of ``page`` is
    ``want``; with ``LLMCORE_UPDATE_DOCS=1`` a stale section is rewritten instead."""
    text = page.read_text()
    found = re.search(rf"(<!-- {marker}:start[^>]*-->\n)(.*?)(<!-- {marker}:end -->)", text, re.S)
    assert found, f"{page.name} lost its {marker} markers"
    if found.group(2) != want and os.environ.get("LLMCORE_UPDATE_DOCS"):
        page.write_text(text[: found.start(2)] + want + text[found.end(2) :])
        return
    assert found.group(2) == want, f"{page.name}'s {marker} is stale: run with LLMCORE_UPDATE_DOCS=1"
