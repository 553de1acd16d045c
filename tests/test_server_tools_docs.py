"""docs/server-tools.md's provider table is generated from the installed providers' specs
(``Capabilities.server_tools`` / ``citations`` / ``image_output`` / ``prompt_caching``) and kept in
step: this test fails when the page is stale; ``LLMCORE_UPDATE_DOCS=1`` rewrites it."""

from __future__ import annotations

from generated_docs import DOCS, check_section, provider_label
from llmcore.plugins import get_registry

PAGE = DOCS / "server-tools.md"


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
        label = provider_label(name)
        tools = ", ".join(f"`{t}`" for t in caps.server_tools) or "—"
        rows.append(
            f"| {label} | `pip install {spec.distribution}` | {tools} | {_yes(caps.citations)} | "
            f"{_yes(caps.image_output)} | {_yes(caps.prompt_caching)} |"
        )
    return "\n".join(rows) + "\n"


def builtin_table() -> str:
    """The markdown table of built-in tools: one row per installed provider claiming a server tool,
    one column per neutral spec (:data:`llmcore.builtin_tools.BUILTIN_TOOLS`), from the claims that
    decide what is sent and what is refused."""
    from llmcore.builtin_tools import BUILTIN_TOOLS

    rows = [
        "| provider | " + " | ".join(f"`{cls.__name__}`" for cls in BUILTIN_TOOLS) + " |",
        "|---|" + "---|" * len(BUILTIN_TOOLS),
    ]
    for name, spec in sorted(get_registry().providers.items()):
        claimed = spec.capabilities.server_tools
        if not claimed:
            continue
        cells = [_yes(any(c in claimed for c in cls.claims)) for cls in BUILTIN_TOOLS]
        rows.append(f"| {provider_label(name)} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def test_the_provider_table_is_current() -> None:
    check_section(PAGE, "server-tools-table", table())


def test_the_built_in_tools_table_is_current() -> None:
    check_section(PAGE, "builtin-tools-table", builtin_table())
