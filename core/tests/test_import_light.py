"""``import llmcore`` loads no HTTP stack, no pydantic, no plugin."""

from __future__ import annotations

import json
import subprocess
import sys


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


HEAVY = ("httpx", "aiohttp", "pydantic", "openai", "anthropic", "llmcore_openai", "llmcore_anthropic", "pluggy")


def test_import_llmcore_is_light() -> None:
    mods = _modules_after("import llmcore")
    loaded = [m for m in HEAVY if m in mods]
    assert not loaded, f"import llmcore loaded {loaded}"


def test_errors_and_spec_are_light() -> None:
    mods = _modules_after("import llmcore.errors, llmcore.spec")
    assert not [m for m in HEAVY if m in mods]


def test_discovery_loads_no_pydantic_or_http() -> None:
    mods = _modules_after(
        "import os; os.environ['LLMCORE_PLUGINS'] = ''\nfrom llmcore.plugins import get_registry; get_registry()"
    )
    assert not [m for m in HEAVY if m in mods and m != "pluggy"]


def test_lazy_table_covers_every_public_name() -> None:
    import llmcore
    from llmcore import errors, events, types

    for module in (types, events, errors):
        for name in module.__all__:
            if name in ("redact", "register_secret"):
                continue
            assert getattr(llmcore, name) is getattr(module, name), name
    for name in llmcore._LAZY:
        getattr(llmcore, name)
