"""The version of llmcore's core, from one source: ``version`` in core/pyproject.toml.

The installed distribution's metadata carries it (``importlib.metadata``), so
``llmcore.__version__``, ``llmcore --version`` and ``pip show llmcore-core``
always agree. Every plugin does the same: its pyproject.toml is the only place
its version is written, and ``llmcore providers list`` reads it from the metadata.
"""

from __future__ import annotations

__all__ = ["UNKNOWN", "version"]

#: a source tree on sys.path that was never installed has no metadata to read
UNKNOWN = "0+unknown"


def version() -> str:
    """The installed ``llmcore-core`` version, or :data:`UNKNOWN` when it is not installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    from .foreign import CORE_DISTRIBUTION

    try:
        return dist_version(CORE_DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN
