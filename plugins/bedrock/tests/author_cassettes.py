"""Writes the ``authored__*.yaml`` cassettes: error scenarios of which no real
recording exists in any upstream project (see ``cassettes/SOURCES.md``).

They are authored from the Bedrock API reference, not recorded:

* HTTP errors use the shape of the real recordings we have (ruby_llm's 403
  and 400): ``Content-Type: application/json``, ``x-amzn-RequestId``,
  ``x-amzn-ErrorType: <Type>:http://internal.amazon.com/coral/...`` and a
  ``{"message": ...}`` body, with the status the Converse reference gives
  each error type.
* Stream errors are ``application/vnd.amazon.eventstream`` bodies: real-shaped
  event frames, then an ``exception`` frame (``:message-type: exception``,
  ``:exception-type``, JSON payload), encoded with CRCs by
  :func:`llmcore.http.eventstream.encode_eventstream_message`.

* The Rerank cassette (``authored__rerank_cohere_v3_5.yaml``): the request (URL on the
  Agents for Amazon Bedrock Runtime endpoint, body, headers) and the response framing
  (status, headers) are authored from the Rerank API reference; the response **body** is the
  vercel/ai fixture ``amazon-bedrock-reranking.1.json`` byte for byte (read from the shared
  upstream collection, ``$LLMCORE_SHARED_DIR/upstream-cassettes/bedrock/ai/``), whose results
  name documents 0 and 5 (so the authored request has six documents and ``numberOfResults`` 2).

Run ``python plugins/bedrock/tests/author_cassettes.py`` to regenerate them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from llmcore.http.eventstream import encode_eventstream_message
from llmcore_testing import cassette_format

HERE = Path(__file__).parent / "cassettes"
HOST = "https://bedrock-runtime.us-east-1.amazonaws.com"
MODEL = "us.amazon.nova-micro-v1%3A0"
REQUEST_BODY = json.dumps({"messages": [{"role": "user", "content": [{"text": "Hello"}]}]}, separators=(",", ":"))
CORAL = "http://internal.amazon.com/coral/com.amazon.bedrock/"


def _interaction(
    op: str,
    status: int,
    reason: str,
    headers: dict[str, str],
    body: str | bytes,
    model: str = MODEL,
    request_body: str = REQUEST_BODY,
) -> dict[str, Any]:
    return {
        "request": {
            "method": "POST",
            "uri": f"{HOST}/model/{model}/{op}",
            "body": request_body,
            "headers": {"Content-Type": ["application/json"]},
        },
        "response": {
            "status": {"code": status, "message": reason},
            "headers": {k: [v] for k, v in headers.items()},
            "body": {"string": body},
        },
    }


def _http_error(status: int, reason: str, etype: str, message: str, request_id: str) -> dict[str, Any]:
    body = json.dumps({"message": message}, separators=(",", ":"))
    return _interaction(
        "converse",
        status,
        reason,
        {
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
            "x-amzn-RequestId": request_id,
            "x-amzn-ErrorType": f"{etype}:{CORAL}",
        },
        body,
    )


def _event(event_type: str, payload: dict[str, Any]) -> bytes:
    return encode_eventstream_message(
        {":event-type": event_type, ":content-type": "application/json", ":message-type": "event"},
        json.dumps(payload, separators=(",", ":")).encode(),
    )


def _exception(exception_type: str, payload: dict[str, Any]) -> bytes:
    return encode_eventstream_message(
        {":exception-type": exception_type, ":content-type": "application/json", ":message-type": "exception"},
        json.dumps(payload, separators=(",", ":")).encode(),
    )


def _stream(frames: list[bytes], request_id: str) -> dict[str, Any]:
    return _interaction(
        "converse-stream",
        200,
        "OK",
        {
            "Content-Type": "application/vnd.amazon.eventstream",
            "x-amzn-RequestId": request_id,
        },
        b"".join(frames),
    )


AGENT_HOST = "https://bedrock-agent-runtime.us-east-1.amazonaws.com"
#: the authored rerank request: six documents (the fixture's answer names documents 0 and 5), top 2
RERANK_MODEL = "cohere.rerank-v3-5:0"
RERANK_QUERY = "rainy day"
RERANK_DOCUMENTS = [
    "Rain is expected all day; take an umbrella.",
    "A sunny day at the beach.",
    "The museum is open until six on weekdays.",
    "Fresh bread is baked every morning.",
    "The train to the airport leaves every ten minutes.",
    "Puddles and grey skies: a rainy day in the city.",
]


def _fixture(name: str) -> str:
    """A vercel/ai fixture of the shared upstream collection, verbatim."""
    shared = os.environ.get("LLMCORE_SHARED_DIR") or str(Path(__file__).resolve().parents[4] / "shared")
    return (Path(shared) / "upstream-cassettes" / "bedrock" / "ai" / name).read_text(encoding="utf-8")


def _rerank() -> dict[str, Any]:
    body = {
        "queries": [{"type": "TEXT", "textQuery": {"text": RERANK_QUERY}}],
        "sources": [
            {"type": "INLINE", "inlineDocumentSource": {"type": "TEXT", "textDocument": {"text": d}}}
            for d in RERANK_DOCUMENTS
        ],
        "rerankingConfiguration": {
            "type": "BEDROCK_RERANKING_MODEL",
            "bedrockRerankingConfiguration": {
                "modelConfiguration": {"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{RERANK_MODEL}"},
                "numberOfResults": 2,
            },
        },
    }
    return {
        "request": {
            "method": "POST",
            "uri": f"{AGENT_HOST}/rerank",
            "body": json.dumps(body, separators=(",", ":")),
            "headers": {"Content-Type": ["application/json"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {
                "Content-Type": ["application/json"],
                "x-amzn-RequestId": ["00000000-0000-4000-8000-000000000200"],
            },
            "body": {"string": _fixture("amazon-bedrock-reranking.1.json")},
        },
    }


def cassettes() -> dict[str, dict[str, Any]]:
    start = _event("messageStart", {"role": "assistant"})
    hello = _event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hello"}})
    return {
        "authored__throttling_429.yaml": _http_error(
            429,
            "Too Many Requests",
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
            "00000000-0000-4000-8000-000000000429",
        ),
        "authored__internal_server_500.yaml": _http_error(
            500,
            "Internal Server Error",
            "InternalServerException",
            "The server encountered an internal error while processing the request.",
            "00000000-0000-4000-8000-000000000500",
        ),
        "authored__service_unavailable_503.yaml": _http_error(
            503,
            "Service Unavailable",
            "ServiceUnavailableException",
            "Bedrock is unable to process your request.",
            "00000000-0000-4000-8000-000000000503",
        ),
        "authored__access_denied_403.yaml": _http_error(
            403,
            "Forbidden",
            "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
            "00000000-0000-4000-8000-000000000403",
        ),
        "authored__count_tokens_unsupported_400.yaml": _interaction(
            "count-tokens",
            400,
            "Bad Request",
            {
                "Content-Type": "application/json",
                "x-amzn-RequestId": "00000000-0000-4000-8000-000000002400",
                "x-amzn-ErrorType": f"ValidationException:{CORAL}",
            },
            json.dumps({"message": "The provided model doesn't support counting tokens."}, separators=(",", ":")),
            model="amazon.nova-micro-v1%3A0",
            request_body=json.dumps({"input": {"converse": json.loads(REQUEST_BODY)}}, separators=(",", ":")),
        ),
        "authored__stream_throttling_exception.yaml": _stream(
            [
                start,
                hello,
                _exception("throttlingException", {"message": "Too many tokens, please wait before trying again."}),
            ],
            "00000000-0000-4000-8000-000000001429",
        ),
        "authored__stream_model_stream_error.yaml": _stream(
            [
                start,
                hello,
                _exception(
                    "modelStreamErrorException",
                    {
                        "message": "The model stream failed.",
                        "originalStatusCode": 500,
                        "originalMessage": "upstream reset",
                    },
                ),
            ],
            "00000000-0000-4000-8000-000000001424",
        ),
        "authored__stream_validation_too_long.yaml": _stream(
            [_exception("validationException", {"message": "Input is too long for requested model."})],
            "00000000-0000-4000-8000-000000001400",
        ),
        "authored__rerank_cohere_v3_5.yaml": _rerank(),
    }


def main() -> None:
    for name, interaction in cassettes().items():
        data = {"version": 1, "interactions": [interaction]}
        (HERE / name).write_text(cassette_format.serialize(data), encoding="utf-8")
        print(name)


if __name__ == "__main__":
    main()
