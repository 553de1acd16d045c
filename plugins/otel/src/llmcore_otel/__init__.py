"""OpenTelemetry GenAI traces and metrics for llmcore.

.. code-block:: python

    import llmcore_otel

    llmcore_otel.instrument()   # the global tracer and meter providers (set up by your SDK)

or ``opentelemetry-instrument python app.py`` (the ``opentelemetry_instrumentor``
entry point ``llmcore``). Depends on ``opentelemetry-api`` only: without an SDK
the spans and metrics are no-ops. Message content is recorded only with
``capture_content=True`` or ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true``.
See docs/observability.md.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from opentelemetry.instrumentation.instrumentor import BaseInstrumentor  # type: ignore[attr-defined]

__all__ = ["LLMCoreInstrumentor", "instrument", "uninstrument", "__version__"]

__version__ = "0.1.0"
#: the semantic conventions version the attribute names follow (GenAI: gen_ai.provider.name, 1.37 and later)
_SCHEMA = "https://opentelemetry.io/schemas/1.37.0"


class LLMCoreInstrumentor(BaseInstrumentor):  # type: ignore[misc]
    """The OpenTelemetry instrumentor of llmcore (a singleton, like every
    ``BaseInstrumentor``). ``instrument(tracer_provider=..., meter_provider=...,
    capture_content=...)``; each left out: the global provider, the environment."""

    _observer: Any = None

    def instrumentation_dependencies(self) -> Collection[str]:
        # llmcore-core is a hard dependency of this distribution: nothing to check at run time
        return ()

    def _instrument(self, **kwargs: Any) -> None:
        from llmcore import observe
        from opentelemetry import metrics, trace

        from . import _content
        from ._observer import Instruments, OtelObserver

        tracer = trace.get_tracer(__name__, __version__, kwargs.get("tracer_provider"), schema_url=_SCHEMA)
        meter = metrics.get_meter(__name__, __version__, kwargs.get("meter_provider"), schema_url=_SCHEMA)
        capture = kwargs.get("capture_content")
        if capture is None:
            capture = _content.capture_from_env()
        self._observer = OtelObserver(tracer, Instruments(meter), bool(capture))
        observe.set_observer(self._observer)

    def _uninstrument(self, **kwargs: Any) -> None:
        from llmcore import observe

        if observe.get_observer() is getattr(self, "_observer", None):
            observe.set_observer(None)
        self._observer = None


def instrument(*, tracer_provider: Any = None, meter_provider: Any = None, capture_content: bool | None = None) -> None:
    """Trace and measure every llmcore call from now on (a no-op when already on).
    ``capture_content``: record prompts and answers (default: off, unless
    ``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`` is ``true``)."""
    LLMCoreInstrumentor().instrument(
        tracer_provider=tracer_provider, meter_provider=meter_provider, capture_content=capture_content
    )


def uninstrument() -> None:
    """Stop tracing llmcore calls (calls already running finish their spans)."""
    LLMCoreInstrumentor().uninstrument()
