"""Images reach xAI as documented ``image_url`` parts, and the facade lets them through.

The vision cassette is authored from xAI's "Image Understanding" guide (see cassettes/SOURCES.md): no recording
with an image exists upstream. The test replays the conformance kit's ``vision_case``
and compares each part we sent with the documented request's part.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llmcore
import test_xai_conformance as tc
from llmcore_testing import TEST_API_KEY, make_vcr, recording_client
from llmcore_testing.cassette_format import deserialize

CASSETTES = Path(__file__).parent / "cassettes"
CASE = tc.TestXAIConformance.vision_case


def _documented() -> dict[str, Any]:
    """The request body stored in the authored cassette: the documented example's body."""
    assert CASE is not None
    data = deserialize((CASSETTES / CASE.cassette).read_text(encoding="utf-8"))
    return json.loads(data["interactions"][0]["request"]["body"])  # type: ignore[no-any-return]


def _url(part: dict[str, Any]) -> str:
    """The URL of an ``image_url`` part, whether written as an object or as a bare string."""
    value = part["image_url"]
    return value if isinstance(value, str) else value["url"]  # type: ignore[no-any-return]


def test_image_is_sent_as_an_image_url_part() -> None:
    assert CASE is not None
    res = tc.TestXAIConformance().run(CASE)
    assert res.error is None, res.error
    ours = res.sent.bodies()[0]["messages"][-1]["content"]
    theirs = _documented()["messages"][-1]["content"]
    assert [p["type"] for p in ours] == [p["type"] for p in theirs]  # the documented parts, in order
    for mine, doc in zip(ours, theirs, strict=True):
        if doc["type"] == "text":
            assert mine == doc
        else:
            assert mine == {"type": "image_url", "image_url": {"url": _url(doc)}}
    image = next(p for p in ours if p["type"] == "image_url")
    assert image["image_url"]["url"] == tc.WEBB
    r = res.response
    assert r is not None and "Webb" in r.text


def test_facade_sends_an_image_to_xai() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""
    assert CASE is not None
    request = dict(CASE.request)
    model, messages = request.pop("model"), request.pop("messages")

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(CASE.cassette):
            async with client:
                m = llmcore.model(
                    f"xai/{model}",
                    api_key=TEST_API_KEY,
                    http_client=client,
                    retry=False,
                    base_url=CASE.base_url,
                    **CASE.options,
                )
                r = await m.achat(messages, **request)
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert r.text and r.finish_reason == "stop" and r.provider == "xai"
    assert any(p["type"] == "image_url" for p in bodies[0]["messages"][-1]["content"])
