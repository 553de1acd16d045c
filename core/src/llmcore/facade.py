"""The object users touch: ``llmcore.model("provider/model", **options)``.

Options split three ways:

* connection: ``api_key``, ``base_url``, ``timeout``, ``http_client``
  (an ``httpx.AsyncClient`` used for every request), ``headers``;
* request defaults: any :class:`~llmcore.types.ChatRequest` field
  (``temperature``, ``max_tokens``, ``system``, ``tools``, …), overridable per call;
* everything else is a provider setting (e.g. ``api="responses"`` for
  OpenAI), checked by the provider, which rejects what it does not know.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from .errors import ConfigurationError, InvalidRequestError, LLMCoreError, ProviderResponseError
from .loader import load_provider
from .pipeline import Call
from .preflight import preflight
from .reliability.stack import UNSET as _UNSET

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .events import StreamEvent
    from .options import CacheOption, CallOptions, CallOptionsWithoutFormat, Prompt
    from .provider import Provider
    from .reliability.ratelimit import RateLimitPolicy
    from .reliability.retry import RetryPolicy
    from .reliability.stack import ConcurrencyPolicy
    from .reliability.timeout import TimeoutPolicy
    from .spec import ProviderSpec
    from .types import ChatRequest, ChatResponse, ParsedResponse, TokenCount
    from .usage.budget import Budget

#: the type a ``response_format=`` class validates into (``response.parsed``)
_Out = TypeVar("_Out")

__all__ = ["Model", "model", "load_provider", "AsyncStream", "Stream"]

_CONNECTION = ("api_key", "base_url", "timeout", "http_client", "headers")

#: A middleware wraps a provider and is itself a provider (same protocol).
Middleware = Callable[["Provider"], "Provider"]


_REQUEST_FIELDS: frozenset[str] = frozenset()


def _request_fields() -> frozenset[str]:
    global _REQUEST_FIELDS
    if not _REQUEST_FIELDS:  # computed once: it is checked on every call
        from .types import ChatRequest

        _REQUEST_FIELDS = frozenset(ChatRequest.model_fields) - {"model", "messages"}
    return _REQUEST_FIELDS


class Model:
    """A model bound to its provider, with request defaults.

    ``chat``/``achat`` return a :class:`ChatResponse`; ``stream``/``astream``
    return a stream of events with ``.texts()`` for text only and
    ``.response`` (the collected response) once consumed.
    """

    def __init__(
        self,
        name: str,
        *,
        middleware: Sequence[Middleware] = (),
        retry: RetryPolicy | bool | int | None = _UNSET,
        timeouts: TimeoutPolicy | Mapping[str, float | None] | Literal[False] | None = _UNSET,
        rate_limit: RateLimitPolicy | Mapping[str, Any] | Literal[False] | None = _UNSET,
        concurrency: ConcurrencyPolicy | int | Mapping[str, Any] | None = _UNSET,
        api_keys: str | Sequence[str] | None = None,
        cache: CacheOption = None,
        prices: Mapping[str, Any] | None = None,
        structured_mode: str | None = None,
        budget: Budget | float | None = None,
        # provider settings (each plugin its own) and request defaults: checked at run time
        **options: Any,
    ) -> None:
        """Reliability options (see :mod:`llmcore.reliability.stack`): ``retry``
        (True/False/int/RetryPolicy), ``timeouts`` (TimeoutPolicy or dict),
        ``rate_limit`` (RateLimitPolicy or dict), ``concurrency`` (int,
        ConcurrencyPolicy or dict), ``api_keys`` (a list or comma-separated
        string: a rotated key pool; default ``$<KEY_ENV>S``, e.g. ``OPENAI_API_KEYS``).
        Left out, they come from :func:`llmcore.reliability.configure`.

        ``cache`` turns on the response cache (see :mod:`llmcore.cache`:
        ``True``, ``"memory"``, a path, a ``redis://`` URL, a ``Cache``);
        ``prices`` overrides this model's price (``{"input": ..., "output":
        ...}``, USD per 1M tokens, see :mod:`llmcore.usage.prices`);
        ``structured_mode`` forces a structured-output mode (see
        :mod:`llmcore.structured`). ``budget`` limits this model's spending
        (USD, or a shared :class:`llmcore.usage.Budget`; checked before each
        call, see :mod:`llmcore.usage.budget`). ``m.usage`` holds the running totals."""
        from .reliability.stack import build_stack
        from .resolve import resolve_model

        self.name = name
        self.spec, self.model_id = resolve_model(name)
        fields = _request_fields()
        self.defaults: dict[str, Any] = {k: options.pop(k) for k in list(options) if k in fields}
        connection = _checked_connection({k: options.pop(k) for k in list(options) if k in _CONNECTION}, self.spec.name)
        #: provider settings as given (part of the cache key; connection options are not)
        self.settings: dict[str, Any] = dict(options)
        #: the provider as the plugin built it (a KeyPool of them for several keys), without middleware
        self.base_provider: Provider = _base_provider(self.spec, api_keys, connection, options)
        self.provider: Provider = build_stack(
            self.base_provider,
            self.spec,
            self.model_id,
            retry=retry,
            timeouts=timeouts,
            rate_limit=rate_limit,
            concurrency=concurrency,
            middleware=middleware,
        )
        from .cache import resolve_cache
        from .pipeline import install_key_hooks
        from .usage import Price, UsageTotals

        #: the response cache of this model (``None``: off unless a call asks)
        self.cache = resolve_cache(cache)
        #: this model's price override (``None``: the plugin's price data)
        self.price: Price | None = Price.from_dict(prices, f"prices of {name}") if prices is not None else None
        self.structured_mode = structured_mode
        #: running usage totals (``m.usage.reset()`` starts again)
        self.usage = UsageTotals()
        from .usage.budget import as_budget

        #: this model's spending limit (``None``: none), settled through ``self.usage``
        self.budget = as_budget(budget, f"the budget of {name}")
        if self.budget is not None:
            self.usage.budgets.append(self.budget)
        #: the API key's short hash (``None`` for a key pool: per call)
        self.key_id = install_key_hooks(self.base_provider)

    def __repr__(self) -> str:
        return f"Model({self.spec.name}/{self.model_id})"

    # -- request building ---------------------------------------------------

    def request(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> tuple[ChatRequest, Any]:
        """Build and validate the request; returns it and its structured-output
        plan (a :class:`~llmcore.structured.StructuredOutput`, or ``None``).
        ``structured_mode=`` chooses the mode for this call."""
        mode = overrides.pop("structured_mode", self.structured_mode)
        params = {**self.defaults, **overrides}
        unknown = set(params) - _request_fields()
        if unknown:
            import difflib

            hints = [
                f"{u!r} (did you mean {close[0]!r}?)"
                if (close := difflib.get_close_matches(u, _request_fields(), 1))
                else repr(u)
                for u in sorted(unknown)
            ]
            raise InvalidRequestError(
                f"unknown parameter(s) {', '.join(hints)}; provider-specific options go in "
                f"provider_options={{'{self.spec.name}': {{...}}}}",
                provider=self.spec.name,
            )
        output = None
        if params.get("response_format") is not None:
            _check_response_format(params["response_format"], self.spec.name)
            from .reliability.base import innermost
            from .structured import prepare

            output = prepare(
                params["response_format"], self.spec, innermost(self.base_provider), mode=mode, model=self.model_id
            )
            if output is not None:
                output.apply(params)
        tools = params.get("tools")
        if tools is not None and not isinstance(tools, (list, tuple)):
            raise InvalidRequestError(
                f"tools must be a list of tools (dicts or llmcore.Tool), not {type(tools).__name__}",
                provider=self.spec.name,
            )
        if tools:
            from .builtin_tools import split_tools

            # built-in (server-side) tools travel apart: every codec reads req.tools as functions
            functions, builtin = split_tools(tools)
            params["tools"] = [_coerce_tool(t) for t in functions] or None
            if builtin:
                params["builtin_tools"] = [*(params.get("builtin_tools") or ()), *builtin]
        from .quickrequest import quick_request

        # well-formed input (a string prompt, plain parameters): built without pydantic's validation
        req = quick_request(self.model_id, messages, params)
        if req is None:
            req = self._validated_request(messages, params)
        if req.tools:
            from .schemacheck import check_schema

            for t in req.tools:
                check_schema(t.parameters, f"the parameters of tool {t.name!r}", self.spec.name, object_type=True)
        if not self.spec.capabilities.vision:
            _reject_images(req, self.spec.name)
        if req.builtin_tools:
            from .builtin_tools import check_claimed

            check_claimed(req.builtin_tools, self.spec.name, self.spec.capabilities.server_tools)
        return req, output

    def _validated_request(self, messages: Any, params: dict[str, Any]) -> ChatRequest:
        """``ChatRequest`` validated by pydantic; its errors as :class:`InvalidRequestError`."""
        from pydantic import ValidationError

        from .types import ChatRequest

        try:
            # ChatRequest's own validator normalises the messages (coerce_messages), once
            return ChatRequest(model=self.model_id, messages=messages, **params)
        except ValidationError as e:
            from .types import _short

            raise InvalidRequestError(f"invalid request: {_short(e)}", provider=self.spec.name) from None
        except (TypeError, AttributeError, KeyError, ValueError) as e:
            # a shape the coercion did not foresee: still a typed error, never a bare one
            raise InvalidRequestError(
                f"invalid request: the messages or parameters have an unexpected shape ({type(e).__name__}: {e}); "
                "messages are a string or a list of {'role': ..., 'content': str | list of parts}",
                provider=self.spec.name,
            ) from None

    def _call_cache(self, value: Any) -> Any:
        """The cache of one call: the model's (``None``), none (``False``),
        the model's or the default (``True``), or the one given."""
        if value is None:
            return self.cache
        if value is True:
            from .cache import default_cache

            return self.cache or default_cache()
        from .cache import resolve_cache

        return resolve_cache(value)

    # -- async ----------------------------------------------------------------

    @overload
    async def achat(
        self, messages: Prompt, *, response_format: type[_Out], **overrides: Unpack[CallOptionsWithoutFormat]
    ) -> ParsedResponse[_Out]: ...
    @overload
    async def achat(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> ChatResponse: ...
    async def achat(self, messages: Prompt, **overrides: Any) -> ChatResponse:
        """``cache=True/False`` per call; ``structured_mode=`` per call; the
        rest are request parameters (see :class:`~llmcore.types.ChatRequest`)."""
        cache = self._call_cache(overrides.pop("cache", None))
        req, output = self.request(messages, **overrides)
        preflight(self, req)  # context window and budgets: refused before the network
        return await Call(self, req, output, cache, stream=False).chat()

    def astream(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> AsyncStream:
        cache = self._call_cache(overrides.pop("cache", None))
        req, output = self.request(messages, **overrides)
        preflight(self, req)
        call = Call(self, req, output, cache, stream=True)
        return AsyncStream(call.events(), self.spec.name, output, finish=call.finish)

    async def acount_tokens(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> TokenCount:
        req, _ = self.request(messages, **overrides)
        from . import observe

        obs = observe.observer
        if obs is None:
            return await self.provider.count_tokens(req)
        return await observe.observed(
            obs,
            self._observe_info("count_tokens", req),
            lambda: self.provider.count_tokens(req),
            attempts_reported=getattr(self.provider, "reports_attempts", False),
        )

    def _observe_info(self, operation: str, request: Any) -> Any:
        """What an observer (:mod:`llmcore.observe`) is told about a call of this model."""
        from .observe import CallInfo
        from .reliability.base import innermost

        return CallInfo(
            operation,
            self.spec.name,
            self.model_id,
            request,
            getattr(innermost(self.base_provider), "base_url", None),
            self.key_id,
        )

    # -- sync -----------------------------------------------------------------

    @overload
    def chat(
        self, messages: Prompt, *, response_format: type[_Out], **overrides: Unpack[CallOptionsWithoutFormat]
    ) -> ParsedResponse[_Out]: ...
    @overload
    def chat(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> ChatResponse: ...
    def chat(self, messages: Prompt, **overrides: Any) -> ChatResponse:
        """Sync :meth:`achat`. With ``response_format=SomeClass``, type checkers see
        ``response.parsed`` as a ``SomeClass``."""
        from ._sync import run

        return run(self.achat(messages, **overrides))

    def stream(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> Stream:
        return Stream(self.astream(messages, **overrides))

    def count_tokens(self, messages: Prompt, **overrides: Unpack[CallOptions]) -> TokenCount:
        from ._sync import run

        return run(self.acount_tokens(messages, **overrides))


def _checked_connection(connection: dict[str, Any], provider: str) -> dict[str, Any]:
    """The connection options, checked before anything is built or sent:
    each wrong type or value is a :class:`ConfigurationError` saying what is
    expected (a ``timeout`` of ``"x"``, ``headers="x"``, ``http_client="x"``
    and ``base_url=""`` used to fail deep in the transport, or silently mean
    the provider's public URL)."""
    key = connection.get("api_key")
    if key is not None and (not isinstance(key, str) or not key.strip()):
        what = "an empty string" if isinstance(key, str) else type(key).__name__
        raise ConfigurationError(
            f"api_key must be a non-empty string, not {what}: leave it out to use the provider's environment variable",
            provider=provider,
        )
    if "base_url" in connection and connection["base_url"] is not None:
        url = connection["base_url"]
        if not isinstance(url, str):
            raise ConfigurationError(f"base_url must be a URL string, not {type(url).__name__}", provider=provider)
        if not url.strip():
            raise ConfigurationError(
                "base_url is empty: give the server's URL (e.g. http://localhost:8000/v1), or leave base_url out "
                "for the provider's default",
                provider=provider,
            )
        if not url.strip().lower().startswith(("http://", "https://")):
            raise ConfigurationError(
                f"base_url must start with http:// or https://, not {url[:40]!r}", provider=provider
            )
        connection["base_url"] = url.strip()
    timeout = connection.get("timeout")
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0 or timeout != timeout
    ):
        raise ConfigurationError(
            f"timeout must be a positive number of seconds, not {timeout!r} (leave it out for the default; "
            "timeouts=TimeoutPolicy(...) sets connect/read/total separately)",
            provider=provider,
        )
    headers = connection.get("headers")
    if headers is not None:
        from collections.abc import Mapping

        if not isinstance(headers, Mapping):
            raise ConfigurationError(
                f"headers must be a dict of header names to values, not {type(headers).__name__}", provider=provider
            )
        bad = [k for k, v in headers.items() if not isinstance(k, str) or not isinstance(v, str) or not k.strip()]
        if bad:
            raise ConfigurationError(
                f"headers must map non-empty string names to string values; not so for {bad[0]!r}", provider=provider
            )
        connection["headers"] = dict(headers)
    client = connection.get("http_client")
    if client is not None:
        import httpx

        if not isinstance(client, httpx.AsyncClient):
            raise ConfigurationError(
                f"http_client must be an httpx.AsyncClient, not {type(client).__name__} (leave it out for "
                "llmcore's shared client)",
                provider=provider,
            )
    return connection


def _base_provider(spec: ProviderSpec, api_keys: Any, connection: dict[str, Any], options: dict[str, Any]) -> Provider:
    """One provider, or a :class:`~llmcore.reliability.KeyPool` when several
    keys are given (``api_keys``, or ``api_key`` with commas) or set in the
    environment (a comma-separated key variable or a pool variable, see
    :func:`llmcore.reliability.keypool.keys_from_env`) and no ``api_key`` is given."""
    from .reliability.keypool import KeyPool, keys_from_env, split_keys

    source = "api_keys"
    keys: list[str] = []
    if api_keys is not None:
        keys = split_keys(api_keys)
        if not keys:
            raise ConfigurationError(f"api_keys holds no key for {spec.name}", provider=spec.name)
    elif isinstance(connection.get("api_key"), str) and "," in connection["api_key"]:
        # "k1,k2" is two keys (a pool), never one bearer token "k1,k2"
        source, keys = "api_key", split_keys(connection["api_key"])
    elif connection.get("api_key") is None:
        found = keys_from_env(spec)
        if found:
            source, keys = found
    if len(keys) == 1:
        connection["api_key"] = keys[0]
    if len(keys) > 1:
        return KeyPool.from_keys(spec, keys, source=source, **connection, options=options)
    return load_provider(spec, **connection, options=options)


def _reject_images(req: ChatRequest, provider: str) -> None:
    """Before the network: a provider whose spec says ``vision=False`` gets no image."""
    from .errors import UnsupportedFeatureError
    from .types import ImagePart, ToolResultPart

    for i, m in enumerate(req.messages):
        for p in m.content:
            inner = p.content if isinstance(p, ToolResultPart) and isinstance(p.content, list) else [p]
            if any(isinstance(x, ImagePart) for x in inner):
                raise UnsupportedFeatureError(
                    f"{provider} does not take images (its plugin declares capabilities.vision=False), but "
                    f"message {i} ({m.role}) has one: remove the image, or use a provider whose models have vision",
                    provider=provider,
                )


def _check_response_format(rf: Any, provider: str) -> None:
    """A dict ``response_format`` is a response-format dict (``type`` one of
    ``json_schema``/``json_object``/``text``) or a JSON Schema; anything else
    (``{"type": "banana"}``) is an :class:`InvalidRequestError` before the network."""
    from collections.abc import Mapping

    if not isinstance(rf, Mapping):
        return  # a pydantic model, a type, a ResponseFormat: checked by pydantic / prepare
    from .schemacheck import check_schema

    kind = rf.get("type")
    if kind in ("json_object", "text"):
        return
    if kind == "json_schema":
        inner = rf.get("json_schema")
        schema = inner.get("schema") if isinstance(inner, Mapping) and "schema" in inner else rf.get("schema", inner)
        if schema is None:
            raise InvalidRequestError(
                "response_format {'type': 'json_schema'} needs a schema: {'type': 'json_schema', 'schema': {...}}",
                provider=provider,
            )
        check_schema(schema, "the response_format schema", provider)
        return
    if isinstance(kind, str) and kind not in ("object", "array", "string", "number", "integer", "boolean", "null"):
        raise InvalidRequestError(
            f"response_format type {kind!r} is neither a response format (json_schema, json_object, text) nor a "
            "JSON Schema type: pass a pydantic model, a JSON Schema, or {'type': 'json_object'}",
            provider=provider,
        )
    check_schema(rf, "the response_format schema", provider)


def _coerce_tool(t: Any) -> Any:
    """Accept our Tool, a plain dict, or an OpenAI ``{"type": "function", ...}`` dict."""
    if isinstance(t, dict) and t.get("type") == "function" and "function" in t:
        return t["function"]
    return t


def _parse_into(resp: ChatResponse, cls: Any) -> None:
    """Set ``resp.parsed`` from a :class:`~llmcore.structured.StructuredOutput`
    plan (or, as before, a pydantic class validating the text)."""
    if hasattr(cls, "parse_into"):
        cls.parse_into(resp)
        return
    from pydantic import ValidationError

    try:
        resp.parsed = cls.model_validate_json(resp.text)
    except ValidationError as e:
        raise ProviderResponseError(
            f"structured output does not match {cls.__name__}: {e.errors()[0]['msg'] if e.errors() else e}",
            provider=resp.provider,
            raw=resp.text,
        ) from None


class AsyncStream:
    """Async iterator of :mod:`llmcore.events`. After it is consumed,
    ``.response`` is the collected :class:`ChatResponse`."""

    def __init__(
        self,
        events: AsyncIterator[StreamEvent],
        provider: str,
        output_cls: Any = None,
        finish: Callable[[ChatResponse], Awaitable[ChatResponse]] | None = None,
    ) -> None:
        """``output_cls``: a structured-output plan (or pydantic class) to parse
        into ``response.parsed``; ``finish``: called with the collected
        response instead (the facade's :class:`~llmcore.pipeline.Call` does
        usage, parsing and caching there)."""
        from .events import StreamAccumulator

        self._events = events
        self._acc = StreamAccumulator()
        self._provider = provider
        self._output_cls = output_cls
        self._finish = finish
        self._partial = output_cls.tracker() if hasattr(output_cls, "tracker") else None
        self.response: ChatResponse | None = None

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self._iter()

    async def _iter(self) -> AsyncIterator[StreamEvent]:
        add = self._acc.add
        feed = self._partial.feed if self._partial is not None else None
        try:
            async for ev in self._events:
                add(ev)
                if feed is not None:
                    feed(ev)
                yield ev
        except LLMCoreError as err:
            # what arrived before the failure, for the caller to keep or show
            err.partial = self._acc.response(self._provider)  # type: ignore[attr-defined]
            raise
        finally:
            # a caller that stops early must not leave the HTTP stream open until GC
            await self.aclose()
        self.response = self._acc.response(self._provider)
        if self._finish is not None:
            self.response = await self._finish(self.response)
        elif self._output_cls is not None:
            _parse_into(self.response, self._output_cls)

    @property
    def parsed_partial(self) -> Any:
        """Structured output so far (a dict for object outputs; ``None`` yet or
        without ``response_format``), parsed from what has arrived."""
        return self._partial.value if self._partial is not None else None

    async def partials(self) -> AsyncIterator[Any]:
        """Consume the stream, yielding the structured output each time it
        grows (progressively more complete dicts). ``.response.parsed`` holds
        the validated value at the end."""
        if self._partial is None:
            raise InvalidRequestError("partials() needs a stream made with response_format=...")
        last: Any = None
        async for ev in self:
            if ev.type in ("text", "tool_call_delta", "tool_call"):
                value = self._partial.value
                if value is not None and value != last:
                    last = value
                    yield value

    async def texts(self) -> AsyncIterator[str]:
        """Only the answer text, piece by piece."""
        async for ev in self:
            if ev.type == "text":
                yield ev.text  # type: ignore[union-attr]

    async def collect(self) -> ChatResponse:
        """Consume the stream and return the collected response."""
        async for _ in self:
            pass
        assert self.response is not None
        return self.response

    async def aclose(self) -> None:
        aclose = getattr(self._events, "aclose", None)
        if aclose is not None:
            await aclose()


class Stream:
    """Sync iterator of events over an :class:`AsyncStream`."""

    def __init__(self, inner: AsyncStream) -> None:
        self._inner = inner

    @property
    def response(self) -> ChatResponse | None:
        return self._inner.response

    @property
    def parsed_partial(self) -> Any:
        """See :attr:`AsyncStream.parsed_partial`."""
        return self._inner.parsed_partial

    def partials(self) -> Iterator[Any]:
        """See :meth:`AsyncStream.partials`."""
        from ._sync import iterate

        return iterate(self._inner.partials().__aiter__())

    def __iter__(self) -> Iterator[StreamEvent]:
        from ._sync import iterate

        return iterate(self._inner.__aiter__())

    def texts(self) -> Iterator[str]:
        """Only the answer text, piece by piece."""
        for ev in self:
            if ev.type == "text":
                yield ev.text  # type: ignore[union-attr]

    def collect(self) -> ChatResponse:
        for _ in self:
            pass
        assert self.response is not None
        return self.response


def model(
    name: str,
    *,
    middleware: Sequence[Middleware] = (),
    retry: RetryPolicy | bool | int | None = _UNSET,
    timeouts: TimeoutPolicy | Mapping[str, float | None] | Literal[False] | None = _UNSET,
    rate_limit: RateLimitPolicy | Mapping[str, Any] | Literal[False] | None = _UNSET,
    concurrency: ConcurrencyPolicy | int | Mapping[str, Any] | None = _UNSET,
    api_keys: str | Sequence[str] | None = None,
    cache: CacheOption = None,
    prices: Mapping[str, Any] | None = None,
    structured_mode: str | None = None,
    budget: Budget | float | None = None,
    **options: Any,
) -> Model:
    """Bind a model by name (``"provider/model"`` or an auto-detected name); the options
    are :class:`Model`'s (its parameters spelled out here so that type checkers check them)."""
    return Model(
        name,
        middleware=middleware,
        retry=retry,
        timeouts=timeouts,
        rate_limit=rate_limit,
        concurrency=concurrency,
        api_keys=api_keys,
        cache=cache,
        prices=prices,
        structured_mode=structured_mode,
        budget=budget,
        **options,
    )
