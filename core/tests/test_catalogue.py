"""The model catalogue: resolution of provider spellings, overrides, prices
falling back to it, cost arithmetic of its rates, the builder, lookup cost."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from llmcore import catalogue
from llmcore.catalogue import build
from llmcore.errors import ConfigurationError
from llmcore.types import Usage
from llmcore.usage import Price, clear_prices, price_for, reported_cost, set_prices


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.delenv("LLMCORE_PRICES", raising=False)
    monkeypatch.delenv("LLMCORE_MODELS", raising=False)
    monkeypatch.setenv("LLMCORE_DATA_DIR", "/nonexistent-llmcore-data")  # the shipped snapshot, whatever the user has
    catalogue.clear_overrides()
    clear_prices()
    yield
    catalogue.clear_overrides()
    clear_prices()


@pytest.mark.parametrize(
    ("provider", "given", "expected"),
    [
        ("openai", "gpt-4o-2024-08-06", "gpt-4o"),  # dated snapshot
        ("anthropic", "claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("gemini", "models/gemini-2.5-flash", "gemini-2.5-flash"),
        ("vertexai", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),  # Vertex spelling
        ("bedrock", "us.amazon.nova-micro-v1:0", "amazon.nova-micro-v1:0"),  # region prefix
        ("bedrock", "anthropic.claude-3-sonnet-20240229-v1:0", None),  # any hit: checked below
        ("openrouter", "anthropic/claude-haiku-4.5", "anthropic/claude-haiku-4.5"),
        ("groq", "llama-3.3-70b-versatile", "llama-3.3-70b-versatile"),
        ("xai", "grok-4", "grok-4-0709"),  # genai-prices names the snapshot
        ("zhipu", "glm-4.7", "GLM-4.7"),  # ids match case-insensitively
        ("sambanova", "Meta-Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct"),  # SambaNova's spelling
        ("sambanova", "Meta-Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ],
)
def test_resolution(provider: str, given: str, expected: str | None) -> None:
    info = catalogue.lookup(provider, given)
    assert info is not None, (provider, given)
    if expected is not None:
        assert info.id == expected
    assert info.provider == provider and info.sources


def test_regional_bedrock_claude_keeps_its_regional_price() -> None:
    """genai-prices' match rules run before spelling changes: a ``us.`` Claude
    4.5 profile is priced at the regional rate (+10 %), not the global one."""
    regional = catalogue.lookup("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert regional is not None and regional.price is not None
    assert regional.price["input"] == pytest.approx(3.3)
    assert regional.context_window == 200_000


def test_hugging_face_router_suffix_takes_the_serving_providers_entry() -> None:
    """``org/model:cohere`` on the HF router is billed at Cohere's own rates (no markup)."""
    info = catalogue.lookup("huggingface", "CohereLabs/command-a-vision-07-2025:cohere")
    assert info is not None and info.provider == "cohere" and info.id == "command-a-vision-07-2025"
    assert info.price is not None and info.sources["via"] == "huggingface router -> cohere"
    assert catalogue.lookup("huggingface", "CohereLabs/command-a-vision-07-2025:nosuchhost") is None


def _plugin_pkg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: Any) -> str:
    pkg = tmp_path / name
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.json").write_text(json.dumps(content))
    monkeypatch.syspath_prepend(str(tmp_path))
    return f"{name}:models.json"


def test_plugin_entries_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plugin's ``ProviderSpec.catalogue`` file adds its models (with their source) over the
    snapshot; the user's overrides still win over it."""
    from llmcore import plugins
    from llmcore.hookspecs import hookimpl
    from llmcore.spec import ProviderSpec

    resource = _plugin_pkg(tmp_path, monkeypatch, "acme_catalogue_pkg", {
        "format": "llmcore-models/1", "as_of": "2026-12-04",
        "models": {"acme-1": {"context": 32000, "price": {"input": 1.5, "output": 3.0},
                              "source": "https://acme.example/pricing"}},
        "aliases": {"acme-latest": "acme-1"},
    })  # fmt: skip

    class Plugin:
        @hookimpl
        def llmcore_providers(self) -> list[ProviderSpec]:
            return [ProviderSpec(name="acmecat", factory="x:y", catalogue=resource)]

    plugins.register(Plugin(), "acmecat")
    try:
        catalogue.reload()
        info = catalogue.lookup("acmecat", "acme-latest")
        assert info is not None and info.id == "acme-1" and info.context_window == 32000
        assert "https://acme.example/pricing" in info.sources["price"] and "2026-12-04" in info.sources["price"]
        assert price_for("acmecat", "acme-1") == Price(input=1.5, output=3.0)
        assert "acmecat" in catalogue.providers()
        catalogue.add_models("acmecat", {"acme-1": {"price": {"input": 9, "output": 9}}})
        assert price_for("acmecat", "acme-1") == Price(input=9.0, output=9.0)
        info = catalogue.lookup("acmecat", "acme-1")
        assert info is not None and info.context_window == 32000  # the plugin's limits stay under the override
    finally:
        plugins.reset()
        catalogue.reload()


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ({"format": "llmcore-models/1", "as_of": "2026-12-04", "models": {"m": {"price": {"input": 1, "output": 1}}}},
         "source"),
        ({"format": "llmcore-models/1", "as_of": "2026-12-04",
          "models": {"m": {"price": {"input": -1, "output": 1}, "source": "x"}}}, "non-negative"),
        ({"format": "other", "models": {}}, "llmcore-models/1"),
        ({"format": "llmcore-models/1", "as_of": "2026-12-04", "models": {}, "aliases": {"a": "nope"}}, "aliases"),
    ],
)  # fmt: skip
def test_plugin_entries_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: Any, match: str) -> None:
    """Every plugin entry names its source and its price is checked: a bad file is a clear
    ConfigurationError (at lookup it is logged and the plugin's models stay unknown, never mispriced)."""
    resource = _plugin_pkg(tmp_path, monkeypatch, f"bad_catalogue_{abs(hash(match))}", content)
    with pytest.raises(ConfigurationError, match=match):
        catalogue.load_plugin_entries(resource)


