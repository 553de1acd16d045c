"""Images reach OpenAI in the documented shape, and the facade lets them through.

The two vision cassettes are authored from the "Image input" examples of
OpenAI's API reference (see cassettes/SOURCES.md): no recording with an image
exists upstream. Each test replays the conformance kit's ``vision_case`` and
compares the image part we sent with the documented request's image part.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llmcore
import test_conformance as tc
from llmcore_testing import TEST_API_KEY, make_vcr
from llmcore_testing.cassette_format import deserialize
from llmcore_testing.cassettes import recording_client

CASSETTES = Path(__file__).parent / "cassettes"
BOARDWALK = (
    "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
    "/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"
)


def _documented(cassette: str) -> dict[str, Any]:
    """The request body stored in an authored cassette (the documented example's body)."""
    body = deserialize((CASSETTES / cassette).read_text(encoding="utf-8"))["interactions"][0]["request"]["body"]
    return json.loads(body)  # type: ignore[no-any-return]


def test_chat_sends_the_image_as_an_image_url_part() -> None:
    suite = tc.TestOpenAIChatConformance()
    case = suite.vision_case
    assert case is not None
    res = suite.run(case)
    assert res.error is None, res.error
    sent = res.sent.bodies()[0]
    documented = _documented(case.cassette)
    # the user turn is exactly the documented one: a text part, then {"type": "image_url", "image_url": {"url": ...}}
    assert sent["messages"] == documented["messages"]
    assert sent["messages"][0]["content"][1] == {"type": "image_url", "image_url": {"url": BOARDWALK}}
    assert sent["max_completion_tokens"] == documented["max_tokens"] == 300  # max_tokens is deprecated on chat
    assert res.response is not None and "boardwalk" in res.response.text


def test_responses_sends_the_image_as_an_input_image_item() -> None:
    suite = tc.TestOpenAIResponsesConformance()
    case = suite.vision_case
    assert case is not None
    res = suite.run(case)
    assert res.error is None, res.error
    sent = res.sent.bodies()[0]
    documented = _documented(case.cassette)["input"][0]["content"]
    ours = sent["input"][0]["content"]
    assert [p["type"] for p in ours] == [p["type"] for p in documented] == ["input_text", "input_image"]
    for mine, doc in zip(ours, documented, strict=True):
        assert {k: mine[k] for k in doc} == doc  # every documented field, same value
    assert ours[1]["image_url"] == BOARDWALK
    assert ours[1]["detail"] == "auto"  # the documented default, sent explicitly
    assert res.response is not None and "boardwalk" in res.response.text


def test_facade_sends_an_image_to_openai() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette("authored__vision_chat_image_url.yaml"):
            async with client:
                m = llmcore.model("openai/gpt-5.4", api_key=TEST_API_KEY, http_client=client, retry=False)
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": "What is in this image?"},
                                {"type": "image", "url": BOARDWALK},
                            ],
                        }
                    ],
                    max_tokens=300,
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "wooden boardwalk" in r.text
    assert r.usage.input_tokens == 1117 and r.usage.output_tokens == 46
    assert bodies[0]["messages"][0]["content"][1]["image_url"]["url"] == BOARDWALK
