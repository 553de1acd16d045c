"""The model catalogue: per (provider, model) limits, capabilities and prices.

Data: a dated snapshot shipped in this package (``data/catalogue.json.gz``),
built from `genai-prices` (prices) and models.dev (limits, capabilities;
a price where genai-prices has none) by :mod:`.build`. ``llmcore models
update`` rebuilds it into the user's data folder only when asked; nothing
touches the network at import or on a call. Read on the first lookup
(~20 ms once), then each ``(provider, model)`` answer is cached (a lookup
is a dict hit, well under 5 µs).

Resolution of a model id (:func:`lookup`), first hit wins, for the id as
given and its provider spellings (Bedrock ``us.anthropic.claude-…-v1:0``
and ARNs, Vertex ``claude-…@20250929``, ``models/gemini-…``, OpenRouter /
Hugging Face ``org/model:variant``, Fireworks ``accounts/fireworks/models/…``):
the exact id or one of its alternative ids (case-insensitive), a user
alias, genai-prices' match rules, then the longest known id it extends
with a date or version suffix (``gpt-4o-2024-08-06`` → ``gpt-4o``).

Overrides, strongest first: :func:`add_models` / :func:`add_aliases` (code),
the JSON file named by ``$LLMCORE_MODELS`` (read on the first lookup; call
:func:`reload` after changing the variable or the file) (``{"<provider>": {"models":
{"<id>": {...}}, "aliases": {"<my-deployment>": "<id>"}}}`` — an Azure
deployment mapped to its model, a fine-tune, a self-hosted model), then the
entries a plugin ships for its own models (``ProviderSpec.catalogue``, a
``llmcore-models/1`` file whose every entry names its source; see
:func:`load_plugin_entries`), then the snapshot (the user's refreshed one when
newer than the shipped one). A Hugging Face router name with its serving
provider (``org/model:cohere``) the Hugging Face data lacks takes that
provider's entry.
Prices: a plugin's own ``prices.json`` and the user's price overrides
(:mod:`llmcore.usage.prices`) keep priority over the catalogue's price.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError

__all__ = [
    "ModelInfo",
    "lookup",
    "models",
    "providers",
    "add_models",
    "add_aliases",
    "clear_overrides",
    "snapshot_info",
    "snapshot_path",
    "user_snapshot_path",
    "reload",
    "load_plugin_entries",
]

_SHIPPED = Path(__file__).parent / "data" / "catalogue.json.gz"


@dataclass(frozen=True)
class ModelInfo:
    """One model of one provider. ``None``: the data does not say."""

    provider: str
    id: str
    name: str | None = None
    context_window: int | None = None
    max_input_tokens: int | None = None
    max_output_tokens: int | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    tools: bool | None = None
    reasoning: bool | None = None
    structured_output: bool | None = None
    attachment: bool | None = None
    open_weights: bool | None = None
    release_date: str | None = None
    knowledge_cutoff: str | None = None
    deprecated: bool = False
    #: the price entry (USD per 1M tokens, :mod:`llmcore.usage.prices` format), or ``None``
    price: Mapping[str, Any] | None = None
    #: where each part came from: ``{"price": "genai-prices:openai", "limits": "models.dev:openai"}``
    sources: Mapping[str, str] = field(default_factory=dict)
    #: other ids the data knows this model by (dated snapshots)
    ids: tuple[str, ...] = ()

    @classmethod
    def from_entry(cls, provider: str, mid: str, e: Mapping[str, Any]) -> ModelInfo:
        def _int(k: str) -> int | None:
            v = e.get(k)
            return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 else None

        def _bool(k: str) -> bool | None:
            v = e.get(k)
            return v if isinstance(v, bool) else None

        price = e.get("price")
        return cls(
            provider=provider,
            id=mid,
            name=e.get("name") if isinstance(e.get("name"), str) else None,
            context_window=_int("context"),
            max_input_tokens=_int("max_input"),
            max_output_tokens=_int("max_output"),
            input_modalities=tuple(e.get("in") or ()),
            output_modalities=tuple(e.get("out") or ()),
            tools=_bool("tools"),
            reasoning=_bool("reasoning"),
            structured_output=_bool("structured_output"),
            attachment=_bool("attachment"),
            open_weights=_bool("open_weights"),
            release_date=e.get("released"),
            knowledge_cutoff=e.get("knowledge"),
            deprecated=bool(e.get("deprecated")),
            price=dict(price) if isinstance(price, Mapping) else None,
            sources=dict(e.get("src") or {}),
            ids=tuple(e.get("ids") or ()),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (as ``llmcore models show --json`` prints it)."""
        from dataclasses import asdict

        d = asdict(self)
        d["input_modalities"] = list(self.input_modalities)
        d["output_modalities"] = list(self.output_modalities)
        d["ids"] = list(self.ids)
        return d