def test_unknown_is_none_never_zero() -> None:
    assert catalogue.lookup("openai", "no-such-model-xyz") is None
    assert catalogue.lookup("no-such-provider", "gpt-4o") is None
    assert price_for("groq", "no-such-model-xyz") is None
    assert price_for("ollama", "llama3.1") is None  # local: no price, not a made-up 0


def test_limits_and_capabilities() -> None:
    info = catalogue.lookup("anthropic", "claude-sonnet-4-5")
    assert info is not None
    assert info.context_window == 200_000 and info.max_output_tokens == 64_000
    assert "image" in info.input_modalities and info.tools is True and info.reasoning is True
    assert info.sources["price"].startswith("genai-prices") and info.sources["limits"].startswith("models.dev")
    d = info.to_dict()
    assert json.loads(json.dumps(d))["id"] == "claude-sonnet-4-5"


def test_price_for_falls_back_to_the_catalogue_and_user_prices_win() -> None:
    p = price_for("groq", "llama-3.3-70b-versatile")
    assert p is not None and (p.input, p.output) == (0.59, 0.79)
    set_prices("groq", {"llama-3.3-70b-versatile": {"input": 1, "output": 2}})
    assert price_for("groq", "llama-3.3-70b-versatile") == Price(input=1.0, output=2.0)


def test_add_models_and_aliases() -> None:
    catalogue.add_models("vllm", {"my-llama": {"context": 8192, "price": {"input": 0.1, "output": 0.2}}})
    info = catalogue.lookup("vllm", "my-llama")
    assert info is not None and info.context_window == 8192 and info.sources.get("user") == "override"
    assert price_for("vllm", "my-llama") == Price(input=0.1, output=0.2)
    catalogue.add_aliases("azure", {"prod-chat": "gpt-4o"})  # an Azure deployment name
    az = catalogue.lookup("azure", "prod-chat")
    assert az is not None and az.id == "gpt-4o" and az.price is not None
    with pytest.raises(ConfigurationError):
        catalogue.add_models("vllm", {"bad": {"price": {"input": -1, "output": 1}}})
    catalogue.clear_overrides()
    assert catalogue.lookup("vllm", "my-llama") is None and price_for("vllm", "my-llama") is None


def test_user_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    f = tmp_path / "models.json"
    f.write_text(json.dumps({"openai": {"models": {"gpt-4o": {"context": 1234}}, "aliases": {"house": "gpt-4o"}}}))
    monkeypatch.setenv("LLMCORE_MODELS", str(f))
    catalogue.reload()
    info = catalogue.lookup("openai", "house")
    assert info is not None and info.id == "gpt-4o" and info.context_window == 1234
    assert info.price is not None and info.price["input"] == 2.5  # the rest of the entry stays
    f.write_text("[1, 2]")
    catalogue.reload()
    with pytest.raises(ConfigurationError, match="LLMCORE_MODELS"):
        catalogue.lookup("openai", "gpt-4o")


def test_cost_of_the_new_rates() -> None:
    p = Price.from_dict(
        {
            "input": 3,
            "output": 15,
            "cached_input": 0.3,
            "cache_write": 3.75,
            "cache_write_1h": 6,
            "reasoning": 20,
            "batch_input": 1.5,
            "batch_output": 7.5,
            "batch_cached_input": 0.15,
            "batch_cache_write": 1.875,
            "per_1k_searches": 10,
        }
    )
    u = Usage(input_tokens=1000, cache_read_tokens=200, cache_write_tokens=300, output_tokens=100, reasoning_tokens=40)
    assert p.cost(u) == pytest.approx((500 * 3 + 200 * 0.3 + 300 * 3.75 + 60 * 15 + 40 * 20) / 1e6)
    assert p.cost(u, batch=True) == pytest.approx((500 * 1.5 + 200 * 0.15 + 300 * 1.875 + 60 * 7.5 + 40 * 20) / 1e6)
    one_hour = SimpleNamespace(
        input_tokens=1000,
        cache_read_tokens=0,
        cache_write_tokens=300,
        cache_write_1h_tokens=100,
        output_tokens=0,
        reasoning_tokens=None,
    )
    assert p.cost(one_hour) == pytest.approx((700 * 3 + 200 * 3.75 + 100 * 6) / 1e6)  # type: ignore[arg-type]


