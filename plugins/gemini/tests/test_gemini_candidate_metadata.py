"""A candidate's fields besides its content (``finishMessage``, ``safetyRatings``, ``avgLogprobs``,
``logprobsResult``) are kept in ``provider_metadata`` (issue 11: they were dropped), checked on the recorded
answers that carry them (Gemini's and Vertex AI's cassettes), at the codec (the shared response mapper,
which ``chat`` and ``stream_chat`` both run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from llmcore.events import Finish
from llmcore_gemini.response import ResponseMapper
from llmcore_testing.cassettes import Recordings
from llmcore_testing.lossless import decode_stream_body

PLUGINS = Path(__file__).resolve().parents[2]


def _chunks(plugin: str, cassette: str) -> list[Any]:
    rec = Recordings(PLUGINS / plugin / "tests" / "cassettes")
    for i, inter in enumerate(rec.interactions(cassette)):
        if "enerateContent" not in str(inter["request"].get("uri", "")):
            continue
        raw = rec.response_bytes(cassette, i)
        try:
            return [json.loads(raw)]
        except ValueError:
            return decode_stream_body(raw, "text/event-stream")
    raise AssertionError(f"{cassette}: no generateContent answer")


@pytest.mark.parametrize(
    ("plugin", "cassette", "field", "key"),
    [
        ("gemini", "ellmer__google-tool.yaml", "finishMessage", "finish_message"),
        ("gemini", "pydantic-ai__test_google_model_structured_output.yaml", "avgLogprobs", "avg_logprobs"),
        ("gemini", "pydantic-ai__test_google_model_safety_settings.yaml", "safetyRatings", "safety_ratings"),
        ("vertexai", "pydantic-ai__test_google_vertex_logprobs.yaml", "logprobsResult", "logprobs_result"),
    ],
)
def test_candidate_fields_are_kept(plugin: str, cassette: str, field: str, key: str) -> None:
    chunks = _chunks(plugin, cassette)
    mapper = ResponseMapper(plugin)
    for chunk in chunks:
        mapper.feed(chunk)
    (finish,) = [ev for ev in mapper.end() if isinstance(ev, Finish)]
    recorded = [c["candidates"][0][field] for c in chunks if c.get("candidates") and field in c["candidates"][0]]
    assert recorded, f"{cassette} has no {field}"
    kept = (finish.provider_metadata or {})[key]
    if field == "logprobsResult" and len(recorded) > 1:  # a stream's lists are joined
        assert all(len(kept[k]) == sum(len(r.get(k, [])) for r in recorded) for k in kept if isinstance(kept[k], list))
    else:
        assert kept == recorded[-1]
