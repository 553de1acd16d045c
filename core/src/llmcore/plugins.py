"""Plugin discovery: entry points in group ``llmcore``, managed by pluggy.

* Only each plugin's top module is imported (no SDK, no network).
* A plugin that fails to import, or whose hook raises or returns the wrong shape
  (``llmcore_providers`` at discovery, ``llmcore_local_models`` when it is
  called), is recorded as broken with its reason (``broken: <reason>`` in
  ``llmcore providers list``); the others keep working.
* A plugin whose top module declares a plugin API this core does not speak
  (``LLMCORE_PLUGIN_API``, see :mod:`llmcore.hookspecs`) is broken too, with a
  reason that says which side to upgrade; none of its providers load.
* ``LLMCORE_PLUGINS`` (comma-separated entry-point or distribution names)
  limits which plugins load; set it empty to load none. A name with a leading
  ``-`` leaves that plugin out (``LLMCORE_PLUGINS=-acme-extra``: every plugin
  but that one; the exclusions also apply to in-process plugins).
* Two plugins registering the same provider name (a *clash*): one is used, by
  a fixed rule, whatever the order Python lists them in: the provider's own
  package (``llmcore-<name>``) first, then an installed plugin before one
  registered in-process, then the package name, then the plugin name
  (alphabetical). The others are ignored for that name (their other providers
  still load; they are not broken) and both sides are listed in
  :attr:`Registry.clashes`, so ``llmcore providers list`` shows the clash on
  both rows with the ``LLMCORE_PLUGINS`` setting that picks the other one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from typing import Any

from .names import normalize
from .spec import ProviderSpec

__all__ = [
    "ENTRY_POINT_GROUP",
    "Clash",
    "PluginInfo",
    "Registry",
    "get_registry",
    "hook_error",
    "plugin_api_error",
    "register",
    "reset",
]

ENTRY_POINT_GROUP = "llmcore"


@dataclass
class PluginInfo:
    """One plugin (an entry point or a module registered in-process)."""

    name: str
    distribution: str
    version: str
    error: str | None = None
    providers: list[str] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return self.error is not None


@dataclass(frozen=True)
class Clash:
    """Several plugins register provider ``name``: ``used`` won (``why``), ``ignored`` did not."""

    name: str
    used: ProviderSpec
    used_plugin: str
    why: str
    ignored: tuple[tuple[str, ProviderSpec], ...]  # (plugin name, its spec)

    def fix_for(self, plugin: str) -> str:
        """The setting that makes ``plugin``'s provider the one used (drops the winner's plugin)."""
        return f"LLMCORE_PLUGINS=-{self.used_plugin}"

    def used_note(self) -> str:
        """For the winner's row: who else registers the name, and how to choose."""
        others = ", ".join(_who(plugin, spec) for plugin, spec in self.ignored)
        return (
            f"name clash: {others} also registers {self.name!r}, ignored ({_who(self.used_plugin, self.used)} "
            f"is used: {self.why}); to use the other, set {self.fix_for(self.ignored[0][0])}"
        )

    def ignored_note(self, plugin: str) -> str:
        """For an ignored plugin's row: who won, and how to choose this one."""
        return (
            f"ignored: name clash with {_who(self.used_plugin, self.used)}, which is used ({self.why}); "
            f"to use this one, set {self.fix_for(plugin)}"
        )


def _who(plugin: str, spec: ProviderSpec) -> str:
    """A plugin as users know it: its package (and version), else its plugin name."""
    if spec.distribution:
        return f"{spec.distribution} {spec.version}".strip()
    return f"in-process plugin {plugin!r}"


