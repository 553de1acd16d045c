"""Where a :class:`~llmcore.usage.budget.Budget` keeps what was spent: this
process (default), a SQLite file (processes of one machine) or Redis (processes
and machines; the same server as the shared rate limits).

A store holds one number per budget and period: the USD settled in the current
period (``per="minute"|"hour"|"day"|"week"``, UTC, weeks from Monday 00:00;
``None``: one period forever). A new period starts at 0; old ones expire.

* :class:`MemoryStore` — a float under a lock; the period from this machine's clock.
* :class:`SQLiteStore` — ``sqlite:///path/to/budgets.db``: one row per (budget,
  period), each change one ``BEGIN IMMEDIATE`` transaction (atomic across the
  processes sharing the file); the period from this machine's clock.
* :class:`RedisStore` — ``redis://host:6379/0``: one Lua script per operation,
  the period from the server's clock (``TIME``), so machines with skewed clocks
  agree on when a day starts; keys ``llmcore:budget:<name>:<period>`` expire two
  periods after their last change.

**When Redis is down** a budget behaves like the shared rate limits: the check
fails closed (:class:`~llmcore.errors.BackendUnavailableError`, typed and
retryable, ``retry_after`` set; nothing is sent), bounded by the same
:data:`~llmcore.reliability.redis_backend.OP_TIMEOUT` (2 s) per operation and
the same 1 s cool-down (calls then fail at once without touching the network).
``Budget(..., fail_open=True)`` lets calls through unchecked instead (logged).
Settling a cost never fails a call that got its answer: a cost Redis could not
take is kept in the process and added with the next successful operation.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from ..errors import BackendUnavailableError, ConfigurationError

__all__ = ["PERIODS", "period_index", "BudgetStore", "MemoryStore", "SQLiteStore", "RedisStore", "open_store"]

log = logging.getLogger("llmcore.usage")

#: period name -> (length in seconds, offset added to UNIX time before dividing)
PERIODS: dict[str, tuple[int, int]] = {
    "minute": (60, 0),
    "hour": (3600, 0),
    "day": (86400, 0),
    "week": (604800, 3 * 86400),  # 1970-01-01 was a Thursday: +3 days puts boundaries on Mondays 00:00 UTC
}


def period_index(per: str | None, now: float) -> int:
    """The number of the period ``now`` (UNIX seconds) falls in (0 for ``per=None``)."""
    if per is None:
        return 0
    length, offset = PERIODS[per]
    return math.floor((now + offset) / length)


class BudgetStore:
    """What a budget's spending is kept in (see the module docstring)."""

    #: a short description for messages and reprs (never a password)
    where = "this process"

    def spent(self) -> float:
        """USD settled in the current period."""
        raise NotImplementedError

    def add(self, cost: float) -> None:
        """Settle ``cost`` USD in the current period."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the current period's spending."""
        raise NotImplementedError


class MemoryStore(BudgetStore):
    def __init__(self, per: str | None) -> None:
        self.per = per
        self._lock = threading.Lock()
        self._period = period_index(per, time.time())
        self._spent = 0.0

    def _roll(self) -> None:
        p = period_index(self.per, time.time())
        if p != self._period:
            self._period, self._spent = p, 0.0

    def spent(self) -> float:
        with self._lock:
            self._roll()
            return self._spent

    def add(self, cost: float) -> None:
        with self._lock:
            self._roll()
            self._spent += cost

    def reset(self) -> None:
        with self._lock:
            self._roll()
            self._spent = 0.0


class SQLiteStore(BudgetStore):
    """Spending in a SQLite file shared by the processes of one machine."""

    def __init__(self, path: str, name: str, per: str | None) -> None:
        import os
        import sqlite3

        self.path, self.name, self.per = path, name, per
        self.where = f"sqlite:///{path}"
        self._lock = threading.Lock()
        self._pending = 0.0  # costs the file could not take yet (locked for longer than the timeout)
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            self._db = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS budgets (name TEXT, period INTEGER, spent REAL, PRIMARY KEY (name, period))"
            )
        except (OSError, sqlite3.Error) as e:
            raise ConfigurationError(f"the budget file {path} cannot be used: {e}") from None

    def _run(self, fn: Any) -> Any:
        import sqlite3

        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    out = fn(self._db, period_index(self.per, time.time()))
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return out
            except sqlite3.Error as e:
                raise BackendUnavailableError(
                    f"the budget file {self.path} is unavailable: {e}", retry_after=1.0
                ) from None

    def spent(self) -> float:
        def read(db: Any, p: int) -> float:
            row = db.execute("SELECT spent FROM budgets WHERE name=? AND period=?", (self.name, p)).fetchone()
            return float(row[0]) if row else 0.0

        return float(self._run(read)) + self._pending

    def add(self, cost: float) -> None:
        with self._lock:
            self._pending += cost
            amount, self._pending = self._pending, 0.0

        def write(db: Any, p: int) -> None:
            db.execute(
                "INSERT INTO budgets (name, period, spent) VALUES (?, ?, ?) "
                "ON CONFLICT(name, period) DO UPDATE SET spent = spent + excluded.spent",
                (self.name, p, amount),
            )
            if self.per is not None:  # old periods are never read again
                db.execute("DELETE FROM budgets WHERE name=? AND period<?", (self.name, p - 1))

        try:
            self._run(write)
        except BackendUnavailableError as e:  # never fail a call that got its answer: added with the next one
            with self._lock:
                self._pending += amount
            log.warning("budget %s: a cost of $%.6g is kept in this process (%s)", self.name, cost, e)

    def reset(self) -> None:
        self._run(lambda db, p: db.execute("DELETE FROM budgets WHERE name=? AND period=?", (self.name, p)))


