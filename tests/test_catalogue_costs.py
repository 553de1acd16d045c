"""Golden costs: recorded calls replayed through ``llmcore.model``, their cost
equal to the provider's published price to the micro-dollar.

The rates are written here by hand (USD per 1M tokens, from the provider's
pricing page as genai-prices / the plugin's prices.json cite it), not read
back from the catalogue, so a wrong mapping, the wrong model entry or the
wrong rate for cached, cache-write, reasoning or batch tokens shows.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.types import Usage
from llmcore.usage import Price, clear_prices
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import make_vcr, recording_client

ROOT = Path(__file__).resolve().parent.parent


def replay(plugin: str, cassette: str, model: str) -> tuple[Any, Any]:
    if llmcore.get_registry().get(model.split("/", 1)[0]) is None:
        pytest.skip(f"llmcore-{plugin} is not installed")

    async def go() -> tuple[Any, Any]:
        client, _ = recording_client()
        cassettes = ROOT / "plugins" / plugin / "tests" / "cassettes"
        with make_vcr(cassettes).use_cassette(cassette, allow_playback_repeats=True):
            async with client:
                m = llmcore.model(model, api_key=TEST_API_KEY, http_client=client, retry=False)
                resp = await m.achat("hi")
        return m, resp

    clear_prices()
    return asyncio.run(go())


def micro(usd: float | None) -> int | None:
    return None if usd is None else round(usd * 1_000_000 * 100)  # hundredths of a micro-dollar


def test_groq_from_the_catalogue() -> None:
    """Groq ships no prices: llama-3.3-70b-versatile at $0.59 in / $0.79 out."""
    m, resp = replay("groq", "pydantic-ai__test_groq_model_instructions.yaml", "groq/llama-3.3-70b-versatile")
    u = resp.usage
    assert (u.input_tokens, u.output_tokens) == (48, 8)
    assert micro(m.usage.cost) == micro((48 * 0.59 + 8 * 0.79) / 1e6)  # $0.00003464


def test_deepseek_cache_hits_at_their_rate() -> None:
    """deepseek-chat: $0.27 cache miss, $0.07 cache hit, $1.10 out; 64 of 79 prompt tokens were hits."""
    m, resp = replay("deepseek", "authored__json_output.yaml", "deepseek/deepseek-chat")
    u = resp.usage
    assert (u.input_tokens, u.cache_read_tokens, u.output_tokens) == (79, 64, 27)
    assert micro(m.usage.cost) == micro((15 * 0.27 + 64 * 0.07 + 27 * 1.10) / 1e6)  # $0.00003823


def test_anthropic_cache_reads_and_writes() -> None:
    """claude-sonnet-5: $2 in, $0.20 cache read, $2.50 cache write (5 min), $10 out."""
    m, resp = replay("anthropic", "ellmer__anthropic-web-fetch.yaml", "anthropic/claude-sonnet-5")
    u = resp.usage
    assert (u.input_tokens, u.cache_read_tokens, u.cache_write_tokens, u.output_tokens) == (4676, 1150, 3522, 113)
    fresh = 4676 - 1150 - 3522
    assert micro(m.usage.cost) == micro((fresh * 2 + 1150 * 0.2 + 3522 * 2.5 + 113 * 10) / 1e6)  # $0.010173


def test_openrouter_reported_cost_wins() -> None:
    """OpenRouter reports what it billed (usage.cost, here 0: a free route); the
    catalogue's rate for google/gemini-2.5-flash ($0.30/$2.50) would say $0.000325."""
    m, resp = replay(
        "openrouter", "pydantic-ai__test_openrouter_google_nested_schema.yaml", "openrouter/google/gemini-2.5-flash"
    )
    assert resp.raw["usage"]["cost"] == 0
    assert m.usage.cost == 0.0 and m.usage.unpriced_requests == 0
    from llmcore.usage import price_for

    assert micro(price_for("openrouter", "google/gemini-2.5-flash").cost(resp.usage)) == micro(  # type: ignore[union-attr]
        (326 * 0.30 + 91 * 2.50) / 1e6
    )


