"""The built-in SQLite usage log, read by ``llmcore usage``.

Every call completed through the facade is logged — time, provider, model,
key id (a short hash, never the key), tokens, cost, whether the response
cache answered, latency — to ``$LLMCORE_USAGE_LOG`` (a file path), else
``<data dir>/usage.sqlite`` (:func:`llmcore.paths.data_dir`). Set
``LLMCORE_USAGE_LOG=0`` (or ``off``/``false``) to log nothing. No prompt
or answer text is ever written.

Writes are buffered, so logging costs a list append per call on the
caller's thread (an event loop never touches SQLite). A background thread
(``llmcore-usage-log``, a daemon) writes the buffer within ``flush_after``
seconds (1 s) of its first record, or as soon as it holds ``flush_every``
(64); the rest is written at interpreter exit (``atexit``) and on
``SIGTERM``: a handler, installed in the main thread when this module is
imported with the log on, flushes and then hands the signal on — to the
handler that was there before it, or, if that was the default, to the
default action (the process still terminates by SIGTERM). ``SIGKILL`` and
a crash lose at most the last second. A log that cannot be written
(read-only disk, locked for 30 s) is reported once on the
``llmcore.usage`` logger and then left off; it never fails a call.

The file (and the folders llmcore creates for it) are private to the
user: ``0600`` and ``0700`` (:func:`llmcore.paths.private_file`).
"""

from __future__ import annotations

import atexit
import logging
import operator
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from .envread import EnvVars
from .record import UsageRecord

__all__ = ["UsageLog", "usage_log", "default_log_path", "enable_log", "disable_log"]

log = logging.getLogger("llmcore.usage")