# KEYS[1] = key prefix; ARGV = period length (0: none), offset, op ("get"|"add"|"reset"), amount
_LUA = """
local t = redis.call('TIME')
local len = tonumber(ARGV[1])
local idx = 0
if len > 0 then idx = math.floor((tonumber(t[1]) + tonumber(ARGV[2])) / len) end
local key = KEYS[1] .. ':' .. idx
local op = ARGV[3]
if op == 'add' then
  local v = redis.call('INCRBYFLOAT', key, ARGV[4])
  if len > 0 then redis.call('EXPIRE', key, 2 * len + 60) end
  return v
elseif op == 'reset' then
  redis.call('DEL', key)
  return '0'
end
return redis.call('GET', key) or '0'
"""


class RedisStore(BudgetStore):
    """Spending in Redis, shared by processes and machines (see the module docstring)."""

    def __init__(self, url: str, name: str, per: str | None) -> None:
        from ..reliability.redis_backend import _import_redis, _safe_url

        _import_redis()  # a clear ConfigurationError now when the client is missing
        self.url, self.name, self.per = url, name, per
        self.where = _safe_url(url)
        self._prefix = f"llmcore:budget:{name}"
        length, offset = PERIODS[per] if per is not None else (0, 0)
        self._args = (length, offset)
        self._pending = 0.0  # costs Redis could not take yet
        self._lock = threading.Lock()
        self._client: Any = None
        self._script: Any = None

    def _op(self, op: str, amount: float = 0.0) -> float:
        """One Lua call, bounded like every Redis operation of llmcore: a
        :class:`BackendUnavailableError` when Redis is down, in its cool-down or slow."""
        from redis.exceptions import AuthenticationError, AuthorizationError, RedisError

        from ..reliability import redis_backend as rb

        down = rb._down_until.get(self.url)
        if down is not None and down - time.monotonic() > 0:
            left = down - time.monotonic()
            raise BackendUnavailableError(
                f"budget backend {self.where} is unavailable (it failed less than {rb.COOLDOWN:g}s ago); "
                f"retry after {left:.2f}s",
                retry_after=left,
            )
        with self._lock:
            if self._client is None:
                self._client = rb._sync_client(self.url)
                self._script = self._client.register_script(_LUA)
            script = self._script
        try:
            value = script(keys=[self._prefix], args=[*self._args, op, repr(amount)])
        except (AuthenticationError, AuthorizationError) as e:
            raise ConfigurationError(f"budget backend {self.where} refused llmcore: {e}") from None
        except (RedisError, OSError, TimeoutError) as e:
            rb._down_until[self.url] = time.monotonic() + rb.COOLDOWN
            raise BackendUnavailableError(
                f"budget backend {self.where} is unavailable ({type(e).__name__}: {e}); retry after {rb.COOLDOWN:g}s",
                retry_after=rb.COOLDOWN,
            ) from None
        rb._down_until.pop(self.url, None)
        return float(value)

    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, 0.0
        if pending:
            try:
                self._op("add", pending)
            except BackendUnavailableError:
                with self._lock:
                    self._pending += pending
                raise

    def spent(self) -> float:
        self._flush()
        return self._op("get")

    def add(self, cost: float) -> None:
        with self._lock:
            self._pending += cost
        try:
            self._flush()
        except BackendUnavailableError as e:  # never fail a call that got its answer: added later
            log.warning("budget %s: a cost of $%.6g is kept in this process until %s answers (%s)",
                        self.name, cost, self.where, e)  # fmt: skip

    def reset(self) -> None:
        with self._lock:
            self._pending = 0.0
        self._op("reset")


def open_store(backend: str | None, name: str, per: str | None) -> BudgetStore:
    """The store for ``backend``: ``None`` (this process), ``"sqlite:///path"`` or ``"redis://..."``
    (also ``rediss://``, ``unix://``)."""
    if per is not None and per not in PERIODS:
        raise ConfigurationError(f"a budget period is one of {', '.join(PERIODS)} (or None), not {per!r}")
    if backend is None:
        return MemoryStore(per)
    if not isinstance(backend, str):
        raise ConfigurationError(f"a budget backend is a URL string, not {type(backend).__name__}")
    if backend.startswith("sqlite:///"):
        return SQLiteStore(backend[len("sqlite:///") :], name, per)
    if backend.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(backend, name, per)
    raise ConfigurationError(
        f"unknown budget backend {backend.split('://', 1)[0]!r}: use 'redis://host:6379/0' (processes and machines) "
        "or 'sqlite:///path/budgets.db' (processes of one machine)"
    )
