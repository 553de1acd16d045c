"""A concurrency cap shared by every process on one machine, with file locks.

``LLMCORE_GLOBAL_CONCURRENCY=N`` caps the requests in flight across all
llmcore processes of this user on this machine (e.g. 8 workers of a batch
job sharing one provider quota). It is built from ``N`` slot files in
``LLMCORE_LOCK_DIR`` (default: ``<tmp>/llmcore-locks-<uid>``); holding a
slot is holding an exclusive ``flock`` on its file (``msvcrt.locking`` on
Windows). The operating system releases the locks of a process that dies,
so a crashed worker never leaks a slot.

Waiting is polling (a non-blocking attempt on each slot, then a short,
growing, jittered sleep), so the event loop never blocks. An in-process gate
in front keeps this process from polling with more tasks than there are
slots. No third-party package is needed.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .limiter import LocalLimiter

__all__ = ["FileLockLimiter", "global_concurrency_from_env", "default_lock_dir"]

ENV_VAR = "LLMCORE_GLOBAL_CONCURRENCY"
DIR_ENV_VAR = "LLMCORE_LOCK_DIR"


def default_lock_dir() -> Path:
    """``$LLMCORE_LOCK_DIR`` or a per-user folder in the temp dir."""
    d = os.environ.get(DIR_ENV_VAR)
    if d:
        return Path(d)
    uid = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / f"llmcore-locks-{uid}"


if sys.platform == "win32":  # pragma: no cover - not exercised on Linux CI
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import errno
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLockLimiter:
    """At most ``limit`` holders across all processes using the same
    ``name`` and ``directory`` on this machine."""

    def __init__(
        self,
        limit: int,
        name: str = "global",
        *,
        directory: str | Path | None = None,
        poll_initial: float = 0.002,
        poll_max: float = 0.05,
    ) -> None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigurationError(f"a shared concurrency limit must be a positive integer, not {limit!r}")
        self.limit = limit
        self.name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)
        self.directory = Path(directory) if directory is not None else default_lock_dir()
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as e:
            raise ConfigurationError(f"cannot create the lock directory {self.directory}: {e}") from None
        self.poll_initial = poll_initial
        self.poll_max = poll_max
        self._local = LocalLimiter(limit)
        self.acquired = 0

    def _path(self, i: int) -> str:
        return str(self.directory / f"{self.name}.{i}.lock")

    def _try_any(self) -> tuple[int, int] | None:
        start = random.randrange(self.limit)
        for k in range(self.limit):
            i = (start + k) % self.limit
            fd = os.open(self._path(i), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                if _try_lock(fd):
                    return i, fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)
        return None

    async def acquire(self) -> tuple[int, int]:
        """Wait for a free slot; returns the lease ``(slot, fd)``."""
        await self._local.acquire()
        try:
            delay = self.poll_initial
            while True:
                got = self._try_any()
                if got is not None:
                    self.acquired += 1
                    return got
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(self.poll_max, delay * 2)
        except BaseException:
            self._local.release_now()
            raise

    async def release(self, lease: Any) -> None:
        """Give the slot back."""
        _, fd = lease
        try:
            _unlock(fd)
        finally:
            os.close(fd)
            self._local.release_now()

    def status(self) -> dict[str, Any]:
        return {
            "backend": "file",
            "name": self.name,
            "limit": self.limit,
            "directory": str(self.directory),
            "in_flight_here": self._local.held,
            "waiting_here": self._local.waiting,
        }

    def __repr__(self) -> str:
        return f"FileLockLimiter(name={self.name!r}, limit={self.limit}, directory={str(self.directory)!r})"


def global_concurrency_from_env() -> int | None:
    """``LLMCORE_GLOBAL_CONCURRENCY`` as an int (``None`` when unset/empty)."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        n = int(raw)
    except ValueError:
        raise ConfigurationError(f"{ENV_VAR} must be a positive integer, not {raw!r}") from None
    if n < 1:
        raise ConfigurationError(f"{ENV_VAR} must be a positive integer, not {raw!r}")
    return n
