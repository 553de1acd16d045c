"""The cassette server: a real loopback HTTP server answering from a recording."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest
from llmcore_testing.cassette_server import CassetteServer, split_for_stream

SSE = b'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n'


def _inter(
    method: str, uri: str, body: bytes | str, status: int = 200, ctype: str = "application/json", **headers: str
) -> dict[str, Any]:
    return {
        "request": {"method": method, "uri": uri, "body": "", "headers": {}},
        "response": {
            "status": {"code": status, "message": "X"},
            "headers": {"content-type": [ctype], "content-length": ["999"], **{k: [v] for k, v in headers.items()}},
            "body": {"string": body},
        },
    }


def _raw_pieces(srv: CassetteServer, path: str) -> list[bytes]:
    """The body pieces as they arrive on a plain socket (chunked framing decoded by hand)."""
    with socket.create_connection(("127.0.0.1", srv.port)) as s:
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    pieces = []
    while body:
        size_line, _, body = body.partition(b"\r\n")
        n = int(size_line, 16)
        if n == 0:
            break
        pieces.append(body[:n])
        body = body[n + 2 :]
    return pieces


def test_answers_in_order_and_keeps_what_it_received() -> None:
    inters = [
        _inter("POST", "https://api.example.com/v1/chat", b'{"n":1}'),
        _inter("POST", "https://api.example.com/v1/chat", b'{"n":2}', status=429, **{"retry-after": "3"}),
    ]
    with CassetteServer(inters, repeats=False) as srv:
        base = srv.base_url_for("https://api.example.com/v1")
        assert base == srv.url + "/v1"
        with httpx.Client() as c:
            r1 = c.post(base + "/chat", json={"q": 1}, headers={"authorization": "Bearer t"})
            r2 = c.post(base + "/chat?x=1", content=b"raw")
            r3 = c.post(base + "/chat")
    assert (r1.status_code, r1.json()) == (200, {"n": 1})
    assert (r2.status_code, r2.headers["retry-after"]) == (429, "3")
    assert r1.headers.get("content-length") is None  # the recorded length is not replayed
    assert r3.status_code == 418 and srv.problems == ["no recorded interaction answers POST /v1/chat"]
    got = srv.received
    assert [r.content for r in got] == [b'{"q":1}', b"raw", b""]
    assert got[0].headers["authorization"] == "Bearer t" and got[1].url.query == b"x=1"


def test_repeats_replay_the_first_match() -> None:
    with CassetteServer([_inter("GET", "https://h/v1/models", b"[]")]) as srv, httpx.Client() as c:
        assert [c.get(srv.url + "/v1/models").status_code for _ in range(3)] == [200, 200, 200]
    assert not srv.problems


def test_start_skips_earlier_interactions() -> None:
    inters = [_inter("POST", "https://h/x", b"first"), _inter("POST", "https://h/x", b"second")]
    with CassetteServer(inters, start=1) as srv, httpx.Client() as c:
        assert c.post(srv.url + "/x").content == b"second"


def test_streams_go_out_one_event_per_piece() -> None:
    with CassetteServer([_inter("POST", "https://h/s", SSE, ctype="text/event-stream")]) as srv:
        assert _raw_pieces(srv, "/s") == [b'data: {"a":1}\n\n', b'data: {"a":2}\n\n', b"data: [DONE]\n\n"]


def test_chunk_sizes_cut_the_body() -> None:
    with CassetteServer([_inter("POST", "https://h/s", SSE, ctype="text/event-stream")], chunk_sizes=(7,)) as srv:
        pieces = _raw_pieces(srv, "/s")
    assert b"".join(pieces) == SSE and {len(p) for p in pieces[:-1]} == {7}


def test_recorded_hosts_in_bodies_point_back_here() -> None:
    body = b'{"urls": {"stream": "https://stream.example.com/v1/files/abc"}}'
    inters = [
        _inter("POST", "https://api.example.com/v1/predictions", body),
        _inter("GET", "https://stream.example.com/v1/files/abc", SSE, ctype="text/event-stream"),
    ]
    with CassetteServer(inters) as srv, httpx.Client() as c:
        url = c.post(srv.url + "/v1/predictions").json()["urls"]["stream"]
        assert url == srv.url + "/v1/files/abc"
        assert c.get(url).content == SSE


@pytest.mark.parametrize(
    "ctype,body,expected",
    [
        ("application/x-ndjson", b'{"a":1}\n{"a":2}\n', [b'{"a":1}\n', b'{"a":2}\n']),
        (
            "application/vnd.amazon.eventstream",
            (16).to_bytes(4, "big") + b"x" * 12 + (20).to_bytes(4, "big") + b"y" * 16,
            [(16).to_bytes(4, "big") + b"x" * 12, (20).to_bytes(4, "big") + b"y" * 16],
        ),
        ("application/json", b'{"a":1}', [b'{"a":1}']),
    ],
)
def test_split_for_stream(ctype: str, body: bytes, expected: list[bytes]) -> None:
    assert split_for_stream(body, ctype) == expected


def test_serves_the_aiohttp_transport() -> None:
    aiohttp = pytest.importorskip("aiohttp")

    async def go(url: str) -> bytes:
        async with aiohttp.ClientSession() as s, s.post(url) as r:
            return [p async for p in r.content.iter_any()]  # type: ignore[return-value]

    with CassetteServer([_inter("POST", "https://h/s", SSE, ctype="text/event-stream")]) as srv:
        pieces = asyncio.run(go(srv.url + "/s"))
    assert b"".join(pieces) == SSE