@dataclass
class Registry:
    """The result of discovery: providers by name and every plugin seen."""

    providers: dict[str, ProviderSpec] = field(default_factory=dict)
    plugins: list[PluginInfo] = field(default_factory=list)
    #: the pluggy plugin manager, to call other hooks (``pm.hook.llmcore_usage``)
    pm: Any = None
    #: aliases plugins declare (``ProviderSpec.aliases``, normalized) → provider name
    aliases: dict[str, str] = field(default_factory=dict)
    #: provider names several plugins register → who is used and who is ignored (see the module doc)
    clashes: dict[str, Clash] = field(default_factory=dict)
    #: a foreign distribution named ``llmcore`` installed here, described with the fix (see llmcore.foreign)
    foreign: str | None = None

    @property
    def broken(self) -> list[PluginInfo]:
        return [p for p in self.plugins if p.broken]

    def get(self, name: str) -> ProviderSpec | None:
        return self.providers.get(name)

    def plugin(self, name: str) -> PluginInfo | None:
        """The plugin registered as ``name`` (its entry point or in-process name)."""
        return next((p for p in self.plugins if p.name == name), None)

    def mark_broken(self, plugin: str, reason: str) -> None:
        """Record that ``plugin`` misbehaved (a hook raised or returned the wrong shape):
        its status becomes ``broken: <reason>``. The first reason is kept."""
        info = self.plugin(plugin)
        if info is None:
            info = PluginInfo(plugin, "", "")
            self.plugins.append(info)
        if info.error is None:
            info.error = reason


_lock = threading.Lock()
_registry: Registry | None = None
_extra: list[tuple[Any, str]] = []


def register(plugin: Any, name: str | None = None) -> None:
    """Register an in-process plugin (a module or object with hookimpls),
    e.g. in tests or notebooks. Takes effect on the next discovery."""
    global _registry
    with _lock:
        _extra.append((plugin, str(name or getattr(plugin, "__name__", None) or repr(plugin))))
        _registry = None


def reset() -> None:
    """Forget the cached discovery (and in-process registrations)."""
    global _registry
    with _lock:
        _registry = None
        _extra.clear()


def _selection() -> tuple[set[str] | None, set[str]]:
    """``(only these, not these)`` from ``LLMCORE_PLUGINS``: ``None`` for "all"; names with a
    leading ``-`` are left out (with no other name, every other plugin loads)."""
    raw = os.environ.get("LLMCORE_PLUGINS")
    if raw is None:
        return None, set()
    items = [x.strip() for x in raw.split(",") if x.strip()]
    exclude = {x[1:].strip() for x in items if x.startswith("-")}
    include = {x for x in items if not x.startswith("-")}
    if exclude and not include:
        return None, exclude
    return include, exclude


def _own_package(spec: ProviderSpec) -> bool:
    """``spec`` comes from the package named after it (``llmcore-<name>``)."""
    dist = spec.distribution.lower().replace("_", "-").replace(".", "-")
    return bool(dist) and dist == "llmcore-" + spec.name.lower().replace("_", "-")


def _precedence(plugin: str, spec: ProviderSpec, installed: bool) -> tuple[bool, bool, str, str]:
    """Sort key of the candidates for one provider name: the smallest is used."""
    return (not _own_package(spec), not installed, spec.distribution.lower(), plugin)


def _why(spec: ProviderSpec, installed: bool, others: list[tuple[str, ProviderSpec, bool]]) -> str:
    if _own_package(spec) and not any(_own_package(o) for _, o, _ in others):
        return f"it is the provider's own package, llmcore-{spec.name}"
    if installed and not all(i for _, _, i in others):
        return "an installed plugin comes before one registered in-process"
    return "the first by package name, then plugin name"


def _short_error(e: BaseException) -> str:
    msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__


def hook_error(hook: str, e: BaseException) -> str:
    """The ``broken:`` reason for a hook that raised ``e``: names the hook, then the error."""
    return f"{hook}() raised {_short_error(e)}"


def _shape(value: Any) -> str:
    """A short description of a hook's wrong return value (its type, and what a list holds)."""
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in value})
        return f"a {type(value).__name__} of {', '.join(kinds)}" if kinds else f"an empty {type(value).__name__}"
    return type(value).__name__ if value is not None else "None"


