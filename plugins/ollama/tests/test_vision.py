"""Images reach Ollama's native ``/api/chat`` as documented, and the facade lets them through.

The vision cassette is the "Chat request (with images)" example of Ollama's API
reference, request and response (see cassettes/SOURCES.md): no recording with an
image exists upstream. Ollama takes images as base64 strings in the message's
``images`` list, beside the text ``content`` (an image URL cannot be sent: a warning,
tested in test_mapping.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import llmcore
import ollama_cases as C
import test_conformance as tc
from llmcore_testing import make_vcr, recording_client

CASSETTES = Path(__file__).parent / "cassettes"


def test_image_is_sent_as_base64_in_images() -> None:
    res = tc.TestOllamaConformance().run(C.VISION)
    assert res.error is None, res.error
    sent = res.sent.bodies()[0]
    documented = C.recorded_body(C.VISION.cassette)
    assert sent["messages"] == documented["messages"]  # {"role", "content": text, "images": [base64]}
    assert sent["messages"][0]["images"] == [C.PIG_PNG] and sent["messages"][0]["content"] == "what is in this image?"
    r = res.response
    assert r is not None and "little pig" in r.text and r.usage.input_tokens == 26


def test_facade_sends_an_image_to_ollama() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(CASSETTES).use_cassette(C.VISION.cassette):
            async with client:
                m = llmcore.model("ollama/llava", http_client=client, retry=False, base_url=C.LOCALHOST)
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": "what is in this image?"},
                                {"type": "image", "data": C.PIG_PNG, "media_type": "image/png"},
                            ],
                        }
                    ]
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "pig" in r.text
    assert r.finish_reason == "other"  # the documented answer (an older Ollama) carries no done_reason
    assert bodies[0]["messages"][0]["images"] == [C.PIG_PNG]
