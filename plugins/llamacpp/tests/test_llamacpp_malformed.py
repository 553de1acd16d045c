"""A llama.cpp server's token count of the wrong shape (issue 18, defect 3): ``true``,
a negative number or a string is a typed :class:`ProviderResponseError`, never a
"count"; on both servers, through ``llmcore.model`` on the default transport."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore_testing import fuzz


@pytest.fixture(scope="module")
def server() -> Iterator[fuzz.FuzzServer]:
    with fuzz.FuzzServer() as s:
        yield s


def _count(server: fuzz.FuzzServer, flavor: str, body: Any) -> Any:
    server.answer(fuzz.dumps(body))
    m = llmcore.model("llamacpp_server/default", base_url=server.url + "/v1", retry=False, server=flavor)
    return m.count_tokens("hi")


@pytest.mark.parametrize("count", [True, -1, "3", 1.5, None])
def test_a_count_that_is_no_count_is_a_typed_error(server: fuzz.FuzzServer, count: Any) -> None:
    with pytest.raises(E.ProviderResponseError) as info:
        _count(server, "llama_cpp.server", {"count": count})
    assert info.value.provider == "llamacpp_server"


@pytest.mark.parametrize("tokens", ["x", 5, {"a": 1}, None])
def test_llama_server_tokens_that_are_no_list_are_a_typed_error(server: fuzz.FuzzServer, tokens: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        _count(server, "llama-server", {"tokens": tokens})


def test_counts_still_count(server: fuzz.FuzzServer) -> None:
    assert _count(server, "llama_cpp.server", {"count": 7}).input_tokens == 7
    assert _count(server, "llama-server", {"tokens": [1, 2, 3]}).input_tokens == 3
