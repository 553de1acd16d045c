"""Property tests (issue 18, defect 3) of the mapping from what the gpt4all bindings
produce (a prompt, then one callback per generated piece of text) to llmcore's
stream and response: for any pieces (empty ones, pieces that split a stop sequence,
non-ASCII) and any stop sequences, the stream keeps its contract, the text is the
pieces' text cut before the first stop sequence, usage is exact, and the finish
reason says why it ended. A stand-in for gpt4all's ``LLModel`` answers with the
pieces (no model file needed)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from llmcore.events import StreamAccumulator
from llmcore.types import ChatRequest
from llmcore_gpt4all.gguf_meta import GGUFMetadata
from llmcore_gpt4all.provider import GPT4AllProvider, LoadedModel
from llmcore_testing import fuzz
from llmcore_testing.conformance import check_stream_invariants

#: a small alphabet, so that pieces and stop sequences overlap often
_ALPHABET = "ab é"
META = GGUFMetadata(
    architecture="llama", name="fake", chat_template=None, bos_token="", eos_token="", pre_tokenizer=None, values={}
)


class _LLModel:
    """Calls back once per piece, as gpt4all's ``LLModel.prompt_model`` does."""

    def __init__(self, pieces: list[str]) -> None:
        self.pieces = pieces
        self.prompt_tokens = 0

    def prompt_model(self, prompt: str, template: str, callback: Any, *, n_predict: int, **kw: Any) -> None:
        self.prompt_tokens = len(prompt.split())
        for i, piece in enumerate(self.pieces[:n_predict]):
            if not callback(i, piece):
                return


def _run(pieces: list[str], stop: list[str], max_tokens: int) -> tuple[list[Any], Any]:
    provider = GPT4AllProvider()

    async def model(name: str) -> LoadedModel:
        return LoadedModel(_LLModel(pieces), Path("fake.gguf"), META, threading.Lock())

    provider.model = model  # type: ignore[method-assign]
    request = ChatRequest(
        model="fake.gguf", messages=[{"role": "user", "content": "hi"}], stop=stop or None, max_tokens=max_tokens
    )

    async def go() -> tuple[list[Any], Any]:
        events, acc = [], StreamAccumulator()
        async for ev in provider.stream_chat(request):
            events.append(ev)
            acc.add(ev)
        return events, acc.response(provider.spec.name)

    return asyncio.run(go())


@fuzz.settings(max_examples=150)
@given(
    pieces=st.lists(st.text(_ALPHABET, max_size=4) | st.text(max_size=3), max_size=12),
    stop=st.lists(st.text(_ALPHABET, min_size=1, max_size=3), max_size=3),
    max_tokens=st.integers(1, 14),
)
def test_any_pieces_give_the_text_before_the_first_stop(pieces: list[str], stop: list[str], max_tokens: int) -> None:
    events, r = _run(pieces, stop, max_tokens)
    fuzz.check_response(r)
    check_stream_invariants(events, r)
    produced = pieces[:max_tokens]
    whole = "".join(produced)
    # where generation stops: the first piece after which a stop sequence is complete
    cut, stopped, emitted = whole, False, 0
    for n in range(1, len(produced) + 1):
        joined = "".join(produced[:n])
        hits = [joined.find(s) for s in stop if s in joined]
        if hits:
            cut, stopped, emitted = joined[: min(hits)], True, n
            break
    else:
        emitted = len(produced)
    assert r.text == cut
    assert r.usage.output_tokens == emitted
    assert r.finish_reason == ("stop" if stopped or emitted < max_tokens else "length")


def test_the_earliest_stop_sequence_wins_whatever_its_place_in_the_list() -> None:
    _, r = _run(["ab"], ["b", "a"], 5)
    assert (r.text, r.finish_reason) == ("", "stop")
    _, r = _run(["xa", "b"], ["ab", "b"], 5)
    assert r.text == "x"
