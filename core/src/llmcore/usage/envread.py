"""Environment variables read on every call, cheaply.

``os.environ.get`` encodes the name and decodes the value (~1-3 µs with the
``Mapping.get`` wrapper); the per-call checks (the usage log's setting, the
context check's switch) only need to notice that a value *changed* and
memoise what they derived from it. :class:`EnvVars` reads the values as
``os.environ`` stores them (bytes on POSIX, under the encoded name: ~0.05 µs
each) for use as memo keys. Both ``encodekey`` and ``_data`` are private to
``os``, so each is checked (once, and on every read: ``os.environ`` may be
replaced, e.g. by a test) with ``os.environ.get`` as the fallback, which gives
keys of another type, so a memo built on one path is never mistaken for the other.
"""

from __future__ import annotations

import os

__all__ = ["EnvVars"]


class EnvVars:
    """A fixed set of variable names whose current values :meth:`stored` returns as a memo key."""

    __slots__ = ("_keys", "names")

    def __init__(self, *names: str) -> None:
        self.names = names
        try:
            self._keys: tuple[object, ...] | None = tuple(
                os.environ.encodekey(n)  # type: ignore[attr-defined]
                for n in names
            )
        except Exception:  # pragma: no cover - an os.environ without encodekey
            self._keys = None

    def stored(self) -> tuple[object, ...]:
        """The variables' values as stored (``None`` when unset): equal tuples mean equal values."""
        data = getattr(os.environ, "_data", None)
        if self._keys is not None and type(data) is dict:
            return tuple(map(data.get, self._keys))
        return ("env", *map(os.environ.get, self.names))  # pragma: no cover - os.environ replaced
