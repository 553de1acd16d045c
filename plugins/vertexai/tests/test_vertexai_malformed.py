"""Vertex's own answers of the wrong shape (issue 18, defect 3): a Claude count-tokens
answer whose ``input_tokens`` is no count is a typed :class:`ProviderResponseError`,
never a "count" of ``True`` or ``-1``. Through ``llmcore.model`` on the default
transport, against a loopback server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
import vertex_cases as C
from llmcore import errors as E
from llmcore_testing import fuzz


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s:
        yield s


def _count(server: fuzz.FuzzServer, body: Any) -> Any:
    server.answer(fuzz.dumps(body))
    m = llmcore.model(
        "vertexai/claude-haiku-4-5@20251001",
        base_url=server.url,
        retry=False,
        project="llmcore-test",
        location="us-east5",
        credentials=C.token_credentials(),
    )
    return m.count_tokens("hi")


@pytest.mark.parametrize("count", [True, -1, 1.5, "3"])
def test_a_claude_count_that_is_no_count_is_a_typed_error(server: fuzz.FuzzServer, count: Any) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        _count(server, {"input_tokens": count})
    assert info.value.provider == "vertexai"


def test_a_claude_count_still_counts(server: fuzz.FuzzServer) -> None:
    assert _count(server, {"input_tokens": 12}).input_tokens == 12
