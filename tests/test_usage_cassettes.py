"""Usage and cost of recorded calls, with the prices the plugins ship.

The cost is recomputed here from the recorded token counts and the
plugin's price file, so a wrong mapping (cached tokens, dated model names,
the wrong rate) shows.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore.hookspecs import hookimpl
from llmcore.plugins import register
from llmcore.usage import UsageRecord, clear_prices, load_prices
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import make_vcr, recording_client

ROOT = Path(__file__).resolve().parent.parent

# plugin, cassette, model, the price-file entry it must be priced at
CASES = {
    "openai": ("openai", "pydantic-ai__test_openai_native_output.yaml", "openai/gpt-4o", "gpt-4o", 0),
    # 1,111 of the input tokens were read from Anthropic's prompt cache
    "anthropic-cache-read": (
        "anthropic",
        "pydantic-ai__test_anthropic_cache_count_tokens.yaml",
        "anthropic/claude-sonnet-4-5",
        "claude-sonnet-4-5",
        1,
    ),
    "gemini": (
        "gemini",
        "pydantic-ai__test_google_native_output.yaml",
        "gemini/gemini-2.0-flash",
        "gemini-2.0-flash",
        0,
    ),
}


class Collector:
    def __init__(self) -> None:
        self.records: list[UsageRecord] = []

    @hookimpl
    def llmcore_usage(self, record: UsageRecord) -> None:
        self.records.append(record)


@pytest.fixture
def collector() -> Any:
    from llmcore.plugins import get_registry

    c = Collector()
    register(c, "usage-collector")
    get_registry(refresh=True)
    yield c
    from llmcore.plugins import reset

    reset()


@pytest.mark.parametrize("name", list(CASES))
def test_cost_of_a_recorded_call(name: str, collector: Collector) -> None:
    plugin, cassette, model, priced, interaction = CASES[name]
    spec = llmcore.get_registry().get(model.split("/")[0])
    if spec is None:
        pytest.skip(f"llmcore-{plugin} is not installed")
    clear_prices()
    assert spec.prices, f"{spec.name} ships no prices"
    cassettes = ROOT / "plugins" / plugin / "tests" / "cassettes"

    async def go() -> Any:
        client, _ = recording_client()
        with make_vcr(cassettes).use_cassette(cassette, allow_playback_repeats=not interaction) as cas:
            for i in range(interaction):
                cas.play_counts[i] = 1
            async with client:
                m = llmcore.model(model, api_key=TEST_API_KEY, http_client=client, retry=False)
                resp = await m.achat("hi")
        return m, resp

    m, resp = asyncio.run(go())
    u = resp.usage
    assert u.input_tokens and u.output_tokens
    if name == "anthropic-cache-read":
        assert u.cache_read_tokens == 1111 and u.input_tokens > 1111  # input includes the cached tokens
    price = load_prices(spec.prices).models[priced]
    read, write = u.cache_read_tokens or 0, u.cache_write_tokens or 0
    cached_rate = price.cached_input if price.cached_input is not None else price.input
    write_rate = price.cache_write if price.cache_write is not None else price.input
    expected = (
        (u.input_tokens - read - write) * price.input
        + read * cached_rate
        + write * write_rate
        + u.output_tokens * price.output
    ) / 1e6
    assert m.usage.cost == pytest.approx(expected) and expected > 0
    (rec,) = [r for r in collector.records if r.provider == spec.name]
    assert rec.cost == pytest.approx(expected) and rec.model == model.split("/", 1)[1]
    assert rec.key_id is not None and rec.key_id.startswith("sha256:") and TEST_API_KEY not in json.dumps(rec.to_dict())


def test_shipped_price_files_load_and_match_dated_names() -> None:
    registry = llmcore.get_registry()
    shipped = {s.name: s for s in registry.providers.values() if s.prices}
    for name in ("openai", "anthropic", "gemini"):
        if registry.get(name) is not None:
            assert name in shipped, f"{name} ships no prices"
    for spec in shipped.values():
        table = load_prices(spec.prices)  # type: ignore[arg-type]
        assert table.meta.get("as_of") and table.meta.get("sources"), f"{spec.prices}: date and source it"
        for model, p in table.models.items():
            assert p.input > 0 and p.output >= 0, f"{spec.name}/{model}"  # embeddings: no output tokens
    from llmcore.usage import price_for

    pairs = [
        ("openai", "gpt-4o-2024-08-06", "gpt-4o"),
        ("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
        ("anthropic", "claude-3-5-haiku-20241022", "claude-3-5-haiku"),
        ("anthropic", "claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("gemini", "gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"),
        ("gemini", "models/gemini-2.0-flash-001", "gemini-2.0-flash"),
    ]
    for provider, dated, base in pairs:
        spec = registry.get(provider)
        if spec is None:
            continue
        assert price_for(spec, dated) == load_prices(spec.prices).models[base], dated  # type: ignore[arg-type]
    openai = registry.get("openai")
    if openai is not None:  # a longer name never takes a shorter one's price; the catalogue prices it as itself
        assert load_prices(openai.prices).lookup("gpt-4o-audio-preview") is None  # type: ignore[arg-type]
        from llmcore import catalogue

        assert catalogue.lookup("openai", "gpt-4o-audio-preview").id == "gpt-4o-audio-preview"  # type: ignore[union-attr]
