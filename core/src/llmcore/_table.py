"""Plain-text tables that fit the terminal (``llmcore providers list``).

Columns named in ``wrap`` are wrapped at word boundaries, never inside a word
unless the terminal is narrower than a word; columns named in ``drop`` are left
out, in order, while the table would still need more than
:data:`MAX_LINES_PER_ROW` lines per row on average (or does not fit at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

__all__ = ["MAX_LINES_PER_ROW", "render"]

GAP = 2
#: average lines per row above which a droppable column is left out
MAX_LINES_PER_ROW = 1.6
#: the narrowest a wrapped column gets when even its longest word does not fit
MIN_WRAP = 12


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap (like :func:`textwrap.wrap` without hyphen breaks, but fast
    enough to try every width): a word longer than ``width`` is cut."""
    out: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                out.append(line)
                line = ""
            out.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            out.append(line)
            line = word
    if line or not out:
        out.append(line)
    return out


def _count(lengths: tuple[int, ...], width: int) -> int:
    """How many lines :func:`_wrap` makes of words of these lengths (no strings built)."""
    n, line = 0, -1  # line: characters on the current line, -1 when none is started
    for length in lengths:
        while length > width:  # a word cut into pieces, each on its own line
            if line >= 0:
                n, line = n + 1, -1
            n, length = n + 1, length - width
        if line < 0:
            line = length
        elif line + 1 + length <= width:
            line += 1 + length
        else:
            n, line = n + 1, length
    return n + 1 if line >= 0 or n == 0 else n


def render(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    width: int | None = None,
    wrap: Sequence[int] = (),
    drop: Sequence[int] = (),
) -> str:
    """The table as text; ``width=None``: one line per row, columns at natural width."""
    cells = [[str(c) for c in r] for r in [header, *rows]]

    words = [[tuple(len(w) for w in c.split()) for c in r] for r in cells]

    @cache
    def lines(row: int, col: int, w: int) -> int:
        return _count(words[row][col], w)

    @cache
    def natural(col: int) -> int:
        return max(len(r[col]) for r in cells)

    @cache
    def longest_word(col: int) -> int:
        return max((len(w) for r in cells for w in r[col].split()), default=1)

    def total(keep: list[int], widths: dict[int, int]) -> int:
        return sum(widths[i] for i in keep) + GAP * (len(keep) - 1)

    def height(keep: list[int], widths: dict[int, int]) -> int:
        return sum(max((lines(r, i, widths[i]) for i in keep if i in wrap), default=1) for r in range(len(cells)))

    def layout(keep: list[int]) -> dict[int, int]:
        widths = {i: natural(i) for i in keep}
        if width is None:
            return widths
        for floor_of in (longest_word, lambda i: MIN_WRAP):  # words intact first; break them only if must
            while total(keep, widths) > width:
                candidates = [i for i in keep if i in wrap and widths[i] > floor_of(i)]
                if not candidates:
                    break

                def after(i: int) -> tuple[int, int]:
                    widths[i] -= 1
                    h = height(keep, widths)
                    widths[i] += 1
                    return h, -widths[i]

                widths[min(candidates, key=after)] -= 1
        return widths

    keep = list(range(len(header)))
    widths = layout(keep)
    for col in drop:
        if width is None:
            break
        fits = total(keep, widths) <= width
        if fits and height(keep, widths) <= MAX_LINES_PER_ROW * len(cells):
            break
        keep = [i for i in keep if i != col]
        widths = layout(keep)

    def lines_of(row: list[str], rule: bool = False) -> list[str]:
        if rule:
            return [(" " * GAP).join("-" * widths[i] for i in keep)]
        parts = [_wrap(row[i], widths[i]) if (i in wrap and width is not None) else [row[i]] for i in keep]
        out = []
        for k in range(max(len(p) for p in parts)):
            line = [(p[k] if k < len(p) else "").ljust(widths[i]) for p, i in zip(parts, keep, strict=True)]
            out.append((" " * GAP).join(line).rstrip())
        return out

    text = lines_of(cells[0]) + lines_of([], rule=True)
    for r in cells[1:]:
        text += lines_of(r)
    return "\n".join(text)
