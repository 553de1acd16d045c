"""Images reach Cohere's v2 chat as documented ``image_url`` parts, and the facade lets them through.

The vision cassette is the "Images" example of Cohere's ``POST /v2/chat`` API
reference, request and response (``shared/api-specs/cohere/cohere-openapi.yaml``;
see cassettes/SOURCES.md): no recording with an image exists upstream.
"""

from __future__ import annotations

import asyncio
from typing import Any

import cohere_cases as C
import llmcore
import test_conformance as tc
from llmcore_testing import TEST_API_KEY, make_vcr
from llmcore_testing.cassettes import recording_client


def test_image_is_sent_as_an_image_url_part() -> None:
    res = tc.TestCohereConformance().run(C.VISION)
    assert res.error is None, res.error
    ours = res.sent.bodies()[0]["messages"][0]["content"]
    documented = C.recorded_body(C.VISION.cassette)["messages"][0]["content"]
    assert ours[0] == documented[0] == {"type": "text", "text": "Describe this image"}
    # the documented part, less its optional "detail": "auto" (Cohere's default; llmcore's image part has no detail)
    assert ours[1] == {"type": "image_url", "image_url": {"url": C.COHERE_FAVICON}}
    assert {k: v for k, v in documented[1]["image_url"].items() if k != "detail"} == ours[1]["image_url"]
    r = res.response
    assert r is not None and "orange circle" in r.text and r.finish_reason == "stop"


def test_facade_sends_an_image_to_cohere() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(C.CASSETTES).use_cassette(C.VISION.cassette):
            async with client:
                m = llmcore.model(
                    "cohere/command-a-vision-07-2025", api_key=TEST_API_KEY, http_client=client, retry=False
                )
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "text", "text": "Describe this image"},
                                {"type": "image", "url": C.COHERE_FAVICON},
                            ],
                        }
                    ]
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "abstract and blurred" in r.text
    assert bodies[0]["messages"][0]["content"][1]["image_url"]["url"] == C.COHERE_FAVICON
