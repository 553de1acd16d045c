"""Key pools: several API keys for one provider, rotated.

Give keys as ``llmcore.model(..., api_keys=[...])`` (or ``api_key="sk-a,sk-b"``),
or in the environment as a comma-separated list: under the spec's key
variable itself (``OPENAI_API_KEY="sk-a,sk-b"``), or under a pool variable
(``OPENAI_API_KEYS``, ``OPENAI_KEYS``, ``GEMINI_KEYS``: see :func:`pool_variables`).
Each key gets its own provider (built by
:func:`llmcore.loader.load_provider`, so each registers its key for
redaction); :class:`KeyPool` picks the next usable one for every call, round
robin:

* a key answered with **429** cools down (for the error's ``retry_after``,
  else ``cooldown`` doubling per consecutive 429 up to ``max_cooldown``) and
  the call moves to the next key at once;
* a key answered with **401** is taken out for good;
* when every key is cooling down, :class:`~llmcore.errors.RateLimitError`
  with ``retry_after`` = time until the first comes back (the
  :class:`~llmcore.reliability.Retry` layer outside waits and retries);
* when every key is out, :class:`~llmcore.errors.AuthenticationError`
  saying so, and which variable to fix.

A stream moves to another key only before its first event. Keys are shown
only as ``#index (sha256:xxxxxxxx)``, never in any part.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any

from .. import observe
from ..errors import AuthenticationError, ConfigurationError, LLMCoreError, RateLimitError
from .base import ProviderWrapper, closing
from .security import key_id

if TYPE_CHECKING:
    from ..events import StreamEvent
    from ..provider import Provider
    from ..spec import ProviderSpec
    from ..types import ChatRequest, ChatResponse, TokenCount

__all__ = ["KeyPool", "keys_from_env", "pool_variables", "split_keys"]

log = logging.getLogger("llmcore.keypool")


def split_keys(value: str | Sequence[str]) -> list[str]:
    """A comma-separated string or a list → the non-empty, distinct keys, in order."""
    items = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for k in items:
        if not isinstance(k, str):
            raise ConfigurationError(f"API keys must be strings, not {type(k).__name__}")
        k = k.strip()
        if k and k not in out:
            out.append(k)
    return out


def _poolable(var: str) -> bool:
    """Variables that hold one API key or token (not ``AWS_PROFILE``,
    ``AWS_ACCESS_KEY_ID``: those are not keys to rotate)."""
    return var.endswith(("_API_KEY", "_KEY", "_TOKEN"))


def pool_variables(spec: ProviderSpec) -> list[str]:
    """The variables that hold a key pool for ``spec``, in order: for each key
    variable ``V``, ``V`` + ``S`` (``OPENAI_API_KEYS``) and, for ``*_API_KEY``,
    ``*_KEYS`` (``OPENAI_KEYS``, ``GEMINI_KEYS``); then ``<PROVIDER>_KEYS``."""
    out: list[str] = []
    for var in spec.env_keys:
        if not _poolable(var):
            continue
        out.append(var + "S")
        if var.endswith("_API_KEY"):
            out.append(var[: -len("_API_KEY")] + "_KEYS")
    if any(_poolable(v) for v in spec.env_keys):
        out.append(spec.name.upper() + "_KEYS")
    return list(dict.fromkeys(out))


def keys_from_env(spec: ProviderSpec) -> tuple[str, list[str]] | None:
    """``(variable, keys)``: from the first set pool variable (see
    :func:`pool_variables`), else from a key variable that holds several
    comma-separated keys (``OPENAI_API_KEY="k1,k2"`` is a pool of two, never
    one bearer token ``k1,k2``); ``None`` when neither is set."""
    import os

    for var in pool_variables(spec):
        raw = os.environ.get(var)
        if raw and raw.strip():
            return var, split_keys(raw)
    for var in spec.env_keys:
        raw = os.environ.get(var)
        if raw and raw.strip():
            if _poolable(var) and "," in raw:
                return var, split_keys(raw)
            return None  # the first set variable is one key: the provider reads it
    return None


class _Key:
    __slots__ = ("cooldown_until", "id", "index", "label", "removed", "strikes", "uses")

    def __init__(self, index: int, key: str) -> None:
        self.index = index
        self.id = key_id(key)
        self.label = f"#{index} ({self.id})"
        self.cooldown_until = 0.0
        self.strikes = 0
        self.removed: str | None = None
        self.uses = 0


class KeyPool(ProviderWrapper):
    """One provider per key, rotated. ``inner`` is the first key's provider
    (so :func:`~llmcore.reliability.base.innermost` still finds a provider)."""

    def __init__(
        self,
        providers: Sequence[Provider],
        keys: Sequence[str],
        *,
        source: str = "api_keys",
        cooldown: float = 1.0,
        max_cooldown: float = 60.0,
    ) -> None:
        if not providers or len(providers) != len(keys):
            raise ConfigurationError("a key pool needs one provider per key")
        super().__init__(providers[0])
        self.providers = list(providers)
        self._keys = [_Key(i, k) for i, k in enumerate(keys)]
        self.source = source
        self.cooldown = cooldown
        self.max_cooldown = max_cooldown
        self._next = 0
        self._lock = threading.Lock()
        self.rotations = 0

    @classmethod
    def from_keys(
        cls, spec: ProviderSpec, keys: Sequence[str], *, source: str = "api_keys", **connection: Any
    ) -> KeyPool:
        """Build one provider per key with :func:`llmcore.loader.load_provider`."""
        from ..loader import load_provider

        keys = split_keys(keys)
        if not keys:
            raise ConfigurationError(f"{source} holds no key for {spec.name}", provider=spec.name)
        options = connection.pop("options", {}) or {}
        connection.pop("api_key", None)
        providers = [load_provider(spec, api_key=k, options=dict(options), **connection) for k in keys]
        return cls(providers, keys, source=source)

    def children(self) -> list[Any]:
        return list(self.providers)

    def __repr__(self) -> str:
        return f"KeyPool({self.spec.name}, {len(self._keys)} keys: {', '.join(k.id for k in self._keys)})"

    # -- selection ------------------------------------------------------------------

    def _pick(self, exclude: set[int]) -> int:
        """The next usable key (round robin), or raise when none is."""
        now = time.monotonic()
        with self._lock:
            n = len(self._keys)
            for step in range(n):
                i = (self._next + step) % n
                k = self._keys[i]
                if k.removed is None and k.cooldown_until <= now and i not in exclude:
                    self._next = (i + 1) % n
                    k.uses += 1
                    return i
            alive = [k for k in self._keys if k.removed is None]
        if not alive:
            detail = "; ".join(f"{k.label}: {k.removed}" for k in self._keys)
            raise AuthenticationError(
                f"all {n} API keys for {self.spec.name} were rejected ({detail}); fix the keys in {self.source}",
                provider=self.spec.name,
                status_code=401,
            )
        wait = max(0.0, min(k.cooldown_until for k in alive) - now)
        raise RateLimitError(
            f"all {len(alive)} usable API keys for {self.spec.name} are rate-limited; the first is usable "
            f"again in {wait:.2f}s",
            provider=self.spec.name,
            status_code=429,
            retry_after=wait,
        )

    def _failed(self, i: int, err: LLMCoreError) -> bool:
        """Record a key's failure; True when another key should be tried."""
        k = self._keys[i]
        if isinstance(err, AuthenticationError):
            with self._lock:
                k.removed = f"rejected ({err.status_code or 401})"
            log.warning(
                "%s key %s rejected by the provider (%s); taken out of the pool",
                self.spec.name,
                k.label,
                type(err).__name__,
            )
            return True
        if isinstance(err, RateLimitError):
            with self._lock:
                k.strikes += 1
                pause = (
                    err.retry_after
                    if err.retry_after is not None
                    else min(self.max_cooldown, self.cooldown * 2 ** (k.strikes - 1))
                )
                k.cooldown_until = max(k.cooldown_until, time.monotonic() + pause)
                self.rotations += 1
            log.info("%s key %s rate-limited; cooling down %.2fs", self.spec.name, k.label, pause)
            return True
        return False

    def _observe_key(self, i: int, replaced: BaseException | None) -> None:
        """Tell an observer (:mod:`llmcore.observe`) which key serves this attempt."""
        h = observe.current()
        if h is not None:
            h.key(self._keys[i].id, replaced)

    def _ok(self, i: int) -> None:
        k = self._keys[i]
        if k.strikes:
            with self._lock:
                k.strikes = 0

    def status(self) -> list[dict[str, Any]]:
        """Per key: ``index``, ``id`` (short hash), ``state`` and ``uses``."""
        now = time.monotonic()
        out = []
        for k in self._keys:
            if k.removed:
                state = f"removed: {k.removed}"
            elif k.cooldown_until > now:
                state = f"cooling down ({k.cooldown_until - now:.1f}s)"
            else:
                state = "ok"
            out.append({"index": k.index, "id": k.id, "state": state, "uses": k.uses})
        return out

    # -- the protocol ---------------------------------------------------------------

    async def chat(self, request: ChatRequest) -> ChatResponse:
        tried: set[int] = set()
        replaced: LLMCoreError | None = None
        while True:
            i = self._pick(tried)
            if observe.observer is not None:
                self._observe_key(i, replaced)
            try:
                resp = await self.providers[i].chat(request)
            except LLMCoreError as err:
                if not self._failed(i, err):
                    raise
                tried.add(i)
                replaced = err
                continue
            self._ok(i)
            return resp

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        return await self._rotating("count_tokens", request)  # type: ignore[no-any-return]

    async def embed(self, request: Any) -> Any:
        return await self._rotating("embed", request)

    async def rerank(self, request: Any) -> Any:
        return await self._rotating("rerank", request)

    async def _rotating(self, op: str, request: Any) -> Any:
        tried: set[int] = set()
        replaced: LLMCoreError | None = None
        while True:
            i = self._pick(tried)
            if observe.observer is not None:
                self._observe_key(i, replaced)
            try:
                resp = await getattr(self.providers[i], op)(request)
            except LLMCoreError as err:
                if not self._failed(i, err):
                    raise
                tried.add(i)
                replaced = err
                continue
            self._ok(i)
            return resp

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        tried: set[int] = set()
        replaced: LLMCoreError | None = None
        while True:
            i = self._pick(tried)
            if observe.observer is not None:
                self._observe_key(i, replaced)
            emitted = False
            try:
                async with closing(self.providers[i].stream_chat(request)) as events:
                    async for ev in events:
                        emitted = True
                        yield ev
            except LLMCoreError as err:
                if emitted or not self._failed(i, err):
                    raise
                tried.add(i)
                replaced = err
                continue
            self._ok(i)
            return
