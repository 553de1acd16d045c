"""Reliability middleware: each layer wraps a provider and is a provider.

Compose them with ``llmcore.model(..., middleware=[...])`` or the facade's
shortcuts (``retry=``).
"""

from __future__ import annotations

from .base import ProviderWrapper
from .retry import Retry, RetryPolicy

__all__ = ["ProviderWrapper", "Retry", "RetryPolicy"]
