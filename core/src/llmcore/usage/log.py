"""The built-in SQLite usage log, read by ``llmcore usage``.

Every call completed through the facade is logged — time, provider, model,
key id (a short hash, never the key), tokens, cost, whether the response
cache answered, latency — to ``$LLMCORE_USAGE_LOG`` (a file path), else
``<data dir>/usage.sqlite`` (:func:`llmcore.paths.data_dir`). Set
``LLMCORE_USAGE_LOG=0`` (or ``off``/``false``) to log nothing. No prompt
or answer text is ever written.

Writes are buffered (flushed every 64 records, after a second, and at
exit), so logging costs a list append per call. A log that cannot be
written (read-only disk) is reported once on the ``llmcore.usage`` logger
and then left off; it never fails a call.
"""

from __future__ import annotations

import atexit
import logging
import operator
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .record import UsageRecord

__all__ = ["UsageLog", "usage_log", "default_log_path", "enable_log", "disable_log"]

log = logging.getLogger("llmcore.usage")

_COLUMNS = (
    "ts", "provider", "model", "response_model", "key_id", "input_tokens", "output_tokens",
    "cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "cost", "cached", "latency", "stream",
    "finish_reason", "batch",
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
    """A usage table in a SQLite file (see the module docstring)."""

    def __init__(self, path: str | Path, *, flush_every: int = 64, flush_after: float = 1.0) -> None:
        self.path = Path(path).expanduser()
        self.flush_every = flush_every
        self.flush_after = flush_after
        self._buf: list[tuple[Any, ...]] = []
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._last_flush = time.monotonic()
        self.broken: str | None = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit; a crash may lose the last batch
            conn.executescript(_SCHEMA)
            self._conn = conn
        return self._conn

    def write(self, record: UsageRecord) -> None:
        """Buffer one record (flushed in batches)."""
        if self.broken:
            return
        row = _row(record)  # one C call; sqlite stores the bools as 1/0
        with self._lock:
            self._buf.append(row)
            due = len(self._buf) >= self.flush_every or time.monotonic() - self._last_flush >= self.flush_after
        if due:
            self.flush()

    def flush(self) -> None:
        """Write buffered records now."""
        with self._lock:
            rows, self._buf = self._buf, []
            self._last_flush = time.monotonic()
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
                log.warning("usage log %s cannot be written (%s); usage logging is off for this process",
                            self.path, self.broken)

    def rows(self, *, since: float | None = None, until: float | None = None) -> list[dict[str, Any]]:
        """Logged records (oldest first) between two epoch times."""
        self.flush()
        if not self.path.exists():
            return []
        where, args = _range(since, until)
        with self._lock:
            cur = self._db().execute(f"SELECT {', '.join(_COLUMNS)} FROM usage{where} ORDER BY ts", args)
            return [dict(zip(_COLUMNS, r, strict=True)) for r in cur.fetchall()]

    def summary(self, *, since: float | None = None, until: float | None = None,
                by: tuple[str, ...] = ("day", "provider", "model")) -> list[dict[str, Any]]:
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
        with self._lock:
            cur = self._db().execute(sql, args)
            names = [d[0] for d in cur.description]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def clear(self) -> None:
        """Delete every logged record."""
        with self._lock:
            self._buf = []
            if self.path.exists():
                with self._db() as db:
                    db.execute("DELETE FROM usage")

    def close(self) -> None:
        self.flush()
        with self._lock:
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
_logs_lock = threading.Lock()
_override: list[Path | None] = []


_resolved: dict[tuple[str | None, str | None], Path | None] = {}


def usage_log() -> UsageLog | None:
    """The log calls are written to (one per path per process), or ``None`` when off."""
    if _override:
        path = _override[-1]
    else:  # resolved once per setting: this runs on every call
        env = (os.environ.get("LLMCORE_USAGE_LOG"), os.environ.get("LLMCORE_DATA_DIR"))
        if env not in _resolved:
            _resolved[env] = default_log_path()
        path = _resolved[env]
    if path is None:
        return None
    key = str(path)
    with _logs_lock:
        lg = _logs.get(key)
        if lg is None:
            lg = UsageLog(path)
            _logs[key] = lg
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


def _flush_all() -> None:
    with _logs_lock:
        logs = list(_logs.values())
    for lg in logs:
        try:
            lg.flush()
        except Exception:  # pragma: no cover - at exit, never raise
            pass


atexit.register(_flush_all)
