"""Partial JSON: progressively more complete values from a growing text.

:func:`parse_partial` uses pydantic-core's own tolerant parser
(``pydantic_core.from_json(..., allow_partial=...)``, the jiter parser that
pydantic already ships), so there is no extra dependency. An unfinished
string is kept as far as it arrived (``"trailing-strings"``, pydantic-core
>= 2.27; older versions drop it); an unfinished number, ``true``/``false``/
``null`` or key is left out until it is complete.

:class:`PartialTracker` follows a stream: it gathers the text deltas (JSON
modes) or the argument deltas of one named tool call (tool mode) and parses
on demand, so following a stream costs one string append per event.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["parse_partial", "extract_json_text", "PartialTracker"]

_PARTIAL_MODE: Any = "trailing-strings"


def extract_json_text(text: str) -> str:
    """The JSON part of a model's answer: leading prose and a Markdown code
    fence (```json … ```) are skipped; parsing starts at the first ``{``/``[``."""
    s = text.lstrip()
    if s.startswith("```"):
        newline = s.find("\n")
        s = s[newline + 1 :] if newline >= 0 else ""
        end = s.rfind("```")
        if end >= 0:
            s = s[:end]
    starts = [i for i in (s.find("{"), s.find("[")) if i >= 0]
    if not starts:
        return s.strip()
    return s[min(starts) :].rstrip()


_TRAILING_NUMBER = re.compile(r"-?[0-9][0-9.eE+-]*$|-$")


def _cut_unfinished_number(s: str) -> str:
    """Drop a number at the very end (outside strings): it may still grow
    (``3`` → ``36``, ``9.`` → ``9.5``), so it appears only once complete."""
    m = _TRAILING_NUMBER.search(s)
    if m is None:
        return s
    in_string = escaped = False
    for ch in s[: m.start()]:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = in_string
        elif ch == '"':
            in_string = not in_string
    return s if in_string else s[: m.start()]


def parse_partial(text: str) -> Any:
    """The value so far of a JSON text that may be cut anywhere, or ``None``
    when nothing usable has arrived yet. Never raises."""
    global _PARTIAL_MODE
    from pydantic_core import from_json

    s = _cut_unfinished_number(extract_json_text(text))
    if not s:
        return None
    try:
        return from_json(s, allow_partial=_PARTIAL_MODE)
    except TypeError:  # pydantic-core < 2.27: only True/False
        _PARTIAL_MODE = True
        return parse_partial(text)
    except ValueError:
        return None


class PartialTracker:
    """Follows stream events for one structured output.

    ``tool`` is the name of the tool whose arguments carry the answer (tool
    mode), ``None`` for the answer text. ``unwrap`` returns ``value[key]``
    for a wrapped non-object top level.
    """

    __slots__ = ("_buf", "_index", "_last", "_parsed_len", "tool", "unwrap")

    def __init__(self, tool: str | None = None, unwrap: str | None = None) -> None:
        self.tool = tool
        self.unwrap = unwrap
        self._buf: list[str] = []
        self._index: int | None = None
        self._last: Any = None
        self._parsed_len = -1

    def feed(self, ev: Any) -> bool:
        """Take one stream event; True when it added to the JSON text."""
        t = ev.type
        if self.tool is None:
            if t == "text":
                self._buf.append(ev.text)
                return bool(ev.text)
            return False
        if t == "tool_call_delta":
            if self._index is None and ev.name == self.tool:
                self._index = ev.index
            if ev.index == self._index and ev.arguments_delta:
                self._buf.append(ev.arguments_delta)
                return True
        elif t == "tool_call" and ev.name == self.tool and not self._buf:
            # a provider that sends the call whole (no deltas)
            self._buf.append(ev.raw_arguments)
            return True
        return False

    @property
    def text(self) -> str:
        """The JSON text gathered so far."""
        if len(self._buf) > 1:
            self._buf[:] = ["".join(self._buf)]
        return self._buf[0] if self._buf else ""

    @property
    def value(self) -> Any:
        """The partial value (a dict for object outputs), or ``None`` yet."""
        text = self.text
        if len(text) != self._parsed_len:
            self._parsed_len = len(text)
            v = parse_partial(text)
            if self.unwrap is not None:
                v = v.get(self.unwrap) if isinstance(v, dict) else None
            self._last = v
        return self._last
