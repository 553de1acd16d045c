"""Issue 18 #5: no prompt goes to OpenRouter by accident. ``provider:model``
works like ``provider/model``; litellm's provider names and other common
spellings are aliases; ``org/model`` goes to the router only when ``org`` is no
provider name or alias; a typo of a provider and an alias whose plugin is not
installed are typed errors before any network call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace

import llmcore
import pytest
from llmcore.errors import ConfigurationError
from llmcore.hookspecs import hookimpl
from llmcore.names import ALIASES
from llmcore.plugins import get_registry, register, reset
from llmcore.resolve import KNOWN_PROVIDERS, resolve_model
from llmcore.spec import ProviderSpec
from scripted_server import ScriptedServer, running, toy_json

import toy_provider


def _plugin(*specs: ProviderSpec) -> SimpleNamespace:
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        return list(specs)

    return SimpleNamespace(llmcore_providers=llmcore_providers)


def spec(name: str, *prefixes: str, **kw: object) -> ProviderSpec:
    return ProviderSpec(name=name, factory="x:y", model_prefixes=prefixes, env_keys=(f"{name.upper()}_KEY",), **kw)  # type: ignore[arg-type]


ROUTER = replace(spec("openrouter"), routes_org_models=True)


@pytest.fixture(autouse=True)
def only_in_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    reset()
    yield
    reset()


def test_colon_works_like_slash() -> None:
    register(_plugin(spec("openai", "gpt-"), spec("ollama"), spec("bedrock"), ROUTER), "a")
    assert resolve_model("openai:gpt-4o")[0].name == "openai"
    assert resolve_model("ollama:llama3.1:8b") == (get_registry().get("ollama"), "llama3.1:8b")
    # a colon inside the model id stays there
    assert (
        resolve_model("bedrock/anthropic.claude-3-haiku-20240307-v1:0")[1] == "anthropic.claude-3-haiku-20240307-v1:0"
    )
    with pytest.raises(ConfigurationError, match="no model after 'openai:'"):
        resolve_model("openai:")


@pytest.mark.parametrize(
    ("name", "provider", "model"),
    [
        ("together_ai/meta-llama/Llama-3.3-70B", "together", "meta-llama/Llama-3.3-70B"),
        ("hosted_vllm/my-model", "vllm", "my-model"),
        ("aleph-alpha/x", "aleph_alpha", "x"),
        ("Aleph-Alpha:pharia-1", "aleph_alpha", "pharia-1"),
        ("local/model-name", "openai_compatible", "model-name"),
        ("fireworks_ai/accounts/fireworks/models/x", "fireworks", "accounts/fireworks/models/x"),
        ("vertex_ai/gemini-2.5-pro", "vertexai", "gemini-2.5-pro"),
        ("lm_studio/qwen", "lmstudio", "qwen"),
        ("ollama_chat/llama3", "ollama", "llama3"),
    ],
)
def test_aliases_pick_our_provider_not_the_router(name: str, provider: str, model: str) -> None:
    register(
        _plugin(
            ROUTER,
            *(
                spec(p)
                for p in (
                    "together",
                    "vllm",
                    "aleph_alpha",
                    "openai_compatible",
                    "fireworks",
                    "vertexai",
                    "lmstudio",
                    "ollama",
                )
            ),
        ),
        "a",
    )
    s, m = resolve_model(name)
    assert (s.name, m) == (provider, model)


def test_an_alias_whose_plugin_is_missing_says_what_to_install() -> None:
    register(_plugin(ROUTER, spec("openai", "gpt-")), "a")
    with pytest.raises(
        ConfigurationError,
        match=r"'together_ai' \(llmcore's provider 'together'\) is not installed: "
        r"pip install llmcore-together",
    ):
        resolve_model("together_ai/meta-llama/Llama-3.3-70B")
    with pytest.raises(ConfigurationError, match="pip install llmcore-vllm"):
        resolve_model("hosted_vllm/x")
    with pytest.raises(ConfigurationError, match="pip install llmcore-aleph-alpha"):
        resolve_model("aleph-alpha/x")
    # local/ is served by the openai plugin's openai_compatible provider
    with pytest.raises(ConfigurationError, match=r"pip install llmcore-openai$"):
        resolve_model("local/model-name")


def test_a_typo_of_a_provider_is_an_error_naming_it() -> None:
    register(_plugin(ROUTER, spec("openai", "gpt-"), spec("anthropic", "claude-")), "a")
    with pytest.raises(ConfigurationError, match=r"unknown provider 'opnai'.*did you mean 'openai'\?"):
        resolve_model("opnai/gpt-4o")
    with pytest.raises(ConfigurationError, match="did you mean 'anthropic'"):
        resolve_model("antropic/claude-x")
    with pytest.raises(ConfigurationError, match=r"did you mean 'together_ai' \(llmcore's provider 'together'\)"):
        resolve_model("togther_ai/x")  # a typo of an alias of a provider that is not installed


@pytest.mark.parametrize(
    "name",
    [
        "meta-llama/llama-3.3-70b",
        "mistralai/mistral-large",
        "x-ai/grok-4",
        "moonshotai/kimi-k2",
        "qwen/qwen3-235b",
        "google/gemini-2.5-pro",
    ],
)
def test_org_model_still_goes_to_the_router(name: str, caplog: pytest.LogCaptureFixture) -> None:
    register(
        _plugin(
            ROUTER,
            spec("openai", "gpt-"),
            spec("mistral", "mistral-"),
            spec("xai", "grok-"),
            spec("moonshot", "kimi-"),
            spec("gemini", "gemini-"),
        ),
        "a",
    )
    caplog.set_level("INFO", logger="llmcore.resolve")
    assert resolve_model(name) == (get_registry().get("openrouter"), name)
    assert "is no provider name or alias, so the model goes to openrouter" in caplog.text


def test_plugins_may_declare_aliases() -> None:
    register(_plugin(ROUTER, spec("acme", aliases=("acme-ai", "openai"))), "a")
    register(_plugin(spec("openai", "gpt-")), "b")
    assert resolve_model("acme_ai/m")[0].name == "acme"
    assert resolve_model("openai/gpt-4o")[0].name == "openai"  # a provider's own name wins over an alias


def test_every_alias_names_a_known_provider() -> None:
    for alias, provider in ALIASES.items():
        assert provider in KNOWN_PROVIDERS, (alias, provider)
        assert alias not in KNOWN_PROVIDERS, alias


def test_local_reaches_the_local_openai_compatible_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's path: ``llmcore.model("local/<model>")`` sends to $OPENAI_COMPATIBLE_BASE_URL."""
    local = replace(
        toy_provider.SPEC,
        name="openai_compatible",
        base_url=None,
        base_url_env="OPENAI_COMPATIBLE_BASE_URL",
        requires_key=False,
        model_prefixes=(),
    )
    cls = type("LocalToy", (toy_provider.ToyProvider,), {"spec": local})
    monkeypatch.setattr(toy_provider, "LocalToy", cls, raising=False)
    register(_plugin(replace(local, factory="toy_provider:LocalToy"), ROUTER), "a")

    async def answer(request, server: ScriptedServer):  # type: ignore[no-untyped-def]
        return toy_json("hello from here")

    with running() as server:
        server.handler = answer
        monkeypatch.setenv("OPENAI_COMPATIBLE_BASE_URL", server.url + "/v1")
        m = llmcore.model("local/model-name", retry=False)
        assert m.spec.name == "openai_compatible"
        assert m.chat("hi").text == "hello from here"
        assert server.requests[0]["body"]["model"] == "model-name"


