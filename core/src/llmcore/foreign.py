"""A foreign distribution named ``llmcore`` installed beside llmcore's core.

llmcore's core is the distribution ``llmcore-core`` (import name and command
``llmcore``). The name ``llmcore`` on PyPI belongs to an unrelated project
(0.0.x, 2024) that also installs a top-level ``llmcore/`` package: installed
in the same environment, its files and ours land in the same folder and
overwrite each other. Discovery detects it (:func:`foreign_llmcore`), warns
once (:class:`ForeignPackageWarning`) and ``llmcore providers list`` names it
with the fix.

This module imports only ``importlib.metadata``, when called: discovery and
the CLI use it on every run.
"""

from __future__ import annotations

__all__ = ["CORE_DISTRIBUTION", "FOREIGN_DISTRIBUTION", "ForeignPackageWarning", "foreign_llmcore"]

#: the core's distribution name (what ``pip install`` and ``importlib.metadata`` know it as)
CORE_DISTRIBUTION = "llmcore-core"
#: the name that is not ours: the unrelated PyPI project (and this repo's core before the rename)
FOREIGN_DISTRIBUTION = "llmcore"


class ForeignPackageWarning(UserWarning):
    """A distribution that is not llmcore's shares the ``llmcore`` package folder."""


def foreign_llmcore() -> str | None:
    """One line naming the distribution ``llmcore`` installed in this environment
    (its version and where) and how to repair the install; ``None`` when there is none.

    Any distribution of that name is foreign: llmcore's core is ``llmcore-core``.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(FOREIGN_DISTRIBUTION)
    except PackageNotFoundError:
        return None
    except Exception:  # a malformed dist-info must not break discovery: report what is known
        return _message("(unknown version)", "")
    # "_path" is the dist-info folder for distributions found on sys.path; other finders may not set it
    where = getattr(dist, "_path", None)
    location = f" at {where.parent}" if where is not None and hasattr(where, "parent") else ""
    return _message(dist.version or "(unknown version)", location)


def _message(version: str, location: str) -> str:
    from ._version import UNKNOWN
    from ._version import version as core_version

    ours = core_version()
    pin = f"=={ours}" if ours != UNKNOWN else ""
    return (
        f"a package named 'llmcore' {version} is installed{location}: it is not llmcore (whose core is "
        f"'{CORE_DISTRIBUTION}'; the PyPI project 'llmcore' is unrelated) and writes its files into the same "
        f"'llmcore' folder. Remove it, then repair llmcore: pip uninstall llmcore && "
        f"pip install --force-reinstall --no-deps {CORE_DISTRIBUTION}{pin}"
    )
