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


def busy_in(client: Any) -> int:
    """:func:`busy_connections` of ``client``, or of the sync API's shared
    client when ``client`` is ``None`` (the default path)."""
    if client is not None:
        return busy_connections(client)
    from llmcore._sync import run
    from llmcore.http.client import shared_client

    async def get() -> Any:
        return shared_client()

    return busy_connections(run(get()))