class _Provider:
    """One provider's section, indexed for resolution."""

    def __init__(self, name: str, section: Mapping[str, Any]) -> None:
        from .match import compile_clause

        self.name = name
        self.entries: dict[str, Mapping[str, Any]] = dict(section.get("models") or {})
        self.exact: dict[str, str] = {}
        for mid, e in self.entries.items():
            self.exact.setdefault(mid.lower(), mid)
            for alt in e.get("ids") or ():
                self.exact.setdefault(str(alt).lower(), mid)
        # "org/Model" ids are also found by "Model" where only one org has it (SambaNova, Hugging Face spellings)
        tails: dict[str, set[str]] = {}
        for mid in self.entries:
            if "/" in mid:
                tails.setdefault(mid.rsplit("/", 1)[1].lower(), set()).add(mid)
        for tail, owners in tails.items():
            if len(owners) == 1:
                self.exact.setdefault(tail, next(iter(owners)))
        for alias, target in (section.get("aliases") or {}).items():
            if target in self.entries:
                self.exact[alias.lower()] = target
        self.match = [(compile_clause(c), mid) for c, mid in section.get("match") or () if mid in self.entries]
        self.by_len = sorted(self.exact, key=len, reverse=True)

    def find(self, name: str) -> str | None:
        low = name.lower()
        hit = self.exact.get(low)
        if hit is not None:
            return hit
        for fn, mid in self.match:
            if fn(low):
                return mid
        from ..usage.prices import _SUFFIX

        for known in self.by_len:
            if low.startswith(known) and len(low) > len(known) and _SUFFIX.fullmatch(low[len(known) :]):
                return self.exact[known]
        return None


class _Sections(dict):  # type: ignore[type-arg]
    """provider -> :class:`_Provider`, each composed and indexed on first use (most
    processes ask about one or two providers; indexing all costs ~100 ms).

    Layers, weakest first: the snapshot, the plugin's own entries
    (``ProviderSpec.catalogue``), the ``$LLMCORE_MODELS`` file, then code
    (:func:`add_models` / :func:`add_aliases`)."""

    def __init__(
        self, raw: dict[str, dict[str, Any]], user_layers: list[tuple[dict[str, Any], dict[str, Any]]]
    ) -> None:
        super().__init__()
        self.raw = raw
        self.user_layers = user_layers

    def get(self, name: str, default: Any = None) -> Any:
        hit = dict.get(self, name)
        if hit is None:
            section = self._compose(name)
            if section is not None:
                hit = self[name] = _Provider(name, section)
        return hit if hit is not None else default

    def _compose(self, name: str) -> dict[str, Any] | None:
        snap = self.raw.get(name)
        plugin = _plugin_section(name)
        users = [(m.get(name), a.get(name)) for m, a in self.user_layers]
        if snap is None and plugin is None and not any(m or a for m, a in users):
            return None
        sec: dict[str, Any] = {
            "models": dict((snap or {}).get("models") or {}),
            "match": list((snap or {}).get("match") or []),
            "aliases": dict((snap or {}).get("aliases") or {}),
        }
        layers: list[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None, dict[str, str] | None]] = []
        if plugin is not None:
            layers.append((plugin["models"], plugin["aliases"], None))
        layers.extend((m, a, {"user": "override"}) for m, a in users)
        for models_, aliases, tag in layers:
            for mid, e in (models_ or {}).items():
                base = dict(sec["models"].get(mid) or {})
                src = {**(base.get("src") or {}), **(e.get("src") or {}), **(tag or {})}
                base.update(e)
                base["src"] = src
                sec["models"][mid] = base
                if "price" in e:  # the layer's price wins over a snapshot match rule naming the same id
                    sec["match"] = [m for m in sec["match"] if m[1] != mid]
            sec["aliases"].update(aliases or {})
        return sec

    def names(self) -> list[str]:
        out = set(self.raw)
        for m, a in self.user_layers:
            out.update(m)
            out.update(a)
        out.update(_plugin_providers())
        return sorted(out)


