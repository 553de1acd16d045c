"""llmcore.defaults: which model ``llmcore chat`` uses when none is named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from llmcore import plugins
from llmcore.defaults import config_path, default_embedding_model, default_model, local_embedding_models, local_models
from llmcore.errors import ConfigurationError
from llmcore.hookspecs import hookimpl
from llmcore.spec import ProviderSpec


class _LocalPlugin:
    def __init__(self, names: list[str]) -> None:
        self.names = names

    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [ProviderSpec(name="offline", factory="x:y", requires_key=False)]

    @hookimpl
    def llmcore_local_models(self) -> list[str]:
        return self.names


class _LocalEmbeddings:
    def __init__(self, names: object) -> None:
        self.names = names

    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [ProviderSpec(name="vectors", factory="x:y", requires_key=False)]

    @hookimpl
    def llmcore_local_embedding_models(self) -> object:
        return self.names


class _Broken:
    @hookimpl
    def llmcore_local_models(self) -> list[str]:
        raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")  # no installed plugin: only the ones registered here
    monkeypatch.delenv("LLMCORE_DEFAULT_MODEL", raising=False)
    monkeypatch.delenv("LLMCORE_DEFAULT_EMBEDDING_MODEL", raising=False)
    monkeypatch.delenv("LLMCORE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    plugins.reset()
    yield
    plugins.reset()


def test_nothing_configured_nothing_installed_is_one_line_saying_how_to_choose() -> None:
    with pytest.raises(ConfigurationError) as e:
        default_model()
    msg = str(e.value)
    assert "\n" not in msg and "-m provider/model" in msg and "LLMCORE_DEFAULT_MODEL" in msg
    assert str(config_path()) in msg


def test_a_local_model_offered_by_a_plugin() -> None:
    plugins.register(_Broken(), "broken")
    plugins.register(_LocalPlugin(["offline/tiny", "elsewhere/not-installed"]), "offline")
    assert local_models() == ["offline/tiny"]  # a name whose provider is not installed is not offered
    assert default_model() == "offline/tiny"


def test_config_file_then_env_win(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plugins.register(_LocalPlugin(["offline/tiny"]), "offline")
    cfg = tmp_path / "cfg" / "llmcore" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text('# mine\ndefault_model = "acme/big"  # comment\n')
    assert default_model() == "acme/big"
    monkeypatch.setenv("LLMCORE_DEFAULT_MODEL", "env/model")
    assert default_model() == "env/model"


def test_llmcore_config_names_the_file_and_bad_values_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("LLMCORE_CONFIG", str(cfg))
    assert config_path() == cfg
    cfg.write_text("default_model = 3\n")
    with pytest.raises(ConfigurationError, match="default_model"):
        default_model()
    cfg.write_text("default_model = [\n")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        default_model()


def test_the_default_embedding_model_env_then_config_then_local_then_how_to_choose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigurationError) as e:
        default_embedding_model()
    msg = str(e.value)
    assert "\n" not in msg and "LLMCORE_DEFAULT_EMBEDDING_MODEL" in msg and "pip install llmcore-wordllama" in msg
    plugins.register(_LocalPlugin(["offline/tiny"]), "offline")  # a chat model is never an embedding default
    plugins.register(_LocalEmbeddings(["vectors/small", "elsewhere/missing"]), "vectors")
    assert local_embedding_models() == ["vectors/small"]
    assert default_embedding_model() == "vectors/small"
    cfg = config_path()
    cfg.parent.mkdir(parents=True)
    cfg.write_text('default_model = "acme/chat"\ndefault_embedding_model = "acme/embed"\n')
    assert default_embedding_model() == "acme/embed" and default_model() == "acme/chat"
    monkeypatch.setenv("LLMCORE_DEFAULT_EMBEDDING_MODEL", "env/embed")
    assert default_embedding_model() == "env/embed" and default_model() == "acme/chat"


def test_a_broken_embedding_hook_is_named() -> None:
    plugins.register(_LocalEmbeddings("vectors/small"), "vectors")  # a string, not a list
    with pytest.raises(ConfigurationError) as e:
        default_embedding_model()
    assert "llmcore_local_embedding_models() returned" in str(e.value)
