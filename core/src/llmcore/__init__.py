"""llmcore: one interface to every LLM provider.

>>> import llmcore
>>> m = llmcore.model("openai/gpt-4.1-mini", temperature=0.2)
>>> m.chat("Why is the sky blue?").text

Importing this package is cheap: types, HTTP and plugins load on first use.
"""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: importing typing costs ~7 ms and
# this module must import in about one.
TYPE_CHECKING = False

__version__ = "0.1.0"

if TYPE_CHECKING:
    from typing import Any

    from .errors import *  # noqa: F403
    from .events import *  # noqa: F403
    from .facade import Model as Model
    from .facade import model as model
    from .spec import Capabilities as Capabilities
    from .spec import ProviderSpec as ProviderSpec
    from .types import *  # noqa: F403

_LAZY = {
    "model": "facade",
    "Model": "facade",
    "ProviderSpec": "spec",
    "Capabilities": "spec",
    "hookimpl": "hookspecs",
    "get_registry": "plugins",
    "resolve_model": "resolve",
}
_MODULES = ("types", "events", "errors")


def __getattr__(name: str) -> Any:
    import importlib

    mod = _LAZY.get(name)
    if mod is not None:
        return getattr(importlib.import_module(f".{mod}", __name__), name)
    for m in _MODULES:
        module = importlib.import_module(f".{m}", __name__)
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'llmcore' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