PLUGIN_FORMAT = "llmcore-models/1"


def _plugin_providers() -> list[str]:
    """Installed providers that ship catalogue entries (``ProviderSpec.catalogue``)."""
    from ..plugins import get_registry

    return [name for name, spec in get_registry().providers.items() if getattr(spec, "catalogue", None)]


def _plugin_section(provider: str) -> dict[str, Any] | None:
    """The entries ``provider``'s plugin ships (``None``: none, or no such plugin)."""
    from ..plugins import get_registry

    spec = get_registry().get(provider)
    resource = getattr(spec, "catalogue", None) if spec is not None else None
    if not resource:
        return None
    try:
        return load_plugin_entries(resource)
    except ConfigurationError as e:  # a plugin's bad file: its models are unknown, never a wrong price
        import logging

        logging.getLogger("llmcore.catalogue").warning("catalogue entries of %s unusable: %s", provider, e)
        return None


def load_plugin_entries(resource: str) -> dict[str, Any]:
    """Read and check a plugin's catalogue file (``"package:models.json"``, format
    ``llmcore-models/1``)::

        {"format": "llmcore-models/1", "as_of": "2026-12-04",
         "models": {"palmyra-x5": {"context": 1040000, "max_output": 8192,
                                   "price": {"input": 0.6, "output": 6.0},
                                   "source": "https://dev.writer.com/home/pricing"}},
         "aliases": {"palmyra-x5-latest": "palmyra-x5"}}

    Every entry names its ``source`` (where its numbers were read); the
    entry's ``src`` says ``plugin:<resource> <source> (as of <date>)``.
    Raises :class:`ConfigurationError` on a bad file."""
    from importlib import resources

    from ..usage.prices import Price

    package, sep, path = resource.partition(":")
    if not sep or not package or not path:
        raise ConfigurationError(f"catalogue resource {resource!r} must look like 'package:file.json'")
    try:
        data = json.loads(resources.files(package).joinpath(path).read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError) as e:
        raise ConfigurationError(f"cannot read catalogue entries {resource!r}: {e}") from None
    if not isinstance(data, dict) or data.get("format") != PLUGIN_FORMAT:
        raise ConfigurationError(f"{resource}: not an {PLUGIN_FORMAT} file")
    as_of = data.get("as_of")
    models_raw = data.get("models")
    if not isinstance(as_of, str) or not isinstance(models_raw, dict):
        raise ConfigurationError(f"{resource} needs 'as_of' (a date) and 'models'")
    models_: dict[str, dict[str, Any]] = {}
    for mid, raw in models_raw.items():
        if not isinstance(raw, dict) or not isinstance(raw.get("source"), str) or not raw["source"]:
            raise ConfigurationError(f"{resource}: {mid} must be an object naming its 'source'")
        entry = {k: v for k, v in raw.items() if k not in ("source", "note")}
        where = f"plugin:{resource} {raw['source']} (as of {as_of})"
        src: dict[str, str] = {}
        if entry.get("price") is not None:
            Price.from_dict(entry["price"], f"{resource}: {mid} price")
            src["price"] = where
        if any(k in entry for k in ("context", "max_input", "max_output")):
            src["limits"] = where
        entry["src"] = src
        models_[mid] = entry
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict) or any(t not in models_ for t in aliases.values()):
        raise ConfigurationError(f"{resource}: 'aliases' must map names to the file's own models")
    return {"models": models_, "aliases": dict(aliases)}


_lock = threading.Lock()
_state: dict[str, Any] = {}
_found: dict[tuple[str, str], ModelInfo | None] = {}
_user_models: dict[str, dict[str, Mapping[str, Any]]] = {}
_user_aliases: dict[str, dict[str, str]] = {}


def user_snapshot_path() -> Path:
    """Where ``llmcore models update`` writes a refreshed snapshot."""
    from ..paths import data_dir

    return data_dir() / "catalogue.json.gz"


