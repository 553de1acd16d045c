"""``loads`` for provider responses and stream events: orjson when installed, else json.

``pip install 'llmcore-core[speedups]'`` adds orjson, which parses a response body
or a stream chunk about three times faster than :func:`json.loads` (see
docs/performance.md). Whatever orjson refuses (NaN or Infinity literals, lone
surrogates, …) is parsed again by :func:`json.loads`, which returns what it
always did or raises its own ``ValueError``. One difference remains: an
integer wider than 64 bits (beyond ±2**64, none in any provider's envelope)
comes back as a ``float`` from orjson. Tool-call arguments and structured
output are parsed elsewhere, by :mod:`json`/pydantic. Request bodies are
still written by :mod:`json` (orjson writes NaN as ``null``, which would
change what is sent).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads", "HAVE_ORJSON"]

try:
    import orjson as _orjson
except ImportError:  # the plain json module does the work
    _orjson = None  # type: ignore[assignment]

#: whether orjson is doing the parsing
HAVE_ORJSON = _orjson is not None

if _orjson is None:

    def loads(data: str | bytes) -> Any:
        """Parse one JSON document (``json.loads``)."""
        return json.loads(data)

else:
    _oloads = _orjson.loads
    _OError = _orjson.JSONDecodeError

    def loads(data: str | bytes) -> Any:
        """Parse one JSON document (orjson, falling back to ``json.loads``)."""
        try:
            return _oloads(data)
        except _OError:
            return json.loads(data)
