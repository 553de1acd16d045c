"""gpt4all end to end (``nox -s e2e``): in process, so nothing is recorded; the kit runs in
record mode so that it asks for no cassette."""

from __future__ import annotations

import os

os.environ["LLMCORE_RECORD_MODE"] = os.environ.get("LLMCORE_RECORD_MODE") or "new_episodes"
