"""Tests for the cassette format, the secret scanner and the upstream importers.

Fixtures that look like secrets are assembled at runtime from fragments, so no
key-shaped literal ever sits in a tracked file.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr
import yaml
from llmcore_testing import cassette_format, cassette_import, secrets
from llmcore_testing.cassette_format import (
    REDACTED,
    SECRET_HEADERS,
    SECRET_QUERY_PARAMS,
    decode_body,
    deserialize,
    scrub_interaction,
    scrub_uri,
    serialize,
)
from llmcore_testing.cassette_import import (
    UnsupportedFormat,
    detect_format,
    load_upstream,
    output_name,
)
from vcr.serialize import deserialize as vcr_deserialize

ROOT = Path(__file__).resolve().parents[2]
CASSETTE_DIRS = [
    ROOT / "plugins" / "openai" / "tests" / "cassettes",
    ROOT / "plugins" / "anthropic" / "tests" / "cassettes",
]
CONVERTED = sorted(p for d in CASSETTE_DIRS for p in d.glob("*.yaml"))
UPSTREAM = Path(os.environ.get("LLMCORE_UPSTREAM_CASSETTES", "/work/shared/upstream-cassettes"))
needs_upstream = pytest.mark.skipif(not UPSTREAM.is_dir(), reason="upstream cassette collection not available")

SSE = 'event: message_start\ndata: {"type":"message_start"}\n\nevent: ping\ndata: {"type": "ping"}\n\n'


def _interaction(
    body: Any, headers: dict[str, list[str]] | None = None, uri: str = "https://api.example.com/v1/x"
) -> dict[str, Any]:
    return {
        "request": {
            "method": "POST",
            "uri": uri,
            "body": '{"a": 1}',
            "headers": {"content-type": ["application/json"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": headers if headers is not None else {"content-type": ["text/event-stream"]},
            "body": {"string": body},
        },
    }


def _cassette(*interactions: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "interactions": list(interactions)}


def _body(cassette: dict[str, Any], index: int = 0) -> Any:
    return cassette["interactions"][index]["response"]["body"]["string"]


# --------------------------------------------------------------------------- format


def test_sse_body_round_trips_as_literal_block() -> None:
    text = serialize(_cassette(_interaction(SSE)))
    assert "string: |" in text
    assert "event: message_start\n" in text  # readable, not escaped or folded
    assert _body(deserialize(text)) == SSE


@pytest.mark.parametrize(
    "value",
    [
        "",
        "\n",
        "a\n",
        "a\n\n\n",
        "  leading spaces\nsecond",
        "trailing space \nnext",
        "tab\there\nnext",
        "crlf\r\nline",
        "unicode é ✓ 😀\n",
        "nel\x85line\nx",
        "ls\u2028x\ny",
        "--- \n...\n# not a comment\n",
        "- item\n: colon\n? q\n",
        "'quoted'\n\"double\"\n",
        "x" * 5000 + "\n" + "y" * 5000,
        "\x00\x07 control\n",
    ],
)
def test_strings_round_trip_exactly(value: str) -> None:
    cassette = _cassette(_interaction(value))
    cassette["interactions"][0]["request"]["body"] = value
    loaded = deserialize(serialize(cassette))
    assert _body(loaded) == value
    assert loaded["interactions"][0]["request"]["body"] == value


def test_binary_body_stays_binary() -> None:
    data = bytes(range(256))
    text = serialize(_cassette(_interaction(data, {"content-type": ["application/octet-stream"]})))
    assert "!!binary" in text
    assert _body(deserialize(text)) == data


def test_utf8_bytes_are_stored_as_text() -> None:
    text = serialize(_cassette(_interaction('{"t": "é"}'.encode(), {"content-type": ["application/json"]})))
    assert "!!binary" not in text
    assert _body(deserialize(text)) == '{"t": "é"}'


def test_gzip_body_is_decompressed_and_headers_fixed() -> None:
    raw = b'{"id": "msg_1", "content": []}'
    headers = {"Content-Encoding": ["gzip"], "Content-Length": ["999"], "content-type": ["application/json"]}
    loaded = deserialize(serialize(_cassette(_interaction(gzip.compress(raw), headers))))
    response = loaded["interactions"][0]["response"]
    assert response["body"]["string"] == raw.decode()
    assert "Content-Encoding" not in response["headers"]
    assert response["headers"]["Content-Length"] == [str(len(raw))]


def test_stale_content_encoding_on_decoded_text_is_dropped() -> None:
    headers, body = decode_body({"content-encoding": "gzip", "content-type": "application/json"}, '{"a":1}')
    assert body == '{"a":1}'
    assert "content-encoding" not in headers


def test_unknown_coding_on_bytes_is_left_alone() -> None:
    blob = b"\x8b\x00\xff\xfe"
    headers, body = decode_body({"content-encoding": ["br"]}, blob)
    assert body == blob
    assert headers == {"content-encoding": ["br"]}


def test_serialize_does_not_mutate_its_argument() -> None:
    cassette = _cassette(_interaction(gzip.compress(b"x"), {"Content-Encoding": ["gzip"], "Cookie": ["a=b"]}))
    before = json.dumps(cassette, default=repr)
    serialize(cassette)
    assert json.dumps(cassette, default=repr) == before


def test_deserialize_rejects_non_cassettes() -> None:
    with pytest.raises(ValueError):
        deserialize("just: a mapping\n")


# --------------------------------------------------------------------------- scrubbing


def test_scrub_drops_secret_headers_case_insensitively() -> None:
    interaction = _interaction("ok", {"Set-Cookie": ["a=b"], "OpenAI-Organization": ["org"], "x-request-id": ["r"]})
    interaction["request"]["headers"].update({"Authorization": ["Bearer t"], "X-Api-Key": ["k"], "Cookie": ["c=d"]})
    scrubbed = scrub_interaction(interaction)
    assert set(scrubbed["request"]["headers"]) == {"content-type"}
    assert set(scrubbed["response"]["headers"]) == {"x-request-id"}
    assert "Authorization" in interaction["request"]["headers"]  # the input is untouched


def test_scrub_redacts_secret_query_params_only() -> None:
    uri = "https://generativelanguage.googleapis.com/v1beta/models/m:generateContent?alt=sse&key=abc123&Token=x#frag"
    assert (
        scrub_uri(uri)
        == f"https://generativelanguage.googleapis.com/v1beta/models/m:generateContent?alt=sse&key={REDACTED}&Token={REDACTED}#frag"
    )
    assert scrub_uri("https://api.example.com/v1/x") == "https://api.example.com/v1/x"
    assert scrub_uri("https://h/p?monkey=1&keys=2") == "https://h/p?monkey=1&keys=2"


def test_serialize_always_scrubs() -> None:
    interaction = _interaction("ok", {"set-cookie": ["a=b"]}, uri="https://h/p?api_key=abc")
    interaction["request"]["headers"]["authorization"] = ["Bearer abc"]
    text = serialize(_cassette(interaction))
    assert "Bearer" not in text and "a=b" not in text and "abc" not in text


def test_secret_name_constants_are_lower_case() -> None:
    for name in (*SECRET_HEADERS, *SECRET_QUERY_PARAMS):
        assert name == name.lower()
    assert {"authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie", "set-cookie"} <= SECRET_HEADERS
    assert {"key", "api_key", "access_token", "token"} <= SECRET_QUERY_PARAMS


# --------------------------------------------------------------------------- scanner

ALNUM = "aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xY"  # 32 mixed characters


def _fake_keys() -> dict[str, str]:
    """One example per detected key shape, built from fragments."""
    return {
        "openai_key": "sk-" + "proj-" + ALNUM + ALNUM,
        "anthropic_key": "sk-" + "ant-" + "api03-" + ALNUM + ALNUM,
        "google_api_key": "AI" + "za" + ALNUM + "Sy9",
        "google_oauth_token": "ya" + "29." + ALNUM,
        "aws_access_key_id": "AK" + "IA" + "Q3EGRI7XN2VB5KTZ",
        "groq_key": "gs" + "k_" + ALNUM + ALNUM,
        "huggingface_token": "hf" + "_" + ALNUM + "Zz",
        "replicate_token": "r8" + "_" + ALNUM + "Zz",
        "xai_key": "xa" + "i-" + ALNUM + ALNUM,
        "perplexity_key": "pp" + "lx-" + ALNUM + ALNUM,
        "together_key": "tg" + "p_v1_" + ALNUM,
        "fireworks_key": "fw" + "_" + ALNUM,
        "cerebras_key": "cs" + "k-" + ALNUM,
    }


@pytest.mark.parametrize("kind", sorted(_fake_keys()))
def test_scanner_finds_each_key_shape(kind: str) -> None:
    key = _fake_keys()[kind]
    findings = secrets.scan_text(f'prefix\n{{"api_key": "{key}"}}\n')
    assert [(f.line, f.kind) for f in findings] == [(2, kind)]
    assert key not in findings[0].excerpt  # the excerpt masks the secret


def test_scanner_finds_the_brief_example_key() -> None:
    assert [f.kind for f in secrets.scan_text("k = " + "sk-" + "proj-" + "A" * 40)] == ["openai_key"]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Authorization: Bearer " + "eyJhbGciOi" + "JIUzI1NiJ9x7Qw3Zr", "authorization_header"),
        ('"authorization": "Bearer ' + "9f8e7d6c5b4a" + "39281706f5e4d3c2" + '"', "authorization_header"),
        ("x-api-key: " + "0a1b2c3d4e5f" + "a6b7c8d9e0f1a2b3", "api_key_header"),
        ("Set-Cookie: __cf_bm=" + "abc123DEF456" + "; path=/", "cookie_header"),
        ("aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYzzKEYz0123", "aws_secret_access_key"),
        (
            "Authorization: AWS4-HMAC-SHA256 Credential="
            + "AK"
            + "IAQ3EGRI7XN2VB5KTZ"
            + "/20250101/us-east-1/bedrock/aws4_request",
            "sigv4_credential",
        ),
    ],
)
def test_scanner_finds_credential_headers(line: str, kind: str) -> None:
    assert [f.kind for f in secrets.scan_text(line)] == [kind]


@pytest.mark.parametrize(
    "line",
    [
        "Authorization: Bearer <AUTH_TOKEN>",
        "authorization: Bearer REDACTED",
        "Authorization: Bearer test",
        "Authorization: Bearer dummy-key-for-tests",
        "Authorization: Bearer $OPENAI_API_KEY",
        "Api-Key: <AZURE_API_KEY>",
        "x-api-key: <filtered>",
        "Cookie: <COOKIE>",
        "Authorization: AWS4-HMAC-SHA256 Credential=<AWS_ACCESS_KEY_ID>/20250101/us-east-1/bedrock/aws4_request",
        '"id": "chatcmpl-BJjf61mLb9z5H45ClJzbx0UWKwjo1", "x": "msg_01ALwQ87pTS7hH1PjSdC9wJD"',
        '"id": "resp_08ddf351751647d60169fab1b8a7ac81a081b9e2400e87fb63", "call_id": "call_iXFttys57ap0o16JSlC8yhYo"',
        "the risk-averse task-oriented desk-bound approach",
        "encrypted: gAAAAABo" + "-sk-" + ALNUM + ALNUM + "_hf_" + ALNUM,
    ],
)
def test_scanner_ignores_placeholders_and_ids(line: str) -> None:
    assert secrets.scan_text(line) == []


def test_scanner_ignores_thinking_signatures() -> None:
    # Anthropic thinking signatures are long standard base64; build one that even contains key-like runs.
    signature = base64.b64encode(b"\x12\x0a\x08" + bytes(range(256)) * 3 + b"sk-AKIAAIzahf_r8_gsk_").decode()
    assert secrets.scan_text(json.dumps({"type": "thinking", "thinking": "", "signature": signature})) == []
    real = [p for p in CONVERTED if p.name == "pydantic-ai__test_anthropic_model_thinking_part.yaml"]
    if real:
        assert '"signature": "' in real[0].read_text()
        assert secrets.scan_paths(real) == []


def test_scan_paths_handles_yaml_headers_binary_and_gzip(tmp_path: Path) -> None:
    token = "9f8e7d6c5b4a" + "39281706f5e4d3c2"
    key = _fake_keys()["anthropic_key"]
    gz_body = base64.b64encode(gzip.compress(f'{{"leak": "{key}"}}'.encode())).decode()
    (tmp_path / "c.yaml").write_text(
        "interactions:\n"
        "- request:\n"
        "    headers:\n"
        "      Authorization:\n"
        f"      - Bearer {token}\n"
        "  response:\n"
        "    body:\n"
        f"      string: !!binary |\n        {gz_body}\n"
    )
    (tmp_path / "clean.yaml").write_text("interactions: []\n")
    kinds = sorted((Path(f.path).name, f.line, f.kind) for f in secrets.scan_paths([tmp_path]))
    assert kinds == [("c.yaml", 5, "authorization_header"), ("c.yaml", 8, "anthropic_key")]


def test_secrets_main_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.yaml").write_text("interactions: []\n")
    assert secrets.main([str(tmp_path)]) == 0
    assert "0 findings in 1 files" in capsys.readouterr().out
    (tmp_path / "bad.txt").write_text("token " + _fake_keys()["groq_key"] + "\n")
    assert secrets.main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.txt:1: groq_key:" in out and _fake_keys()["groq_key"] not in out


def test_converted_cassettes_have_no_secrets() -> None:
    assert CONVERTED, "no converted cassettes found"
    assert secrets.scan_paths(CASSETTE_DIRS) == []


# --------------------------------------------------------------------------- importers


def test_output_name_is_shell_friendly() -> None:
    assert (
        output_name("pydantic-ai", "x/test_stop_settings[openai].yaml")
        == "pydantic-ai__test_stop_settings_openai_.yaml"
    )
    assert output_name("ellmer", "anthropic-basic.yml") == "ellmer__anthropic-basic.yaml"
    assert output_name("src", "a b.yaml") == "src__a_b.yaml"


def test_detect_format_and_unsupported_files(tmp_path: Path) -> None:
    assert detect_format({"http_interactions": []}) == "ruby-vcr"
    assert detect_format({"interactions": [{"request": {}, "response": {"parsed_body": {}}}]}) == "pydantic-ai"
    assert detect_format({"interactions": [{"request": {}, "response": {}}]}) == "vcrpy"
    with pytest.raises(UnsupportedFormat):
        detect_format({"requests": []})
    for name in ("anthropic-text.chunks.txt", "anthropic-text.json"):
        (tmp_path / name).write_text("{}\n")
        with pytest.raises(UnsupportedFormat):
            load_upstream(tmp_path / name)


def _upstream_yaml(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=cassette_import._UpstreamLoader)


@needs_upstream
def test_import_vcrpy_gzip_binary() -> None:
    src = UPSTREAM / "openai" / "llm" / "test_responses_basic_non_streaming.yaml"
    original = _upstream_yaml(src)["interactions"][0]["response"]
    assert isinstance(original["body"]["string"], bytes)
    response = load_upstream(src)["interactions"][0]["response"]
    assert response["body"]["string"] == gzip.decompress(original["body"]["string"]).decode()
    assert not any(k.lower() in ("content-encoding", "set-cookie", "openai-organization") for k in response["headers"])


@needs_upstream
def test_import_vcrpy_legacy_httpx_layout() -> None:
    """vcrpy's older httpx stubs stored ``status_code`` and ``content`` (decoded
    text, a stale ``Content-Encoding: gzip`` kept)."""
    src = UPSTREAM / "replicate" / "replicate-python" / "predictions-get.yaml"
    original = _upstream_yaml(src)["interactions"][0]["response"]
    assert "status_code" in original and "content" in original
    response = load_upstream(src)["interactions"][0]["response"]
    assert response["status"] == {"code": 200, "message": "OK"}
    assert response["body"]["string"] == original["content"]
    assert not any(k.lower() == "content-encoding" for k in response["headers"])


@needs_upstream
def test_import_pydantic_ai_parsed_body() -> None:
    src = UPSTREAM / "openai" / "pydantic-ai" / "test_openai_instructions.yaml"
    original = _upstream_yaml(src)["interactions"][0]
    converted = load_upstream(src)["interactions"][0]
    assert converted["request"]["body"] == json.dumps(original["request"]["parsed_body"])
    assert converted["response"]["body"]["string"] == json.dumps(original["response"]["parsed_body"])
    assert converted["response"]["headers"]["content-length"] == [str(len(converted["response"]["body"]["string"]))]


@needs_upstream
def test_import_pydantic_ai_sse_is_byte_exact() -> None:
    src = UPSTREAM / "anthropic" / "pydantic-ai" / "test_anthropic_model_thinking_part_stream.yaml"
    original = _upstream_yaml(src)["interactions"][0]["response"]["body"]["string"]
    assert _body(load_upstream(src)) == original


@needs_upstream
def test_import_r_vcr() -> None:
    src = UPSTREAM / "anthropic" / "ellmer" / "anthropic-count-tokens.yml"
    original = _upstream_yaml(src)["http_interactions"]
    cassette = load_upstream(src)
    first = cassette["interactions"][0]
    assert first["request"]["method"] == "POST"
    assert first["request"]["uri"].endswith("/v1/messages/count_tokens")
    assert first["request"]["body"] == original[0]["request"]["body"]["string"]
    assert first["response"]["status"] == {"code": 200, "message": "OK"}
    assert _body(cassette) == '{"input_tokens":12}'
    assert all(isinstance(v, list) for v in first["response"]["headers"].values())
    assert "content-encoding" not in first["response"]["headers"]  # body was stored decoded


@needs_upstream
def test_import_ruby_vcr_binary_tag() -> None:
    src = UPSTREAM / "azure" / "ruby_llm" / "chat_function_calling_azure_grok-4-1-fast-non-reasoning_can_use_tools.yml"
    assert "!binary |" in src.read_text()
    cassette = load_upstream(src)
    assert [i["request"]["method"] for i in cassette["interactions"]] == ["POST", "POST"]
    assert json.loads(_body(cassette, 1))["object"] == "chat.completion"
    assert not any(k.lower() == "api-key" for k in cassette["interactions"][0]["request"]["headers"])


@needs_upstream
def test_import_main_converts_one_file(tmp_path: Path) -> None:
    dest = tmp_path / "out.yaml"
    src = UPSTREAM / "anthropic" / "mirascope" / "anthropic_claude_sonnet_4_0.yaml"
    assert cassette_import.main([str(src), str(dest)]) == 0
    assert deserialize(dest.read_text())["interactions"][0]["response"]["status"]["code"] == 401
    assert (
        cassette_import.main([str(UPSTREAM / "anthropic" / "ai" / "anthropic-text.json"), str(tmp_path / "x.yaml")])
        == 2
    )


# --------------------------------------------------------------------------- vcrpy


@pytest.mark.parametrize("path", CONVERTED, ids=[p.name for p in CONVERTED])
def test_converted_cassette_loads_with_vcrpy(path: Path) -> None:
    requests, responses = vcr_deserialize(path.read_text(encoding="utf-8"), cassette_format)
    assert requests and len(requests) == len(responses)
    for response in responses:
        assert isinstance(response["body"]["string"], bytes)
        assert response["status"]["message"]


def test_vcr_replays_a_converted_stream_through_httpx() -> None:
    name = "llm-anthropic__test_stream_events_thinking.yaml"  # gzip-compressed SSE upstream
    directory = CASSETTE_DIRS[1]
    interaction = deserialize((directory / name).read_text())["interactions"][0]
    expected = interaction["response"]["body"]["string"].encode()

    recorder = vcr.VCR(cassette_library_dir=str(directory), record_mode="none")
    recorder.register_serializer("llmcore", cassette_format)

    async def replay() -> tuple[int, bytes, bytes]:
        with recorder.use_cassette(name, serializer="llmcore", allow_playback_repeats=True):
            async with httpx.AsyncClient() as client:
                response = await client.post(interaction["request"]["uri"], content=interaction["request"]["body"])
                async with client.stream(
                    "POST", interaction["request"]["uri"], content=interaction["request"]["body"]
                ) as streamed:
                    chunks = b"".join([chunk async for chunk in streamed.aiter_bytes()])
                return response.status_code, response.content, chunks

    status, content, streamed = asyncio.run(replay())
    assert status == 200
    assert content == expected
    assert streamed == expected
    assert content.startswith(b"event: message_start")


def test_import_har_entries(tmp_path: Path) -> None:
    """HAR 1.2 (Polly.JS): raw request/response, decoded body, a base64 body, auth scrubbed."""
    body = '{"error": {"message": "Invalid API key provided.", "code": "invalid_api_key"}}'
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {
                        "method": "post",
                        "url": "https://api.example.com/v1/chat/completions",
                        "headers": [
                            {"name": "authorization", "value": "[REDACTED]"},
                            {"name": "content-type", "value": "application/json"},
                        ],
                        "postData": {"mimeType": "application/json", "text": '{"model":"m"}'},
                    },
                    "response": {
                        "status": 401,
                        "statusText": "Unauthorized",
                        "headers": [
                            {"name": "content-encoding", "value": "gzip"},
                            {"name": "content-length", "value": "999"},
                        ],
                        "content": {"mimeType": "application/json", "text": body},
                    },
                },
                {
                    "request": {"method": "GET", "url": "https://api.example.com/v1/models", "headers": []},
                    "response": {
                        "status": 200,
                        "statusText": "",
                        "headers": [],
                        "content": {"text": base64.b64encode(b"[]").decode(), "encoding": "base64"},
                    },
                },
            ],
        }
    }
    assert detect_format(har) == "har"
    path = tmp_path / "rec.har"
    path.write_text(json.dumps(har))
    out = load_upstream(path)["interactions"]
    req, resp = out[0]["request"], out[0]["response"]
    assert req["method"] == "POST" and req["body"] == '{"model":"m"}'
    assert "authorization" not in {k.lower() for k in req["headers"]}
    assert resp["status"] == {"code": 401, "message": "Unauthorized"}
    assert resp["body"]["string"] == body
    assert "content-encoding" not in {k.lower() for k in resp["headers"]}
    assert resp["headers"]["content-length"] == [str(len(body))]
    assert out[1]["response"]["status"] == {"code": 200, "message": "OK"}
    assert out[1]["response"]["body"]["string"] in ("[]", b"[]")


@needs_upstream
def test_import_real_har() -> None:
    out = load_upstream(UPSTREAM / "together" / "mirascope" / "makes-successful-api-call.har")["interactions"]
    assert len(out) == 1 and out[0]["response"]["status"]["code"] == 401
    assert "invalid_api_key" in out[0]["response"]["body"]["string"]


def _httprr(*exchanges: tuple[bytes, bytes]) -> bytes:
    out = b"httprr trace v1\n"
    for req, resp in exchanges:
        out += f"{len(req)} {len(resp)}\n".encode() + req + resp
    return out


def test_import_httprr_exchanges(tmp_path: Path) -> None:
    req1 = (
        b"POST http://localhost:11434/api/embed HTTP/1.1\r\nHost: localhost:11434\r\n"
        b"User-Agent: langchaingo-httprr\nAuthorization: Bearer test-api-key\r\nContent-Type: application/json\r\n\r\n"
        b'{"model":"m","input":["a"]}'
    )
    resp1 = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
        b'5\r\n{"a":\r\n4;ext=1\r\n[1]}\r\n0\r\n\r\n'
    )
    req2 = b"GET /api/tags HTTP/1.1\r\nHost: example.test:8080\r\n\r\n"
    gz = gzip.compress(b'{"models":[]}')
    resp2 = (
        b"HTTP/1.1 404 Not Found\r\nContent-Encoding: gzip\r\nContent-Length: "
        + str(len(gz)).encode()
        + b"\r\n\r\n"
        + gz
    )
    path = tmp_path / "Trace.httprr"
    path.write_bytes(_httprr((req1, resp1), (req2, resp2)))
    one, two = load_upstream(path)["interactions"]
    assert one["request"]["method"] == "POST" and one["request"]["uri"] == "http://localhost:11434/api/embed"
    assert one["request"]["body"] == '{"model":"m","input":["a"]}'
    assert one["request"]["headers"]["User-Agent"] == ["langchaingo-httprr"]  # a bare-LF header line
    assert not any(k.lower() == "authorization" for k in one["request"]["headers"])  # scrubbed
    assert one["response"]["status"] == {"code": 200, "message": "OK"}
    assert one["response"]["body"]["string"] == '{"a":[1]}'  # de-chunked, extension ignored
    assert two["request"]["uri"] == "http://example.test:8080/api/tags" and two["request"]["body"] is None
    assert two["response"]["status"] == {"code": 404, "message": "Not Found"}
    assert two["response"]["body"]["string"] == '{"models":[]}'  # gunzipped, as for every format
    assert output_name("langchaingo", path) == "langchaingo__Trace.yaml"


@pytest.mark.parametrize(
    "raw",
    [
        b"not a trace\n",
        b"httprr trace v1\nx y\n",
        b"httprr trace v1\n10 10\nshort",
        _httprr((b"GET / HTTP/1.1\r\nHost: h\r\n", b"HTTP/1.1 200 OK\r\n\r\n")),  # no end of headers
        _httprr((b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")),
        _httprr(
            (b"GET / HTTP/1.1\r\nHost: h\r\n\r\n", b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nff\r\nab")
        ),
    ],
)
def test_import_httprr_rejects_malformed_traces(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "bad.httprr"
    path.write_bytes(raw)
    with pytest.raises(UnsupportedFormat):
        load_upstream(path)


@needs_upstream
def test_import_real_httprr() -> None:
    (one,) = load_upstream(UPSTREAM / "ollama" / "langchaingo" / "TestClient_CreateEmbedding.httprr")["interactions"]
    assert one["request"]["uri"] == "http://localhost:11434/api/embed"
    body = json.loads(one["response"]["body"]["string"])
    assert body["prompt_eval_count"] == 2 and len(body["embeddings"][0]) == 768


# --------------------------------------------------------------------------- llama-stack recordings


def _llama_stack(body: dict[str, Any], data: Any, **response: Any) -> dict[str, Any]:
    """A llama-stack SDK-object recording of ``AsyncEmbeddings.create(**body)`` answering ``data``."""
    return {
        "request": {
            "method": "POST",
            "url": "https://api.example.test/v1/v1/embeddings",
            "headers": {},
            "body": body,
            "endpoint": "/v1/embeddings",
            "model": body.get("model", ""),
        },
        "response": {
            "body": {"__type__": "openai.types.create_embedding_response.CreateEmbeddingResponse", "__data__": data},
            "is_streaming": False,
            **response,
        },
    }


B64 = base64.b64encode(b"\x00\x00\x80\x3f\x00\x00\x00\xc0").decode()  # float32 1.0, -2.0
EMB_B64 = {
    "data": [{"embedding": B64, "index": 0, "object": "embedding"}],
    "model": "m",
    "object": "list",
    "usage": {"prompt_tokens": 2, "total_tokens": 2},
}


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "0123456789ab.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def test_import_llama_stack_embeddings(tmp_path: Path) -> None:
    """The SDK object's fields and the request as recorded; the URL the SDK posted to (not the
    recorder's ``/v1/v1``); status 200 and ``Content-Type`` supplied; compact JSON text."""
    body = {"model": "m", "input": ["a"], "encoding_format": "base64", "dimensions": 2}
    (one,) = load_upstream(_write(tmp_path, _llama_stack(body, EMB_B64)))["interactions"]
    assert one["request"]["uri"] == "https://api.example.test/v1/embeddings"
    assert one["request"]["method"] == "POST" and json.loads(one["request"]["body"]) == body
    assert one["response"]["status"] == {"code": 200, "message": "OK"}
    assert one["response"]["headers"] == {"Content-Type": ["application/json"]}
    assert one["response"]["body"]["string"] == json.dumps(EMB_B64, separators=(",", ":"))
    assert output_name("llama-stack", "x/0123456789ab.json") == "llama-stack__0123456789ab.yaml"


