"""The clients under test: one class each, same three operations.

* ``chat(variant)``   — one non-streamed call; returns the answer text;
* ``stream(variant, on_first)`` — one streamed call, consumed to the end;
  returns the text and the time (``perf_counter``) its first text piece
  arrived; ``await on_first()`` is called then when given (the RSS scenario
  holds every stream open there until all have started);
* ``aclose()``;
* ``embed(variant, encoding, texts)`` — one ``POST /v1/embeddings`` asking for
  ``encoding`` (``"json"``: numbers, ``"base64"``: float32) — for the clients
  whose ``embed_encodings`` name it; returns the vectors as lists of floats.

Every client does the least a caller needs: send the request, parse the
answer, get the text out. Imports happen inside (a worker measures one client
per process). ``proto`` is one of ``h1``, ``h1-tls``, ``h2-tls``, ``h2c``;
TLS trust comes from ``SSL_CERT_FILE`` (set by the runner to the test CA
that signed the server's certificate). ``h1-tls`` is HTTP/1.1 over TLS: a client
that would pick HTTP/2 by ALPN is told to stay on HTTP/1.1 there.
"""

from __future__ import annotations

import json
import os
import time
from array import array
from base64 import b64decode
from typing import Any

OPENAI_MODEL = "gpt-4o-mini"
ANTHROPIC_MODEL = "claude-sonnet-4-6"
PROMPT = "What is the capital of the UK?"
MAX_TOKENS = 256
KEY = "sk-bench-not-a-key"
PATHS = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages"}
#: connection-pool size for every client that lets us set one (>= the highest concurrency)
POOL = 512
EMBEDDING_MODEL = "text-embedding-3-small"


def _embeddings_url(base: str, variant: str) -> str:
    return f"{base}/{variant}/v1/embeddings"


def _openai_body(stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": OPENAI_MODEL,
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": MAX_TOKENS,
    }
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return body


def _anthropic_body(stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": ANTHROPIC_MODEL,
        "max_tokens": MAX_TOKENS,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    if stream:
        body["stream"] = True
    return body


def _headers(api: str) -> dict[str, str]:
    if api == "openai":
        return {"authorization": f"Bearer {KEY}", "content-type": "application/json"}
    return {"x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json"}


class Client:
    """Base: ``base`` is scheme://host:port of the server for ``proto``."""

    name = "?"
    apis: tuple[str, ...] = ("openai", "anthropic")
    protos: tuple[str, ...] = ("h1", "h1-tls", "h2-tls", "h2c")
    #: the modules whose import time is reported
    import_stmt = ""
    #: the embeddings encodings measured for this client (empty: not in the embeddings job)
    embed_encodings: tuple[str, ...] = ()

    def __init__(self, api: str, base: str, proto: str) -> None:
        self.api = api
        self.base = base
        self.proto = proto

    def url(self, variant: str) -> str:
        return f"{self.base}/{variant}{PATHS[self.api]}"

    async def setup(self) -> None:
        pass

    async def chat(self, variant: str) -> str:
        raise NotImplementedError

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        raise NotImplementedError

    async def embed(self, variant: str, encoding: str, texts: list[str]) -> list[list[float]]:
        raise NotImplementedError

    async def aclose(self) -> None:
        pass


# -- raw clients -----------------------------------------------------------------


class RawAiohttp(Client):
    """The floor: aiohttp post + json parse; iterate lines."""

    name = "aiohttp"
    protos = ("h1", "h1-tls")
    import_stmt = "import aiohttp"
    embed_encodings = ("json", "base64")

    async def setup(self) -> None:
        import aiohttp

        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=POOL))
        self.headers = _headers(self.api)

    def body(self, stream: bool) -> bytes:
        b = _openai_body(stream) if self.api == "openai" else _anthropic_body(stream)
        return json.dumps(b).encode()

    async def chat(self, variant: str) -> str:
        async with self.session.post(self.url(variant), data=self.body(False), headers=self.headers) as r:
            r.raise_for_status()
            data = json.loads(await r.read())
        if self.api == "openai":
            return data["choices"][0]["message"]["content"]  # type: ignore[no-any-return]
        return "".join(b["text"] for b in data["content"] if b["type"] == "text")

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        async with self.session.post(self.url(variant), data=self.body(True), headers=self.headers) as r:
            r.raise_for_status()
            async for line in r.content:
                if not line.startswith(b"data:"):
                    continue
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    break
                ev = json.loads(payload)
                if self.api == "openai":
                    choices = ev["choices"]
                    text = choices[0]["delta"].get("content") if choices else None
                else:
                    text = ev["delta"].get("text") if ev["type"] == "content_block_delta" else None
                if text:
                    if not first:
                        first = time.perf_counter()
                        if on_first is not None:
                            await on_first()
                    parts.append(text)
        return "".join(parts), first

    async def embed(self, variant: str, encoding: str, texts: list[str]) -> list[list[float]]:
        body: dict[str, Any] = {"model": EMBEDDING_MODEL, "input": texts}
        if encoding == "base64":
            body["encoding_format"] = "base64"
        async with self.session.post(
            _embeddings_url(self.base, variant), data=json.dumps(body).encode(), headers=self.headers
        ) as r:
            r.raise_for_status()
            data = json.loads(await r.read())
        if encoding == "base64":
            return [array("f", b64decode(d["embedding"])).tolist() for d in data["data"]]
        return [d["embedding"] for d in data["data"]]

    async def aclose(self) -> None:
        await self.session.close()


