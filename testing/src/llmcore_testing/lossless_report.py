"""Per-provider table of what the conformance kit's lossless checks saw.

Run a plugin's conformance tests with ``LLMCORE_LOSSLESS_REPORT=<file>`` set: ``test_nothing_disappears``
adds one line per replayed recorded answer and ``test_lossless`` one per proof (see
:func:`llmcore_testing.conformance._report`). Then::

    python -m llmcore_testing.lossless_report <file>

prints, per provider, the provider kinds its recordings hold (blocks, output items, annotations) and
what they became: parts, citations, or ``provider_metadata["unmapped"]``; and which recording proves
each claimed capability.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

__all__ = ["main", "render"]

#: kinds every text answer has: left out of the table, which is about everything else
_PLAIN = frozenset({"text", "content", "output_text", "message"})


def render(lines: list[dict[str, Any]]) -> str:
    """The Markdown table for the report ``lines`` (the JSON objects of the report file)."""
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    unmapped: dict[str, Counter[str]] = defaultdict(Counter)
    made: dict[str, Counter[str]] = defaultdict(Counter)
    answers: Counter[str] = Counter()
    proofs: dict[str, dict[str, str]] = defaultdict(dict)
    for line in lines:
        provider = str(line.get("provider"))
        if line.get("what") == "proof":
            proofs[provider][str(line.get("key"))] = str(line.get("cassette"))
            continue
        answers[provider] += 1
        kinds[provider].update({k: int(n) for k, n in (line.get("kinds") or {}).items() if k not in _PLAIN})
        unmapped[provider].update({k: int(n) for k, n in (line.get("unmapped") or {}).items()})
        made[provider].update({k: int(n) for k, n in (line.get("made") or {}).items() if k != "text"})

    def fmt(c: Counter[str]) -> str:
        return ", ".join(f"`{k}` x{n}" for k, n in sorted(c.items())) or "—"

    out = [
        "| provider | answers replayed | recorded kinds (besides text) | llmcore made | kept in `unmapped` |"
        " proven by (capability: recording) |",
        "|---|---|---|---|---|---|",
    ]
    for provider in sorted(set(answers) | set(proofs)):
        proven = "; ".join(f"{k}: `{c}`" for k, c in sorted(proofs[provider].items())) or "—"
        out.append(
            f"| {provider} | {answers[provider]} | {fmt(kinds[provider])} | {fmt(made[provider])} | "
            f"{fmt(unmapped[provider])} | {proven} |"
        )
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m llmcore_testing.lossless_report REPORT_FILE", file=sys.stderr)
        return 2
    text = Path(args[0]).read_text(encoding="utf-8")
    print(render([json.loads(s) for s in text.splitlines() if s.strip()]), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
