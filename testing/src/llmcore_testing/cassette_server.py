"""A real HTTP server on loopback that answers from a cassette.

The conformance kit replays recordings through this server so that a
provider is exercised the way a user runs it: built by ``llmcore.model`` or
the plugin's factory with only ``base_url`` pointed here, sending through the
default transport (the direct aiohttp path), httpx's own pool, or the facade
with its middleware — real sockets, real HTTP/1.1 framing, no injected client.

* Requests are parsed and responses framed by ``h11`` (httpx's own HTTP/1.1
  state machine, so always installed with llmcore).
* A request is answered by the first not-yet-played recorded interaction (from
  ``start`` on) with the same method and path (percent-decoded; the host is
  not compared: everything is on loopback). With ``repeats``, a request that
  matches no unplayed interaction gets the first matching one again (a
  provider that retries, or polls). Anything else is answered ``418`` and
  noted in :attr:`CassetteServer.problems`, which the kit asserts empty.
* Bodies go out chunked, as a stream arrives: an SSE body one event per
  write, NDJSON one line per write, an AWS event-stream one message per
  write; or cut into ``chunk_sizes`` (cycled) to test re-assembly. Recorded
  ``Content-Length``/``Transfer-Encoding``/``Content-Encoding`` are dropped
  (bodies are stored decoded).
* Absolute URLs of the recording's hosts inside response bodies and
  ``Location`` headers (e.g. Replicate's stream URL) are rewritten to this
  server, so a follow-up request comes here too, never to the network.
* Every request received is kept as an ``httpx.Request`` (method, URL as the
  client addressed it, headers as received, body bytes) in
  :attr:`CassetteServer.received`, for checks of auth, signatures and bodies.

The server runs its own event loop in a daemon thread, so it serves sync and
async tests alike; use it as a context manager.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["CassetteServer", "split_for_stream"]

_DROP = frozenset({"content-length", "transfer-encoding", "content-encoding", "connection", "keep-alive"})


def _text(body: Any) -> str | bytes:
    if isinstance(body, dict):
        body = body.get("string")
    return body if isinstance(body, (str, bytes)) else ""


def _as_bytes(body: Any) -> bytes:
    b = _text(body)
    return b if isinstance(b, bytes) else b.encode()


def _header_items(headers: Any) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for k, v in (headers or {}).items():
        for one in v if isinstance(v, list) else [v]:
            out.append((str(k), str(one)))
    return out


def split_for_stream(body: bytes, content_type: str) -> list[bytes]:
    """``body`` cut where a streaming server flushes: after each SSE event, each
    NDJSON line, each AWS event-stream message; otherwise whole."""
    ct = content_type.lower()
    if not body:
        return []
    if "vnd.amazon.eventstream" in ct:
        out, i = [], 0
        while i + 4 <= len(body):
            n = int.from_bytes(body[i : i + 4], "big")
            if n < 16:
                break
            out.append(body[i : i + n])
            i += n
        if i < len(body):
            out.append(body[i:])
        return out
    if "event-stream" in ct:
        sep = b"\r\n\r\n" if b"\r\n\r\n" in body else b"\n\n"
        parts = body.split(sep)
        out = [p + sep for p in parts[:-1]]
        if parts[-1]:
            out.append(parts[-1])
        return out
    if "ndjson" in ct or "jsonl" in ct or "jsonlines" in ct:
        return body.splitlines(keepends=True)
    return [body]


def _cut(body: bytes, sizes: Sequence[int]) -> list[bytes]:
    out, i, k = [], 0, 0
    while i < len(body):
        n = max(1, sizes[k % len(sizes)])
        out.append(body[i : i + n])
        i += n
        k += 1
    return out


class CassetteServer:
    """Serves the interactions of one cassette on ``http://127.0.0.1:<port>``.

    ``interactions`` are the stored interactions (as the llmcore cassette format
    deserializes them); use :meth:`from_cassette` to read a file.
    """

    def __init__(
        self,
        interactions: Sequence[dict[str, Any]],
        *,
        start: int = 0,
        repeats: bool | None = None,
        chunk_sizes: Sequence[int] | None = None,
    ) -> None:
        self._interactions = list(interactions)
        self._start = start
        self._repeats = (not start) if repeats is None else repeats
        self._chunk_sizes = tuple(chunk_sizes) if chunk_sizes else None
        self._played: set[int] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        #: every request received, as ``httpx.Request`` objects, in order
        self.received: list[Any] = []
        #: what went wrong on the server side (unmatched requests, bad framing): the kit asserts it is empty
        self.problems: list[str] = []
        self._hosts = sorted(
            {urlsplit(str(i["request"].get("uri", ""))).netloc for i in self._interactions} - {""},
            key=len,
            reverse=True,
        )

    @classmethod
    def from_cassette(cls, path: str | Path, **kw: Any) -> CassetteServer:
        """A server for the cassette file at ``path`` (llmcore cassette format)."""
        from .cassettes import _stored

        return cls(_stored(str(Path(path)))["interactions"], **kw)

    # -- addresses -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def base_url_for(self, base_url: str | None) -> str:
        """``base_url`` (a provider's real base URL, or ``None``) with its scheme and host
        replaced by this server's; its path (``/v1``, ``/openai``...) is kept."""
        if not base_url:
            return self.url
        path = urlsplit(base_url).path.rstrip("/")
        return self.url + path

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> CassetteServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as e:  # pragma: no cover - reported to the caller
                failure.append(e)
                ready.set()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                self._server.close()
                with contextlib.suppress(Exception):
                    loop.run_until_complete(self._server.wait_closed())
                for task in asyncio.all_tasks(loop):
                    task.cancel()
                with contextlib.suppress(Exception):
                    loop.run_until_complete(asyncio.sleep(0))
                loop.close()

        self._thread = threading.Thread(target=run, name="llmcore-cassette-server", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failure:
            raise failure[0]
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    # -- matching --------------------------------------------------------------------------

    def _match(self, method: str, path: str) -> dict[str, Any] | None:
        def same(i: int) -> bool:
            req = self._interactions[i]["request"]
            if str(req.get("method", "")).upper() != method.upper():
                return False
            return unquote(urlsplit(str(req.get("uri", ""))).path or "/") == unquote(path or "/")

        with self._lock:
            candidates = [i for i in range(self._start, len(self._interactions)) if same(i)]
            for i in candidates:
                if i not in self._played:
                    self._played.add(i)
                    return self._interactions[i]
            if self._repeats and candidates:
                return self._interactions[candidates[0]]
        return None

    def _rewrite(self, data: bytes) -> bytes:
        for host in self._hosts:
            for scheme in (b"https://", b"http://"):
                data = data.replace(scheme + host.encode(), self.url.encode())
        return data

    # -- the connection --------------------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        import h11

        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                req = None
                body = bytearray()
                while True:
                    event = conn.next_event()
                    if event is h11.NEED_DATA:
                        data = await reader.read(65536)
                        conn.receive_data(data)
                        if not data and conn.their_state is not h11.SEND_BODY and req is None:
                            return
                        continue
                    if isinstance(event, h11.Request):
                        req = event
                    elif isinstance(event, h11.Data):
                        body += event.data
                    elif isinstance(event, h11.EndOfMessage):
                        break
                    elif isinstance(event, h11.ConnectionClosed):
                        return
                assert req is not None
                await self._answer(conn, writer, req, bytes(body))
                if conn.our_state is h11.MUST_CLOSE or conn.their_state is h11.MUST_CLOSE:
                    return
                conn.start_next_cycle()
        except (h11.RemoteProtocolError, ConnectionError, asyncio.IncompleteReadError) as e:
            if not isinstance(e, ConnectionError):
                self.problems.append(f"bad HTTP from the client: {e!r}")
        except asyncio.CancelledError:
            # the server is closing while a client keeps its connection alive: end quietly (asyncio's
            # start_server would otherwise log the cancelled handler task as an error)
            return
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(self, conn: Any, writer: asyncio.StreamWriter, req: Any, body: bytes) -> None:
        import h11
        import httpx

        method = req.method.decode()
        target = req.target.decode()
        headers = [(k.decode(), v.decode("latin-1")) for k, v in req.headers]
        host = next((v for k, v in headers if k.lower() == "host"), f"127.0.0.1:{self.port}")
        self.received.append(httpx.Request(method, f"http://{host}{target}", headers=headers, content=body))
        path = urlsplit(target).path
        inter = self._match(method, path)
        if inter is None:
            msg = f"no recorded interaction answers {method} {path}"
            self.problems.append(msg)
            out = f'{{"error": {{"message": "llmcore cassette server: {msg}"}}}}'.encode()
            writer.write(
                conn.send(
                    h11.Response(
                        status_code=418,
                        headers=[("content-type", "application/json"), ("content-length", str(len(out)))],
                    )
                )
            )
            writer.write(conn.send(h11.Data(data=out)))
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            return
        resp = inter["response"]
        status = resp.get("status", {})
        code = int(status.get("code", 200)) if isinstance(status, dict) else int(status)
        reason = (status.get("message") or "") if isinstance(status, dict) else ""
        out_headers = [(k, v) for k, v in _header_items(resp.get("headers")) if k.lower() not in _DROP]
        out_headers = [
            (k, self._rewrite(v.encode()).decode() if k.lower() == "location" else v) for k, v in out_headers
        ]
        data = self._rewrite(_as_bytes(resp.get("body")))
        ctype = next((v for k, v in out_headers if k.lower() == "content-type"), "")
        pieces = _cut(data, self._chunk_sizes) if self._chunk_sizes else split_for_stream(data, ctype)
        out_headers.append(("transfer-encoding", "chunked"))
        writer.write(
            conn.send(h11.Response(status_code=code, headers=out_headers, reason=reason.encode("latin-1", "replace")))
        )
        await writer.drain()
        for piece in pieces:
            if piece:
                writer.write(conn.send(h11.Data(data=piece)))
                await writer.drain()
                if len(pieces) > 1:
                    await asyncio.sleep(0)  # let each piece leave as its own segment
        writer.write(conn.send(h11.EndOfMessage()))
        await writer.drain()

    def played(self) -> Iterator[int]:
        """Indices of the interactions answered so far."""
        return iter(sorted(self._played))