class RawHttpx(RawAiohttp):
    """httpx post + json parse; iterate lines (HTTP/2 where the protocol is h2)."""

    name = "httpx"
    protos = ("h1", "h1-tls", "h2-tls", "h2c")
    import_stmt = "import httpx"
    embed_encodings = ()

    async def setup(self) -> None:
        import httpx

        h2 = self.proto in ("h2-tls", "h2c")
        self.client = httpx.AsyncClient(
            http1=self.proto != "h2c",
            http2=h2,
            timeout=600,
            limits=httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL),
        )
        self.headers = _headers(self.api)

    async def chat(self, variant: str) -> str:
        r = await self.client.post(self.url(variant), content=self.body(False), headers=self.headers)
        r.raise_for_status()
        data = json.loads(r.content)
        if self.api == "openai":
            return data["choices"][0]["message"]["content"]  # type: ignore[no-any-return]
        return "".join(b["text"] for b in data["content"] if b["type"] == "text")

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        async with self.client.stream("POST", self.url(variant), content=self.body(True), headers=self.headers) as r:
            r.raise_for_status()
            async for line in r.aiter_lines():
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                ev = json.loads(payload)
                if self.api == "openai":
                    choices = ev["choices"]
                    text = choices[0]["delta"].get("content") if choices else None
                else:
                    text = ev["delta"].get("text") if ev["type"] == "content_block_delta" else None
                if text:
                    if not first:
                        first = time.perf_counter()
                        if on_first is not None:
                            await on_first()
                    parts.append(text)
        return "".join(parts), first

    async def aclose(self) -> None:
        await self.client.aclose()


# -- llmcore -----------------------------------------------------------------------


