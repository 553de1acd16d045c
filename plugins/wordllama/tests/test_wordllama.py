"""llmcore-wordllama through ``llmcore.embed`` / ``embedding_model`` / ``rerank`` / the CLI, the way users
call it, with the real model shipped in the installed ``wordllama`` wheel: real vectors, no fakes, no network."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import llmcore
import pytest
from llmcore import errors as E
from llmcore_wordllama import provider

MODEL = "wordllama/l2_supercat"
RUBY = "Ruby is a programming language"
RAILS = "Rails is a Ruby framework"
PARIS = "Paris is the capital of France"


def cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


def run_python(code: str, home: Path) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter with an empty home (no ~/.cache/wordllama) and no proxy settings."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120
    )


def test_vectors_are_unit_length_one_per_text_in_input_order() -> None:
    texts = [RUBY, RAILS, PARIS]
    r = llmcore.embed(MODEL, texts)
    assert r.provider == "wordllama" and r.model == "l2_supercat"
    assert len(r.vectors) == 3 and r.dimensions == 256 and all(len(v) == 256 for v in r.vectors)
    assert all(isinstance(x, float) for x in r.vectors[0])
    assert all(math.isclose(math.fsum(x * x for x in v), 1.0, rel_tol=1e-5) for v in r.vectors)
    # a text's vector does not depend on its neighbours: reversed input, reversed output
    back = llmcore.embed(MODEL, texts[::-1])
    assert back.vectors == r.vectors[::-1]
    one = llmcore.embed(MODEL, RAILS)  # one string is one text
    assert one.vectors == [r.vectors[1]]


def test_similar_texts_are_closer_than_unrelated_ones() -> None:
    ruby, rails, paris = llmcore.embed(MODEL, [RUBY, RAILS, PARIS]).vectors
    assert cos(ruby, rails) > 0.5 > 0.2 > cos(ruby, paris)
    assert cos(rails, ruby) > cos(rails, paris)


def test_vectors_equal_wordllamas_own() -> None:
    """The provider pools as WordLlamaInference.embed(norm=True) does (and reads the same packaged files)."""
    import numpy as np
    import wordllama

    package = Path(wordllama.__file__).parent
    own = wordllama.WordLlama.load(cache_dir=package, disable_download=True).embed(
        [RUBY, RAILS, "ünïcödé 東京"], norm=True
    )
    ours = np.array(llmcore.embed(MODEL, [RUBY, RAILS, "ünïcödé 東京"]).vectors, dtype=np.float32)
    np.testing.assert_allclose(ours, own, rtol=1e-5, atol=1e-6)


def test_usage_is_the_tokenizers_count() -> None:
    m = provider.load_model("l2_supercat")
    r = llmcore.embed(MODEL, [RUBY, "a much longer text " * 50])
    assert r.usage.input_tokens == m.count(RUBY) + m.count("a much longer text " * 50) > 200
    assert m.count(RUBY) == 5  # Ruby|is|a|programming|language in Llama-2's tokenizer
    assert r.cost is None  # a local model has no price


def test_dimensions_are_renormalised_prefixes() -> None:
    full = llmcore.embed(MODEL, [RUBY, PARIS]).vectors
    for dims in (64, 128):
        short = llmcore.embed(MODEL, [RUBY, PARIS], dimensions=dims)
        assert short.dimensions == dims
        for v, f in zip(short.vectors, full, strict=True):
            assert math.isclose(math.fsum(x * x for x in v), 1.0, rel_tol=1e-5)
            assert cos(v, f[:dims]) == pytest.approx(1.0, abs=1e-5)
    m = llmcore.embedding_model(MODEL, dimensions=64)  # a model default
    assert m.embed(RUBY).dimensions == 64


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"dimensions": 100}, "dimensions"),
        ({"input_type": "query"}, "input_type"),
        ({"embedding_type": "int8"}, "embedding_type"),
        ({"embedding_type": "binary"}, "embedding_type"),
    ],
)
def test_what_the_model_cannot_honour_is_refused_before_any_work(
    params: dict[str, object], parameter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_load(name: str) -> None:
        raise AssertionError("the model was loaded for a refused request")

    monkeypatch.setattr(provider, "load_model", no_load)
    monkeypatch.setattr(provider, "_loaded", {})
    with pytest.raises(E.UnsupportedFeatureError) as ei:
        llmcore.embed(MODEL, RUBY, **params)  # type: ignore[arg-type]
    assert "wordllama" in str(ei.value) and parameter in str(ei.value)


@pytest.mark.parametrize("truncate", ["error", "end", "start"])
def test_truncate_is_honoured_as_no_text_is_too_long(truncate: str) -> None:
    long = "word " * 20_000
    r = llmcore.embed(MODEL, [long, RUBY], truncate=truncate)
    assert r.usage.input_tokens is not None and r.usage.input_tokens > 20_000
    assert r.vectors[1] == llmcore.embed(MODEL, RUBY).vectors[0]


def test_bad_input_and_unknown_models_are_typed_errors() -> None:
    with pytest.raises(E.InvalidRequestError):
        llmcore.embed(MODEL, [RUBY, ""])
    with pytest.raises(E.InvalidRequestError):
        llmcore.embed(MODEL, [])
    with pytest.raises(E.NotFoundError, match="wordllama/l2_supercat"):
        llmcore.embed("wordllama/l3_supercat", RUBY)
    with pytest.raises(E.ConfigurationError, match="base_url"):
        llmcore.embed(MODEL, RUBY, base_url="http://127.0.0.1:9")  # type: ignore[arg-type]


def test_ten_thousand_texts_none_lost_duplicated_or_reordered() -> None:
    texts = [f"text number {i} about {'ruby' if i % 2 else 'paris'}" for i in range(10_000)]
    r = llmcore.embed(MODEL, texts)
    assert len(r.vectors) == 10_000
    spot = llmcore.embed(MODEL, [texts[i] for i in (0, 1, 4_999, 9_999)]).vectors
    assert [r.vectors[i] for i in (0, 1, 4_999, 9_999)] == spot


def test_rerank_by_cosine_best_first() -> None:
    docs = [PARIS, RAILS, RUBY, "The Eiffel tower is in Paris"]
    r = llmcore.rerank(MODEL, "ruby programming", docs)
    assert {x.index for x in r.results} == {0, 1, 2, 3}
    assert [x.score for x in r.results] == sorted((x.score for x in r.results), reverse=True)
    assert {r.results[0].index, r.results[1].index} == {1, 2}
    assert all(x.document == docs[x.index] for x in r.results)
    top = llmcore.rerank(MODEL, "ruby programming", docs, top_n=1)
    assert [x.index for x in top.results] == [r.results[0].index]
    assert r.usage.input_tokens and r.usage.input_tokens > 10


def test_async_forms() -> None:
    import asyncio

    async def both() -> tuple[llmcore.EmbeddingResponse, llmcore.EmbeddingResponse]:
        return await llmcore.aembed(MODEL, [RUBY, RAILS]), await llmcore.embedding_model(MODEL).aembed(PARIS)

    r, rr = asyncio.run(both())
    assert len(r.vectors) == 2 and rr.dimensions == 256


def test_count_tokens_uses_the_models_tokenizer() -> None:
    n = llmcore.model(MODEL).count_tokens(RUBY)
    assert n.input_tokens == 5 and n.method == "tokenizer"


def test_chat_is_refused_with_a_typed_error() -> None:
    with pytest.raises(E.UnsupportedFeatureError, match="embedding model"):
        llmcore.model(MODEL).chat("hi")


def test_missing_model_files_are_a_configuration_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "weights").mkdir()
    monkeypatch.setattr(provider, "package_dir", lambda: tmp_path)
    monkeypatch.setattr(provider, "_loaded", {})
    with pytest.raises(E.ConfigurationError, match=r"l2_supercat_256\.safetensors.*reinstall"):
        llmcore.embed(MODEL, RUBY)
    (tmp_path / "weights" / "l2_supercat_256.safetensors").write_bytes(b"not a safetensors file")
    (tmp_path / "tokenizers").mkdir()
    (tmp_path / "tokenizers" / "l2_supercat_tokenizer_config.json").write_text("{}")
    with pytest.raises(E.ConfigurationError, match="cannot load its packaged model"):
        llmcore.embed(MODEL, RUBY)


def test_discovery_lists_it_ready_without_importing_wordllama() -> None:
    from llmcore.plugins import get_registry

    spec = get_registry().get("wordllama")
    assert spec is not None and spec.capabilities.embeddings and spec.capabilities.rerank
    assert spec.readiness is not None and spec.readiness(spec) == "ready"
    code = "import sys; from llmcore.plugins import get_registry; get_registry(); print('wordllama' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_loads_from_the_wheel_with_no_network_and_leaves_logging_alone(tmp_path: Path) -> None:
    """A fresh process whose sockets all fail and whose home has no cache: the model still loads
    and embeds (nothing is fetched), and the root logger is as it was."""
    r = run_python(
        """
        import logging, socket, sys
        def no_network(*a, **k):
            raise OSError("network used")
        socket.socket.connect = no_network
        socket.create_connection = no_network
        socket.getaddrinfo = no_network
        import llmcore
        r = llmcore.embed("wordllama/l2_supercat", ["Ruby is a programming language"])
        root = logging.getLogger()
        print(r.dimensions, len(root.handlers), root.level, "wordllama" in sys.modules)
        """,
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    # WARNING is Python's default level; wordllama itself (whose import calls logging.basicConfig) is not imported
    assert r.stdout.split() == ["256", "0", "30", "False"]
    assert not (tmp_path / ".cache").exists()


def test_the_cli_prints_json_lines() -> None:
    exe = shutil.which("llmcore", path=str(Path(sys.executable).parent))
    assert exe, "the llmcore script is installed beside this interpreter"
    r = subprocess.run(
        [exe, "embed", "-m", MODEL, "-o", "dimensions=64", RUBY, PARIS], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert [row["index"] for row in rows] == [0, 1] and all(len(row["embedding"]) == 64 for row in rows)


def test_it_is_the_offline_default_embedding_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no name, no $LLMCORE_DEFAULT_EMBEDDING_MODEL and no config file, embedding_model() and
    ``llmcore embed`` use the installed wordllama model."""
    monkeypatch.delenv("LLMCORE_DEFAULT_EMBEDDING_MODEL", raising=False)
    monkeypatch.delenv("LLMCORE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    m = llmcore.embedding_model()
    assert (m.spec.name, m.model_id) == ("wordllama", "l2_supercat")
    assert m.embed(RUBY).vectors == llmcore.embed(MODEL, RUBY).vectors
    exe = shutil.which("llmcore", path=str(Path(sys.executable).parent))
    assert exe
    r = subprocess.run(
        [exe, "embed", RUBY],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CONFIG_HOME": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["embedding"]) == 256
