"""docs/prompt-caching.md's provider table is generated from the installed providers' specs
(``Capabilities.prompt_caching`` / ``cache_breakpoints``) and kept in step: this test fails when the
page is stale; ``LLMCORE_UPDATE_DOCS=1`` rewrites it."""

from __future__ import annotations

from generated_docs import DOCS, check_section, provider_label
from llmcore.plugins import get_registry

PAGE = DOCS / "prompt-caching.md"


def table() -> str:
    """One row per installed provider that claims either."""
    rows = [
        "| provider | install | cached tokens in `Usage` | breakpoints placed |",
        "|---|---|---|---|",
    ]
    for name, spec in sorted(get_registry().providers.items()):
        caps = spec.capabilities
        if not (caps.prompt_caching or caps.cache_breakpoints):
            continue
        rows.append(
            f"| {provider_label(name)} | `pip install {spec.distribution}` | "
            f"{'yes' if caps.prompt_caching else '—'} | {'yes' if caps.cache_breakpoints else '—'} |"
        )
    return "\n".join(rows) + "\n"


def test_the_provider_table_is_current() -> None:
    check_section(PAGE, "prompt-caching-table", table())
