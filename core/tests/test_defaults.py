"""llmcore.defaults: which model ``llmcore chat`` uses when none is named."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from llmcore import plugins
from llmcore.defaults import config_path, default_model, local_models
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


class _Broken:
    @hookimpl
    def llmcore_local_models(self) -> list[str]:
        raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")  # no installed plugin: only the ones registered here
    monkeypatch.delenv("LLMCORE_DEFAULT_MODEL", raising=False)
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


def test_llmcore_config_names_the_file_and_bad_values_are_errors(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "elsewhere.toml"
    monkeypatch.setenv("LLMCORE_CONFIG", str(cfg))
    assert config_path() == cfg
    cfg.write_text("default_model = 3\n")
    with pytest.raises(ConfigurationError, match="default_model"):
        default_model()
    cfg.write_text("default_model = [\n")
    with pytest.raises(ConfigurationError, match="not valid TOML"):
        default_model()
