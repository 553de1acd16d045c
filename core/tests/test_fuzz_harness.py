"""The fuzz harness itself (llmcore_testing.fuzz): its inputs, its oracle and its server."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator

import pytest
from hypothesis import given
from llmcore.errors import ProviderResponseError
from llmcore.pluginkit import SHAPE_ERRORS, malformed
from llmcore.types import ChatResponse, Message, TextPart
from llmcore_testing import fuzz

BODY = {"choices": [{"message": {"content": "hi"}, "finish_reason": "stop"}], "id": "x"}


def test_paths_and_replace_at() -> None:
    assert ("choices", 0, "message", "content") in fuzz.paths(BODY)
    out = fuzz.replace_at(BODY, ("choices", 0, "message"), "hi")
    assert out["choices"][0]["message"] == "hi" and BODY["choices"][0]["message"] == {"content": "hi"}
    assert "id" not in fuzz.replace_at(BODY, ("id",), fuzz.DELETE)
    assert fuzz.replace_at(BODY, (), fuzz.DELETE) is None


@fuzz.settings(max_examples=30)
@given(body=fuzz.mutations(BODY))
def test_mutations_change_one_node(body: object) -> None:
    fuzz.dumps(body)  # any JSON value, and the original is left as it was
    assert BODY == {"choices": [{"message": {"content": "hi"}, "finish_reason": "stop"}], "id": "x"}


def test_sse_and_ndjson_round_trip() -> None:
    sse = b'event: a\ndata: {"x":1}\n\ndata: [DONE]\n\n'
    frames = fuzz.SSE.decode(sse)
    assert [(f.meta, f.data, f.is_json) for f in frames] == [("a", {"x": 1}, True), (None, "[DONE]", False)]
    assert fuzz.SSE.encode(frames) == sse
    nd = b'{"a":1}\n{"b":2}\n'
    assert fuzz.NDJSON.encode(fuzz.NDJSON.decode(nd)) == nd


@fuzz.settings(max_examples=30)
@given(body=fuzz.stream_variants(b'data: {"x":1}\n\ndata: {"y":[2]}\n\ndata: [DONE]\n\n', fuzz.SSE))
def test_stream_variants_are_bytes(body: bytes) -> None:
    assert isinstance(body, bytes)


def test_oracle_rejects_ill_typed_responses_and_untyped_errors() -> None:
    good = ChatResponse(message=Message(role="assistant", content=[TextPart(text="ok")]))
    assert fuzz.check_outcome(lambda: good).response is good
    bad = ChatResponse.model_construct(
        message=Message.model_construct(role="assistant", content=[TextPart.model_construct(type="text", text=5)]),
        finish_reason="other",
        usage=None,
        warnings=[],
        provider_metadata={},
    )
    with pytest.raises(AssertionError, match="not what its types say"):
        fuzz.check_outcome(lambda: bad)

    def crash() -> ChatResponse:
        raise TypeError("x")

    with pytest.raises(AssertionError, match="untyped TypeError"):
        fuzz.check_outcome(crash)
    secret = "fuzz" + "-secret-" + "0" * 12

    def leak() -> ChatResponse:
        raise ProviderResponseError("bad", provider="acme", raw=secret)

    assert fuzz.check_outcome(leak, provider="acme").error is not None
    with pytest.raises(AssertionError):
        fuzz.check_outcome(leak, provider="acme", secret=secret)


def test_malformed_is_a_provider_response_error_with_an_excerpt() -> None:
    try:
        {"choices": 7}["choices"][0]  # type: ignore[index]
    except SHAPE_ERRORS as e:
        err = malformed("acme", "chat response", {"choices": 7}, e)
    assert isinstance(err, ProviderResponseError) and err.provider == "acme"
    assert err.raw == '{"choices":7}' and "TypeError" in err.message


def test_server_answers_every_request() -> None:
    with fuzz.FuzzServer() as server:
        server.answer(b'{"ok":true}', pieces=3)
        with urllib.request.urlopen(server.url + "/any/path", data=b"{}") as r:
            assert r.read() == b'{"ok":true}'
        assert server.requests == 1


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The toy provider (a stand-in plugin whose codec indexes the answer blindly)."""
    from llmcore.plugins import register, reset

    import toy_provider

    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    reset()
    register(toy_provider.plugin, "toy")
    yield toy_provider
    reset()


class _ToyFuzz(fuzz.CodecFuzz):  # not collected: run by hand below
    model = "toy/toy-1"
    provider = "toy"
    base_path = "/v1"
    chat = [{"text": "hi", "in": 1, "out": 1}]
    streams = [b'data: {"delta":"hi"}\n\ndata: {"in":1,"out":1}\n\n']
    examples = 15
    stream_examples = 10


def test_codec_fuzz_generates_the_chat_and_stream_tests() -> None:
    chat = _ToyFuzz.test_any_chat_answer_is_a_response_or_a_typed_error  # type: ignore[attr-defined]
    stream = _ToyFuzz.test_any_stream_is_a_response_or_a_typed_error  # type: ignore[attr-defined]
    assert chat.__name__ == "test_any_chat_answer_is_a_response_or_a_typed_error"
    assert chat._hypothesis_internal_use_settings.max_examples == 15
    assert stream._hypothesis_internal_use_settings.max_examples == 10

    class NoStreams(fuzz.CodecFuzz):
        chat = [{}]

    assert hasattr(NoStreams, "test_any_chat_answer_is_a_response_or_a_typed_error")
    assert not hasattr(NoStreams, "test_any_stream_is_a_response_or_a_typed_error")


def test_codec_fuzz_catches_a_codec_that_lets_a_bare_error_escape(toy: object) -> None:
    """The toy codec reads ``data["text"]`` unchecked: a mutation deleting it (or
    giving it another type) escapes as a bare KeyError/TypeError, which the
    generated test must report."""
    with fuzz.FuzzServer() as server:
        server.serve({"text": "hi", "in": 1, "out": 1})
        assert _ToyFuzz().call(server, stream=False).response is not None  # the seed itself is fine
        with pytest.raises(Exception) as info:  # one failure, or a group when hypothesis finds several
            _ToyFuzz().test_any_chat_answer_is_a_response_or_a_typed_error(fuzz_server=server)  # type: ignore[attr-defined]
    found = getattr(info.value, "exceptions", (info.value,))
    assert any(isinstance(e, AssertionError) and "an untyped" in str(e) for e in found), found
