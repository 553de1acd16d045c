"""Images reach Gemini in the documented shape, and the facade lets them through.

The vision cassette is authored from the REST example of Google's "Image
understanding" guide (see cassettes/SOURCES.md): no recording with an image
exists upstream. The inline image part we send is compared with the documented
request's (which writes the proto fields in snake_case, ``inline_data``; the API
takes both spellings and we send the camelCase of Google's JSON mapping).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import gemini_cases as G
import llmcore
from llmcore_testing import TEST_API_KEY, make_vcr, recording_client
from llmcore_testing.conformance import run_case


def _camel(value: Any) -> Any:
    """``inline_data``/``mime_type`` keys → ``inlineData``/``mimeType`` (proto JSON names), recursively."""
    if isinstance(value, dict):
        return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


def _make(client: Any, case: Any) -> Any:
    from llmcore.facade import load_provider
    from llmcore.plugins import get_registry

    spec = get_registry().get("gemini")
    assert spec is not None
    return load_provider(spec, api_key=TEST_API_KEY, http_client=client)


def test_image_is_sent_as_an_inline_data_part() -> None:
    res = asyncio.run(run_case(G.VISION, _make, G.CASSETTES, G.spec().validate_request))
    assert res.error is None, res.error
    sent = res.sent.bodies()[0]
    documented = G.recorded_body(G.VISION.cassette)
    assert sent["contents"][0]["parts"] == _camel(documented["contents"][0]["parts"])
    assert sent["contents"][0]["parts"][0] == {"inlineData": {"mimeType": "image/png", "data": G.PIG_PNG}}
    r = res.response
    assert r is not None and "pig" in r.text
    assert r.usage.input_tokens == 263  # 5 text + 258 image tokens


def test_facade_sends_an_image_to_gemini() -> None:
    """``llmcore.model`` no longer refuses the image (the spec claims vision) and the answer comes back."""

    async def go() -> tuple[Any, list[Any]]:
        client, sent = recording_client()
        with make_vcr(G.CASSETTES).use_cassette(G.VISION.cassette):
            async with client:
                m = llmcore.model("gemini/gemini-2.5-flash", api_key=TEST_API_KEY, http_client=client, retry=False)
                r = await m.achat(
                    [
                        {
                            "role": "user",
                            "content": [
                                {"type": "image", "data": G.PIG_PNG, "media_type": "image/png"},
                                {"type": "text", "text": "Caption this image."},
                            ],
                        }
                    ]
                )
        return r, sent.bodies()

    r, bodies = asyncio.run(go())
    assert "pig" in r.text and r.finish_reason == "stop"
    assert bodies[0]["contents"][0]["parts"][0]["inlineData"]["data"] == G.PIG_PNG
