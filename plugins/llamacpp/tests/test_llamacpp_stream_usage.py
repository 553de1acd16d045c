"""Streamed usage equals the answer's usage on the in-process provider (issue 18, defect 21:
``echo hi | llmcore chat --usage`` said ``output=None`` streamed and 27 with ``--no-stream``).

llama-cpp-python is not installed here (``nox -s e2e`` runs the real model, and asserts the same
there: ``e2e/test_inprocess.py``), so the calls go through ``llmcore.model("llamacpp/<file>.gguf")``
to a stand-in for ``llama_cpp.Llama`` written after llama-cpp-python's own code (``llama_cpp/llama.py``
``Llama._create_completion`` and ``llama_chat_format._convert_text_completion_chunks_to_chat``):

* ``create_chat_completion`` takes tokens from ``self.generate(prompt_tokens, ...)``; a token that
  ends generation breaks the loop *before* it is kept; any other is kept, then a stop sequence in
  the text or ``max_tokens`` ends the loop;
* the answer's usage is ``prompt_tokens=len(prompt_tokens)``,
  ``completion_tokens=len(completion_tokens)``;
* a stream is a ``{"delta": {"role": "assistant"}}`` chunk, ``{"delta": {"content": ...}}``
  chunks, and a last ``{"delta": {}, "finish_reason": ...}`` chunk: no usage anywhere.
"""

from __future__ import annotations

import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore_llamacpp import local

BOS, EOS, EOT = 1, 2, 3  # EOT: an end-of-generation token that is not the end-of-sequence token (e.g. <|im_end|>)
WORDS = {5: "Hello", 6: " there", 7: ",", 8: " friend", 9: " END", 10: " again"}
PROMPT = [BOS, 20, 21, 22, 23, 24, 25, 26]  # what the chat template renders "hi" to, tokenized


class _Llama:
    """Generates ``script`` (token ids) like ``llama_cpp.Llama`` does; ``eog`` are the tokens
    llama.cpp's vocabulary calls end-of-generation."""

    def __init__(self, script: list[int]) -> None:
        self.script = script
        self.generate_calls = 0

    # -- what llama-cpp-python offers -------------------------------------------------------

    def token_eos(self) -> int:
        return EOS

    def tokenize(self, text: bytes, add_bos: bool = True, special: bool = False) -> list[int]:
        return list(range(len(text.split())))  # only for the fallback prompt count: never the answer's

    def generate(self, tokens: list[int], **kwargs: Any) -> Iterator[int]:
        self.generate_calls += 1
        yield from self.script

    def _completion(self, stream: bool, max_tokens: int | None, stop: list[str]) -> Iterator[dict[str, Any]]:
        """``Llama._create_completion`` reduced to what decides the tokens kept and the chunks."""
        prompt_tokens = PROMPT
        completion_tokens: list[int] = []
        returned = 0
        finish = "length"
        for token in self.generate(prompt_tokens, top_k=40):
            if _is_eog(self, token):
                finish = "stop"
                break
            completion_tokens.append(token)
            text = "".join(WORDS[t] for t in completion_tokens)
            if any(s in text for s in stop):
                finish = "stop"
                break
            if stream:
                for t in completion_tokens[returned:]:
                    yield {
                        "id": "cmpl-1",
                        "object": "text_completion",
                        "created": 1,
                        "model": "m.gguf",
                        "choices": [{"text": WORDS[t], "index": 0, "logprobs": None, "finish_reason": None}],
                    }
                returned = len(completion_tokens)
            if max_tokens is not None and len(completion_tokens) >= max_tokens:
                break
        if stream:  # what is left (the tokens the stop sequence came in), up to the stop sequence
            rest = "".join(WORDS[t] for t in completion_tokens[returned:])
            rest = rest[: min([rest.index(s) for s in stop if s in rest] or [len(rest)])]
            for piece in [rest] if rest else []:
                yield {
                    "id": "cmpl-1",
                    "object": "text_completion",
                    "created": 1,
                    "model": "m.gguf",
                    "choices": [{"text": piece, "index": 0, "logprobs": None, "finish_reason": None}],
                }
            yield {
                "id": "cmpl-1",
                "object": "text_completion",
                "created": 1,
                "model": "m.gguf",
                "choices": [{"text": "", "index": 0, "logprobs": None, "finish_reason": finish}],
            }
            return
        text = "".join(WORDS[t] for t in completion_tokens)
        for s in stop:
            text = text.split(s)[0]
        yield {
            "id": "cmpl-1",
            "object": "text_completion",
            "created": 1,
            "model": "m.gguf",
            "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": finish}],
            "usage": {
                "prompt_tokens": len(prompt_tokens),
                "completion_tokens": len(completion_tokens),
                "total_tokens": len(prompt_tokens) + len(completion_tokens),
            },
        }

    def create_chat_completion(
        self,
        messages: list[Any],
        stream: bool = False,
        max_tokens: int | None = None,
        stop: list[str] | str | None = None,
        **kwargs: Any,
    ) -> Any:
        stops = [stop] if isinstance(stop, str) else list(stop or [])
        chunks = self._completion(stream, max_tokens, stops)
        if not stream:
            c = next(chunks)
            return {
                "id": "chat" + c["id"],
                "object": "chat.completion",
                "created": c["created"],
                "model": c["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": c["choices"][0]["text"]},
                        "logprobs": None,
                        "finish_reason": c["choices"][0]["finish_reason"],
                    }
                ],
                "usage": c["usage"],
            }
        return _chat_chunks(chunks)


