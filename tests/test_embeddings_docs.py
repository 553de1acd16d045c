"""docs/embeddings.md's provider table is generated from the installed providers' specs
(``Capabilities.embeddings`` / ``rerank``) and kept in step: this test fails when the page is
stale; ``LLMCORE_UPDATE_DOCS=1`` rewrites it."""

from __future__ import annotations

from generated_docs import DOCS, check_section, provider_label
from llmcore.plugins import get_registry

PAGE = DOCS / "embeddings.md"


def table() -> str:
    """The markdown table: one row per installed provider with embeddings or rerank."""
    rows = ["| provider | install | `embed` | `rerank` |", "|---|---|---|---|"]
    for name, spec in sorted(get_registry().providers.items()):
        caps = spec.capabilities
        if caps.embeddings or caps.rerank:
            label = provider_label(name)
            rows.append(
                f"| {label} | `pip install {spec.distribution}` | "
                f"{'yes' if caps.embeddings else '—'} | {'yes' if caps.rerank else '—'} |"
            )
    return "\n".join(rows) + "\n"


def test_the_provider_table_is_current() -> None:
    check_section(PAGE, "embeddings-table", table())
