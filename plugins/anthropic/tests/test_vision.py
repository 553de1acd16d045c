"""Images reach Anthropic in the documented shape, and the facade lets them through.

The vision cassette is authored from the Vision example of Anthropic's "Using the
Messages API" guide (see cassettes/SOURCES.md): no recording with an image exists
upstream. The image part we send is compared with the documented request's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import anthropic_cases as A
import llmcore
from llmcore_testing import TEST_API_KEY, make_vcr
from llmcore_testing.cassettes import recording_client
from llmcore_testing.conformance import run_case
from llmcore_testing.openapi import load_spec


def _make(client: Any, case: Any) -> Any:
    from llmcore.facade import load_provider
    from llmcore.plugins import get_registry

    spec = get_registry().get("anthropic")
    assert spec is not None
    return load_provider(spec, api_key=TEST_API_KEY, http_client=client)


def test_image_is_sent_as_a_url_image_block() -> None:
    res = asyncio.run(run_case(A.VISION, _make, A.CASSETTES, load_spec(A.SPEC).validate_request))
    assert res.error is None, res.error
    sent = res.sent.bodies()[0]
    documented = A.recorded_body(A.VISION.cassette)
    # the documented user turn exactly: {"type": "image", "source": {"type": "url", "url": ...}}, then the text
    assert sent["messages"] == documented["messages"]
    assert sent["messages"][0]["content"][0] == {"type": "image", "source": {"type": "url", "url": A.ANT_PHOTO}}
    assert res.response is not None and res.response.text.startswith("This image shows an ant")
    assert res.response.usage.input_tokens == 1551


def test_facade_sends_an_image_to_anthropic() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(A.CASSETTES).use_cassette(A.VISION.cassette):
            async with client:
                m = llmcore.model("anthropic/claude-sonnet-4-5", api_key=TEST_API_KEY, http_client=client, retry=False)
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "image", "url": A.ANT_PHOTO},
                                {"type": "text", "text": "What is in the above image?"},
                            ],
                        }
                    ],
                    max_tokens=1024,
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "ant" in r.text and r.finish_reason == "stop"
    assert bodies[0]["messages"][0]["content"][0]["source"] == {"type": "url", "url": A.ANT_PHOTO}
