"""A path's query string reaches the server on every transport (Azure's ``?api-version=...`` lives
in the endpoint path): the direct aiohttp path used to rebuild the URL with ``params=None``, which
httpx reads as "no query", and dropped it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from llmcore.http import client as http_client
from llmcore.http.client import aclose_shared_clients
from llmcore.provider import ProviderConfig


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> Iterator[str]:
    old = http_client._settings.transport
    http_client.configure(transport=request.param)
    yield request.param
    http_client.configure(transport=old)


def test_query_in_the_path_is_sent(transport: str) -> None:
    from aiohttp import web

    from toy_provider import ToyProvider

    async def main() -> tuple[str, str]:
        async def echo(req: web.Request) -> web.Response:
            return web.json_response({"target": str(req.rel_url)})

        app = web.Application()
        app.router.add_post("/{tail:.*}", echo)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        try:
            p = ToyProvider(ProviderConfig(api_key="toy-" + "key", base_url=f"http://127.0.0.1:{port}/v1"))
            one, _ = await p.request_json("POST", "deployments/d/embeddings?api-version=2024-10-21", {})
            two, _ = await p.request_json("POST", "x", {}, params={"c": "2"})
            return one["target"], two["target"]
        finally:
            await aclose_shared_clients()
            await runner.cleanup()

    one, two = asyncio.run(main())
    assert one == "/v1/deployments/d/embeddings?api-version=2024-10-21"
    assert two == "/v1/x?c=2"