def check_local_models(value: Any, hook: str = "llmcore_local_models") -> list[str]:
    """What an ``llmcore_local_models`` (or ``llmcore_local_embedding_models``: ``hook``) hook
    returned, checked: a list (or tuple) of ``"provider/model"`` strings; ``None`` counts as
    none. Raises ``TypeError`` naming what was returned otherwise."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) and "/" in v.strip("/") for v in value):
        return list(value)
    raise TypeError(f"{hook}() returned {_shape(value)}, not a list of 'provider/model' strings")


def plugin_api_error(module: Any, dist: str) -> str | None:
    """Why core cannot load ``module`` (a plugin's top module) for the plugin API it declares
    (``LLMCORE_PLUGIN_API``; none declared: API 1), or ``None`` when it can."""
    from .hookspecs import OLDEST_PLUGIN_API, PLUGIN_API

    api = getattr(module, "LLMCORE_PLUGIN_API", 1)
    if isinstance(api, bool) or not isinstance(api, int):
        return f"LLMCORE_PLUGIN_API must be an int (the plugin API it speaks), not {api!r}"
    if OLDEST_PLUGIN_API <= api <= PLUGIN_API:
        return None
    speaks = f"API {PLUGIN_API}" if OLDEST_PLUGIN_API == PLUGIN_API else f"APIs {OLDEST_PLUGIN_API}-{PLUGIN_API}"
    who = dist or "the plugin"
    if api > PLUGIN_API:
        fix = "upgrade llmcore-core (pip install -U llmcore-core)"
    else:
        fix = f"upgrade {who} (pip install -U {dist})" if dist else f"upgrade {who}"
    return f"built for plugin API {api}; this llmcore-core speaks {speaks}: {fix}"


def _discover() -> Registry:
    import warnings
    from importlib.metadata import entry_points

    import pluggy

    from . import hookspecs
    from .foreign import ForeignPackageWarning, foreign_llmcore

    pm = pluggy.PluginManager("llmcore")
    pm.add_hookspecs(hookspecs)
    reg = Registry(pm=pm, foreign=foreign_llmcore())
    if reg.foreign:  # its files share our package folder: whatever fails next, this is the first thing to fix
        warnings.warn(reg.foreign, ForeignPackageWarning, stacklevel=3)
    allowed, excluded = _selection()
    infos: dict[str, PluginInfo] = {}
    installed: set[str] = set()

    for ep in entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else ""
        version = ep.dist.version if ep.dist is not None else ""
        if allowed is not None and ep.name not in allowed and dist not in allowed:
            continue
        if ep.name in excluded or dist in excluded:
            continue
        if ep.name in infos:  # same plugin installed twice (e.g. editable + wheel)
            continue
        info = PluginInfo(ep.name, dist, version)
        infos[ep.name] = info
        installed.add(ep.name)
        reg.plugins.append(info)
        try:
            module = ep.load()
            info.error = plugin_api_error(module, dist)
            if info.error is None:  # a plugin for another API registers nothing: no provider half-works
                pm.register(module, name=ep.name)
        except Exception as e:  # a broken plugin must not break the others
            info.error = _short_error(e)

    for obj, name in _extra:
        if name in excluded:
            continue
        info = PluginInfo(name, "", "")
        infos[name] = info
        reg.plugins.append(info)
        try:
            pm.register(obj, name=name)
        except Exception as e:
            info.error = _short_error(e)

    candidates: dict[str, list[tuple[str, ProviderSpec, bool]]] = {}
    for impl in pm.hook.llmcore_providers.get_hookimpls():
        info = infos.get(impl.plugin_name) or PluginInfo(impl.plugin_name, "", "")
        try:
            specs = impl.function()
        except Exception as e:
            info.error = _short_error(e)
            continue
        if not isinstance(specs, (list, tuple)) or not all(isinstance(s, ProviderSpec) for s in specs):
            info.error = f"llmcore_providers() returned {_shape(specs)}: it must return a list of ProviderSpec"
            continue
        for s in specs:
            s = s.with_dist(info.distribution, info.version)
            candidates.setdefault(s.name, []).append((impl.plugin_name, s, impl.plugin_name in installed))
    for name, found in candidates.items():
        ranked = sorted(found, key=lambda c: _precedence(*c))
        plugin, spec, is_installed = ranked[0]
        reg.providers[name] = spec
        if plugin in infos:
            infos[plugin].providers.append(name)
        if len(ranked) > 1:
            reg.clashes[name] = Clash(
                name, spec, plugin, _why(spec, is_installed, ranked[1:]), tuple((p, s) for p, s, _ in ranked[1:])
            )
    for s in reg.providers.values():
        for alias in s.aliases:
            a = normalize(alias)
            # a provider's own name always wins over another's alias; the first claim wins
            if a not in reg.providers and a not in reg.aliases:
                reg.aliases[a] = s.name
    return reg


def get_registry(refresh: bool = False) -> Registry:
    """The discovered providers (cached; ``refresh=True`` rediscovers)."""
    global _registry
    with _lock:
        if _registry is None or refresh:
            _registry = _discover()
        return _registry
