"""Images reach Vertex AI in the documented shape, and the facade lets them through.

The vision cassette is authored from the "Using multimodal prompt" sample of
Vertex AI's Gemini inference reference (see cassettes/SOURCES.md): no recording
with an image exists upstream. The sample names a Cloud Storage image, which the
shared Gemini codec sends as a ``fileData`` part.
"""

from __future__ import annotations

import asyncio
from typing import Any

import llmcore
import vertex_cases as V
from llmcore.types import ChatRequest
from llmcore_testing import make_vcr, recording_client


def test_image_is_sent_as_a_file_data_part() -> None:
    response, _, sent = V.replay(V.VISION)
    body = sent.bodies()[0]
    documented = V.recorded_body(V.VISION.cassette)
    assert body == documented  # the documented parts: the text, then the gs:// image
    assert body["contents"][0]["parts"][1] == {"fileData": {"fileUri": V.SCONES, "mimeType": "image/jpeg"}}
    assert sent[0].url.path.endswith("/publishers/google/models/gemini-2.5-flash:generateContent")
    assert "blueberry scones" in response.text and response.usage.input_tokens == 265


def test_inline_image_is_sent_as_inline_data() -> None:
    """Base64 data travels as ``inlineData`` (same request shape, so the same recording answers)."""
    request = ChatRequest(
        model="gemini-2.5-flash",
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is shown in this image?"},
                    {"type": "image", "data": "iVBORw0KGgo=", "media_type": "image/png"},
                ],
            }
        ],
    )
    _, _, sent = V.replay(V.VISION, request)
    assert sent.bodies()[0]["contents"][0]["parts"][1] == {
        "inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}
    }


def test_facade_sends_an_image_to_vertexai() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(V.CASSETTES).use_cassette(V.VISION.cassette):
            async with client:
                m = llmcore.model(
                    "vertexai/gemini-2.5-flash",
                    http_client=client,
                    retry=False,
                    credentials=V.token_credentials(),
                    **V.AUTHORED,
                )
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": "What is shown in this image?"},
                                {"type": "image", "url": V.SCONES, "media_type": "image/jpeg"},
                            ],
                        }
                    ]
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "blueberry scones" in r.text and r.finish_reason == "stop"
    assert bodies[0]["contents"][0]["parts"][1]["fileData"]["fileUri"] == V.SCONES
