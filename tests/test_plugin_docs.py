"""docs/plugins.md is enough for an outsider (issue 17): its Python blocks import no
underscore name of llmcore, every ProviderSpec field and Capabilities flag is in its field
table, and it names the kit's mandatory error kinds and the public helpers a plugin uses.
(The blocks themselves run in tests/test_docs_blocks.py.)"""

from __future__ import annotations

import ast
import dataclasses
import re

from conftest import ROOT

PAGE = ROOT / "docs" / "plugins.md"


def _python_blocks(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)]


def test_blocks_use_only_public_names() -> None:
    text = PAGE.read_text(encoding="utf-8")
    blocks = _python_blocks(text)
    assert len(blocks) >= 6
    for code in blocks:
        tree = ast.parse(code.replace("    ...\n", "    pass\n"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("llmcore"):
                assert not any(part.startswith("_") for part in node.module.split(".")), node.module  # type: ignore[union-attr]
                assert not [a.name for a in node.names if a.name.startswith("_")], ast.dump(node)
            if isinstance(node, ast.Attribute):
                assert node.attr != "_api_key", "the key is self.api_key"


def test_every_spec_field_and_capability_is_documented() -> None:
    from llmcore.spec import Capabilities, ProviderSpec

    text = PAGE.read_text(encoding="utf-8")
    table = text.split("Every `ProviderSpec` field", 1)[1].split("\n\n## ", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", table))
    missing = [f.name for f in dataclasses.fields(ProviderSpec) if f.name not in documented]
    assert not missing, f"ProviderSpec fields missing from docs/plugins.md's table: {missing}"
    caps = [f.name for f in dataclasses.fields(Capabilities) if f.name not in table]
    assert not caps, f"Capabilities flags missing from the table: {caps}"


def test_the_kit_and_the_helpers_are_named() -> None:
    from llmcore_testing import ProviderConformance

    text = PAGE.read_text(encoding="utf-8")
    for kind in ProviderConformance.required_errors:
        assert f'`"{kind}"`' in text, kind
    for name in (
        "check_options",
        "self.config.options",
        "self.api_key",
        "open_stream",
        "text/event-stream",
        "error_for_status",
        "ToolCallBuffer",
        "add(piece)",
        "StreamAccumulator",
        "authored_scenarios",
        "cassette_format.serialize",
        "recorded_body_ignore",
        "KitWarning",
        "spec_validator",
        "api_spec_path",
        "keep_unmapped",
        "foreign_part",
        "PartEvent",
        "CitationEvent",
        "authored__",
        "llmcore plugin new",
        "llmcore_openai.chat",
    ):
        assert name in text, name
