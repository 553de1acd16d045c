"""Where llmcore keeps files: the response cache and the usage log.

* cache: ``$LLMCORE_CACHE_DIR``, else the platform cache folder
  (``$XDG_CACHE_HOME/llmcore`` or ``~/.cache/llmcore`` on Linux,
  ``~/Library/Caches/llmcore`` on macOS, ``%LOCALAPPDATA%\\llmcore\\Cache``
  on Windows);
* data (the usage log): ``$LLMCORE_DATA_DIR``, else the platform data
  folder (``$XDG_DATA_HOME/llmcore`` or ``~/.local/share/llmcore``,
  ``~/Library/Application Support/llmcore``, ``%LOCALAPPDATA%\\llmcore``).

Folders are created on first use (:func:`private_dir`), not here. What
llmcore creates there is private to the user: folders ``0700``, files
``0600`` (:func:`private_file`); a folder that already exists is left as
it is (the user made it and chose its mode).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["cache_dir", "data_dir", "private_dir", "private_file"]


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


def private_dir(path: Path) -> Path:
    """Create ``path`` and any missing parents with mode ``0700`` (whatever the
    umask); folders that already exist keep their mode. Returns ``path``."""
    missing: list[Path] = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=0o700)
        except FileExistsError:  # made by another process meanwhile: theirs, keep it
            continue
        if os.name == "posix":
            os.chmod(d, 0o700)  # mkdir's mode is masked by the umask
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists, created ``0600`` if llmcore creates it (its
    folder through :func:`private_dir`). An existing file keeps its mode.
    SQLite gives its ``-wal``/``-shm`` files the database file's mode."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, 0o600)  # whatever the umask
    return path
