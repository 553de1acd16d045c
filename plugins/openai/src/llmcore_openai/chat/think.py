"""``<think>…</think>`` blocks in the content: reasoning that arrives as text.

Models served without a reasoning parser (DeepSeek-R1 on Together, SambaNova or
through the Hugging Face router; Qwen3 on many hosts) put their chain of thought
at the start of ``content``, between ``<think>`` and ``</think>``. With
``dialect.think_tags`` the codec turns that block into reasoning:

* :func:`split_think` — a whole message: ``(reasoning, text)``; the text after
  ``</think>`` loses its leading whitespace; content that does not start (after
  whitespace) with ``<think>`` is returned unchanged; an unterminated block (a
  cut-off answer) is all reasoning;
* :class:`ThinkSplitter` — the same split over streamed deltas, however the
  tags are cut across chunks; the pieces it yields concatenate to exactly what
  :func:`split_think` returns for the whole content.
"""

from __future__ import annotations

__all__ = ["OPEN", "CLOSE", "ThinkSplitter", "split_think"]

OPEN = "<think>"
CLOSE = "</think>"

_START, _THINK, _AFTER, _TEXT = range(4)


def split_think(content: str) -> tuple[str | None, str]:
    """``(reasoning or None, text)`` for one message's content."""
    s = content.lstrip()
    if not s.startswith(OPEN):
        return None, content
    end = s.find(CLOSE, len(OPEN))
    if end < 0:
        return s[len(OPEN) :], ""
    return s[len(OPEN) : end], s[end + len(CLOSE) :].lstrip()


class ThinkSplitter:
    """Incremental :func:`split_think`: :meth:`feed` content deltas, then :meth:`flush`.
    Each returns ``[(kind, text)]`` with ``kind`` ``"reasoning"`` or ``"text"``."""

    __slots__ = ("_buf", "_state")

    def __init__(self) -> None:
        self._state = _START
        self._buf = ""

    def feed(self, text: str) -> list[tuple[str, str]]:
        state = self._state
        if state == _TEXT:
            return [("text", text)]
        if state == _AFTER:
            s = text.lstrip()
            if not s:
                return []
            self._state = _TEXT
            return [("text", s)]
        self._buf += text
        if state == _START:
            s = self._buf.lstrip()
            if not s or (len(s) < len(OPEN) and OPEN.startswith(s)):
                return []  # undecided: whitespace or a partial "<think>"
            if not s.startswith(OPEN):
                self._state, out, self._buf = _TEXT, self._buf, ""
                return [("text", out)]
            self._state, self._buf = _THINK, s[len(OPEN) :]
        return self._inside()

    def _inside(self) -> list[tuple[str, str]]:
        buf = self._buf
        end = buf.find(CLOSE)
        if end >= 0:
            self._state, self._buf = _AFTER, ""
            out = [("reasoning", buf[:end])] if end else []
            return out + self.feed(buf[end + len(CLOSE) :])
        keep = next((k for k in range(min(len(CLOSE) - 1, len(buf)), 0, -1) if CLOSE.startswith(buf[-k:])), 0)
        emit, self._buf = (buf[:-keep], buf[-keep:]) if keep else (buf, "")
        return [("reasoning", emit)] if emit else []

    def flush(self) -> list[tuple[str, str]]:
        """End of stream: what is still held back (a partial tag, an unterminated block)."""
        buf, self._buf = self._buf, ""
        if not buf:
            return []
        return [("reasoning" if self._state == _THINK else "text", buf)]