def test_batch_rates_and_reasoning_from_the_catalogue() -> None:
    """Batch: claude-haiku-4-5 at half price, cache multipliers stacked ($0.50 in, $0.05 read,
    $0.625 write, $2.50 out). o3-mini: reasoning tokens are output tokens at $4.40."""
    from llmcore import catalogue

    haiku = Price.from_dict(catalogue.lookup("anthropic", "claude-haiku-4-5-20251001").price)  # type: ignore[union-attr,arg-type]
    u = Usage(input_tokens=1000, cache_read_tokens=400, cache_write_tokens=100, output_tokens=200)
    assert micro(haiku.cost(u, batch=True)) == micro((500 * 0.5 + 400 * 0.05 + 100 * 0.625 + 200 * 2.5) / 1e6)
    assert micro(haiku.cost(u)) == micro((500 * 1 + 400 * 0.1 + 100 * 1.25 + 200 * 5) / 1e6)
    o3 = Price.from_dict(catalogue.lookup("openai", "o3-mini-2025-01-31").price)  # type: ignore[union-attr,arg-type]
    r = Usage(input_tokens=100, output_tokens=1000, reasoning_tokens=900)
    assert micro(o3.cost(r)) == micro((100 * 1.10 + 1000 * 4.40) / 1e6)


def test_plugin_shipped_entries_writer_and_ai21() -> None:
    """Models neither data package knows, priced by their plugin's catalogue entries:
    Writer palmyra-x5 $0.60 in / $6 out, AI21 jamba-large $2 in / $8 out."""
    m, resp = replay("writer", "authored__structured_recipe.yaml", "writer/palmyra-x5")
    u = resp.usage
    assert (u.input_tokens, u.output_tokens) == (88, 102)
    assert micro(m.usage.cost) == micro((88 * 0.60 + 102 * 6.0) / 1e6)  # $0.0006648
    m, resp = replay("ai21", "authored__chat.yaml", "ai21/jamba-large")
    u = resp.usage
    assert (u.input_tokens, u.output_tokens) == (15, 19)
    assert micro(m.usage.cost) == micro((15 * 2.0 + 19 * 8.0) / 1e6)  # $0.000182


def test_sambanova_spelling_of_metas_models() -> None:
    """SambaNova's "Meta-Llama-3.3-70B-Instruct" is genai-prices' meta-llama/Llama-3.3-70B-Instruct
    on SambaNova: $0.60 in / $1.20 out."""
    m, resp = replay("sambanova", "authored__chat_system.yaml", "sambanova/Meta-Llama-3.3-70B-Instruct")
    u = resp.usage
    assert (u.input_tokens, u.output_tokens) == (24, 8)
    assert micro(m.usage.cost) == micro((24 * 0.60 + 8 * 1.20) / 1e6)  # $0.000024


def test_replicate_per_token_prices_from_its_catalogue_entries() -> None:
    """Replicate meters language models per token (the prediction's
    metrics.input_token_count / output_token_count): meta-llama-3-8b-instruct
    $0.05 in / $0.25 out (the plugin's models.json; neither data package lists Replicate)."""
    m, resp = replay("replicate", "authored__chat_system_prompt.yaml", "replicate/meta/meta-llama-3-8b-instruct")
    u = resp.usage
    assert (u.input_tokens, u.output_tokens) == (27, 13)
    assert micro(m.usage.cost) == micro((27 * 0.05 + 13 * 0.25) / 1e6)  # $0.0000046
    assert m.usage.unpriced_requests == 0


def test_bedrock_nova_embeddings_through_embedding_model() -> None:
    """amazon.nova-2-multimodal-embeddings-v1:0 at $0.135 per 1M text tokens (the plugin's
    models.json); Bedrock reports the count in X-Amzn-Bedrock-Input-Token-Count (10 here)."""
    if llmcore.get_registry().get("bedrock") is None:
        pytest.skip("llmcore-bedrock is not installed")
    cassettes = ROOT / "plugins" / "bedrock" / "tests" / "cassettes"
    name = "ruby_llm__embedding_bedrock_embedding_dialects_bedrock_amazon_nova-2-multimodal-embeddings-v1_0_embeds_a_single_text.yaml"
    creds = {"aws_access_key_id": "llmcore-fake-" + "id", "aws_secret_access_key": "llmcore-fake-" + "secret"}

    async def go() -> tuple[Any, Any]:
        client, _ = recording_client()
        with make_vcr(cassettes).use_cassette(name, allow_playback_repeats=True):
            async with client:
                m = llmcore.embedding_model(
                    "bedrock/amazon.nova-2-multimodal-embeddings-v1:0",
                    http_client=client, retry=False, region="us-east-1", **creds,
                )  # fmt: skip
                resp = await m.aembed(["Ruby is a programmer's best friend"], dimensions=256)
        return m, resp

    clear_prices()
    m, resp = asyncio.run(go())
    assert resp.usage.input_tokens == 10
    assert micro(m.usage.cost) == micro(10 * 0.135 / 1e6)  # $0.00000135
