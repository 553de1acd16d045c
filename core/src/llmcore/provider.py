"""The provider protocol, its configuration, and a base class for HTTP providers.

A provider implements three async operations (``chat``, ``stream_chat``,
``count_tokens``). :class:`HTTPProvider` supplies what every HTTP provider
needs — key resolution with a clear error, the shared or injected
``httpx.AsyncClient``, status → typed-error mapping, transport-error mapping,
JSON and streaming requests — so a plugin writes only its codec.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from .errors import ConfigurationError, LLMCoreError, ProviderResponseError, register_secret
from .http.client import shared_direct
from .http.errors import is_transport_error, map_transport_error, scrub_exception
from .jsonfast import loads as _fast_loads
from .spec import ProviderSpec

if TYPE_CHECKING:
    import httpx

    from .events import StreamEvent
    from .types import ChatRequest, ChatResponse, TokenCount

__all__ = ["Provider", "ProviderConfig", "HTTPProvider", "OutgoingRequest"]


@runtime_checkable
class Provider(Protocol):
    """What every provider implements.

    * ``chat`` returns the same content (text, tool calls, finish reason,
      usage) as collecting ``stream_chat``.
    * ``stream_chat`` yields :mod:`llmcore.events`; exactly one ``Finish``, last.
    * ``count_tokens`` says how it counted (``api``/``tokenizer``/``estimate``).
    """

    spec: ProviderSpec

    async def chat(self, request: ChatRequest) -> ChatResponse: ...

    def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]: ...

    async def count_tokens(self, request: ChatRequest) -> TokenCount: ...


@dataclass
class ProviderConfig:
    """How to reach a provider. ``api_key`` ``None`` means "from the spec's
    env vars"; ``http_client`` ``None`` means the shared client of the running
    loop; ``timeout`` is the total time allowed for one non-streamed call and
    the longest gap between bytes of a stream (seconds). ``options`` holds
    provider-specific settings (e.g. ``api="responses"`` for OpenAI)."""

    api_key: str | None = None
    base_url: str | None = None
    timeout: float | None = None
    http_client: httpx.AsyncClient | None = None
    headers: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        from .reliability.security import without_credentials

        key = "None" if self.api_key is None else "'***'"
        base = None if self.base_url is None else without_credentials(str(self.base_url))
        return (
            f"ProviderConfig(api_key={key}, base_url={base!r}, timeout={self.timeout!r}, "
            f"http_client={'custom' if self.http_client else None}, options={sorted(self.options)})"
        )


@dataclass(slots=True)
class OutgoingRequest:
    """A request exactly as it will go on the wire, before the transport sees it.

    ``url`` is absolute with its query string encoded (as httpx encodes it);
    ``headers`` are the provider's (the client adds only its defaults:
    ``User-Agent``, ``Accept-Encoding``, ...); ``content`` is the body bytes.
    :meth:`HTTPProvider.finalize_request` may change ``headers`` (add auth,
    a signature); every transport then sends these very values.
    """

    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None


#: response bodies are parsed with orjson when it is installed (``llmcore-core[speedups]``)
_json_loads = _fast_loads
#: request bodies: ``json.dumps(body, separators=(",", ":"), ensure_ascii=False)``, with the
#: encoder made once (``json.dumps`` with options builds a new ``JSONEncoder`` on every call)
_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _check_builtin_tools(provider: Any, request: Any) -> None:
    """Refuse ``request``'s built-in tools that ``provider``'s spec does not claim."""
    tools = getattr(request, "builtin_tools", None)
    if tools:
        from .builtin_tools import check_claimed

        spec = provider.spec
        check_claimed(tools, spec.name, spec.capabilities.server_tools)


def _checked_chat(fn: Callable[..., Awaitable[ChatResponse]]) -> Callable[..., Awaitable[ChatResponse]]:
    import functools

    @functools.wraps(fn)
    async def chat(self: Any, request: ChatRequest, *args: Any, **kwargs: Any) -> ChatResponse:
        _check_builtin_tools(self, request)
        return await fn(self, request, *args, **kwargs)

    chat._checks_builtin_tools = True  # type: ignore[attr-defined]
    return chat


def _checked_stream(fn: Callable[..., AsyncIterator[StreamEvent]]) -> Callable[..., AsyncIterator[StreamEvent]]:
    import functools

    # checked when called, not on the first event: no extra async-generator layer per event
    @functools.wraps(fn)
    def stream_chat(self: Any, request: ChatRequest, *args: Any, **kwargs: Any) -> AsyncIterator[StreamEvent]:
        _check_builtin_tools(self, request)
        return fn(self, request, *args, **kwargs)

    stream_chat._checks_builtin_tools = True  # type: ignore[attr-defined]
    return stream_chat


class HTTPProvider:
    """Base class for providers that speak HTTP+JSON.

    Subclasses set ``spec`` and implement :meth:`auth_headers`,
    :meth:`error_details`, :meth:`stream_chat` (and usually :meth:`chat`).
    """

    spec: ClassVar[ProviderSpec]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Every ``chat``/``stream_chat`` a provider class defines refuses built-in tools its spec
        does not claim, before the network: a hand-built :class:`ChatRequest` given straight to a
        provider skips the facade's check, and a codec that does not know a tool would drop it
        silently (the answer would look like the tool ran). One ``if`` per call when there are none."""
        super().__init_subclass__(**kwargs)
        own = cls.__dict__
        if "chat" in own and not getattr(own["chat"], "_checks_builtin_tools", False):
            cls.chat = _checked_chat(own["chat"])  # type: ignore[method-assign,assignment]
        if "stream_chat" in own and not getattr(own["stream_chat"], "_checks_builtin_tools", False):
            cls.stream_chat = _checked_stream(own["stream_chat"])  # type: ignore[method-assign,assignment]

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        self.config = config
        key = config.api_key or self.spec.key_from_env()
        if not key and self.spec.requires_key:
            raise ConfigurationError(self.missing_key_message(), provider=self.spec.name)
        register_secret(key)
        self._api_key = key
        base = config.base_url
        if not base and self.spec.base_url_env:
            import os

            base = os.environ.get(self.spec.base_url_env)
        base = base or self.spec.base_url
        if not base:
            raise ConfigurationError(
                f"{self.spec.name} needs a base URL: pass base_url=..."
                + (f" or set {self.spec.base_url_env}" if self.spec.base_url_env else ""),
                provider=self.spec.name,
            )
        self.base_url = base.rstrip("/")
        from .reliability.security import check_base_url

        check_base_url(self.base_url, self.spec.name, sends_key=bool(key))
        self._timeout = config.timeout
        #: per-request transport timeouts (connect/read/…) set by the Timeout
        #: middleware; ``None``: ``config.timeout`` or the client's own
        self.http_timeout: httpx.Timeout | None = None
        #: called with every ``httpx.Response`` once its status and headers are
        #: known (rate-limit middleware reads ``x-ratelimit-*`` here)
        self.response_hooks: list[Callable[[httpx.Response], None]] = []

    @property
    def api_key(self) -> str | None:
        """The key this provider authenticates with (``api_key=`` or the first set variable
        of the spec's ``env_keys``), ``None`` when it has none (``requires_key=False``).
        Read it in :meth:`auth_headers` or :meth:`finalize_request`; it is registered as a
        secret (redacted from llmcore's errors and logs) but never put it in a message."""
        return self._api_key

    def missing_key_message(self) -> str:
        """One line naming the env var(s) to set."""
        env = " or ".join(self.spec.env_keys) or "an API key"
        return f"no API key for {self.spec.name}: set {env} (or pass api_key=...)"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    # -- to implement -------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        """Headers that authenticate a request (never logged)."""
        return {}

    def error_details(self, status: int, body: Any, text: str) -> tuple[str, str | None, type[LLMCoreError] | None]:
        """``(message, code, class-override)`` from an error body. ``body`` is
        the parsed JSON (or ``None``), ``text`` the raw text. The default
        understands ``{"error": {"message", "code"|"type"}}``."""
        if isinstance(body, dict):
            err = body.get("error", body)
            if isinstance(err, dict):
                msg = err.get("message") or err.get("detail") or text
                code = err.get("code") or err.get("type")
                return str(msg), (str(code) if code is not None else None), None
            if isinstance(err, str):
                return err, None, None
        return text[:500] or f"HTTP {status}", None, None

    def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        raise NotImplementedError

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """Default: collect :meth:`stream_chat`."""
        from .events import StreamAccumulator

        acc = StreamAccumulator()
        async for ev in self.stream_chat(request):
            acc.add(ev)
        return acc.response(self.spec.name)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """Default: a labelled estimate."""
        from .tokens import estimate_tokens

        return estimate_tokens(request)

    # -- HTTP plumbing ------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        if self.config.http_client is not None:
            return self.config.http_client
        from .http.client import shared_client

        return shared_client()

    def headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        h = {"content-type": "application/json", "accept": "application/json"}
        h.update(self.auth_headers())
        h.update(self.config.headers)
        if extra:
            h.update(extra)
        return h

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"

    def _timeout_ext(self) -> Any:
        if self.http_timeout is not None:
            return self.http_timeout
        if self._timeout is None:
            return None
        import httpx

        return httpx.Timeout(self._timeout)

    def _content(self, body: Any) -> bytes | None:
        try:
            return _encode(body).encode() if body is not None else None
        except (TypeError, ValueError) as e:  # e.g. an object in provider_options or a tool argument
            from .errors import InvalidRequestError

            raise InvalidRequestError(
                f"the request cannot be sent as JSON: {e}; pass only JSON values (str, number, bool, None, "
                "list, dict) in messages, tool arguments, tool schemas and provider_options",
                provider=self.spec.name,
            ) from None

    def finalize_request(self, request: OutgoingRequest) -> None:
        """The last step before a request is sent, on every transport: add
        authentication that depends on the exact bytes (e.g. SigV4 signing)
        or the final URL. Mutate ``request.headers`` in place. Providers
        whose auth is a static header use :meth:`auth_headers` instead.
        Must not block (refresh credentials before sending, off the loop)."""

    def _finalizes(self) -> bool:
        return type(self).finalize_request is not HTTPProvider.finalize_request

    def outgoing(
        self, method: str, path: str, body: Any, headers: Mapping[str, str] | None = None, params: Any = None
    ) -> OutgoingRequest:
        """The finalized request for ``method path`` with JSON ``body`` (what
        every transport sends: the direct aiohttp path, httpx, a user's client)."""
        url = self.url(path)
        if params is not None:
            import httpx

            url = str(httpx.URL(url, params=params))
        out = OutgoingRequest(method, url, self.headers(headers), self._content(body))
        if self._finalizes():
            self.finalize_request(out)
        return out

    def _send(
        self, method: str, path: str, body: Any, headers: Mapping[str, str] | None, params: Any, stream: bool
    ) -> Awaitable[Any]:
        """Send the request (``await`` gives the response once its status and
        headers are in). Through the shared aiohttp client this goes straight
        to aiohttp (:mod:`llmcore.http.direct`), else through ``self.client``;
        either way the request is built once, by :meth:`outgoing`."""
        if params is None and not self._finalizes():
            # the common case, without the OutgoingRequest object (hot path)
            url, h, content = self.url(path), self.headers(headers), self._content(body)
        else:
            out = self.outgoing(method, path, body, headers, params)
            url, h, content = out.url, out.headers, out.content
        if self.config.http_client is None:
            direct = shared_direct()
            if direct is not None:
                return direct.send(method, url, content, h, None, self._timeout_ext())
        kw: dict[str, Any] = {}
        t = self._timeout_ext()
        if t is not None:
            kw["timeout"] = t
        client = self.client
        return client.send(client.build_request(method, url, content=content, headers=h, **kw), stream=stream)

    async def raise_for_response(self, response: httpx.Response) -> None:
        """Raise the typed error for a non-2xx response (reads the body)."""
        if response.status_code < 300:
            return
        raw = await response.aread()
        raise self.make_error(response.status_code, raw, response.headers)

    def make_error(self, status: int, raw: bytes, headers: Mapping[str, str]) -> LLMCoreError:
        from .http.errors import error_for_status

        text = raw.decode("utf-8", "replace")
        try:
            body = json.loads(text) if text.strip() else None
        except ValueError:
            body = None
        message, code, cls = self.error_details(status, body, text)
        return error_for_status(status, message, provider=self.spec.name, code=code, headers=headers, raw=text, cls=cls)

    async def request_json(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> tuple[Any, httpx.Response]:
        """Send a request and return ``(parsed JSON, response)``; typed errors
        for transport failures, non-2xx statuses and unparseable bodies."""
        send = self._send(method, path, body, headers, params, False)
        try:
            if self._timeout is not None:
                resp = await asyncio.wait_for(send, self._timeout)
                data = await asyncio.wait_for(resp.aread(), self._timeout)
            else:
                resp = await send
                data = await resp.aread()
        except asyncio.TimeoutError:
            from .errors import ProviderTimeoutError

            raise ProviderTimeoutError(f"no answer within {self._timeout}s", provider=self.spec.name) from None
        except Exception as e:
            if not is_transport_error(e):
                raise
            raise map_transport_error(e, self.spec.name) from e  # e is scrubbed: no key in the chain
        for hook in self.response_hooks:
            hook(resp)
        if resp.status_code >= 300:
            raise self.make_error(resp.status_code, data, resp.headers)
        try:
            return _json_loads(data), resp
        except ValueError:
            raise ProviderResponseError(
                "response is not JSON", provider=self.spec.name, status_code=resp.status_code, raw=data[:500]
            ) from None

    @asynccontextmanager
    async def open_stream(
        self,
        path: str,
        body: Any,
        *,
        method: str = "POST",
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> AsyncIterator[httpx.Response]:
        """Open a streaming request; yields the response once its status is
        known to be 2xx (a non-2xx raises the typed error). The response is
        closed on exit, also when the consumer stops early. A transport
        error while sending or while the consumer reads the body is the
        typed error of :func:`~llmcore.http.errors.map_transport_error`."""
        send = self._send(method, path, body, {"accept": "text/event-stream", **(headers or {})}, params, True)
        try:
            resp = await send
        except Exception as e:
            if not is_transport_error(e):
                raise
            raise map_transport_error(e, self.spec.name) from e  # e is scrubbed: no key in the chain
        try:
            for hook in self.response_hooks:
                hook(resp)
            await self.raise_for_response(resp)
            yield resp
        except Exception as e:
            if not is_transport_error(e):
                raise
            raise map_transport_error(e, self.spec.name) from e
        finally:
            try:
                await resp.aclose()
            except Exception as e:  # a broken connection is dropped anyway; the outcome stands
                if not is_transport_error(e):
                    raise
                scrub_exception(e)