_COLUMNS = (
    "ts",
    "provider",
    "model",
    "response_model",
    "key_id",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cost",
    "cached",
    "latency",
    "stream",
    "finish_reason",
    "batch",
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    response_model TEXT,
    key_id TEXT,
    input_tokens INTEGER,
    output_tokens INTEGER,
    cache_read_tokens INTEGER,
    cache_write_tokens INTEGER,
    reasoning_tokens INTEGER,
    cost REAL,
    cached INTEGER NOT NULL DEFAULT 0,
    latency REAL,
    stream INTEGER NOT NULL DEFAULT 0,
    finish_reason TEXT,
    batch INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS usage_ts ON usage (ts);
"""


#: the environment :func:`default_log_path` depends on (its answer is memoised per value of these)
_PATH_ENV = ("LLMCORE_USAGE_LOG", "LLMCORE_DATA_DIR", "XDG_DATA_HOME", "HOME", "LOCALAPPDATA", "USERPROFILE")
_path_memo: dict[tuple[str | None, ...], Path | None] = {}


def default_log_path() -> Path | None:
    """The usage log file, or ``None`` when ``LLMCORE_USAGE_LOG`` turns it off."""
    key = tuple(map(os.environ.get, _PATH_ENV))  # called per request: path building is memoised
    try:
        return _path_memo[key]
    except KeyError:
        pass
    env = (key[0] or "").strip()
    path: Path | None
    if env.lower() in ("0", "off", "false", "no", "none"):
        path = None
    elif env and env.lower() not in ("1", "on", "true", "yes"):
        path = Path(env).expanduser()
    else:
        from ..paths import data_dir

        path = data_dir() / "usage.sqlite"
    if len(_path_memo) > 64:
        _path_memo.clear()
    _path_memo[key] = path
    return path


#: a record's values in column order (``ts`` is the record's ``timestamp``)
_row = operator.attrgetter("timestamp", *_COLUMNS[1:])


class UsageLog:
    """A usage table in a SQLite file (see the module docstring).

    ``write`` only appends to a buffer (thread-safe, no I/O); the writer
    thread, :meth:`flush` and the read methods do the SQLite work."""

    def __init__(self, path: str | Path, *, flush_every: int = 64, flush_after: float = 1.0) -> None:
        self.path = Path(path).expanduser()
        self.flush_every = flush_every
        self.flush_after = flush_after
        self._buf: list[tuple[Any, ...]] = []
        self._first_at = 0.0  # monotonic time of the oldest buffered record
        # the buffer's lock (held for list operations only, never during I/O); re-entrant
        # because the SIGTERM handler may run in a thread that already holds it
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._db_lock = threading.RLock()  # the connection's lock (held during SQLite work)
        self._conn: sqlite3.Connection | None = None
        self._writer: threading.Thread | None = None
        self._closed = False
        self.broken: str | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            from ..paths import private_file

            private_file(self.path)
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit; a crash may lose the last batch
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def write(self, record: UsageRecord) -> None:
        """Buffer one record; the writer thread stores it within ``flush_after`` seconds."""
        if self.broken:
            return
        row = _row(record)  # one C call; sqlite stores the bools as 1/0
        with self._lock:
            self._buf.append(row)
            n = len(self._buf)
            if n == 1:
                self._first_at = time.monotonic()
            if n == 1 or n >= self.flush_every:
                if self._writer is None:
                    self._start_writer()
                self._wake.notify()

    def _after_fork(self) -> None:
        """In a forked child: the writer thread and the connection stayed with the
        parent; start afresh (the buffer's copied rows are the parent's to write)."""
        self._buf = []
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._db_lock = threading.RLock()
        self._conn = None  # never close the parent's: it would disturb its locks
        self._writer = None

    def _start_writer(self) -> None:
        # called with self._lock held
        t = threading.Thread(target=self._run_writer, name="llmcore-usage-log", daemon=True)
        self._writer = t
        t.start()

    def _run_writer(self) -> None:
        """The writer thread: sleep until records arrive, let them gather for up
        to ``flush_after`` seconds (or ``flush_every`` records), write them."""
        while True:
            with self._lock:
                while not self._buf and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                while len(self._buf) < self.flush_every and not self._closed:
                    left = self._first_at + self.flush_after - time.monotonic()
                    if left <= 0:
                        break
                    self._wake.wait(left)
            try:
                self.flush()
            except Exception:  # pragma: no cover - flush reports its own failures
                log.exception("usage log writer failed")

    def flush(self, *, wait: float = -1) -> None:
        """Write buffered records now (in the calling thread). ``wait``: at most
        this many seconds for the connection (``-1``: as long as it takes);
        if it is busy longer, the records stay buffered."""
        if not self._db_lock.acquire(timeout=wait):
            return
        try:
            with self._lock:
                rows, self._buf = self._buf, []
            if not rows or self.broken:
                return
            try:
                db = self._db()
                with db:
                    db.executemany(
                        f"INSERT INTO usage ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", rows
                    )
            except (sqlite3.Error, OSError) as e:
                self.broken = f"{type(e).__name__}: {e}"
                log.warning(
                    "usage log %s cannot be written (%s); usage logging is off for this process", self.path, self.broken
                )
        finally:
            self._db_lock.release()

    def rows(self, *, since: float | None = None, until: float | None = None) -> list[dict[str, Any]]:
        """Logged records (oldest first) between two epoch times."""
        self.flush()
        if not self.path.exists():
            return []
        where, args = _range(since, until)
        with self._db_lock:
            cur = self._db().execute(f"SELECT {', '.join(_COLUMNS)} FROM usage{where} ORDER BY ts", args)
            return [dict(zip(_COLUMNS, r, strict=True)) for r in cur.fetchall()]

    def summary(
        self,
        *,
        since: float | None = None,
        until: float | None = None,
        by: tuple[str, ...] = ("day", "provider", "model"),
    ) -> list[dict[str, Any]]:
        """Totals grouped ``by`` any of ``day`` (UTC date), ``provider``,
        ``model``, ``key_id``: requests (provider calls), cache hits, tokens
        (of provider calls), cost (known costs; ``unpriced`` counts calls
        without one) and mean latency."""
        allowed = {"day": "date(ts, 'unixepoch')", "provider": "provider", "model": "model", "key_id": "key_id"}
        bad = [b for b in by if b not in allowed]
        if bad:
            raise ValueError(f"cannot group usage by {bad}; choose from {sorted(allowed)}")
        self.flush()
        if not self.path.exists():
            return []
        where, args = _range(since, until)
        cols = [f"{allowed[b]} AS {b}" for b in by]
        group = ", ".join(allowed[b] for b in by)
        tail = f" GROUP BY {group} ORDER BY {group}" if group else ""
        sql = (
            f"SELECT {', '.join(cols) + ', ' if cols else ''}"
            "SUM(cached = 0) AS requests, SUM(cached = 1) AS cache_hits, "
            "SUM(CASE WHEN cached = 0 THEN COALESCE(input_tokens, 0) ELSE 0 END) AS input_tokens, "
            "SUM(CASE WHEN cached = 0 THEN COALESCE(output_tokens, 0) ELSE 0 END) AS output_tokens, "
            "SUM(CASE WHEN cached = 0 THEN COALESCE(cache_read_tokens, 0) ELSE 0 END) AS cache_read_tokens, "
            "SUM(CASE WHEN cached = 0 THEN COALESCE(reasoning_tokens, 0) ELSE 0 END) AS reasoning_tokens, "
            "SUM(CASE WHEN cached = 0 THEN cost END) AS cost, "
            "SUM(cached = 0 AND cost IS NULL) AS unpriced, "
            "AVG(CASE WHEN cached = 0 THEN latency END) AS mean_latency "
            f"FROM usage{where}{tail}"
        )
        with self._db_lock:
            cur = self._db().execute(sql, args)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def clear(self) -> None:
        """Delete every logged record."""
        with self._db_lock:
            with self._lock:
                self._buf = []
            if self.path.exists():
                with self._db() as db:
                    db.execute("DELETE FROM usage")

    def close(self) -> None:
        """Write what is buffered, stop the writer thread, close the file."""
        self.flush()
        with self._lock:
            self._closed = True
            self._wake.notify_all()
        with self._db_lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _range(since: float | None, until: float | None) -> tuple[str, list[float]]:
    conds, args = [], []
    if since is not None:
        conds.append("ts >= ?")
        args.append(since)
    if until is not None:
        conds.append("ts < ?")
        args.append(until)
    return (" WHERE " + " AND ".join(conds) if conds else ""), args


_logs: dict[str, UsageLog] = {}
_logs_lock = threading.RLock()  # re-entrant: the SIGTERM handler may interrupt its holder
_override: list[Path | None] = []


#: the log each setting of :data:`_PATH_ENV` resolved to (values as stored, see
#: :mod:`.envread`): a call finds its log with one dict lookup, no lock and no
#: environment decoding; a changed variable is a new key, so it is seen on the next call
_log_memo: dict[tuple[object, ...], UsageLog | None] = {}
_LOG_ENV = EnvVars(*_PATH_ENV)


def usage_log() -> UsageLog | None:
    """The log calls are written to (one per path per process), or ``None`` when off."""
    if _override:
        return _log_at(_override[-1])
    key = _LOG_ENV.stored()
    try:
        return _log_memo[key]
    except KeyError:
        pass
    lg = _log_at(default_log_path())
    if len(_log_memo) > 64:  # bounded, like _path_memo (a process that keeps changing its environment)
        _log_memo.clear()
    _log_memo[key] = lg  # a race stores the same object twice: _log_at keeps one per path
    return lg


def _log_at(path: Path | None) -> UsageLog | None:
    """The process's one log for ``path`` (created on first use), or ``None``."""
    if path is None:
        return None
    key = str(path)
    with _logs_lock:
        lg = _logs.get(key)
        if lg is None:
            lg = UsageLog(path)
            _logs[key] = lg
            install_sigterm_flush()  # no-op off the main thread; usually done at import already
        return lg


def enable_log(path: str | Path | None = None) -> UsageLog:
    """Log to ``path`` (default: :func:`default_log_path`'s file) from now on in this process."""
    if path is None:
        from ..paths import data_dir

        path = data_dir() / "usage.sqlite"
    _override.append(Path(path).expanduser())
    lg = usage_log()
    assert lg is not None
    return lg


def disable_log() -> None:
    """Log nothing from now on in this process (until :func:`enable_log`)."""
    _override.append(None)


def _flush_all(wait: float = -1) -> None:
    with _logs_lock:
        logs = list(_logs.values())
    for lg in logs:
        try:
            lg.flush(wait=wait)
        except Exception:  # pragma: no cover - at exit, never raise
            pass


atexit.register(_flush_all)


def _after_fork_in_child() -> None:
    global _logs_lock
    _logs_lock = threading.RLock()
    for lg in _logs.values():
        lg._after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

_previous_sigterm: Any = None
_armed = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Flush the usage logs, then let SIGTERM do what it did before us."""
    _flush_all(wait=5.0)
    prev = _previous_sigterm
    if callable(prev):
        prev(signum, frame)
    elif prev == signal.SIG_IGN:
        return
    else:  # the default action (or a handler not set from Python): terminate by the signal
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)


def install_sigterm_flush() -> bool:
    """Install the SIGTERM handler that flushes the usage logs (see the
    module docstring); once per process, from the main thread only (Python's
    rule for signal handlers). Returns whether it is installed."""
    global _previous_sigterm, _armed
    if _armed:
        return True
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        return False
    try:
        prev = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # pragma: no cover - embedded interpreters without signals
        return False
    _previous_sigterm = prev
    _armed = True
    return True


if os.environ.get("LLMCORE_USAGE_LOG", "").strip().lower() not in ("0", "off", "false", "no", "none"):
    install_sigterm_flush()