def test_import_llama_stack_hostless_url_gets_https(tmp_path: Path) -> None:
    rec = _llama_stack(
        {"model": "m", "input": "a", "encoding_format": "float"},
        {"data": [{"embedding": [0.5], "index": 0}], "model": "m"},
    )
    rec["request"]["url"] = "__databricks__/serving-endpoints/v1/embeddings"
    (one,) = load_upstream(_write(tmp_path, rec))["interactions"]
    assert one["request"]["uri"] == "https://__databricks__/serving-endpoints/embeddings"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        # the SDK asked base64 on the wire and stored the floats it decoded
        (lambda r: r["request"]["body"].pop("encoding_format"), "without encoding_format"),
        # base64 asked, numbers held: not the answer as sent
        (lambda r: r["response"]["body"]["__data__"]["data"][0].update(embedding=[1.0, -2.0]), "decoded numbers"),
        (lambda r: r["request"]["body"].update(encoding_format="float"), "holds strings"),
        (lambda r: r["request"]["body"].update(extra_body={"x": 1}), "SDK-only"),
        (lambda r: r["response"].update(is_streaming=True), "streams"),
        (
            lambda r: r["response"]["body"].update(__type__="openai.types.chat.chat_completion.ChatCompletion"),
            "is not converted",
        ),
        (lambda r: r["request"].update(endpoint="/v1/other"), "does not end with"),
    ],
)
def test_import_llama_stack_refuses_what_is_not_the_wire(tmp_path: Path, edit: Any, reason: str) -> None:
    rec = _llama_stack({"model": "m", "input": ["a"], "encoding_format": "base64"}, json.loads(json.dumps(EMB_B64)))
    edit(rec)
    with pytest.raises(UnsupportedFormat, match=reason):
        load_upstream(_write(tmp_path, rec))


