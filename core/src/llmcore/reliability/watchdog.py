"""Coarse deadlines for long bounds: one timer per event loop instead of one per call.

Every call through the :class:`~llmcore.reliability.timeout.Timeout` layer is
bounded by default (``total`` 600 s for a non-streamed call). With
``asyncio.timeout_at`` each call schedules and cancels a timer of its own —
a ``TimerHandle`` in the loop's heap, the ``Timeout`` object, its
reschedule: a few microseconds a call, for a bound that almost never fires.
A bound of :data:`COARSE_MIN` seconds or more does not need that
precision: :func:`watch` registers the calling task with its loop's
:class:`Watch`, whose one timer checks every :data:`TICK` seconds (only
while something is registered) and cancels the tasks past their deadline —
so such a bound fires up to one tick late (≤ 1 s on ≥ 30 s, ~3 %).

Cancellation works as with ``asyncio.timeout``: the task is cancelled;
:meth:`Entry.expired` (called on the ``CancelledError``) un-cancels it and
says whether that cancellation was the deadline's and no other is pending,
in which case the caller raises its timeout error. Python 3.11+ (``uncancel``);
:data:`AVAILABLE` is false before, and the caller keeps the precise path.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

__all__ = ["AVAILABLE", "COARSE_MIN", "TICK", "Entry", "Watch", "watch"]

#: bounds of at least this many seconds are watched coarsely
COARSE_MIN = 30.0
#: how often a loop's watch checks its deadlines (seconds)
TICK = 1.0
AVAILABLE = sys.version_info >= (3, 11)


class Entry:
    """One watched deadline of one task (see the module docstring)."""

    __slots__ = ("cancelling", "fired", "task", "uncancelled", "watch", "when")

    def __init__(self, watch: Watch, task: asyncio.Task[Any], when: float) -> None:
        self.watch = watch
        self.task = task
        self.when = when
        self.fired = False
        self.uncancelled = False
        self.cancelling = task.cancelling()

    def expired(self) -> bool:
        """On a ``CancelledError`` in the task: whether it is this deadline's (then the
        cancellation is withdrawn and the caller raises its timeout instead)."""
        if not self.fired:
            return False
        self.uncancelled = True
        return self.task.uncancel() <= self.cancelling

    def done(self) -> None:
        """The bounded work is over (whatever its outcome): stop watching; a deadline that
        fired is withdrawn whatever happened (as ``asyncio.timeout`` does on exit)."""
        self.watch.entries.discard(self)
        if self.fired and not self.uncancelled:
            self.uncancelled = True
            self.task.uncancel()


class Watch:
    """The deadlines of one event loop, checked every :data:`TICK` seconds while any is set."""

    __slots__ = ("entries", "handle", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.entries: set[Entry] = set()
        self.handle: asyncio.TimerHandle | None = None

    def add(self, task: asyncio.Task[Any], seconds: float) -> Entry:
        e = Entry(self, task, self.loop.time() + seconds)
        self.entries.add(e)
        if self.handle is None:
            self.handle = self.loop.call_later(TICK, self._tick)
        return e

    def _tick(self) -> None:
        now = self.loop.time()
        for e in [e for e in self.entries if e.when <= now]:
            self.entries.discard(e)
            e.fired = True
            e.task.cancel()
        self.handle = self.loop.call_later(TICK, self._tick) if self.entries else None


#: the last loop's watch (a program runs one loop at a time; asyncio.run makes a new one per run)
_last: tuple[Any, Watch | None] = (None, None)


def watch(seconds: float) -> Entry:
    """Bound the current task by ``seconds`` (≥ :data:`COARSE_MIN`); call
    :meth:`Entry.done` when the bounded work ends, and :meth:`Entry.expired`
    on its ``CancelledError``. Must run in a task."""
    global _last
    loop = asyncio.get_running_loop()
    w = _last[1] if _last[0] is loop else None
    if w is None:
        w = Watch(loop)
        _last = (loop, w)
    task = asyncio.current_task(loop)
    assert task is not None, "watch() runs in a task"
    return w.add(task, seconds)