def test_providers_show_names_aliases_and_what_the_router_takes() -> None:
    from click.testing import CliRunner
    from llmcore.cli import cli

    register(_plugin(ROUTER, spec("together")), "a")
    r = CliRunner().invoke(cli, ["providers", "show", "together_ai"])
    assert r.exit_code == 0 and "name:           together" in r.stdout and "together_ai" in r.stdout
    r = CliRunner().invoke(cli, ["providers", "show", "openrouter"])
    assert "org/model names whose org is no provider name or alias" in r.stdout
    r = CliRunner().invoke(cli, ["providers", "show", "hosted_vllm"])
    assert r.exit_code == 1 and "pip install llmcore-vllm" in r.stderr


def test_chat_verbose_says_where_the_prompt_goes() -> None:
    from click.testing import CliRunner
    from llmcore.cli import cli

    router = replace(toy_provider.SPEC, name="openrouter", routes_org_models=True, model_prefixes=())
    register(_plugin(router), "a")

    async def answer(request, server: ScriptedServer):  # type: ignore[no-untyped-def]
        return toy_json("fine")

    with running() as server:
        server.handler = answer
        args = [
            "chat",
            "-v",
            "--no-stream",
            "-m",
            "meta-llama/llama-3.3-70b",
            "-o",
            f"base_url={server.url}/v1",
            "-o",
            "api_key=" + "toy" + "-key-xyz",
            "hi",
        ]
        r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, r.stderr
    assert "llmcore: meta-llama/llama-3.3-70b -> provider openrouter (routes org/model names" in r.stderr
    assert "model meta-llama/llama-3.3-70b" in r.stderr and r.stdout == "fine\n"


def test_a_broken_plugin_of_any_name_is_named_not_routed() -> None:
    @hookimpl
    def llmcore_providers() -> list[ProviderSpec]:
        raise ImportError("libfoo is missing")

    register(SimpleNamespace(llmcore_providers=llmcore_providers), "broken")
    register(_plugin(ROUTER), "a")
    with pytest.raises(ConfigurationError, match="provider 'broken' is installed but broken: ImportError: libfoo"):
        resolve_model("broken/x")
