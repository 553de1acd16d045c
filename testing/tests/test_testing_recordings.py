"""llmcore_testing.cassettes: reading recordings (Recordings) and replaying from an interaction on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from llmcore_testing.cassettes import Recordings, record_mode, replay_from

CASSETTE = """interactions:
- request:
    method: POST
    uri: https://api.acme.test/v1/chat
    body: '{"model": "m", "turn": 1}'
    headers: {}
  response:
    status: {code: 200, message: OK}
    headers:
      content-type: [application/json]
    body:
      string: '{"answer": "first"}'
- request:
    method: POST
    uri: https://api.acme.test/v1/chat
    body:
      string: '{"model": "m", "turn": 2}'
    headers: {}
  response:
    status: {code: 200, message: OK}
    headers:
      content-type: [text/plain]
    body:
      string: "caf\\u00e9"
version: 1
"""


def test_recordings_read_bodies(tmp_path: Path) -> None:
    (tmp_path / "two.yaml").write_text(CASSETTE, encoding="utf-8")
    rec = Recordings(tmp_path)
    assert len(rec.interactions("two.yaml")) == 2
    assert rec.interactions("two.yaml") is rec.interactions("two.yaml")  # parsed once
    assert rec.interaction("two.yaml", 1)["request"]["method"] == "POST"
    assert rec.request_body("two.yaml") == {"model": "m", "turn": 1}
    assert rec.request_body("two.yaml", 1) == {"model": "m", "turn": 2}  # a {"string": ...} body
    assert rec.response_body("two.yaml") == {"answer": "first"}
    assert rec.response_text("two.yaml", 1) == "caf\u00e9"
    assert rec.response_bytes("two.yaml", 1) == "caf\u00e9".encode()


def test_replay_from_an_interaction_on(tmp_path: Path) -> None:
    (tmp_path / "two.yaml").write_text(CASSETTE, encoding="utf-8")
    assert record_mode() == "none"

    async def answers(start: int, calls: int) -> list[str]:
        out = []
        with replay_from(tmp_path, "two.yaml", start):
            async with httpx.AsyncClient() as client:
                for _ in range(calls):
                    r = await client.post("https://api.acme.test/v1/chat", json={})
                    out.append(r.text)
        return out

    # from the start, repeats are allowed: the same path keeps matching the first interaction
    assert asyncio.run(answers(0, 2)) == ['{"answer": "first"}', '{"answer": "first"}']
    assert asyncio.run(answers(1, 1)) == ["caf\u00e9"]
