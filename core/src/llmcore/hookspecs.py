"""Plugin hooks (pluggy). A plugin's top module implements them:

.. code-block:: python

    from llmcore.hookspecs import hookimpl
    from llmcore.spec import Capabilities, ProviderSpec

    LLMCORE_PLUGIN_API = 1  # the plugin API this plugin speaks (see PLUGIN_API)

    @hookimpl
    def llmcore_providers():
        return [ProviderSpec(name="acme", factory="llmcore_acme.provider:AcmeProvider",
                             env_keys=("ACME_API_KEY",), base_url="https://api.acme.ai/v1")]

and declares it in ``pyproject.toml``::

    [project.entry-points.llmcore]
    acme = "llmcore_acme"

Keep that module tiny: discovery imports it for ``llmcore providers list``;
import SDKs and codecs only from the factory.

Versions: a plugin states the plugin API it speaks in its top module
(``LLMCORE_PLUGIN_API = 1``; a module without it speaks API 1, the first) and the
core releases it is built for in its dependencies (``llmcore-core>=0.1.0,<0.2``:
up to the next release that may break plugins). Discovery lists a plugin whose
API this core does not speak as ``broken: <reason>`` and loads none of its
providers, so the mismatch shows in ``llmcore providers list``, not at call time.
"""

from __future__ import annotations

from typing import Any

import pluggy

from .spec import ProviderSpec

__all__ = [
    "PLUGIN_API",
    "OLDEST_PLUGIN_API",
    "hookspec",
    "hookimpl",
    "llmcore_providers",
    "llmcore_usage",
    "llmcore_local_models",
    "llmcore_local_embedding_models",
]

#: The plugin API this core speaks: the hooks below, ProviderSpec, the provider protocol
#: (llmcore.provider) and the helpers of llmcore.pluginkit. Raised when a change would
#: break a plugin built for the previous one.
PLUGIN_API = 1
#: The oldest plugin API this core still loads.
OLDEST_PLUGIN_API = 1

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


@hookspec
def llmcore_local_embedding_models() -> list[str]:  # type: ignore[empty-body]
    """Like :func:`llmcore_local_models`, for embedding models: the names this plugin can
    embed with on this machine with no key and no network, best first. Used by
    ``llmcore.embedding_model()`` and ``llmcore embed`` when no model is named. Must be
    cheap: look for files, do not load models."""
