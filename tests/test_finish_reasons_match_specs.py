"""Every finish reason a provider's official spec lists is one its codec knows (issue 11's audit).

The specs are the ones in ``../shared/api-specs`` (see its ``SOURCES.md``). A value the spec lists
must map to llmcore's meaning for it, with no "unknown finish reason" warning; only the values listed
here as meaning nothing more specific may map to ``other``. When a provider adds a value to its
spec, this test names it. A value no spec lists still maps to ``other``, with a warning naming it,
and its raw value is kept by the codecs (their own tests check ``raw_finish_reason``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from llmcore.types import FinishReason, Usage
from llmcore_anthropic.finish import map_finish_reason as anthropic_map
from llmcore_bedrock.finish import map_stop_reason as bedrock_map
from llmcore_cloudflare.response import finish_reason as cloudflare_finish
from llmcore_cohere.finish import map_finish_reason as cohere_map
from llmcore_gemini.finish import map_finish_reason as gemini_map
from llmcore_ollama.finish import map_finish_reason as ollama_map
from llmcore_openai.chat.finish import map_finish_reason as openai_map
from llmcore_testing.openapi import api_spec_path


def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text)  # moonshot's .yaml is JSON with tabs, which YAML refuses
    except ValueError:
        return yaml.safe_load(text)


def _at(doc: Any, pointer: str) -> Any:
    for key in pointer.strip("/").split("/"):
        doc = doc[int(key)] if isinstance(doc, list) else doc[key.replace("~1", "/")]
    return doc


def _enum(provider: str, file: str, pointer: str) -> list[str]:
    path = api_spec_path(provider, file)
    if path is None:
        pytest.skip(f"../shared/api-specs/{provider}/{file} is not here")
    node = _at(_load(path), pointer)
    if "members" in node:  # a Smithy enum shape (Bedrock)
        return [m["traits"]["smithy.api#enumValue"] for m in node["members"].values()]
    return [v for v in node["enum"] if v is not None]


_CHOICE = "/components/schemas/CreateChatCompletionResponse/properties/choices/items/properties/finish_reason"

#: (spec id, provider folder, file, JSON pointer to the enum, codec's map, values meaning "other")
SPECS: list[tuple[str, str, str, str, Callable[[str], FinishReason], frozenset[str]]] = [
    ("openai-chat", "openai", "openapi.yaml", _CHOICE, openai_map, frozenset()),
    ("groq", "groq", "openapi.yaml", _CHOICE, openai_map, frozenset()),
    (
        "mistral",
        "mistral",
        "openapi.yaml",
        "/components/schemas/ChatCompletionChoice/properties/finish_reason",
        openai_map,
        frozenset(),
    ),
    ("together", "together", "openapi.yaml", "/components/schemas/FinishReason", openai_map, frozenset()),
    ("huggingface-tgi", "huggingface", "openapi.json", "/components/schemas/FinishReason", openai_map, frozenset()),
    ("openrouter", "openrouter", "openapi.yaml", "/components/schemas/ChatFinishReasonEnum", openai_map, frozenset()),
    (
        "moonshot",
        "moonshot",
        "openapi.yaml",
        "/components/schemas/ChatCompletionResponse/properties/choices/items/properties/finish_reason",
        openai_map,
        frozenset(),
    ),
    # pause_turn / compaction: the server paused its own loop; the caller sends the answer back
    (
        "anthropic",
        "anthropic",
        "openapi.yaml",
        "/components/schemas/StopReason",
        anthropic_map,
        frozenset({"pause_turn"}),
    ),
    (
        "anthropic-beta",
        "anthropic",
        "openapi.yaml",
        "/components/schemas/BetaStopReason",
        anthropic_map,
        frozenset({"pause_turn", "compaction"}),
    ),
    (
        "gemini",
        "gemini",
        "openapi.json",
        "/components/schemas/Candidate/properties/finishReason",
        gemini_map,
        frozenset({"OTHER", "LANGUAGE", "NO_IMAGE", "IMAGE_OTHER", "FINISH_REASON_UNSPECIFIED"}),
    ),
    (
        "bedrock",
        "bedrock",
        "bedrock-runtime-2023-09-30.json",
        "/shapes/com.amazonaws.bedrockruntime#StopReason",
        bedrock_map,
        frozenset(),
    ),
    (
        "cohere-v2",
        "cohere",
        "cohere-openapi.yaml",
        "/components/schemas/ChatFinishReason",
        cohere_map,
        frozenset(),
    ),
    (
        "cohere-v1",
        "cohere",
        "cohere-openapi.yaml",
        "/components/schemas/FinishReason",
        cohere_map,
        frozenset({"USER_CANCEL"}),
    ),
]


@pytest.mark.parametrize(
    ("provider", "file", "pointer", "fn", "other"), [s[1:] for s in SPECS], ids=[s[0] for s in SPECS]
)
def test_every_documented_finish_reason_is_known(
    provider: str,
    file: str,
    pointer: str,
    fn: Callable[[str], FinishReason],
    other: frozenset[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    values = _enum(provider, file, pointer)
    assert values, f"no enum at {pointer}"
    with caplog.at_level(logging.WARNING):
        mapped = {v: fn(v) for v in values}
    assert not [r.getMessage() for r in caplog.records if "unknown" in r.getMessage()]
    vague = sorted(v for v, m in mapped.items() if m == "other" and v not in other)
    assert vague == [], f"{provider}: documented values that map to 'other': {vague}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # the ones this audit added, each from its spec's description
        (("mistral", "model_length"), "length"),
        (("huggingface", "stop_sequence"), "stop"),
        (("gemini", "ESCALATION"), "content_filter"),
        (("gemini", "MODEL_ARMOR"), "content_filter"),
        (("cohere", "ERROR_TOXIC"), "content_filter"),
        (("cohere", "ERROR_LIMIT"), "length"),
        (("anthropic", "compaction"), "other"),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, tuple) else v,
)
def test_audited_values(value: tuple[str, str], expected: FinishReason) -> None:
    fn = {
        "mistral": openai_map,
        "huggingface": openai_map,
        "gemini": gemini_map,
        "cohere": cohere_map,
        "anthropic": anthropic_map,
    }[value[0]]
    assert fn(value[1]) == expected


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("openai", openai_map),
        ("anthropic", anthropic_map),
        ("gemini", gemini_map),
        ("bedrock", bedrock_map),
        ("cohere", cohere_map),
        ("ollama", ollama_map),  # its spec has no enum: stop, length, load, unload (API docs)
        ("cloudflare", lambda raw: cloudflare_finish(raw, tool_calls=False, usage=Usage(), max_tokens=None)[0]),
    ],
)
def test_an_undocumented_value_is_other_with_a_warning(
    name: str, fn: Callable[[str], FinishReason], caplog: pytest.LogCaptureFixture
) -> None:
    raw = f"NEW_REASON_FOR_{name}"
    with caplog.at_level(logging.WARNING):
        assert fn(raw) == "other"
    assert any(raw in r.getMessage() and r.name == f"llmcore.{name}" for r in caplog.records)
