"""Property tests (issue 18, defect 3): whatever a server answers a ``/complete``
call with — the recorded answer with any field replaced by any JSON value or
deleted — a call through ``llmcore.model`` on the default transport (chat, and the
stream built from the same answer) ends in a correct response or a typed error
naming aleph_alpha (:mod:`llmcore_testing.fuzz`), never an empty answer with no
reason. (``/chat/completions`` is llmcore-openai's codec, fuzzed there.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from aleph_alpha_cases import CASSETTES
from hypothesis import given
from llmcore_testing import TEST_API_KEY, fuzz
from llmcore_testing.cassettes import Recordings

COMPLETE = Recordings(CASSETTES).response_body("openllmetry__test_alephalpha_completion.yaml")


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s:
        yield s


@fuzz.settings(max_examples=60)
@given(body=fuzz.mutations(COMPLETE))
@pytest.mark.parametrize("stream", [False, True], ids=["chat", "stream"])
def test_any_complete_answer_is_a_response_or_a_typed_error(server: fuzz.FuzzServer, stream: bool, body: Any) -> None:
    server.answer(fuzz.dumps(body))
    m = llmcore.model("aleph_alpha/luminous-base", base_url=server.url, api_key=TEST_API_KEY, retry=False)
    r = fuzz.check_call(m, stream=stream, provider="aleph_alpha", secret=TEST_API_KEY).response
    if r is not None:
        assert r.text or r.finish_reason != "other", r
