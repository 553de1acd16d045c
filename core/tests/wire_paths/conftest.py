"""Transport tests that drive a real plugin (llmcore-openai) over real loopback sockets.

They check what core's HTTP layer does on the user's path — typed, keyless
transport errors, default timeouts, line limits, clean exit, refused URL
credentials — so they need a provider installed; ``nox -s tests-core``
installs core alone, so they run in ``nox -s faults`` (which installs the
plugins) and are skipped elsewhere with that reason.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

HERE = Path(__file__).parent
_MISSING = [m for m in ("llmcore_openai", "aiohttp") if importlib.util.find_spec(m) is None]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not _MISSING:
        return
    skip = pytest.mark.skip(reason=f"these tests need {', '.join(_MISSING)}: run `nox -s faults`")
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)
