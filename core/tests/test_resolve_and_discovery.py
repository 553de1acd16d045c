from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from llmcore.errors import ConfigurationError
from llmcore.hookspecs import hookimpl
from llmcore.plugins import get_registry, register, reset
from llmcore.resolve import resolve_model
from llmcore.spec import ProviderSpec


def _plugin(*specs: ProviderSpec) -> SimpleNamespace:
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return list(specs)

    return SimpleNamespace(llmcore_providers=llmcore_providers)


@pytest.fixture(autouse=True)
def only_in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    reset()
    yield
    reset()


def spec(name: str, *prefixes: str) -> ProviderSpec:
    return ProviderSpec(name=name, factory="x:y", model_prefixes=prefixes, env_keys=(f"{name.upper()}_KEY",))


def test_explicit_and_autodetected_names() -> None:
    register(_plugin(spec("openai", "gpt-", "o3"), spec("anthropic", "claude-")), "a")
    register(_plugin(spec("openrouter")), "b")
    assert resolve_model("anthropic/claude-sonnet-4-5")[1] == "claude-sonnet-4-5"
    s, m = resolve_model("openrouter/anthropic/claude-sonnet-4")
    assert (s.name, m) == ("openrouter", "anthropic/claude-sonnet-4")
    assert resolve_model("claude-3-haiku")[0].name == "anthropic"
    assert resolve_model("o3-mini")[0].name == "openai"


def test_longest_prefix_wins_and_ties_are_ambiguous() -> None:
    register(_plugin(spec("openai", "gpt-"), spec("special", "gpt-4o-special")), "a")
    assert resolve_model("gpt-4o-special-1")[0].name == "special"
    register(_plugin(spec("azure", "gpt-")), "b")
    with pytest.raises(ConfigurationError, match=r"ambiguous.*openai/gpt-4o.*azure/gpt-4o"):
        resolve_model("gpt-4o")


def test_unknown_names_say_what_to_install() -> None:
    register(_plugin(spec("openai", "gpt-")), "a")
    with pytest.raises(ConfigurationError, match="pip install llmcore-groq"):
        resolve_model("groq/llama-3.1-8b-instant")
    with pytest.raises(ConfigurationError, match="gemini model: pip install llmcore-gemini"):
        resolve_model("gemini-2.5-flash")
    with pytest.raises(ConfigurationError, match="installed providers: openai"):
        resolve_model("mystery-model")
    with pytest.raises(ConfigurationError, match="empty model name"):
        resolve_model(" ")


def test_broken_plugins_are_isolated() -> None:
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        raise RuntimeError("kaboom")

    register(SimpleNamespace(llmcore_providers=llmcore_providers), "exploding")
    register(_plugin("not a spec"), "garbage")  # type: ignore[arg-type]
    register(_plugin(spec("fine", "fine-")), "good")
    reg = get_registry()
    assert set(reg.providers) == {"fine"}
    errors = {p.name: p.error for p in reg.broken}
    assert errors["exploding"] == "RuntimeError: kaboom"
    assert "must return a list of ProviderSpec" in (errors["garbage"] or "")


def test_duplicate_provider_names_are_reported() -> None:
    register(_plugin(spec("dup")), "first")
    register(_plugin(spec("dup")), "second")
    reg = get_registry()
    assert list(reg.providers) == ["dup"]
    # a clash is reported on both sides (see test_plugin_clashes.py), and breaks neither plugin
    assert reg.clashes["dup"].used_plugin == "first" and [p for p, _ in reg.clashes["dup"].ignored] == ["second"]
    assert not reg.broken


def test_status_reflects_env(monkeypatch: pytest.MonkeyPatch) -> None:
    s = spec("acme")
    monkeypatch.delenv("ACME_KEY", raising=False)
    assert s.status() == "needs ACME_KEY"
    monkeypatch.setenv("ACME_KEY", "x")
    assert s.status() == "ready"
    assert ProviderSpec(name="local", factory="x:y", requires_key=False).status() == "ready"


def test_org_model_names_go_to_the_router_when_unclaimed() -> None:
    from dataclasses import replace

    router = replace(spec("openrouter"), routes_org_models=True)
    register(_plugin(router, spec("anthropic", "claude-")), "a")
    s, m = resolve_model("meta-llama/llama-3.3-70b")
    assert (s.name, m) == ("openrouter", "meta-llama/llama-3.3-70b")
    assert resolve_model("anthropic/claude-x")[0].name == "anthropic"  # provider/model always wins
    with pytest.raises(ConfigurationError, match="unknown model"):
        resolve_model("no-slash-model")
