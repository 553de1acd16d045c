"""Build a provider from its spec: import the plugin's factory and call it.

Its own module (not the facade's) so that middleware that builds providers (the
key pool: one provider per key) and the batch API need not import the facade,
which imports them: no import cycle (core/tests/test_import_graph.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .provider import Provider
    from .spec import ProviderSpec

__all__ = ["load_provider"]


def load_provider(spec: ProviderSpec, **connection: Any) -> Provider:
    """Import ``spec.factory`` and build the provider (errors are typed)."""
    from .provider import ProviderConfig

    options = connection.pop("options", {}) or {}
    config = ProviderConfig(**connection, options=options)
    module_name, _, attr = spec.factory.partition(":")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as e:
        raise ConfigurationError(
            f"provider {spec.name!r} cannot be loaded from {spec.factory!r}: {e}", provider=spec.name
        ) from e
    return factory(config)  # type: ignore[no-any-return]
