"""Plugin hooks (pluggy). A plugin's top module implements them:

.. code-block:: python

    from llmcore.hookspecs import hookimpl
    from llmcore.spec import Capabilities, ProviderSpec

    @hookimpl
    def llmcore_providers():
        return [ProviderSpec(name="acme", factory="llmcore_acme.provider:AcmeProvider",
                             env_keys=("ACME_API_KEY",), base_url="https://api.acme.ai/v1")]

and declares it in ``pyproject.toml``::

    [project.entry-points.llmcore]
    acme = "llmcore_acme"

Keep that module tiny: discovery imports it for ``llmcore providers list``;
import SDKs and codecs only from the factory.
"""

from __future__ import annotations

from typing import Any

import pluggy

from .spec import ProviderSpec

__all__ = ["hookspec", "hookimpl", "llmcore_providers", "llmcore_usage", "llmcore_local_models"]

hookspec = pluggy.HookspecMarker("llmcore")
hookimpl = pluggy.HookimplMarker("llmcore")


@hookspec
def llmcore_providers() -> list[ProviderSpec]:  # type: ignore[empty-body]
    """Return the providers this plugin offers (declarative; no network)."""


@hookspec
def llmcore_usage(record: Any) -> None:
    """Receive the usage of every call completed through the facade: an
    :class:`llmcore.usage.UsageRecord` (provider, model, key id, tokens,
    cost, cached, latency). Called synchronously after each call, cache hits
    included; keep it cheap. An implementation that raises is logged and
    ignored. In-process plugins registered with
    :func:`llmcore.plugins.register` receive it too."""


@hookspec
def llmcore_local_models() -> list[str]:  # type: ignore[empty-body]
    """Return the model names (``"provider/model"``) this plugin can run on
    this machine with no key and no network, best first — e.g. a model file
    that is installed. Used to pick the default model when none is
    configured (:mod:`llmcore.defaults`). Must be cheap: look for files, do
    not load models, import no SDK."""
