"""How much of what the repo's cassettes call the model catalogue covers.

For each plugin, the distinct models its cassettes' successful (2xx) requests
name — the request body's ``model``, or the model in the URL for providers
that put it there (Bedrock, Gemini, Vertex AI, Cloudflare, Replicate) — and
the share of them with a price and with a context window, resolved the way a
call resolves them: the requested name, then the name the answer gives
(``response.model``: an Azure deployment answers with its model), through
:func:`llmcore.usage.price_for` (plugin price files, the catalogue with its
plugin entries) and :func:`llmcore.catalogue.lookup`. A call whose answer
reports its own cost (OpenRouter's ``usage.cost``) counts as priced: that is
the cost llmcore reports.

Left out of the shares, each with its reason (the ``excluded`` column):
requests answered 4xx/5xx (mostly deliberate typos); local runtimes and
requests sent to a server on this machine (no price by design); requests a
plugin's cassette sent to another provider's API (counted under that
provider, e.g. pydantic-ai's ``o3-mini`` helper calls to api.openai.com in the
Cohere and Mistral cassettes); and the models in :data:`EXCLUDED`, which have
no public per-token USD price.

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
#: hosts of another provider's API: requests to them count under that provider
FOREIGN_HOSTS = {"api.openai.com": "openai", "ollama.com": "ollama (cloud)"}

#: (provider, model) -> why it has no public per-token USD price (out of the shares)
EXCLUDED: dict[tuple[str, str], str] = {
    **{
        ("aleph_alpha", m): "Aleph Alpha (PhariaAI) is sold by contract; no public per-token price"
        for m in ("llama-3.1-70b-instruct", "luminous-base", "pharia-1-llm-7b-control")
    },
    **{
        ("ernie", m): "Baidu Qianfan publishes prices in CNY only; llmcore costs are USD (no guessed exchange rate)"
        for m in ("deepseek-v3.1-250821", "embedding-v1", "ernie-4.5-turbo-128k", "ernie-x1-turbo-32k")
    },
    ("zhipu", "embedding-3"): "open.bigmodel.cn prices embedding-3 in CNY only (z.ai's USD list has no embeddings)",
    (
        "groq",
        "compound-beta",
    ): "Groq Compound bills the underlying models' tokens plus tool fees; no single token price",
    ("huggingface", "tgi"): "HF Inference (serverless, legacy api-inference) is billed by compute time, not tokens",
    ("huggingface", "microsoft/DialoGPT-small"): "HF Inference (hf-inference provider) is billed by compute time",
    ("cloudflare", "@hf/nousresearch/hermes-2-pro-mistral-7b"): "Cloudflare Workers AI beta model: not billed",
    ("vertexai", "text-embedding-004"): "Vertex AI bills text-embedding-004 per 1,000 input characters, not tokens",
    ("cerebras", "qwen-3-coder-480b"): "retired by Cerebras (no longer served); genai-prices keeps no price for it",
    **{
        ("ollama (cloud)", m): "Ollama Cloud is sold as subscription plans; no per-token price"
        for m in ("gpt-oss:120b", "gpt-oss:20b")
    },
    **{
        ("cohere", m): "Cohere bills rerank per search (1 query + up to 100 documents), not per token"
        for m in ("rerank-v3.5", "rerank-english-v3.0")
    },
}
URL_MODEL = [
    re.compile(p)
    for p in (
        r"/model/([^/]+)/(?:converse|invoke)",
        r"/models/([^/:]+):",
        r"/ai/run/(@[^?]+)",
        r"/models/([^/]+/[^/]+)/predictions",
    )
]


def _json(body: object) -> object:
    if isinstance(body, dict):
        body = body.get("string")
    if isinstance(body, str) and body.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(body)
        except ValueError:
            return None
    return None


def _answer_facts(body: object) -> tuple[str | None, bool]:
    """The answer's ``model`` and whether it reports its own cost (``usage.cost``),
    from a JSON body or the SSE events of a stream."""
    j = _json(body)
    texts: list[object] = [j] if j is not None else []
    if not texts:
        raw = body.get("string") if isinstance(body, dict) else body
        if isinstance(raw, str) and "data:" in raw:
            for line in raw.splitlines():
                if line.startswith("data:") and line[5:].strip().startswith("{"):
                    try:
                        texts.append(json.loads(line[5:]))
                    except ValueError:
                        pass
    model, cost = None, False
    for t in texts:
        if isinstance(t, dict):
            if isinstance(t.get("model"), str) and model is None:
                model = t["model"]
            usage = t.get("usage")
            if isinstance(usage, dict) and isinstance(usage.get("cost"), (int, float)):
                cost = True
    return model, cost


def cassette_models(root: Path = ROOT) -> dict[str, dict[str, dict[str, object]]]:
    """plugin -> model its cassettes' successful requests name -> ``{"answered_as": {names},
    "reported_cost": bool}`` (the answer's model names; whether an answer reported its cost)."""
    out: dict[str, dict[str, dict[str, object]]] = defaultdict(dict)
    for f in sorted(glob.glob(str(root / "plugins" / "*" / "tests" / "cassettes" / "*.yaml"))):
        plugin = Path(f).parts[-4]
        try:
            with open(f, encoding="utf-8") as fh:
                data = yaml.load(fh, Loader=Loader)
        except (OSError, yaml.YAMLError):
            continue
        for it in (data or {}).get("interactions") or []:
            resp = it.get("response") or {}
            status = (resp.get("status") or {}).get("code")
            if not isinstance(status, int) or not 200 <= status < 300:
                continue
            req = it.get("request") or {}
            host = re.sub(r"^[a-z]+://", "", str(req.get("uri", ""))).split("/", 1)[0].rsplit(":", 1)[0]
            if host in ("localhost", "127.0.0.1", "[::1]", "0.0.0.0") and plugin not in LOCAL:
                plugin_key = f"{plugin} (local server)"
            elif host in FOREIGN_HOSTS and FOREIGN_HOSTS[host] != plugin:
                plugin_key = FOREIGN_HOSTS[host]
            else:
                plugin_key = plugin
            j = _json(req.get("body"))
            model = j["model"] if isinstance(j, dict) and isinstance(j.get("model"), str) else None
            if model is None:
                uri = unquote(str(req.get("uri", "")))
                for rx in URL_MODEL:
                    m = rx.search(uri)
                    if m:
                        model = m.group(1)
                        break
            if model:
                facts = out[plugin_key].setdefault(model, {"answered_as": set(), "reported_cost": False})
                answered, cost = _answer_facts(resp.get("body"))
                if answered and answered != model:
                    facts["answered_as"].add(answered)  # type: ignore[attr-defined]
                facts["reported_cost"] = bool(facts["reported_cost"]) or cost
    return dict(out)


def coverage(models: dict[str, dict[str, dict[str, object]]]) -> list[dict[str, object]]:
    from llmcore import catalogue
    from llmcore.usage import price_for

    rows = []
    for key in sorted(models):
        plugin = key.split(" ", 1)[0]
        local = plugin in LOCAL or key.endswith("(local server)")
        names = sorted(models[key])
        excluded = {n: EXCLUDED[(key, n)] for n in names if (key, n) in EXCLUDED}
        counted = [n for n in names if n not in excluded]

        def priced(n: str, key: str = key, plugin: str = plugin) -> bool:
            facts = models[key][n]
            if facts["reported_cost"]:
                return True
            answers = sorted(facts["answered_as"]) or [None]  # type: ignore[call-overload]
            return any(price_for(plugin, n, response_model=a) is not None for a in answers)

        def has_context(n: str, key: str = key, plugin: str = plugin) -> bool:
            for name in [n, *sorted(models[key][n]["answered_as"])]:  # type: ignore[call-overload]
                info = catalogue.lookup(plugin, name)
                if info is not None and info.context_window:
                    return True
            return False

        with_price = [n for n in counted if priced(n)]
        with_ctx = [n for n in counted if has_context(n)]
        rows.append({
            "provider": key, "models": len(counted), "priced": len(with_price), "context": len(with_ctx),
            "local": local or key.startswith("ollama"), "excluded": excluded,
            "missing_price": [n for n in counted if n not in with_price],
            "missing_context": [n for n in counted if n not in with_ctx],
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
    tot_x = sum(len(r["excluded"]) for r in hosted)  # type: ignore[arg-type]
    w = sys.stdout.write
    if a.markdown:
        w(
            "| provider | models | with a price | with a context window | left out (reason) |\n"
            "|---|---:|---:|---:|---|\n"
        )
    for r in rows:
        m, p, c = int(r["models"]), int(r["priced"]), int(r["context"])  # type: ignore[call-overload]
        local_note = r["local"] and "local" not in str(r["provider"]) and "cloud" not in str(r["provider"])
        note = " (local: no price by design)" if local_note else ""
        excluded: dict[str, str] = r["excluded"]  # type: ignore[assignment]
        reasons = sorted(set(excluded.values()))
        if a.markdown:
            left = f"{len(excluded)}: " + "; ".join(reasons) if excluded else ""
            w(f"| `{r['provider']}`{note} | {m} | {p} ({_pct(p, m)}) | {c} ({_pct(c, m)}) | {left} |\n")
        else:
            share = f"priced {p:>3} ({_pct(p, m):>5})  context {c:>3} ({_pct(c, m):>5})"
            w(f"{r['provider']:<22} {m:>3} models  {share}{note}\n")
            for name, why in sorted(excluded.items()):
                w(f"    left out: {name}: {why}\n")
        if a.missing and (r["missing_price"] or r["missing_context"]):
            w(f"    no price: {', '.join(r['missing_price']) or '-'}\n")  # type: ignore[arg-type]
            w(f"    no context: {', '.join(r['missing_context']) or '-'}\n")  # type: ignore[arg-type]
    shares = f"priced {tot_p} ({_pct(tot_p, tot_m)}), context {tot_c} ({_pct(tot_c, tot_m)})"
    total = f"hosted providers: {tot_m} models, {shares}; left out: {tot_x}"
    w((f"| **all hosted** | {tot_m} | {tot_p} ({_pct(tot_p, tot_m)}) | {tot_c} ({_pct(tot_c, tot_m)}) | {tot_x} |\n")
      if a.markdown else total + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