def _chat_chunks(chunks: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``llama_chat_format._convert_text_completion_chunks_to_chat``."""
    for i, chunk in enumerate(chunks):
        head = {
            "id": "chat" + chunk["id"],
            "model": chunk["model"],
            "created": chunk["created"],
            "object": "chat.completion.chunk",
        }
        if i == 0:
            yield {
                **head,
                "choices": [{"index": 0, "delta": {"role": "assistant"}, "logprobs": None, "finish_reason": None}],
            }
        c = chunk["choices"][0]
        yield {
            **head,
            "choices": [
                {
                    "index": 0,
                    "delta": {"content": c["text"]} if c["finish_reason"] is None else {},
                    "logprobs": None,
                    "finish_reason": c["finish_reason"],
                }
            ],
        }


class _Vocab:
    """``llm._model.vocab`` for the ``llama_vocab_is_eog`` of a recent llama-cpp-python."""


def _is_eog(llm: _Llama, token: int) -> bool:
    """What the stand-in's llama.cpp calls end-of-generation: EOS and EOT."""
    return token in (EOS, EOT)


@pytest.fixture(params=["llama_vocab_is_eog", "token_eos"])
def eog_api(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Which end-of-generation test the installed llama-cpp-python offers: a ``llama_cpp`` module
    with ``llama_vocab_is_eog(vocab, token)`` (recent), or none importable (the EOS token only)."""
    if request.param == "llama_vocab_is_eog":
        fake = types.ModuleType("llama_cpp")
        fake.llama_vocab_is_eog = lambda vocab, token: isinstance(vocab, _Vocab) and token in (EOS, EOT)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "llama_cpp", fake)
    else:
        monkeypatch.setitem(sys.modules, "llama_cpp", None)  # import fails
    return str(request.param)


def _model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: list[int], eog_api: str) -> tuple[Any, _Llama]:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    llm = _Llama(script)
    if eog_api == "llama_vocab_is_eog":
        llm._model = types.SimpleNamespace(vocab=_Vocab())  # type: ignore[attr-defined]
    loaded = local.LoadedModel(llm, gguf, threading.Lock(), None)
    monkeypatch.setattr(local, "load_model", lambda path, **load: loaded)
    return llmcore.model(f"llamacpp/{gguf}", retry=False), llm


CASES = {
    "ends with EOS": ([5, 6, 7, 8, EOS], {}),
    "max_tokens": ([5, 6, 7, 8, 10, 6, EOS], {"max_tokens": 3}),
    "stop sequence": ([5, 6, 9, 10, EOS], {"stop": ["END"]}),
}


@pytest.mark.parametrize("case", CASES)
def test_streamed_usage_equals_the_answers(
    case: str, eog_api: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script, params = CASES[case]
    m, llm = _model(tmp_path, monkeypatch, script, eog_api)
    answer = m.chat("hi", **params)
    stream = m.stream("hi", **params)
    text = "".join(stream.texts())
    streamed = stream.response
    assert streamed is not None
    assert text == answer.text and streamed.finish_reason == answer.finish_reason
    assert answer.usage.output_tokens is not None and answer.usage.output_tokens > 0
    assert (streamed.usage.input_tokens, streamed.usage.output_tokens) == (
        answer.usage.input_tokens,
        answer.usage.output_tokens,
    )
    assert "generate" not in vars(llm)  # the counter is removed after the call


def test_an_eot_token_that_is_not_eos_is_not_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        sys.modules, "llama_cpp", types.SimpleNamespace(llama_vocab_is_eog=lambda vocab, token: token in (EOS, EOT))
    )
    m, _ = _model(tmp_path, monkeypatch, [5, 6, EOT], "llama_vocab_is_eog")
    stream = m.stream("hi")
    "".join(stream.texts())
    assert stream.response.usage.output_tokens == m.chat("hi").usage.output_tokens == 2


def test_a_llama_without_generate_keeps_the_prompt_count_and_no_output_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A llama-cpp-python whose completion does not go through ``self.generate``: no output count
    (never a wrong one), the prompt counted from the text as before."""
    m, llm = _model(tmp_path, monkeypatch, [5, 6, EOS], "token_eos")

    def chat_without_generate(**kwargs: Any) -> Any:
        return _chat_chunks(
            iter(
                [
                    {
                        "id": "c",
                        "object": "text_completion",
                        "created": 1,
                        "model": "m",
                        "choices": [{"text": "Hello", "index": 0, "logprobs": None, "finish_reason": None}],
                    },
                    {
                        "id": "c",
                        "object": "text_completion",
                        "created": 1,
                        "model": "m",
                        "choices": [{"text": "", "index": 0, "logprobs": None, "finish_reason": "stop"}],
                    },
                ]
            )
        )

    llm.create_chat_completion = chat_without_generate  # type: ignore[method-assign]
    stream = m.stream("hi")
    assert "".join(stream.texts()) == "Hello"
    assert stream.response.usage.input_tokens == 1 and stream.response.usage.output_tokens is None
