"""Images reach Bedrock Converse in the documented shape, and the facade lets them through.

The vision cassette is authored from the "Image" example of Bedrock's Converse
API examples (see cassettes/SOURCES.md): no recording with an image exists
upstream. Converse takes image bytes only; over HTTP they travel as base64 in
``image.source.bytes``, which is what the test checks against the documented
request.
"""

from __future__ import annotations

import asyncio
from typing import Any

import llmcore
import test_conformance as tc
from bedrock_cases import CASSETTES, FAKE, REC, check_body, verify_sigv4
from llmcore import errors as E
from llmcore_testing import make_vcr, recording_client


def _documented() -> dict[str, Any]:
    return REC.request_body("authored__vision_image_bytes.yaml")  # type: ignore[no-any-return]


def test_image_is_sent_as_base64_bytes() -> None:
    suite = tc.TestBedrockConformance()
    case = suite.vision_case
    assert case is not None
    res = suite.run(case)
    assert res.error is None, res.error
    sent = res.sent.bodies()[0]
    assert sent["messages"] == _documented()["messages"]
    assert sent["messages"][0]["content"][1] == {"image": {"format": "png", "source": {"bytes": tc.PIG_PNG}}}
    check_body(res.sent[0])  # the Smithy model's ImageBlock
    verify_sigv4(res.sent[0])  # signed over the body with the image
    assert res.response is not None and "pig" in res.response.text
    assert res.response.usage.input_tokens == 31


def test_facade_sends_an_image_to_bedrock() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette("authored__vision_image_bytes.yaml"):
            async with client:
                m = llmcore.model(f"bedrock/{tc.CLAUDE_3_SONNET}", http_client=client, retry=False, **FAKE.options())
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": "What's in this image?"},
                                {"type": "image", "data": tc.PIG_PNG, "media_type": "image/png"},
                            ],
                        }
                    ]
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "pig" in r.text and r.finish_reason == "stop"
    assert bodies[0]["messages"][0]["content"][1]["image"]["source"]["bytes"] == tc.PIG_PNG


def test_image_url_is_refused_before_the_network() -> None:
    """Converse takes bytes, not URLs: a URL image is a typed error, nothing is sent."""

    async def go() -> tuple[BaseException | None, list[Any]]:
        client, sent = recording_client()
        async with client:
            m = llmcore.model(f"bedrock/{tc.CLAUDE_3_SONNET}", http_client=client, retry=False, **FAKE.options())
            try:
                await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": "What's in this image?"},
                                {"type": "image", "url": "https://example.com/pig.png"},
                            ],
                        }
                    ]
                )
            except E.LLMCoreError as e:
                return e, list(sent)
        return None, list(sent)

    err, sent = asyncio.run(go())
    assert isinstance(err, E.UnsupportedFeatureError) and "bytes" in str(err)
    assert sent == []
