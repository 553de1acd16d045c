"""mkdocs hooks (``hooks:`` in mkdocs.yml): the providers tables, built from the installed plugins.

Each ``docs/providers/<name>.md`` page also gets its provider's capability table after its title.

``docs/providers/index.md`` holds the marker ``<!-- providers-table -->``; at build time it becomes
one row per provider with what its ``ProviderSpec.capabilities`` claim, read through llmcore's own
plugin discovery — the same registry ``llmcore providers list`` shows — so the table is the code's,
not a copy. A plugin that is not installed in the docs venv is simply absent (``nox -s docs``
installs them all).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Any

DOCS = Path(__file__).parent
ROOT = DOCS.parent
PAGES = DOCS / "providers"
# Where the repository is browsed (pyproject's Repository URL): links out of docs/ go there.
GITHUB = "https://github.com/llmcore/llmcore"
# A Markdown link target that is relative (no scheme, not an anchor only).
LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s]+)\)")
MARKER = "<!-- providers-table -->"
# (column title, Capabilities attribute) — the boolean and tuple claims, in the order users ask.
COLUMNS = [
    ("stream", "streaming"),
    ("tools", "tools"),
    ("vision", "vision"),
    ("reasoning", "reasoning"),
    ("structured output", "structured_output"),
    ("embeddings", "embeddings"),
    ("rerank", "rerank"),
    ("batch", "batch"),
    ("server tools", "server_tools"),
    ("prompt caching", "prompt_caching"),
    ("tokens", "count_tokens"),
]


def _cell(value: Any) -> str:
    """A claim as a table cell: ✓ / blank for a flag, the names for a tuple, the value otherwise."""
    if isinstance(value, bool):
        return "✓" if value else ""
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _specs() -> dict[str, Any]:
    """Every discovered provider's spec by name (llmcore's plugin discovery, cached by llmcore)."""
    from llmcore.plugins import get_registry

    return get_registry().providers


def provider_table(name: str) -> str:
    """One provider's claims as a two-column table ("" when no installed plugin provides ``name``)."""
    spec = _specs().get(name)
    if spec is None:
        return ""
    rows = [f"| {title} | {_cell(getattr(spec.capabilities, attr)) or '—'} |" for title, attr in COLUMNS]
    head = f"Capabilities `{spec.distribution or name}` claims (from its spec, at build time):\n\n"
    return head + "| capability | |\n|---|---|\n" + "\n".join(rows) + "\n"


def providers_table() -> str:
    """The Markdown table of every discovered provider's capabilities, sorted by name."""
    specs = _specs()
    head = ["provider", "package", "key", *[title for title, _ in COLUMNS]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in sorted(specs):
        spec = specs[name]
        # Providers with their own credential chain (Bedrock, Azure, Vertex) list no key variable.
        key = ", ".join(f"`{k}`" for k in spec.env_keys)
        if key and not spec.requires_key:
            key += " (optional)"
        title = f"[`{name}`]({name}.md)" if (PAGES / f"{name}.md").is_file() else f"`{name}`"
        cells = [title, f"`{spec.distribution}`" if spec.distribution else "", key]
        cells += [_cell(getattr(spec.capabilities, attr)) for _, attr in COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + f"\n\n{len(specs)} providers."


def outside_links(markdown: str, src_uri: str) -> str:
    """``markdown`` with its links to repository files outside docs/ (``../plugins/openai``) made
    GitHub URLs: on GitHub the relative link works, on the site the file is not part of it."""

    def fix(m: re.Match[str]) -> str:
        path, _, anchor = m.group(1).partition("#")
        rel = posixpath.normpath(posixpath.join("docs", posixpath.dirname(src_uri), path))
        if rel == "docs" or rel.startswith("docs/"):
            return m.group(0)
        kind = "tree" if (ROOT / rel).is_dir() else "blob"
        return f"]({GITHUB}/{kind}/main/{rel}" + (f"#{anchor}" if anchor else "") + ")"

    return LINK.sub(fix, markdown)


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    """mkdocs hook: fill the providers table where the page has the marker; point links to
    files outside docs/ at GitHub."""
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, providers_table())
    name = Path(page.file.src_uri).stem
    if page.file.src_uri == f"providers/{name}.md" and (table := provider_table(name)):
        # after the page's title line, so each provider page opens with what the provider can do
        title, nl, rest = markdown.partition("\n")
        markdown = f"{title}{nl}\n{table}\n{rest}" if title.startswith("# ") else f"{table}\n{markdown}"
    return outside_links(markdown, page.file.src_uri)


def on_config(config: Any, **_: Any) -> Any:
    """mkdocs hook: every ``docs/providers/<name>.md`` page joins the "Providers" section of the
    nav, sorted, so a new provider's page is listed without editing mkdocs.yml."""
    for section in config["nav"] or []:
        if isinstance(section, dict) and "Providers" in section:
            pages = section["Providers"]
            listed = {p if isinstance(p, str) else next(iter(p.values())) for p in pages}
            pages += [f"providers/{p.name}" for p in sorted(PAGES.glob("*.md")) if f"providers/{p.name}" not in listed]
    return config
