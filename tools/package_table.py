"""Print every built distribution as a Markdown table: name, version, dependency ranges, wheel size.

    python tools/package_table.py DIST_DIR        # the folder of built wheels (nox -s build makes one)

Read from the wheels themselves (their METADATA), so the table is what an index would serve,
not what the pyproject files say. Extras' dependencies are listed apart from the required ones.
"""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import Path


def wheel_row(wheel: Path) -> tuple[str, str, list[str], list[str], int]:
    """(name, version, required dependencies, extras' dependencies, size in bytes) of one wheel."""
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(zf.read(meta_name).decode("utf-8"))
    required: list[str] = []
    extras: list[str] = []
    for req in meta.get_all("Requires-Dist") or []:
        (extras if "extra ==" in req else required).append(req.replace(" ", ""))
    return meta["Name"], meta["Version"], required, extras, wheel.stat().st_size


def table(dist: Path) -> str:
    rows = [wheel_row(w) for w in sorted(dist.glob("*.whl"))]
    if not rows:
        raise SystemExit(f"no wheels in {dist}")
    out = ["| package | version | requires | extras | wheel |", "|---|---|---|---|---|"]
    for name, version, required, extras, size in rows:
        out.append(
            f"| `{name}` | {version} | {', '.join(f'`{r}`' for r in required) or '—'} "
            f"| {', '.join(f'`{r}`' for r in extras) or '—'} | {size / 1024:,.1f} KiB |"
        )
    total = sum(r[4] for r in rows)
    out.append(f"\n{len(rows)} wheels, {total / 1024:,.0f} KiB in all.")
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    print(table(Path(sys.argv[1])))