class Llmcore(Client):
    """The facade: ``llmcore.model(...)`` with default options (retry on),
    the shared client with the default transport (``auto``)."""

    name = "llmcore"
    protos = ("h1", "h1-tls")
    import_stmt = "import llmcore"
    transport = "auto"
    #: llmcore's OpenAI provider asks for base64; "json" is the same provider told not to
    #: (``embeddings_base64 = False``, what an OpenAI-compatible server without base64 gets)
    embed_encodings = ("json", "base64")

    def _configure(self) -> Any:
        """Pick the transport for the protocol; returns an injected client for h2c."""
        from llmcore.http import client as http

        http.configure(
            transport=self.transport,
            max_connections=POOL,
            max_keepalive_connections=POOL,
            http2=self.proto in ("h2-tls", "h2c"),
        )
        if self.proto == "h2c":
            import httpx

            return httpx.AsyncClient(
                http1=False,
                http2=True,
                timeout=600,
                limits=httpx.Limits(max_connections=POOL, max_keepalive_connections=POOL),
            )
        return None

    def _name(self) -> str:
        return f"openai/{OPENAI_MODEL}" if self.api == "openai" else f"anthropic/{ANTHROPIC_MODEL}"

    def _base_url(self, variant: str) -> str:
        return f"{self.base}/{variant}/v1" if self.api == "openai" else f"{self.base}/{variant}"

    async def setup(self) -> None:
        import llmcore

        self._http = self._configure()
        self._models: dict[str, Any] = {}
        self._llmcore = llmcore

    def model(self, variant: str) -> Any:
        m = self._models.get(variant)
        if m is None:
            kw: dict[str, Any] = {"api_key": KEY, "base_url": self._base_url(variant), "max_tokens": MAX_TOKENS}
            if self._http is not None:
                kw["http_client"] = self._http
            m = self._models[variant] = self._llmcore.model(self._name(), **kw)
        return m

    async def chat(self, variant: str) -> str:
        r = await self.model(variant).achat(PROMPT)
        return r.text  # type: ignore[no-any-return]

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        async for ev in self.model(variant).astream(PROMPT):
            if ev.type == "text":
                if not first:
                    first = time.perf_counter()
                    if on_first is not None:
                        await on_first()
                parts.append(ev.text)
        return "".join(parts), first

    def embedding_model(self, variant: str, encoding: str) -> Any:
        m = self._models.get(variant)
        if m is None:
            kw: dict[str, Any] = {"api_key": KEY, "base_url": f"{self.base}/{variant}/v1"}
            if self._http is not None:
                kw["http_client"] = self._http
            m = self._models[variant] = self._llmcore.embedding_model(f"openai/{EMBEDDING_MODEL}", **kw)
            if encoding == "json":
                from llmcore.reliability.base import leaves

                for p in leaves(m.base_provider):
                    p.embeddings_base64 = False
        return m

    async def embed(self, variant: str, encoding: str, texts: list[str]) -> list[list[float]]:
        r = await self.embedding_model(variant, encoding).aembed(texts)
        return r.vectors  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        from llmcore.http.client import aclose_shared_clients

        await aclose_shared_clients()
        if self._http is not None:
            await self._http.aclose()


class LlmcoreHttpx(Llmcore):
    """The facade on the httpx transport (HTTP/2 where the protocol is h2)."""

    name = "llmcore-httpx"
    protos = ("h1", "h1-tls", "h2-tls", "h2c")
    transport = "httpx"
    embed_encodings = ()


class LlmcoreProvider(Llmcore):
    """The provider called directly (no facade, no middleware), default transport."""

    name = "llmcore-provider"

    def model(self, variant: str) -> Any:
        m = self._models.get(variant)
        if m is None:
            from llmcore.facade import load_provider
            from llmcore.resolve import resolve_model
            from llmcore.types import ChatRequest

            spec, model_id = resolve_model(self._name())
            p = load_provider(spec, api_key=KEY, base_url=self._base_url(variant), http_client=self._http)
            req = ChatRequest(model=model_id, messages=PROMPT, max_tokens=MAX_TOKENS)
            m = self._models[variant] = (p, req)
        return m

    async def chat(self, variant: str) -> str:
        p, req = self.model(variant)
        r = await p.chat(req)
        return r.text  # type: ignore[no-any-return]

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        p, req = self.model(variant)
        parts: list[str] = []
        first = 0.0
        async for ev in p.stream_chat(req):
            if ev.type == "text":
                if not first:
                    first = time.perf_counter()
                    if on_first is not None:
                        await on_first()
                parts.append(ev.text)
        return "".join(parts), first

    def embedding_model(self, variant: str, encoding: str) -> Any:
        m = self._models.get(variant)
        if m is None:
            from llmcore.facade import load_provider
            from llmcore.resolve import resolve_model

            spec, model_id = resolve_model(f"openai/{EMBEDDING_MODEL}")
            p = load_provider(spec, api_key=KEY, base_url=f"{self.base}/{variant}/v1", http_client=self._http)
            if encoding == "json":
                p.embeddings_base64 = False
            m = self._models[variant] = (p, model_id)
        return m

    async def embed(self, variant: str, encoding: str, texts: list[str]) -> list[list[float]]:
        from llmcore.embeddings import EmbeddingRequest

        p, model_id = self.embedding_model(variant, encoding)
        r = await p.embed(EmbeddingRequest(model=model_id, texts=texts))
        return r.vectors  # type: ignore[no-any-return]


