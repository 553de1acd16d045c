"""Headers on the direct aiohttp path: the client's defaults merged with each provider's,
case-insensitively, the provider's winning — also now that the merge is made once per
distinct set of provider headers (``Direct._merged``) instead of on every request."""

from __future__ import annotations

import asyncio
from typing import Any

from llmcore.http import client as http_client
from llmcore.http.client import aclose_shared_clients
from llmcore.provider import ProviderConfig


def test_each_provider_sends_its_own_headers_on_every_request() -> None:
    from aiohttp import web

    from toy_provider import ToyProvider

    seen: list[dict[str, str]] = []

    async def main() -> None:
        async def echo(req: web.Request) -> web.Response:
            seen.append({k.lower(): v for k, v in req.headers.items()})
            return web.json_response({})

        app = web.Application()
        app.router.add_post("/{tail:.*}", echo)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"http://127.0.0.1:{port}/v1"
        old = http_client._settings.transport
        http_client.configure(transport="aiohttp")
        try:
            a = ToyProvider(ProviderConfig(api_key="toy-" + "a", base_url=base, headers={"X-Tenant": "a"}))
            b = ToyProvider(ProviderConfig(api_key="toy-" + "b", base_url=base, headers={"USER-AGENT": "mine/1"}))
            for p in (a, b, a, b):
                await p.request_json("POST", "x", {})
            a.config.headers["X-Tenant"] = "changed"  # a change between calls is sent
            await a.request_json("POST", "x", {}, headers={"Accept": "text/plain"})
            direct: Any = http_client.shared_direct()
            assert direct is not None and len(direct._merged) >= 2
        finally:
            http_client.configure(transport=old)
            await aclose_shared_clients()
            await runner.cleanup()

    asyncio.run(main())
    assert [h.get("x-tenant") for h in seen] == ["a", None, "a", None, "changed"]
    assert [h["user-agent"].startswith("mine/") for h in seen] == [False, True, False, True, False]
    assert seen[0]["user-agent"] == seen[2]["user-agent"]  # the client's default User-Agent
    assert [h["authorization"][-1] for h in seen] == ["a", "b", "a", "b", "a"]
    assert seen[4]["accept"] == "text/plain" and seen[0]["accept"] == "application/json"
    assert all(list(h).count("user-agent") == 1 for h in seen)
