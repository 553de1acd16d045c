"""How much of what the repo's cassettes call the model catalogue covers.

For each plugin, the distinct models its cassettes' successful (2xx) requests
name — the request body's ``model``, or the model in the URL for providers
that put it there (Bedrock, Gemini, Vertex AI, Cloudflare, Replicate) — and
the share of them with a price (:func:`llmcore.usage.price_for`: plugin price
files, then the catalogue) and with a context window (the catalogue).
Requests answered 4xx/5xx are left out: their models are mostly deliberate
typos and ``does-not-exist`` names. Local runtimes (and requests a hosted
provider's plugin sent to a server on this machine, e.g. openai_compatible to
Ollama or vLLM) have no price by design and are not in the hosted total.

    python tools/catalogue_coverage.py [--markdown] [--missing]
"""

from __future__ import annotations

import argparse
import glob
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote

import yaml

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[1]
LOCAL = {"ollama", "llamacpp", "xllamacpp", "gpt4all", "vllm", "lmstudio"}
URL_MODEL = [
    re.compile(p)
    for p in (
        r"/model/([^/]+)/(?:converse|invoke)",
        r"/models/([^/:]+):",
        r"/ai/run/(@[^?]+)",
        r"/models/([^/]+/[^/]+)/predictions",
    )
]


def cassette_models(root: Path = ROOT) -> dict[str, set[str]]:
    """plugin -> the models its cassettes' successful requests name."""
    out: dict[str, set[str]] = defaultdict(set)
    for f in sorted(glob.glob(str(root / "plugins" / "*" / "tests" / "cassettes" / "*.yaml"))):
        plugin = Path(f).parts[-4]
        try:
            with open(f, encoding="utf-8") as fh:
                data = yaml.load(fh, Loader=Loader)
        except (OSError, yaml.YAMLError):
            continue
        for it in (data or {}).get("interactions") or []:
            status = ((it.get("response") or {}).get("status") or {}).get("code")
            if not isinstance(status, int) or not 200 <= status < 300:
                continue
            req = it.get("request") or {}
            host = re.sub(r"^[a-z]+://", "", str(req.get("uri", ""))).split("/", 1)[0].rsplit(":", 1)[0]
            if host in ("localhost", "127.0.0.1", "[::1]", "0.0.0.0") and plugin not in LOCAL:
                plugin_key = f"{plugin} (local server)"
            else:
                plugin_key = plugin
            body = req.get("body")
            if isinstance(body, dict):
                body = body.get("string")
            model = None
            if isinstance(body, str) and body.lstrip().startswith("{"):
                try:
                    j = json.loads(body)
                except ValueError:
                    j = None
                if isinstance(j, dict) and isinstance(j.get("model"), str):
                    model = j["model"]
            if model is None:
                uri = unquote(str(req.get("uri", "")))
                for rx in URL_MODEL:
                    m = rx.search(uri)
                    if m:
                        model = m.group(1)
                        break
            if model:
                out[plugin_key].add(model)
    return dict(out)


def coverage(models: dict[str, set[str]]) -> list[dict[str, object]]:
    from llmcore import catalogue
    from llmcore.usage import price_for

    rows = []
    for key in sorted(models):
        plugin = key.split(" ", 1)[0]
        names = sorted(models[key])
        priced = [n for n in names if price_for(plugin, n) is not None]
        ctx = [n for n in names if (i := catalogue.lookup(plugin, n)) is not None and i.context_window]
        rows.append({
            "provider": key, "models": len(names), "priced": len(priced), "context": len(ctx),
            "local": plugin in LOCAL or key != plugin,
            "missing_price": [n for n in names if n not in priced],
            "missing_context": [n for n in names if n not in ctx],
        })  # fmt: skip
    return rows


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} %" if b else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--markdown", action="store_true", help="a Markdown table (for docs/models.md)")
    ap.add_argument("--missing", action="store_true", help="list the models without a price or context window")
    a = ap.parse_args(argv)
    rows = coverage(cassette_models())
    hosted = [r for r in rows if not r["local"]]
    tot_m = sum(int(r["models"]) for r in hosted)  # type: ignore[call-overload]
    tot_p = sum(int(r["priced"]) for r in hosted)  # type: ignore[call-overload]
    tot_c = sum(int(r["context"]) for r in hosted)  # type: ignore[call-overload]
    w = sys.stdout.write
    if a.markdown:
        w("| provider | models | with a price | with a context window |\n|---|---:|---:|---:|\n")
    for r in rows:
        m, p, c = int(r["models"]), int(r["priced"]), int(r["context"])  # type: ignore[call-overload]
        note = " (local: no price by design)" if r["local"] and "local" not in str(r["provider"]) else ""
        if a.markdown:
            w(f"| `{r['provider']}`{note} | {m} | {p} ({_pct(p, m)}) | {c} ({_pct(c, m)}) |\n")
        else:
            share = f"priced {p:>3} ({_pct(p, m):>5})  context {c:>3} ({_pct(c, m):>5})"
            w(f"{r['provider']:<22} {m:>3} models  {share}{note}\n")
        if a.missing and (r["missing_price"] or r["missing_context"]):
            w(f"    no price: {', '.join(r['missing_price']) or '-'}\n")  # type: ignore[arg-type]
            w(f"    no context: {', '.join(r['missing_context']) or '-'}\n")  # type: ignore[arg-type]
    shares = f"priced {tot_p} ({_pct(tot_p, tot_m)}), context {tot_c} ({_pct(tot_c, tot_m)})"
    total = f"hosted providers: {tot_m} models, {shares}"
    w((f"| **all hosted** | {tot_m} | {tot_p} ({_pct(tot_p, tot_m)}) | {tot_c} ({_pct(tot_c, tot_m)}) |\n")
      if a.markdown else total + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
