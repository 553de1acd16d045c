"""Shared test helpers: fake credentials, provider construction, request checks.

The credentials are obviously fake and built at runtime; SigV4 signing runs
for real with them, and vcrpy replays by method + path, so no real AWS
account is involved.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import smithy_check
from llmcore_testing import TEST_API_KEY
from llmcore_testing.cassettes import Recordings

CASSETTES = Path(__file__).parent / "cassettes"


class _Fake:
    """Fake AWS credentials (fresh per test session, never real)."""

    def __init__(self) -> None:
        tag = uuid.uuid4().hex
        self.access_key_id = "LLMCOREFAKEKEYID" + tag[:4].upper()
        self.secret_access_key = "llmcore-fake-secret-" + tag
        self.session_token = "llmcore-fake-session-token-" + tag[::-1]

    def options(self, *, token: bool = True, **extra: Any) -> dict[str, Any]:
        opts: dict[str, Any] = {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
        }
        if token:
            opts["aws_session_token"] = self.session_token
        opts.update(extra)
        return opts

    def secrets(self) -> tuple[str, ...]:
        return (self.secret_access_key, self.session_token, TEST_API_KEY)


FAKE = _Fake()

_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/bedrock/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)


def verify_sigv4(request: Any, secret: str = FAKE.secret_access_key, token: str | None = FAKE.session_token) -> str:
    """Recompute the SigV4 signature from the request *as sent* (method, URL,
    signed headers, body bytes) and compare it with its Authorization header.
    Anything changed after signing would break the equality. Returns the region."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    m = _AUTH.match(request.headers.get("authorization", ""))
    assert m, f"not a SigV4 Authorization header: {request.headers.get('authorization', '')[:40]!r}"
    signed = m["signed"].split(";")
    assert "host" in signed and "x-amz-date" in signed and "content-type" in signed, signed
    if token:
        assert request.headers.get("x-amz-security-token") == token
        assert "x-amz-security-token" in signed
    assert request.headers["x-amz-date"].startswith(m["date"])
    headers = {h: request.headers[h] for h in signed if h != "host"}
    aws = AWSRequest(method=request.method, url=str(request.url), headers=headers, data=request.content)
    aws.context["timestamp"] = request.headers["x-amz-date"]
    signer = SigV4Auth(Credentials(m["akid"], secret, token), "bedrock", m["region"])
    assert signer.signed_headers(signer.headers_to_sign(aws)) == m["signed"]
    expected = signer.signature(signer.string_to_sign(aws, signer.canonical_request(aws)), aws)
    assert expected == m["sig"], "the signature does not cover the request as sent"
    return m["region"]


def check_body(request: Any) -> None:
    """Validate a sent body against the Smithy model (ConverseRequest for
    converse/converse-stream; the ``input.converse`` part of a CountTokens
    body, which mirrors ConverseRequest)."""
    body = json.loads(request.content)
    path = request.url.path
    if path.endswith("/count-tokens"):
        assert set(body) == {"input"} and set(body["input"]) == {"converse"}, body
        inner = body["input"]["converse"]
        assert set(inner) <= {"messages", "system", "toolConfig", "additionalModelRequestFields"}, inner
        problems = smithy_check.check("ConverseRequest", inner)
    elif path.endswith("/converse-stream"):
        problems = smithy_check.check("ConverseStreamRequest", body)
    elif path.endswith("/converse"):
        problems = smithy_check.check("ConverseRequest", body)
    elif path.endswith("/invoke"):
        problems = _invoke_problems(unquote(path), body)
    elif path.endswith("/rerank"):
        problems = rerank_problems(body)
    else:
        raise AssertionError(f"unexpected path {path}")
    # the Tool union's systemTool member (Nova web grounding) is newer than the shared Smithy model; ruby_llm's
    # recording of it proves the API takes {"systemTool": {"name": ...}}
    problems = [p for p in problems if not _RECORDED_NEWER.fullmatch(p)]
    assert not problems, f"request body does not match the Smithy model: {problems}"


_RECORDED_NEWER = re.compile(r"\$\.toolConfig\.tools\[\d+\]\.systemTool: unknown member of union Tool")