# -- official SDKs -------------------------------------------------------------------


class OpenAISDK(Client):
    """``openai.AsyncOpenAI`` with its default httpx client (``http2=True`` for h2)."""

    name = "openai"
    apis = ("openai",)
    import_stmt = "import openai"
    aiohttp = False
    #: "json" is ``encoding_format="float"``; "base64" is the SDK's default (it asks for base64 and
    #: decodes it: numpy's frombuffer when numpy is installed, else array("f"), then ``tolist()``)
    embed_encodings = ("json", "base64")

    async def setup(self) -> None:
        import openai

        if self.aiohttp:
            http = openai.DefaultAioHttpClient()
        elif self.proto == "h2c":
            import httpx

            http = openai.DefaultAsyncHttpxClient(http1=False, http2=True, limits=httpx.Limits(max_connections=POOL))
        elif self.proto == "h2-tls":
            http = openai.DefaultAsyncHttpxClient(http2=True)
        else:
            http = openai.DefaultAsyncHttpxClient()
        self.http = http
        self.root = openai.AsyncOpenAI(api_key=KEY, base_url=self.base, http_client=http)
        self.clients: dict[str, Any] = {}

    def client(self, variant: str) -> Any:
        c = self.clients.get(variant)
        if c is None:
            c = self.clients[variant] = self.root.with_options(base_url=f"{self.base}/{variant}/v1")
        return c

    async def chat(self, variant: str) -> str:
        r = await self.client(variant).chat.completions.create(
            model=OPENAI_MODEL, messages=[{"role": "user", "content": PROMPT}], max_tokens=MAX_TOKENS
        )
        return r.choices[0].message.content  # type: ignore[no-any-return]

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        s = await self.client(variant).chat.completions.create(
            model=OPENAI_MODEL,
            messages=[{"role": "user", "content": PROMPT}],
            max_tokens=MAX_TOKENS,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in s:
            if chunk.choices:
                text = chunk.choices[0].delta.content
                if text:
                    if not first:
                        first = time.perf_counter()
                        if on_first is not None:
                            await on_first()
                    parts.append(text)
        return "".join(parts), first

    async def embed(self, variant: str, encoding: str, texts: list[str]) -> list[list[float]]:
        c = self.client(variant)
        if encoding == "json":
            r = await c.embeddings.create(model=EMBEDDING_MODEL, input=texts, encoding_format="float")
        else:  # the default: base64 on the wire, decoded to lists by the SDK
            r = await c.embeddings.create(model=EMBEDDING_MODEL, input=texts)
        return [d.embedding for d in r.data]

    async def aclose(self) -> None:
        await self.root.close()


class OpenAISDKAiohttp(OpenAISDK):
    """``openai.AsyncOpenAI`` on its optional aiohttp client (``DefaultAioHttpClient``)."""

    name = "openai-aiohttp"
    protos = ("h1", "h1-tls")
    aiohttp = True
    embed_encodings = ()


class AnthropicSDK(Client):
    """``anthropic.AsyncAnthropic``, raw events (``create(stream=True)``)."""

    name = "anthropic"
    apis = ("anthropic",)
    import_stmt = "import anthropic"

    async def setup(self) -> None:
        import anthropic

        if self.proto == "h2c":
            import httpx

            http = anthropic.DefaultAsyncHttpxClient(http1=False, http2=True, limits=httpx.Limits(max_connections=POOL))
        elif self.proto == "h2-tls":
            http = anthropic.DefaultAsyncHttpxClient(http2=True)
        else:
            http = anthropic.DefaultAsyncHttpxClient()
        self.root = anthropic.AsyncAnthropic(api_key=KEY, base_url=self.base, http_client=http)
        self.clients: dict[str, Any] = {}

    def client(self, variant: str) -> Any:
        c = self.clients.get(variant)
        if c is None:
            c = self.clients[variant] = self.root.with_options(base_url=f"{self.base}/{variant}")
        return c

    async def chat(self, variant: str) -> str:
        r = await self.client(variant).messages.create(
            model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": PROMPT}]
        )
        return "".join(b.text for b in r.content if b.type == "text")

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        s = await self.client(variant).messages.create(
            model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=[{"role": "user", "content": PROMPT}], stream=True
        )
        async for ev in s:
            if ev.type == "content_block_delta" and ev.delta.type == "text_delta" and ev.delta.text:
                if not first:
                    first = time.perf_counter()
                    if on_first is not None:
                        await on_first()
                parts.append(ev.delta.text)
        return "".join(parts), first

    async def aclose(self) -> None:
        await self.root.close()


class LiteLLM(Client):
    """``litellm.acompletion`` with its defaults (its own aiohttp transport)."""

    name = "litellm"
    protos = ("h1", "h1-tls")
    import_stmt = "import litellm"

    async def setup(self) -> None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # no network at import
        import litellm

        litellm.telemetry = False
        self.litellm = litellm
        self.model = f"openai/{OPENAI_MODEL}" if self.api == "openai" else f"anthropic/{ANTHROPIC_MODEL}"

    def _base(self, variant: str) -> str:
        return f"{self.base}/{variant}/v1" if self.api == "openai" else f"{self.base}/{variant}"

    async def chat(self, variant: str) -> str:
        r = await self.litellm.acompletion(
            model=self.model,
            api_base=self._base(variant),
            api_key=KEY,
            messages=[{"role": "user", "content": PROMPT}],
            max_tokens=MAX_TOKENS,
        )
        return r.choices[0].message.content  # type: ignore[no-any-return]

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        s = await self.litellm.acompletion(
            model=self.model,
            api_base=self._base(variant),
            api_key=KEY,
            messages=[{"role": "user", "content": PROMPT}],
            max_tokens=MAX_TOKENS,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in s:
            if chunk.choices:
                text = chunk.choices[0].delta.content
                if text:
                    if not first:
                        first = time.perf_counter()
                        if on_first is not None:
                            await on_first()
                    parts.append(text)
        return "".join(parts), first


# -- the floor (bench-only, never a transport) --------------------------------------


class _FloorConn:
    """One keep-alive HTTP/1.1 connection: an asyncio Protocol feeding httptools.

    Bench-only: no redirects, no retries, no timeouts, no proxy, no error mapping —
    it exists to show how little CPU a request *can* cost on this machine."""

    def __init__(self) -> None:
        import httptools

        self.parser = httptools.HttpResponseParser(self)
        self.transport: Any = None
        self.queue: Any = None  # asyncio.Queue of bytes chunks; None marks the end of a response
        self.status = 0

    # asyncio.Protocol
    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.queue is not None:
            self.queue.put_nowait(None)

    def eof_received(self) -> None:
        pass

    def pause_writing(self) -> None:
        pass

    def resume_writing(self) -> None:
        pass

    # httptools callbacks
    def on_status(self, status: bytes) -> None:
        self.status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.queue.put_nowait(body)

    def on_message_complete(self) -> None:
        self.queue.put_nowait(None)


class Floor(Client):
    """The floor: a minimal asyncio + httptools keep-alive HTTP/1.1 client (bench only).

    Not a transport and never to become one; every other client's row is read against it."""

    name = "floor"
    protos = ("h1", "h1-tls")
    import_stmt = "import httptools"

    async def setup(self) -> None:
        from urllib.parse import urlsplit

        u = urlsplit(self.base)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or (443 if u.scheme == "https" else 80)
        self.ssl: Any = None
        if u.scheme == "https":
            import ssl

            self.ssl = ssl.create_default_context()
        self.free: list[_FloorConn] = []
        self.head = "".join(f"{k}: {v}\r\n" for k, v in _headers(self.api).items())
        self.head += f"host: {self.host}:{self.port}\r\n"

    async def _send(self, path: str, body: bytes) -> _FloorConn:
        import asyncio

        conn = self.free.pop() if self.free else None
        if conn is None or conn.transport.is_closing():
            loop = asyncio.get_running_loop()
            _, conn = await loop.create_connection(_FloorConn, self.host, self.port, ssl=self.ssl)
        conn.queue = asyncio.Queue()
        conn.transport.write(f"POST {path} HTTP/1.1\r\n{self.head}content-length: {len(body)}\r\n\r\n".encode() + body)
        return conn

    def _path(self, variant: str) -> str:
        return f"/{variant}{PATHS[self.api]}"

    def body(self, stream: bool) -> bytes:
        return json.dumps(_openai_body(stream) if self.api == "openai" else _anthropic_body(stream)).encode()

    async def chat(self, variant: str) -> str:
        conn = await self._send(self._path(variant), self.body(False))
        parts = []
        while (chunk := await conn.queue.get()) is not None:
            parts.append(chunk)
        if conn.status != 200:
            raise RuntimeError(f"floor: HTTP {conn.status}")
        self.free.append(conn)
        data = json.loads(b"".join(parts))
        if self.api == "openai":
            return data["choices"][0]["message"]["content"]  # type: ignore[no-any-return]
        return "".join(b["text"] for b in data["content"] if b["type"] == "text")

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        conn = await self._send(self._path(variant), self.body(True))
        parts: list[str] = []
        first = 0.0
        buf = b""
        done = False
        while (chunk := await conn.queue.get()) is not None:
            if done:
                continue
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                if not line.startswith(b"data:"):
                    continue
                payload = line[5:].strip()
                if payload == b"[DONE]":
                    done = True
                    break
                text = _sse_text(self.api, json.loads(payload))
                if text:
                    if not first:
                        first = time.perf_counter()
                        if on_first is not None:
                            await on_first()
                    parts.append(text)
        if conn.status != 200:
            raise RuntimeError(f"floor: HTTP {conn.status}")
        self.free.append(conn)
        return "".join(parts), first

    async def aclose(self) -> None:
        for c in self.free:
            c.transport.close()


def _sse_text(api: str, ev: dict[str, Any]) -> str | None:
    """The text piece of one parsed SSE event (OpenAI chunk or Anthropic event), else None."""
    if api == "openai":
        choices = ev["choices"]
        return choices[0]["delta"].get("content") if choices else None  # type: ignore[no-any-return]
    return ev["delta"].get("text") if ev["type"] == "content_block_delta" else None  # type: ignore[no-any-return]


# -- transport candidates (raw, same jobs as raw aiohttp) ------------------------------


class _Candidate(Client):
    """Shared body building and parsing for the raw transport candidates.

    Each speaks every protocol its library can: HTTP/1.1 (``h1``, ``h1-tls``, where HTTP/2 is switched
    off so ALPN cannot pick it), HTTP/2 over TLS (``h2-tls``) and cleartext HTTP/2 with prior knowledge
    (``h2c``)."""

    protos = ("h1", "h1-tls", "h2-tls", "h2c")

    @property
    def h2(self) -> bool:
        """Whether this run's protocol is HTTP/2."""
        return self.proto in ("h2-tls", "h2c")

    def body(self, stream: bool) -> bytes:
        return json.dumps(_openai_body(stream) if self.api == "openai" else _anthropic_body(stream)).encode()

    def text_of(self, raw: bytes) -> str:
        data = json.loads(raw)
        if self.api == "openai":
            return data["choices"][0]["message"]["content"]  # type: ignore[no-any-return]
        return "".join(b["text"] for b in data["content"] if b["type"] == "text")

    async def _lines_to_text(self, lines: Any, on_first: Any) -> tuple[str, float]:
        parts: list[str] = []
        first = 0.0
        async for line in lines:
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                break
            text = _sse_text(self.api, json.loads(payload))
            if text:
                if not first:
                    first = time.perf_counter()
                    if on_first is not None:
                        await on_first()
                parts.append(text)
        return "".join(parts), first


async def _split_lines(chunks: Any) -> Any:
    """Async bytes chunks -> async lines (for clients that only hand out chunks)."""
    buf = b""
    async for chunk in chunks:
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for line in lines:
            yield line
    if buf:
        yield buf


class CurlCffi(_Candidate):
    """curl_cffi's AsyncSession (libcurl through cffi)."""

    name = "curl_cffi"
    import_stmt = "from curl_cffi.requests import AsyncSession"

    async def setup(self) -> None:
        from curl_cffi import CurlHttpVersion
        from curl_cffi.requests import AsyncSession

        version = {"h2-tls": CurlHttpVersion.V2TLS, "h2c": CurlHttpVersion.V2_PRIOR_KNOWLEDGE}.get(
            self.proto, CurlHttpVersion.V1_1
        )
        self.session = AsyncSession(
            max_clients=POOL, verify=os.environ.get("SSL_CERT_FILE") or True, http_version=version
        )
        self.headers = _headers(self.api)

    async def chat(self, variant: str) -> str:
        r = await self.session.post(self.url(variant), data=self.body(False), headers=self.headers)
        r.raise_for_status()
        return self.text_of(r.content)

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        async with self.session.stream("POST", self.url(variant), data=self.body(True), headers=self.headers) as r:
            r.raise_for_status()
            return await self._lines_to_text(_split_lines(r.aiter_content()), on_first)

    async def aclose(self) -> None:
        await self.session.close()


class Niquests(_Candidate):
    """niquests' AsyncSession (urllib3-future)."""

    name = "niquests"
    import_stmt = "import niquests"

    async def setup(self) -> None:
        import niquests

        # HTTP/2 only where asked (disable_http1 over http:// is prior-knowledge h2c); never HTTP/3 (no QUIC here)
        self.session = niquests.AsyncSession(
            pool_connections=1, pool_maxsize=POOL, disable_http1=self.h2, disable_http2=not self.h2, disable_http3=True
        )
        self.verify: Any = os.environ.get("SSL_CERT_FILE") or True
        self.headers = _headers(self.api)

    async def chat(self, variant: str) -> str:
        r = await self.session.post(self.url(variant), data=self.body(False), headers=self.headers, verify=self.verify)
        r.raise_for_status()
        return self.text_of(r.content)

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        r = await self.session.post(
            self.url(variant), data=self.body(True), headers=self.headers, stream=True, verify=self.verify
        )
        r.raise_for_status()
        try:
            return await self._lines_to_text(_split_lines(await r.iter_content(None)), on_first)
        finally:
            await r.close()

    async def aclose(self) -> None:
        await self.session.close()


class Rnet(_Candidate):
    """rnet's async Client (Rust: hyper + BoringSSL)."""

    name = "rnet"
    import_stmt = "import rnet"

    async def setup(self) -> None:
        from pathlib import Path

        import rnet

        cert = os.environ.get("SSL_CERT_FILE")
        self.client = rnet.Client(verify=Path(cert) if cert else True, http1_only=not self.h2, http2_only=self.h2)
        self.headers = _headers(self.api)

    async def chat(self, variant: str) -> str:
        r = await self.client.post(self.url(variant), body=self.body(False), headers=self.headers)
        async with r:
            return self.text_of(await r.bytes())

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        r = await self.client.post(self.url(variant), body=self.body(True), headers=self.headers)
        async with r, r.stream() as s:
            return await self._lines_to_text(_split_lines(s), on_first)


async def _as_bytes(reader: Any) -> Any:
    """pyreqwest's body reader as ``bytes`` chunks (it hands out its own ``Bytes``)."""
    while (chunk := await reader.read_chunk()) is not None:
        yield bytes(chunk)


class Pyreqwest(_Candidate):
    """pyreqwest's async Client (Rust: reqwest)."""

    name = "pyreqwest"
    import_stmt = "import pyreqwest"

    async def setup(self) -> None:
        from pyreqwest.client import ClientBuilder

        builder = ClientBuilder().max_connections(POOL)
        cert = os.environ.get("SSL_CERT_FILE")
        if cert:  # rustls: the test CA as a root (it refuses a self-signed end-entity certificate)
            with open(cert, "rb") as f:
                builder = builder.add_root_certificate_pem(f.read())
        if self.proto == "h2c":
            builder = builder.http2(True).http2_prior_knowledge()
        elif self.proto == "h2-tls":
            builder = builder.http2(True)  # off by default (reqwest's opt-in): ALPN would offer http/1.1 only
        else:
            builder = builder.http1_only()
        self.client = await builder.build().__aenter__()
        self.headers = _headers(self.api)

    async def chat(self, variant: str) -> str:
        req = self.client.post(self.url(variant)).headers(self.headers).body_bytes(self.body(False)).build()
        r = await req.send()
        return self.text_of(bytes(await r.bytes()))

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        req = self.client.post(self.url(variant)).headers(self.headers).body_bytes(self.body(True)).build_streamed()
        async with req as r:
            return await self._lines_to_text(_split_lines(_as_bytes(r.body_reader)), on_first)

    async def aclose(self) -> None:
        await self.client.__aexit__(None, None, None)


class Httpr(_Candidate):
    """httpr's AsyncClient (Rust: reqwest; its async API runs the blocking client on a thread pool)."""

    name = "httpr"
    import_stmt = "import httpr"

    async def setup(self) -> None:
        import httpr

        # its thread pool is its concurrency limit (default 64): as large as the others' connection pools
        self.client = httpr.AsyncClient(
            max_concurrency=POOL,
            ca_cert_file=os.environ.get("SSL_CERT_FILE"),
            http1_only=not self.h2,
            http2_only=self.h2,
            timeout=600,
            follow_redirects=False,
            cookie_store=False,
        )
        self.headers = _headers(self.api)

    async def chat(self, variant: str) -> str:
        r = await self.client.post(self.url(variant), content=self.body(False), headers=self.headers)
        r.raise_for_status()
        return self.text_of(r.content)

    async def stream(self, variant: str, on_first: Any = None) -> tuple[str, float]:
        async with self.client.stream("POST", self.url(variant), content=self.body(True), headers=self.headers) as r:
            r.raise_for_status()
            return await self._lines_to_text(_split_lines(r.aiter_bytes()), on_first)

    async def aclose(self) -> None:
        await self.client.aclose()


CLIENTS: dict[str, type[Client]] = {
    c.name: c
    for c in (
        RawAiohttp,
        RawHttpx,
        Llmcore,
        LlmcoreProvider,
        LlmcoreHttpx,
        OpenAISDK,
        OpenAISDKAiohttp,
        AnthropicSDK,
        LiteLLM,
        Floor,
        CurlCffi,
        Niquests,
        Rnet,
        Pyreqwest,
        Httpr,
    )
}

#: the clients a run measures by default (``--clients`` picks others)
DEFAULT = [
    "aiohttp",
    "llmcore",
    "llmcore-provider",
    "llmcore-httpx",
    "httpx",
    "openai",
    "openai-aiohttp",
    "anthropic",
    "litellm",
    "floor",
    "curl_cffi",
    "niquests",
    "rnet",
    "pyreqwest",
    "httpr",
]
