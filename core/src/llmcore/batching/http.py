"""HTTP helpers batch implementations need beyond ``HTTPProvider.request_json``:
multipart uploads, raw downloads (JSONL result files), JSONL parsing."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import ProviderResponseError

if TYPE_CHECKING:
    from ..provider import HTTPProvider

__all__ = ["send", "iter_jsonl"]


async def send(
    provider: HTTPProvider,
    method: str,
    path: str,
    *,
    files: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> bytes:
    """Send a request with the provider's auth, client and timeouts and return
    the body bytes; a non-2xx answer raises the provider's typed error,
    a transport failure :class:`~llmcore.errors.ProviderConnectionError` (or
    timeout) from the same key-scrubbed mapping as the chat path, whatever the
    transport raised (httpx, or aiohttp through httpx-aiohttp, which passes
    e.g. a malformed status line on as a raw ``aiohttp.ClientResponseError``
    holding the request's headers). With ``files``, the body is multipart/form-data."""
    from ..http.errors import is_transport_error, map_transport_error

    h = provider.headers(headers)
    if files is not None:
        h.pop("content-type", None)  # httpx sets multipart/form-data with its boundary
    kw: dict[str, Any] = {}
    t = provider._timeout_ext()
    if t is not None:
        kw["timeout"] = t
    req = provider.client.build_request(method, provider.url(path), files=files, data=data, headers=h, **kw)
    if provider._finalizes():  # sign/authenticate the multipart bytes as built
        from ..provider import OutgoingRequest

        out = OutgoingRequest(req.method, str(req.url), dict(req.headers), req.read())
        provider.finalize_request(out)
        req.headers.update(out.headers)
    try:
        resp = await provider.client.send(req)
        raw = await resp.aread()
    except Exception as e:
        if not is_transport_error(e):
            raise
        raise map_transport_error(e, provider.spec.name) from e  # e is scrubbed: no key in the chain
    for hook in provider.response_hooks:
        hook(resp)
    if resp.status_code >= 300:
        raise provider.make_error(resp.status_code, raw, resp.headers)
    return raw


def iter_jsonl(raw: bytes, provider: str) -> Iterator[dict[str, Any]]:
    """Each JSON object line of a JSONL body (blank lines skipped);
    :class:`ProviderResponseError` for a line that is not a JSON object."""
    for n, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            raise ProviderResponseError(
                f"line {n} of the batch results is not JSON", provider=provider, raw=line[:500]
            ) from None
        if not isinstance(obj, dict):
            raise ProviderResponseError(
                f"line {n} of the batch results is not a JSON object", provider=provider, raw=line[:500]
            )
        yield obj
