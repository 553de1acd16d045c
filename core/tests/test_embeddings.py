"""The embeddings protocol: checked requests, exact decoding, batch planning."""

from __future__ import annotations

import base64
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from llmcore.embeddings import (
    decode_base64_floats,
    decode_packed,
    embedding_request,
    floats,
    plan_batches,
    rerank_request,
)
from llmcore.errors import InvalidRequestError, ProviderResponseError


def test_one_string_is_one_text() -> None:
    assert embedding_request("m", "hello").texts == ["hello"]
    assert embedding_request("m", ("a", "b")).texts == ["a", "b"]


@pytest.mark.parametrize(
    "texts,msg",
    [
        ([], "empty"),
        ([""], "empty string"),
        ([1], "not a string"),
        (5, "string or a list"),
        (b"x", "string or a list"),
    ],
)
def test_bad_texts_are_typed_errors(texts: object, msg: str) -> None:
    with pytest.raises(InvalidRequestError, match=msg):
        embedding_request("m", texts)


@pytest.mark.parametrize(
    "params,msg",
    [
        ({"dimensions": 0}, "dimensions"),
        ({"dimensions": True}, "dimensions"),
        ({"input_type": "banana"}, "input_type"),
        ({"truncate": "middle"}, "truncate"),
        ({"embedding_type": "f16"}, "embedding_type"),
        ({"dimension": 8}, "did you mean 'dimensions'"),
        ({"provider_options": 3}, "provider_options"),
    ],
)
def test_bad_parameters_are_typed_errors(params: dict[str, object], msg: str) -> None:
    with pytest.raises(InvalidRequestError, match=msg):
        embedding_request("m", "x", **params)


def test_rerank_request_checks() -> None:
    r = rerank_request("m", "q", ["a", "b"], 1)
    assert (r.query, r.documents, r.top_n) == ("q", ["a", "b"], 1)
    for args, msg in [(("", ["a"]), "query"), (("q", []), "empty"), (("q", ["a"], 0), "top_n")]:
        with pytest.raises(InvalidRequestError, match=msg):
            rerank_request("m", *args)  # type: ignore[arg-type]


@given(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=1, max_size=64))
def test_base64_float32_decodes_exactly(values: list[float]) -> None:
    data = base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode()
    assert decode_base64_floats(data, "p") == values


def test_bad_base64_is_a_typed_error() -> None:
    with pytest.raises(ProviderResponseError, match="not valid base64"):
        decode_base64_floats("***", "p")
    with pytest.raises(ProviderResponseError, match="whole number of float32"):
        decode_base64_floats(base64.b64encode(b"abc").decode(), "p")
    with pytest.raises(ProviderResponseError, match="list of numbers"):
        floats([1, "x"], "p")
    with pytest.raises(ProviderResponseError, match="list of numbers"):
        floats([True], "p")


@given(st.lists(st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(2**60), 2**60)), max_size=64))
def test_json_numbers_become_floats(values: list[float | int]) -> None:
    # the fast paths (only floats: the list itself; ints too: converted in C) keep the contract
    out = floats(list(values), "p")
    assert out == [float(x) for x in values] and all(type(x) is float for x in out)


def test_json_numbers_that_are_not_floats_are_typed_errors() -> None:
    # bools anywhere, nested lists, and an integer beyond float range (stdlib json parses any
    # length; float() of it raised a bare OverflowError before)
    for bad in ([1.0, True], [0.5, [1.0]], [0.5, None], [1.0, 10**400], (1.0, 2.0)):
        with pytest.raises(ProviderResponseError, match="list of numbers"):
            floats(bad, "p")


def test_packed_types() -> None:
    raw = base64.b64encode(bytes([0, 1, 255])).decode()
    assert decode_packed(raw, "int8", "p") == [0, 1, -1]
    assert decode_packed(raw, "ubinary", "p") == [0, 1, 255]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    st.lists(st.text(min_size=1, max_size=50), max_size=300),
    st.one_of(st.none(), st.integers(1, 20)),
    st.one_of(st.none(), st.integers(1, 200)),
)
def test_batches_cover_every_text_once_in_order_within_limits(
    texts: list[str], max_inputs: int | None, max_tokens: int | None
) -> None:
    parts = plan_batches(texts, max_inputs, max_tokens)
    assert [i for r in parts for i in r] == list(range(len(texts)))
    for r in parts:
        if max_inputs:
            assert len(r) <= max_inputs
        if max_tokens and len(r) > 1:
            assert sum(len(texts[i]) // 4 + 1 for i in r) <= max_tokens


def test_answer_items_and_vector_length_check_the_shape() -> None:
    from llmcore.embeddings import answer_items, embedding_request, vector_length
    from llmcore.errors import ProviderResponseError

    req = embedding_request("m", ["a", "b"])
    assert answer_items({"data": [1, 2]}, "data", req, "p") == [1, 2]
    with pytest.raises(ProviderResponseError, match="expected 2 embeddings, got 1"):
        answer_items({"data": [1]}, "data", req, "p")
    with pytest.raises(ProviderResponseError, match="got no"):
        answer_items(["not", "a", "dict"], "data", req, "p")
    assert vector_length([[0.1, 0.2], [0.3, 0.4]], "p") == 2
    for bad in ([[0.1], [0.2, 0.3]], [[]], []):
        with pytest.raises(ProviderResponseError, match="different or zero lengths"):
            vector_length(bad, "p")
