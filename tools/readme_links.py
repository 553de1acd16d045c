"""Check (or, with ``--fix``, rewrite) relative links in the READMEs PyPI shows.

PyPI renders a distribution's README without the repository around it, so a
relative link such as ``../../docs/offline.md`` is broken there. Every README
that is a distribution's ``readme`` (core/README.md, plugins/*/README.md) and
the root README (the docs site's home page includes it) must link with
absolute GitHub URLs. Exit status 1 lists each offending link.

    python tools/readme_links.py          # check (used by ``nox -s lint``)
    python tools/readme_links.py --fix    # rewrite relative links in place
"""

from __future__ import annotations

import posixpath
import re
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where the repository's files are browsed on GitHub (pyproject's Repository URL).
BLOB = "https://github.com/llmcore/llmcore/blob/main/"
TREE = "https://github.com/llmcore/llmcore/tree/main/"
# A Markdown inline link or image target: ](target) — targets with a scheme,
# an anchor only, or a mailto are left alone.
LINK = re.compile(r"\]\((?!https?://|mailto:|#)([^)\s]+)\)")


def readmes() -> list[Path]:
    """The READMEs checked: the root one, core's, the kit's and every plugin's."""
    return [
        ROOT / "README.md",
        ROOT / "core" / "README.md",
        ROOT / "testing" / "README.md",
        *sorted(ROOT.glob("plugins/*/README.md")),
    ]


def absolute(readme: Path, target: str) -> str:
    """The GitHub URL of ``target`` as written in ``readme`` (anchor kept)."""
    path, _, anchor = target.partition("#")
    rel = posixpath.normpath(posixpath.join(readme.parent.relative_to(ROOT).as_posix(), path))
    is_dir = path.endswith("/") or (ROOT / rel).is_dir()
    url = (TREE if is_dir else BLOB) + ("" if rel == "." else rel)
    return url + (f"#{anchor}" if anchor else "")


def _absolute_link(readme: Path, m: re.Match[str]) -> str:
    """The link matched in ``readme`` with its target made absolute."""
    return f"]({absolute(readme, m.group(1))})"


def main(argv: list[str]) -> int:
    """Check every README; rewrite them with ``--fix``. Returns the exit status."""
    fix = "--fix" in argv
    bad = 0
    for readme in readmes():
        text = readme.read_text(encoding="utf-8")
        found = LINK.findall(text)
        if not found:
            continue
        if fix:
            fixed = LINK.sub(partial(_absolute_link, readme), text)
            readme.write_text(fixed, encoding="utf-8")
            continue
        for target in found:
            bad += 1
            where = readme.relative_to(ROOT)
            print(f"{where}: relative link {target!r} breaks on PyPI; use {absolute(readme, target)}")
    if bad:
        print(f"{bad} relative link(s); run: python tools/readme_links.py --fix", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
