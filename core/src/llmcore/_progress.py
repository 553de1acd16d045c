"""A one-line progress display for :func:`llmcore.generate` (no dependency).

Drawn on stderr only when stderr is a terminal (unless forced), redrawn at
most ten times a second, so 10^5 items cost 10^5 counter bumps and a few
hundred writes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["Progress", "make_progress"]

#: a user callback: ``(done, total or None, errors)``
ProgressCallback = Callable[[int, "int | None", int], None]


class Progress:
    """Counts done/failed items and draws ``label [####....] 12/40 (2 errors) 8.1/s eta 3s``."""

    def __init__(
        self,
        total: int | None,
        *,
        stream: TextIO | None = None,
        label: str = "generate",
        callback: ProgressCallback | None = None,
        min_interval: float = 0.1,
    ) -> None:
        self.total = total
        self.done = 0
        self.errors = 0
        self.stream = stream
        self.label = label
        self.callback = callback
        self.min_interval = min_interval
        self._start = time.monotonic()
        self._last = 0.0
        self._width = 0

    def update(self, ok: bool) -> None:
        """One item finished (``ok=False``: it ended in an error)."""
        self.done += 1
        if not ok:
            self.errors += 1
        if self.callback is not None:
            self.callback(self.done, self.total, self.errors)
        if self.stream is not None:
            now = time.monotonic()
            if now - self._last >= self.min_interval or self.done == self.total:
                self._last = now
                self._draw(now)

    def line(self, now: float | None = None) -> str:
        """The progress line as text (also what is drawn)."""
        elapsed = max((now or time.monotonic()) - self._start, 1e-9)
        rate = self.done / elapsed
        parts = [self.label]
        if self.total:
            frac = min(self.done / self.total, 1.0)
            filled = int(frac * 20)
            parts.append(f"[{'#' * filled}{'.' * (20 - filled)}] {self.done}/{self.total}")
        else:
            parts.append(f"{self.done}")
        if self.errors:
            parts.append(f"({self.errors} error{'s' if self.errors != 1 else ''})")
        parts.append(f"{rate:.1f}/s")
        if self.total and rate > 0 and self.done < self.total:
            parts.append(f"eta {int((self.total - self.done) / rate)}s")
        return " ".join(parts)

    def _draw(self, now: float) -> None:
        assert self.stream is not None
        text = self.line(now)
        pad = max(self._width - len(text), 0)
        self._width = len(text)
        try:
            self.stream.write("\r" + text + " " * pad)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal never breaks the batch
            self.stream = None

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.stream is not None:
            self._draw(time.monotonic())
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.stream = None


def make_progress(progress: Any, total: int | None, label: str) -> Progress:
    """``None`` → draw only if stderr is a TTY; ``True``/``False`` → force on/off;
    a callable → called with ``(done, total, errors)`` after every item (nothing drawn)."""
    if callable(progress):
        return Progress(total, label=label, callback=progress)
    if progress is None:
        err = sys.stderr
        isatty = getattr(err, "isatty", None)
        progress = bool(err is not None and isatty is not None and isatty())
    return Progress(total, stream=sys.stderr if progress else None, label=label)
