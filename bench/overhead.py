"""llmcore's own CPU per call, layer by layer, with the network taken out.

``python bench/overhead.py [N]`` replaces the HTTP round trip with a canned
response (the same recorded bodies the bench serves), so what is left is
llmcore's own work: request validation, the codec, the HTTP glue, parsing,
the middleware, usage accounting. CPU microseconds per call (best of 7
batches of N), for OpenAI Chat Completions:

* ``provider``            — ``OpenAIProvider.chat(request)`` on a prebuilt ``ChatRequest``;
* ``+ retry``             — the same through the default ``Retry`` middleware;
* ``request()``           — ``Model.request(prompt)`` alone (validation of the user's input);
* ``facade``              — ``await m.achat(prompt)``: everything a user call does;
* ``facade, usage log off`` — with ``LLMCORE_USAGE_LOG=0``;
* ``facade, all reliability layers`` — timeouts, adaptive concurrency and rate-limit buckets on too
  (limits far above what is reached, so this is the cost of the checks);

and the same for a 20-event stream, and for an embeddings call of one vector
(1,536 floats, base64 as llmcore's OpenAI provider asks for it; ``embed1: raw
decode`` is the floor: ``json.loads`` + base64 + ``array("f").tolist()`` of the
same body). ``--count``: Python function calls per call instead of CPU time
(``cProfile``; free of the machine's noise, for before/after of a change).
Not a test; numbers for docs/performance.md.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("LLMCORE_DATA_DIR", tempfile.mkdtemp(prefix="llmcore-overhead-"))

import fixtures

PROMPT = "What is the capital of the UK?"


class _Canned:
    """Stands in for the HTTP response (status, headers, body)."""

    status_code = 200
    headers = {"content-type": "application/json", "x-request-id": "req_1"}

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def aread(self) -> bytes:
        return self.body

    async def aiter_bytes(self) -> Any:
        yield self.body

    async def aclose(self) -> None:
        pass


class _CannedDirect:
    """Stands in for :class:`llmcore.http.direct.Direct`: answers every send from memory."""

    def __init__(self) -> None:
        self.chat = fixtures.openai_chat().events[0].encode()
        self.stream = "".join(fixtures.openai_stream(20).events).encode()
        self.embeddings = fixtures.embeddings_body(1, "base64").events[0].encode()

    async def send(
        self, method: str, url: str, content: bytes | None, headers: Any, params: Any = None, timeout: Any = None
    ) -> _Canned:
        if str(url).endswith("/embeddings"):
            return _Canned(self.embeddings)
        return _Canned(self.stream if content and b'"stream":true' in content else self.chat)


#: ``--count``: report function calls per call (cProfile) instead of CPU time
COUNT = False


async def _best(fn: Any, n: int) -> float:
    for _ in range(min(300, n)):
        await fn()
    if COUNT:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for _ in range(200):
            await fn()
        prof.disable()
        return pstats.Stats(prof).total_calls / 200  # type: ignore[attr-defined,no-any-return]
    best = float("inf")
    for _ in range(7):
        t = time.process_time()
        for _ in range(n):
            await fn()
        best = min(best, (time.process_time() - t) / n * 1e6)
    return best


async def main(n: int) -> dict[str, float]:
    import llmcore
    import llmcore.provider
    from llmcore.types import ChatRequest

    canned = _CannedDirect()
    llmcore.provider.shared_direct = lambda: canned  # type: ignore[assignment]
    m = llmcore.model("openai/gpt-4o-mini", api_key="sk-bench", base_url="http://127.0.0.1:9/v1", max_tokens=256)
    p = m.base_provider
    req = ChatRequest(model="gpt-4o-mini", messages=PROMPT, max_tokens=256)

    async def drain(it: Any) -> None:
        async for _ in it:
            pass

    async def request_only() -> None:
        m.request(PROMPT)

    out = {
        "chat: provider": await _best(lambda: p.chat(req), n),
        "chat: + retry": await _best(lambda: m.provider.chat(req), n),
        "chat: request() (validation)": await _best(request_only, n),
        "chat: facade": await _best(lambda: m.achat(PROMPT), n),
        "stream20: provider": await _best(lambda: drain(p.stream_chat(req)), n // 4),
        "stream20: + retry": await _best(lambda: drain(m.provider.stream_chat(req)), n // 4),
        "stream20: facade": await _best(lambda: drain(m.astream(PROMPT)), n // 4),
    }
    # every reliability layer on (limits far above what is reached: the cost of the checks themselves)
    full = llmcore.model(
        "openai/gpt-4o-mini",
        api_key="sk-bench",
        base_url="http://127.0.0.1:9/v1",
        max_tokens=256,
        timeouts={"total": 600, "stream_idle": 600},
        concurrency=100_000,
        rate_limit={"requests_per_minute": 1e12, "tokens_per_minute": 1e15},
    )
    out["chat: facade, all reliability layers"] = await _best(lambda: full.achat(PROMPT), n)
    out["stream20: facade, all reliability layers"] = await _best(lambda: drain(full.astream(PROMPT)), n // 4)

    # embeddings: one text, one vector of 1,536 floats (base64 float32)
    import json
    from array import array
    from base64 import b64decode

    from llmcore.embeddings import EmbeddingRequest

    em = llmcore.embedding_model("openai/text-embedding-3-small", api_key="sk-bench", base_url="http://127.0.0.1:9/v1")
    ep = em.base_provider
    texts = fixtures.embedding_texts(1)
    ereq = EmbeddingRequest(model="text-embedding-3-small", texts=texts)

    async def raw_decode() -> None:
        data = json.loads(canned.embeddings)
        [array("f", b64decode(d["embedding"])).tolist() for d in data["data"]]

    async def embed_request_only() -> None:
        em.request(texts)

    out["embed1: raw decode (json + base64 + array)"] = await _best(raw_decode, n)
    out["embed1: provider"] = await _best(lambda: ep.embed(ereq), n)
    out["embed1: + retry"] = await _best(lambda: em.provider.embed(ereq), n)
    out["embed1: request() (validation)"] = await _best(embed_request_only, n)
    out["embed1: facade"] = await _best(lambda: em.aembed(texts), n)

    os.environ["LLMCORE_USAGE_LOG"] = "0"
    out["chat: facade, usage log off"] = await _best(lambda: m.achat(PROMPT), n)
    out["stream20: facade, usage log off"] = await _best(lambda: drain(m.astream(PROMPT)), n // 4)
    out["embed1: facade, usage log off"] = await _best(lambda: em.aembed(texts), n)
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--count"]
    COUNT = len(args) < len(sys.argv) - 1
    res = asyncio.run(main(int(args[0]) if args else 3000))
    from llmcore.jsonfast import HAVE_ORJSON

    if COUNT:
        print("Python function calls per call, network excluded (cProfile)")
    else:
        print(f"llmcore's own CPU per call, network excluded (orjson: {HAVE_ORJSON})")
    for k, v in sorted(res.items()):
        print(f"  {k:42s} {v:7.1f} {'calls' if COUNT else 'us'}")