def snapshot_path() -> Path:
    """The snapshot in use: the user's refreshed one if it is newer than the shipped one."""
    user = user_snapshot_path()
    try:
        if user.is_file() and _read(user).get("built", "") >= _read(_SHIPPED).get("built", ""):
            return user
    except (OSError, ValueError, ConfigurationError):
        pass
    return _SHIPPED


def _read(path: Path) -> dict[str, Any]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError, EOFError) as e:
        raise ConfigurationError(
            f"the model catalogue {path} is unreadable ({e}); run `llmcore models update` or remove it"
        ) from None
    if not isinstance(data, dict) or data.get("format") != "llmcore-catalogue/1":
        raise ConfigurationError(f"{path} is not an llmcore-catalogue/1 snapshot")
    return data


def _user_file() -> dict[str, Any]:
    path = os.environ.get("LLMCORE_MODELS")
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ConfigurationError(f"LLMCORE_MODELS={path!r} is not a readable JSON file: {e}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ConfigurationError(
            f'LLMCORE_MODELS={path!r} must be {{"<provider>": {{"models": {{...}}, "aliases": {{...}}}}}}'
        )
    return data


def _loaded() -> dict[str, Any]:
    env = os.environ.get("LLMCORE_MODELS")
    with _lock:
        if _state.get("env") == env and "providers" in _state:
            return _state
    path = snapshot_path()
    data = _read(path)
    sections: dict[str, dict[str, Any]] = dict(data.get("providers") or {})
    # user layers, weakest first: the file, then code; composed per provider on first use
    user_file = _user_file()
    with _lock:
        code_models = {p: dict(ms) for p, ms in _user_models.items()}
        code_aliases = {p: dict(al) for p, al in _user_aliases.items()}
    user_layers = [
        (
            {p: s.get("models") or {} for p, s in user_file.items()},
            {p: s.get("aliases") or {} for p, s in user_file.items()},
        ),
        (code_models, code_aliases),
    ]
    provs = _Sections(sections, user_layers)
    with _lock:
        _state.clear()
        _state.update(
            env=env, providers=provs, meta={k: v for k, v in data.items() if k != "providers"}, path=str(path)
        )
        _found.clear()
    return _state


def reload() -> None:
    """Forget what was read (the next lookup reads the snapshot and overrides again;
    prices already looked up through :mod:`llmcore.usage.prices` are forgotten too)."""
    with _lock:
        _state.clear()
        _found.clear()
    _prices_changed()


def add_models(provider: str, entries: Mapping[str, Mapping[str, Any]]) -> None:
    """Add or override ``provider``'s models in this process, in the snapshot's
    entry format: ``add_models("vllm", {"my-llama": {"context": 8192,
    "price": {"input": 0.1, "output": 0.2}}})`` (keys: ``name``, ``context``,
    ``max_input``, ``max_output``, ``in``, ``out``, ``tools``, ``reasoning``,
    ``structured_output``, ``price``)."""
    from ..usage.prices import Price

    for mid, e in entries.items():
        if not isinstance(e, Mapping):
            raise ConfigurationError(f"catalogue entry {provider}/{mid} must be an object")
        if e.get("price") is not None:
            Price.from_dict(e["price"], f"{provider}/{mid} price")  # fail now, not on a call
    with _lock:
        _user_models.setdefault(provider, {}).update({k: dict(v) for k, v in entries.items()})
    reload()


def add_aliases(provider: str, aliases: Mapping[str, str]) -> None:
    """Map names to catalogue models, e.g. an Azure deployment to its model:
    ``add_aliases("azure", {"prod-chat": "gpt-4o"})``."""
    with _lock:
        _user_aliases.setdefault(provider, {}).update(aliases)
    reload()


def clear_overrides() -> None:
    """Forget :func:`add_models` / :func:`add_aliases`."""
    with _lock:
        _user_models.clear()
        _user_aliases.clear()
    reload()


def _prices_changed() -> None:
    from ..usage import prices

    with prices._lock:
        prices._found.clear()
        prices._version[0] += 1


_REGION = re.compile(r"^(?:us|eu|apac|ap|global|us-gov|ca|jp|au)\.")
_BEDROCK_VER = re.compile(r"(?:-v\d+(?::\d+)?|:\d+)$")


