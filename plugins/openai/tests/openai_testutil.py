"""Helpers shared by this plugin's tests (not a test module)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore_testing import TEST_API_KEY, Case, make_vcr

CASSETTES = Path(__file__).parent / "cassettes"


@contextmanager
def replay(cassette: str, interaction: int = 0) -> Iterator[Any]:
    """Replay ``cassette`` from its ``interaction``-th recorded request (vcrpy
    matches on method + path, so earlier interactions are marked played)."""
    with make_vcr(CASSETTES).use_cassette(cassette, allow_playback_repeats=not interaction) as cass:
        for i in range(interaction):
            cass.play_counts[i] = 1
        yield cass


def provider_for(name: str, case: Case, client: Any = None) -> Any:
    """The provider a conformance case runs against."""
    spec = get_registry().get(name)
    assert spec is not None, f"{name} is not registered"
    return load_provider(
        spec, api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options)
    )


def run(coro: Any) -> Any:
    return asyncio.run(coro)
