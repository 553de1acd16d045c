"""Where llmcore keeps files: the response cache and the usage log.

* cache: ``$LLMCORE_CACHE_DIR``, else the platform cache folder
  (``$XDG_CACHE_HOME/llmcore`` or ``~/.cache/llmcore`` on Linux,
  ``~/Library/Caches/llmcore`` on macOS, ``%LOCALAPPDATA%\\llmcore\\Cache``
  on Windows);
* data (the usage log): ``$LLMCORE_DATA_DIR``, else the platform data
  folder (``$XDG_DATA_HOME/llmcore`` or ``~/.local/share/llmcore``,
  ``~/Library/Application Support/llmcore``, ``%LOCALAPPDATA%\\llmcore``).

Folders are created on first use, not here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["cache_dir", "data_dir"]


def cache_dir() -> Path:
    """The folder for the on-disk response cache."""
    env = os.environ.get("LLMCORE_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "llmcore"
    if sys.platform == "win32":  # pragma: no cover - not exercised on Linux CI
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "llmcore" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "llmcore"


def data_dir() -> Path:
    """The folder for llmcore's own data (the usage log)."""
    env = os.environ.get("LLMCORE_DATA_DIR")
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "llmcore"
    if sys.platform == "win32":  # pragma: no cover
        return Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "llmcore"
    return Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "llmcore"