def rerank_problems(body: dict[str, Any]) -> list[str]:
    """What in a Rerank body (Agents for Amazon Bedrock Runtime) breaks the API reference: exactly
    one TEXT query, 1-1000 INLINE TEXT sources, the BEDROCK_RERANKING_MODEL configuration with a
    foundation-model ARN and ``numberOfResults`` 1-1000 (the api-specs hold no model of this service)."""
    problems = [
        f"unknown field {k}" for k in sorted(set(body) - {"queries", "sources", "rerankingConfiguration", "nextToken"})
    ]
    queries = body.get("queries")
    if not (
        isinstance(queries, list)
        and len(queries) == 1
        and queries[0].get("type") == "TEXT"
        and set(queries[0]) == {"type", "textQuery"}
        and isinstance(queries[0]["textQuery"].get("text"), str)
    ):
        problems.append(f"queries must be one TEXT query: {queries!r}"[:200])
    sources = body.get("sources")
    if not (isinstance(sources, list) and 1 <= len(sources) <= 1000):
        problems.append("sources must be a list of 1 to 1000")
    else:
        for s in sources:
            doc = s.get("inlineDocumentSource", {})
            if (
                set(s) != {"type", "inlineDocumentSource"}
                or s["type"] != "INLINE"
                or doc.get("type") != "TEXT"
                or set(doc) != {"type", "textDocument"}
                or not isinstance(doc["textDocument"].get("text"), str)
            ):
                problems.append(f"bad source {s!r}"[:200])
    conf = body.get("rerankingConfiguration", {})
    bedrock = conf.get("bedrockRerankingConfiguration", {})
    model = bedrock.get("modelConfiguration", {})
    if conf.get("type") != "BEDROCK_RERANKING_MODEL" or set(conf) != {"type", "bedrockRerankingConfiguration"}:
        problems.append(f"bad rerankingConfiguration {conf!r}"[:200])
    if not set(bedrock) <= {"modelConfiguration", "numberOfResults"}:
        problems.append(f"unknown field in bedrockRerankingConfiguration: {sorted(bedrock)}")
    n = bedrock.get("numberOfResults", 1)
    if not (isinstance(n, int) and 1 <= n <= 1000):
        problems.append(f"numberOfResults {n!r} out of 1..1000")
    if not re.fullmatch(
        r"arn:aws[a-z-]*:bedrock:[a-z0-9-]+::foundation-model/[a-z0-9.:-]+", str(model.get("modelArn"))
    ):
        problems.append(f"modelArn {model.get('modelArn')!r} is not a foundation-model ARN")
    if not set(model) <= {"modelArn", "additionalModelRequestFields"}:
        problems.append(f"unknown field in modelConfiguration: {sorted(model)}")
    return problems


#: InvokeModel embedding bodies (the Smithy model has them as an opaque blob): the fields each model
#: family documents (Titan Text Embeddings, Cohere Embed on Bedrock, Nova Multimodal Embeddings)
_INVOKE_FIELDS = {
    "amazon.titan-embed-text": ({"inputText"}, {"inputText", "dimensions", "normalize", "embeddingTypes"}),
    "cohere.embed-": (
        {"texts", "input_type"},
        {"texts", "input_type", "truncate", "embedding_types", "output_dimension", "max_tokens"},
    ),
    "amazon.nova-2-multimodal-embeddings": (
        {"taskType", "singleEmbeddingParams"},
        {"schemaVersion", "taskType", "singleEmbeddingParams"},
    ),
}


def _invoke_problems(path: str, body: dict[str, Any]) -> list[str]:
    model = path.split("/")[2]
    for prefix, (required, allowed) in _INVOKE_FIELDS.items():
        if prefix in model:
            problems = [f"missing {k}" for k in sorted(required - set(body))]
            problems += [f"unknown field {k}" for k in sorted(set(body) - allowed)]
            if "texts" in body and not (isinstance(body["texts"], list) and 1 <= len(body["texts"]) <= 96):
                problems.append("texts must be a list of 1 to 96 strings")
            if body.get("input_type") not in (None, "search_document", "search_query", "classification", "clustering"):
                problems.append(f"input_type {body['input_type']!r}")
            if "inputText" in body and not isinstance(body["inputText"], str):
                problems.append("inputText must be one string")
            return problems
    return [f"no embedding body schema for model {model}"]


def make_provider(
    client: Any = None,
    *,
    options: dict[str, Any] | None = None,
    api_key: str | None = None,
    base_url: str | None = None,
) -> Any:
    """A BedrockProvider with fake SigV4 credentials unless told otherwise."""
    from llmcore.provider import ProviderConfig
    from llmcore_bedrock.provider import BedrockProvider

    opts = FAKE.options() if options is None and api_key is None else dict(options or {})
    return BedrockProvider(ProviderConfig(api_key=api_key, base_url=base_url, http_client=client, options=opts))


def replay(cassette: str, fn: Any, *, interaction: int = 0, **provider_kw: Any) -> tuple[Any, list[Any]]:
    """Run ``await fn(provider)`` while vcrpy replays ``cassette`` (from its
    interaction ``interaction`` on); returns ``(result, sent requests)``."""
    import asyncio

    from llmcore_testing import recording_client
    from llmcore_testing.cassettes import replay_from

    async def go() -> tuple[Any, list[Any]]:
        with replay_from(CASSETTES, cassette, interaction):
            client, sent = recording_client()
            async with client:
                return await fn(make_provider(client, **provider_kw)), sent

    return asyncio.run(go())


async def collect(stream: Any) -> list[Any]:
    """All events of an async stream."""
    return [ev async for ev in stream]


REC = Recordings(CASSETTES)
#: the recorded response body bytes of one interaction
recorded_body = REC.response_bytes
