"""Looking into a client's connection pool, for leak checks."""

from __future__ import annotations

from typing import Any


def busy_connections(client: Any) -> int:
    """Connections checked out of the client's pool (in use, not idle)."""
    t = client._transport
    pool = getattr(t, "_pool", None)
    if pool is not None:  # httpx's own pool (httpcore)
        return sum(1 for c in pool.connections if not c.is_idle() and not c.is_closed())
    session = getattr(t, "client", None)  # httpx-aiohttp: an aiohttp ClientSession once used
    connector = getattr(session, "connector", None)
    if connector is None:
        return 0
    return len(getattr(connector, "_acquired", ()))
