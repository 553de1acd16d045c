"""llmcore-testing's pytest plugin (entry point ``pytest11``: loaded wherever the kit is installed).

It keeps to what every llmcore test run shares, and imports no provider:

* the report header names llmcore-core's and the kit's versions and the provider plugins installed
  (their entry-point names, read from the package metadata without importing a plugin);
* pytest-recording's ``--record-mode`` (``once``, ``new_episodes``, ``all``; default ``none``) is
  the kit's recording mode too (:func:`llmcore_testing.cassettes.record_mode`), so one option
  records both the kit's scenarios and a plugin's own vcr-marked tests. ``LLMCORE_RECORD_MODE``
  in the environment still works where the option is not given.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import Any

from .cassettes import set_record_mode


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def pytest_report_header(config: Any) -> str:
    providers = sorted({ep.name for ep in entry_points(group="llmcore")})
    shown = ", ".join(providers) if providers else "none (install a plugin, e.g. llmcore-openai)"
    return (
        f"llmcore: llmcore-core {_version('llmcore-core')}, llmcore-testing {_version('llmcore-testing')}; "
        f"plugins: {shown}"
    )


def pytest_configure(config: Any) -> None:
    # pytest-recording owns the option (a dependency of the kit); "none" is its default and the kit's
    mode = config.getoption("--record-mode", default=None)
    set_record_mode(mode if mode and mode != "none" else None)
