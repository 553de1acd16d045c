"""llmcore-gpt4all on the real gpt4all bindings, with small GGUF files written here by
the ``gguf`` package (a few hundred bytes; no model weights are needed for these
tests — generation on a real model runs in e2e/)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from llmcore import errors as E
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_gpt4all.gguf_meta import GGUFError, read_metadata
from llmcore_gpt4all.prompt import CHATML, render_prompt
from llmcore_gpt4all.provider import GPT4AllProvider, find_model_file

TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def write_gguf(path: Path, pre: str = "smollm", template: str | None = TEMPLATE) -> Path:
    """A llama-architecture GGUF header with a 5-token vocabulary and no weights."""
    import gguf

    w = gguf.GGUFWriter(str(path), "llama")
    w.add_name("tiny test")
    w.add_context_length(64)
    w.add_embedding_length(8)
    w.add_feed_forward_length(16)
    w.add_block_count(1)
    w.add_head_count(1)
    w.add_head_count_kv(1)
    w.add_layer_norm_rms_eps(1e-5)
    w.add_rope_dimension_count(8)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(pre)
    w.add_token_list(["<|endoftext|>", "<|im_start|>", "<|im_end|>", "a", "b"])
    w.add_token_types([3, 3, 3, 1, 1])
    w.add_token_merges(["a b"])
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    if template is not None:
        w.add_chat_template(template)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def test_reads_the_header(tmp_path: Path) -> None:
    meta = read_metadata(write_gguf(tmp_path / "tiny.gguf"))
    assert (meta.architecture, meta.name, meta.pre_tokenizer) == ("llama", "tiny test", "smollm")
    assert (meta.bos_token, meta.eos_token) == ("<|im_start|>", "<|im_end|>")
    assert meta.chat_template == TEMPLATE and meta.values["llama.context_length"] == 64
    (tmp_path / "not.gguf").write_bytes(b"PK\x03\x04 not a model")
    with pytest.raises(GGUFError):
        read_metadata(tmp_path / "not.gguf")


def test_prompt_uses_the_models_template_and_chatml_without_one(tmp_path: Path) -> None:
    req = ChatRequest(
        model="m",
        system="Be brief.",
        messages=["Hi", {"role": "assistant", "content": "Hello!"}, "Why is the sky blue?"],
    )
    expected = (
        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
        "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nWhy is the sky blue?<|im_end|>\n"
        "<|im_start|>assistant\n"
    )
    assert render_prompt(read_metadata(write_gguf(tmp_path / "a.gguf")), req) == expected
    no_template = read_metadata(write_gguf(tmp_path / "b.gguf", template=None))
    assert no_template.chat_template is None and CHATML
    assert render_prompt(no_template, req) == expected


def test_a_model_the_bindings_cannot_load_is_a_typed_error_not_an_empty_answer(tmp_path: Path) -> None:
    """gpt4all 2.8.2's llama.cpp knows no 'smollm' pre-tokenizer (SmolLM2's): the real bindings refuse
    this file exactly as they refuse SmolLM2; GPT4All(...) would then answer '' to every prompt."""
    path = write_gguf(tmp_path / "smollm-pre.gguf", pre="smollm")
    p = GPT4AllProvider(ProviderConfig(options={"n_ctx": 64}))
    with pytest.raises(E.ConfigurationError, match="pre-tokenizer 'smollm'") as err:
        asyncio.run(p.chat(ChatRequest(model=str(path), messages=["Hi"])))
    assert "could not load" in str(err.value) and str(path) in str(err.value)


def test_a_missing_model_is_not_found_and_never_downloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPT4ALL_MODEL_PATH", str(tmp_path))
    with pytest.raises(E.NotFoundError, match="never downloads"):
        find_model_file("orca-mini-3b-gguf2-q4_0.gguf")
    write_gguf(tmp_path / "mine.gguf")
    assert find_model_file("mine") == tmp_path / "mine.gguf"
    assert find_model_file(str(tmp_path / "mine.gguf")) == tmp_path / "mine.gguf"
    assert GPT4AllProvider(ProviderConfig(options={"model_path": str(tmp_path)})).model_dir == tmp_path


def test_options_are_checked() -> None:
    with pytest.raises(E.ConfigurationError, match="n_ctx"):
        GPT4AllProvider(ProviderConfig(options={"ctx": 1}))
    with pytest.raises(E.ConfigurationError, match="device"):
        GPT4AllProvider(ProviderConfig(options={"device": "tpu"}))
    with pytest.raises(E.ConfigurationError, match="base_url"):
        GPT4AllProvider(ProviderConfig(base_url="http://127.0.0.1:4891/v1"))


def test_what_gpt4all_cannot_do_is_refused_in_strict_mode_before_loading(tmp_path: Path) -> None:
    p = GPT4AllProvider(ProviderConfig())
    missing = str(tmp_path / "never-loaded.gguf")  # the check comes first: no file is needed
    for extra in (
        {"tools": [{"name": "f", "parameters": {"type": "object"}}]},
        {"response_format": {"type": "json_object"}},
        {"seed": 1},
    ):
        req = ChatRequest(model=missing, messages=["hi"], strict=True, **extra)  # type: ignore[arg-type]
        with pytest.raises(E.UnsupportedFeatureError):
            asyncio.run(p.chat(req))
    with pytest.raises(E.NotFoundError):  # not strict: warnings, then the file is looked for
        asyncio.run(p.chat(ChatRequest(model=missing, messages=["hi"], seed=1)))