def test_import_llama_stack_raw_http(tmp_path: Path) -> None:
    """A raw-HTTP recording (vLLM ``/rerank``): URL, payload and status as recorded."""
    answer = {"id": "rerank-1", "results": [{"index": 1, "relevance_score": 0.75}]}
    rec = {
        "test_id": "t",
        "request": {
            "test_id": "t",
            "url": "http://localhost:8000/rerank",
            "method": "POST",
            "payload": {"model": "r", "query": "q", "documents": ["a", "b"]},
        },
        "response": {"status": 200, "body": answer, "is_streaming": False},
        "id_normalization_mapping": {},
    }
    (one,) = load_upstream(_write(tmp_path, rec))["interactions"]
    assert one["request"]["uri"] == "http://localhost:8000/rerank"
    assert json.loads(one["request"]["body"])["documents"] == ["a", "b"]
    assert json.loads(one["response"]["body"]["string"]) == answer


@needs_upstream
def test_import_real_llama_stack_files() -> None:
    (one,) = load_upstream(UPSTREAM / "fireworks" / "llama-stack" / "8cdb7e65fcfe.json")["interactions"]
    assert one["request"]["uri"] == "https://api.fireworks.ai/inference/v1/embeddings"
    assert isinstance(json.loads(one["response"]["body"]["string"])["data"][0]["embedding"], str)
    with pytest.raises(UnsupportedFormat, match="decoded numbers"):  # Ollama /v1: base64 asked, numbers stored
        load_upstream(UPSTREAM / "ollama" / "llama-stack" / "4ebcaf6c2aee.json")