def _spellings(provider: str, model: str) -> list[str]:
    """The id as given, then the forms the catalogue may know it by."""
    out = [model]

    def add(s: str) -> None:
        if s and s not in out:
            out.append(s)

    m = model
    if m.startswith("arn:"):
        m = m.rsplit("/", 1)[-1]
        add(m)
    if m.startswith("models/"):
        m = m[len("models/") :]
        add(m)
    if "@" in m and not m.startswith("@"):  # Vertex: claude-sonnet-4-5@20250929
        add(m.replace("@", "-"))
        add(m.split("@", 1)[0])
    reg = _REGION.sub("", m)
    if reg != m:
        add(reg)
    for s in list(out):
        stripped = _BEDROCK_VER.sub("", s)
        if stripped != s and provider == "bedrock":
            add(stripped)
    for s in list(out):
        if ":" in s and "/" in s.split(":", 1)[0]:  # org/model:free, org/model:together
            add(s.split(":", 1)[0])
    if provider == "sambanova":  # SambaNova names Meta's models "Meta-Llama-3.3-70B-Instruct"
        for s in list(out):
            if s.lower().startswith("meta-llama-"):
                add(s[len("meta-") :])
    keeps_org = provider in ("openrouter", "huggingface", "together", "novita", "sambanova")
    for s in list(out):
        if (s.startswith("accounts/") and "/models/" in s) or ("/" in s and not keeps_org):
            add(s.rsplit("/", 1)[-1])
        if provider == "bedrock" and "." in s and not s.startswith("arn"):
            add(s.split(".", 1)[1])  # anthropic.claude-… -> claude-…
    return out


def lookup(provider: str, model: str) -> ModelInfo | None:
    """What the catalogue knows about ``provider``'s ``model`` (``None``: nothing)."""
    key = (provider, model)
    hit = _found.get(key, _MISSING)
    if hit is not _MISSING:  # the hot path: one dict hit (reload() and the overrides clear it)
        return hit  # type: ignore[return-value]
    state = _loaded()
    prov: _Provider | None = state["providers"].get(provider)
    found: ModelInfo | None = None
    if prov is not None:
        for name in _spellings(provider, model):
            mid = prov.find(name)
            if mid is not None:
                found = ModelInfo.from_entry(provider, mid, prov.entries[mid])
                break
    if found is None and provider == "huggingface":
        found = _via_router(model)
    with _lock:
        if len(_found) > 8192:
            _found.clear()
        _found[key] = found
    return found


_MISSING = object()

#: Hugging Face router suffixes (``org/model:cohere``) -> the llmcore provider serving the call;
#: the router bills the provider's own rates (no markup), so that provider's entry applies
_HF_ROUTED = {
    "cohere": "cohere",
    "groq": "groq",
    "together": "together",
    "fireworks-ai": "fireworks",
    "sambanova": "sambanova",
    "novita": "novita",
    "cerebras": "cerebras",
}


def _via_router(model: str) -> ModelInfo | None:
    """``org/model:provider`` on the Hugging Face router: the serving provider's entry."""
    head, sep, suffix = model.rpartition(":")
    target = _HF_ROUTED.get(suffix.lower()) if sep and "/" in head else None
    if target is None:
        return None
    info = lookup(target, head) or lookup(target, head.rsplit("/", 1)[1])
    if info is None:
        return None
    from dataclasses import replace

    return replace(info, sources={**info.sources, "via": f"huggingface router -> {target}"})


def models(provider: str | None = None) -> Iterator[ModelInfo]:
    """Every model in the catalogue (of ``provider``), sorted by provider then id."""
    state = _loaded()
    for pname in state["providers"].names():
        if provider is not None and pname != provider:
            continue
        prov = state["providers"].get(pname)
        for mid in sorted(prov.entries):
            yield ModelInfo.from_entry(pname, mid, prov.entries[mid])


def providers() -> list[str]:
    """The providers the catalogue has models for."""
    return list(_loaded()["providers"].names())


def snapshot_info() -> dict[str, Any]:
    """Where the data came from: ``{"path", "built", "sources"}``."""
    state = _loaded()
    return {"path": state["path"], **state["meta"]}
