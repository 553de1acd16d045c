"""MiniMax embeddings (``POST /embeddings``, MiniMax's own shape) beyond the conformance kit: the authored
cassette over the cassette server on both transports and through ``llmcore.embedding_model`` (the sent body
equal to the cassette's); ``input_type`` → ``type``; the ``GroupId`` query parameter; refusals before the
network; a ``base_resp`` error inside a 200 raised typed; wrong shapes typed."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import llmcore
import pytest
from llmcore import errors as E
from llmcore.embeddings import embedding_request
from llmcore_minimax.embeddings import build_body, parse_response
from llmcore_testing import TEST_API_KEY, EmbeddingCase
from llmcore_testing.cassette_server import CassetteServer
from llmcore_testing.cassettes import Recordings
from llmcore_testing.conformance import run_case_served

CASSETTES = Path(__file__).parent / "cassettes"
REC = Recordings(CASSETTES)
TEXTS = ["MiniMax builds foundation models.", "Vectors are stored in the database."]
CASE = EmbeddingCase("authored__embeddings_embo01_db.yaml", "embo-01", TEXTS)


def _make(_client: Any, case: Any) -> Any:
    from llmcore.provider import ProviderConfig
    from llmcore_minimax.provider import MiniMaxProvider

    return MiniMaxProvider(ProviderConfig(api_key=TEST_API_KEY, base_url=case.base_url, options=dict(case.options)))


@pytest.mark.parametrize("path", ["aiohttp", "httpx", "facade"])
def test_authored_cassette(path: str) -> None:
    res, r = asyncio.run(
        run_case_served(
            CASE, path, _make, CASSETTES, spec_base_url="https://api.minimax.io/v1", provider_name="minimax"
        )
    )
    if res.error is not None:
        raise res.error
    (sent,) = res.sent
    assert sent.url.path == "/v1/embeddings" and not sent.url.query
    assert sent.headers["authorization"] == f"Bearer {TEST_API_KEY}"
    assert json.loads(sent.content) == REC.request_body(CASE.cassette)
    recorded = REC.response_body(CASE.cassette)
    assert r.vectors == recorded["vectors"] and r.dimensions == 1536
    assert r.usage.input_tokens == recorded["total_tokens"] and r.provider == "minimax"


@pytest.mark.parametrize(("input_type", "kind"), [(None, "db"), ("document", "db"), ("query", "query")])
def test_input_type(input_type: str | None, kind: str) -> None:
    assert build_body(embedding_request("embo-01", ["a"], input_type=input_type))["type"] == kind


@pytest.mark.parametrize(
    ("params", "what"),
    [
        ({"input_type": "classification"}, "input_type"),
        ({"dimensions": 256}, "dimensions"),
        ({"truncate": "end"}, "truncate"),
        ({"embedding_type": "int8"}, "embedding_type"),
    ],
)
def test_refused_before_the_network(params: dict[str, Any], what: str) -> None:
    with CassetteServer([]) as srv:
        m = llmcore.embedding_model("minimax/embo-01", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        with pytest.raises(E.UnsupportedFeatureError, match=what):
            m.embed(["a"], **params)
    assert srv.received == []


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "request": {"method": "POST", "uri": "http://mm.example/embeddings"},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"Content-Type": ["application/json"]},
            "body": json.dumps(body),
        },
    }


def test_group_id_option_is_the_query_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    ok = {"vectors": [[0.1, 0.2]], "total_tokens": 1, "base_resp": {"status_code": 0, "status_msg": "success"}}
    with CassetteServer([_answer(ok), _answer(ok)]) as srv:
        llmcore.embedding_model("minimax/embo-01", api_key=TEST_API_KEY, base_url=srv.url, group_id="g-1").embed("a")
        monkeypatch.setenv("MINIMAX_GROUP_ID", "g-2")
        llmcore.embedding_model("minimax/embo-01", api_key=TEST_API_KEY, base_url=srv.url).embed("a")
    assert not srv.problems
    assert [dict(x.url.params) for x in srv.received] == [{"GroupId": "g-1"}, {"GroupId": "g-2"}]


def test_base_resp_error_in_a_200_is_typed() -> None:
    bad = {"vectors": None, "base_resp": {"status_code": 2049, "status_msg": "invalid api key"}}
    with CassetteServer([_answer(bad)]) as srv:
        m = llmcore.embedding_model("minimax/embo-01", api_key=TEST_API_KEY, base_url=srv.url, retry=False)
        with pytest.raises(E.AuthenticationError, match="invalid api key"):
            m.embed("a")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"vectors": [[0.1]]},
        {"vectors": [[0.1], [0.1, 0.2]]},
        {"vectors": [[], []]},
        {"vectors": [["x"], [0.1]]},
    ],
)
def test_wrong_shapes_are_typed(data: Any) -> None:
    with pytest.raises(E.ProviderResponseError):
        parse_response(data, embedding_request("embo-01", ["a", "b"]))
