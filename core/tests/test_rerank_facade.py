"""What ``RerankModel`` itself guarantees, whatever order the provider answers in.

``RerankResponse`` promises results "sorted by score, best first (at most ``top_n``)".
Every shipped rerank codec already sorts and honours ``top_n``, so their tests pass
with the facade's own sort and cut removed; this provider answers in document order
with every document (as a server without ``top_n`` does), so only the facade can
keep the promise.
"""

from __future__ import annotations

from collections.abc import Iterator

import llmcore
import pytest
from llmcore import errors as E
from llmcore import plugins
from llmcore.embeddings import RerankRequest, RerankResponse, RerankResult
from llmcore.hookspecs import hookimpl
from llmcore.provider import HTTPProvider, ProviderConfig
from llmcore.spec import Capabilities, ProviderSpec
from llmcore.types import Usage

SPEC = ProviderSpec(
    name="unsorted",
    factory="test_rerank_facade:UnsortedRerank",
    env_keys=("UNSORTED_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(rerank=True),
)

#: scores per document index, in document order (not best first)
SCORES = [0.1, 0.9, 0.4, 0.7]


class UnsortedRerank(HTTPProvider):
    spec = SPEC
    #: set by a test to answer with an index outside the documents
    extra_index: int | None = None

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        results = [RerankResult(index=i, score=SCORES[i], document=d) for i, d in enumerate(request.documents)]
        if UnsortedRerank.extra_index is not None:
            results.append(RerankResult(index=UnsortedRerank.extra_index, score=1.0, document="?"))
        return RerankResponse(results=results, model=request.model, usage=Usage(input_tokens=12))


class _Plugin:
    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [SPEC]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    plugins.reset()
    plugins.register(_Plugin(), "rerank-facade-test")
    UnsortedRerank.extra_index = None
    yield
    UnsortedRerank.extra_index = None
    plugins.reset()


DOCS = ["a", "b", "c", "d"]


def test_results_come_best_first_whatever_the_provider_order() -> None:
    r = llmcore.rerank_model("unsorted/m", api_key="k" * 4).rerank("q", DOCS)
    assert [(x.index, x.score, x.document) for x in r.results] == [
        (1, 0.9, "b"),
        (3, 0.7, "d"),
        (2, 0.4, "c"),
        (0, 0.1, "a"),
    ]


def test_top_n_is_enforced_when_the_provider_returns_everything() -> None:
    r = llmcore.rerank_model("unsorted/m", api_key="k" * 4).rerank("q", DOCS, top_n=2)
    assert [x.index for x in r.results] == [1, 3]


@pytest.mark.parametrize("index", [4, -1])
def test_an_index_outside_the_documents_is_a_typed_error(index: int) -> None:
    UnsortedRerank.extra_index = index
    with pytest.raises(E.ProviderResponseError, match=f"index {index} is out of range"):
        llmcore.rerank_model("unsorted/m", api_key="k" * 4).rerank("q", DOCS)
