"""One worker process of the shared-limit tests.

``python shared_worker.py '<json config>'``: registers the toy provider, makes
one unlimited warm-up call (``warm-<name>``, so imports and connections are
not measured), prints ``ready`` and waits for a line on stdin (so all
workers start together), sends ``n``
chats at once through ``llmcore.model`` with the given ``concurrency`` /
``rate_limit`` options, and prints ``{"texts": [...]}`` as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # core/tests: toy_provider


def main() -> None:
    cfg = json.loads(sys.argv[1])
    os.environ["LLMCORE_PLUGINS"] = ""
    import llmcore
    from llmcore.plugins import register

    import toy_provider

    register(toy_provider.plugin, "toy")
    kw = {k: cfg[k] for k in ("concurrency", "rate_limit") if cfg.get(k) is not None}
    key, url = "toy-secret-key-123", cfg["base_url"]
    m = llmcore.model("toy/toy-1", api_key=key, base_url=url, retry=False, **kw)

    async def go() -> list[str]:
        if cfg.get("warm_up", True):  # load the HTTP stack outside the measured phase, on this loop's client
            await llmcore.model("toy/toy-1", api_key=key, base_url=url, retry=False).achat(f"warm-{cfg['name']}")
        if cfg.get("barrier", True):  # say ready, wait for the go (one line on stdin)
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        out = await asyncio.gather(*(m.achat(f"{cfg['name']}-{i}") for i in range(cfg["n"])))
        return [r.text for r in out]

    texts = asyncio.run(go())
    print(json.dumps({"texts": texts}), flush=True)


if __name__ == "__main__":
    main()