def test_reported_cost() -> None:
    assert reported_cost(SimpleNamespace(raw={"usage": {"cost": 0.00005}})) == 0.00005
    assert reported_cost(SimpleNamespace(raw={"usage": {"cost": True}}, provider_metadata={})) is None
    assert reported_cost(SimpleNamespace(raw=None, provider_metadata={"usage": {"cost": 0.001}})) == 0.001
    assert reported_cost(SimpleNamespace(raw=None, provider="x", provider_metadata={"x": {"cost": 2}})) == 2.0
    split = {"requests": [{"usage": {"cost": 0.25}}, {"usage": {"cost": 0.5}}]}
    assert reported_cost(SimpleNamespace(raw=None, provider_metadata=split)) == 0.75
    split["requests"].append({})
    assert reported_cost(SimpleNamespace(raw=None, provider_metadata=split)) is None
    assert reported_cost(SimpleNamespace(raw=None, provider_metadata={"usage": {"cost": -1}})) is None


def test_import_llmcore_does_not_read_the_catalogue() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "import llmcore, sys; print('llmcore.catalogue' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "False"


def test_shipped_snapshot_is_dated_and_sourced() -> None:
    info = catalogue.snapshot_info()
    assert info["format"] == build.FORMAT and info["built"] >= "2026-12-01"
    assert set(info["sources"]) == {"genai-prices", "models.dev"}
    assert len(catalogue.providers()) >= 20 and sum(1 for _ in catalogue.models("openai")) > 50


class _Clause(SimpleNamespace):
    pass


def _clause(kind: str, **kw: Any) -> Any:
    return type(kind, (), kw)()


def test_build_joins_prices_and_limits() -> None:
    """The builder on tiny stand-ins of both sources: match rules carried,
    models.dev limits joined onto the genai-prices model its rule matches,
    batch variant and long-context tier converted, models.dev price used
    where genai-prices has none."""
    mp = SimpleNamespace(
        input_mtok=3,
        output_mtok=15,
        cache_read_mtok=None,
        cache_write_mtok=SimpleNamespace(base=3.75, tiers=[SimpleNamespace(start=200_000, price=7.5)]),
    )
    batch = SimpleNamespace(
        when={"processing": "batch"}, constraint=None, prices=SimpleNamespace(input_mtok=1.5, output_mtok=7.5)
    )
    gp_model = SimpleNamespace(
        id="claude-x",
        name="Claude X",
        context_window=None,
        deprecated=None,
        prices=mp,
        price_variants=[batch],
        match=_clause(
            "ClauseOr",
            or_=[_clause("ClauseEquals", equals="claude-x"), _clause("ClauseStartsWith", starts_with="claude-x-2")],
        ),
    )
    gp = [SimpleNamespace(id="anthropic", models=[gp_model])]
    md = {
        "anthropic": {
            "models": {
                "claude-x-20260101": {
                    "name": "Claude X",
                    "limit": {"context": 200000, "output": 64000},
                    "modalities": {"input": ["text", "image"], "output": ["text"]},
                    "tool_call": True,
                    "reasoning": True,
                },
                "claude-y": {
                    "name": "Claude Y",
                    "limit": {"context": 100000, "output": 8000},
                    "cost": {"input": 1, "output": 2},
                },
            }
        }
    }
    snap = build.build(
        gp,
        md,
        sources={"genai-prices": {"version": "t"}, "models.dev": {"version": "t"}},
        today=__import__("datetime").date(2026, 12, 4),
    )
    models = snap["providers"]["anthropic"]["models"]
    x = models["claude-x"]
    assert x["context"] == 200000 and x["ids"] == ["claude-x-20260101"] and x["tools"] is True
    assert x["price"] == {
        "input": 3.0,
        "output": 15.0,
        "cache_write": 3.75,
        "batch_input": 1.5,
        "batch_output": 7.5,
        "long_context": {"above": 200000, "cache_write": 7.5, "input": 3.0, "output": 15.0},
    }
    assert models["claude-y"]["price"] == {"input": 1.0, "output": 2.0}
    assert models["claude-y"]["src"] == {"limits": "models.dev:anthropic", "price": "models.dev:anthropic"}
    Price.from_dict(x["price"])  # every built price is a valid llmcore price
