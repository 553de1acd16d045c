"""Convert recordings published by other projects into llmcore cassettes.

Supported upstream formats (see ``upstream-cassettes/SOURCES.md``):

* ``vcrpy`` - standard vcrpy YAML (pytest-recording, pytest-vcr, Mirascope), also vcrpy's
  older httpx layout (``status_code`` and ``content`` in the response):
  ``interactions:`` with ``body: {string: ...}``; gzip bodies may be stored as
  ``!!binary`` with ``Content-Encoding: gzip``.
* ``pydantic-ai`` - vcrpy YAML whose JSON bodies are stored parsed, under
  ``parsed_body:``; the body string is ``json.dumps(parsed_body)``, exactly what
  pydantic-ai's own deserializer feeds to vcrpy.
* ``ruby-vcr`` - Ruby VCR 6 and R ``vcr`` YAML: ``http_interactions:``, status as
  ``200`` or ``{code, message}``, headers as scalars or lists,
  ``body: {encoding, string}``, binary bodies under Ruby's ``!binary`` tag.
* ``har`` - HAR 1.2 (``*.har``, e.g. Polly.JS recordings in Mirascope's TypeScript
  tests): ``log.entries`` with the raw request (``postData.text``) and response
  (``content.text``, already decoded, or base64 with ``encoding: base64``).
* ``httprr`` - langchaingo's raw HTTP traces (``*.httprr``): the line ``httprr trace v1``,
  then per exchange a line ``<request bytes> <response bytes>`` and exactly those bytes
  of the HTTP/1.1 request and response as sent (request line or status line, headers,
  body; a ``Transfer-Encoding: chunked`` body with its chunk framing, which we undo).

* ``llama-stack`` - llama-stack's recording JSON (``*.json``,
  ``tests/integration/recordings/``), for the exchanges whose conversion is faithful only
  (:func:`from_llama_stack`): an embeddings answer held as the openai SDK's
  ``CreateEmbeddingResponse`` dump, and raw-HTTP recordings (``payload`` + ``status``,
  e.g. vLLM ``/rerank``). Everything else in that format is refused, with the reason.

Not HTTP recordings, so refused with :class:`UnsupportedFormat`: vercel/ai
``*.chunks.txt`` / ``*.json`` fixtures (decoded chunks or bare bodies, no request,
status or framing) and llama-stack recordings of any other kind (chat completions,
streams: SDK objects whose wire form cannot be rebuilt exactly).

The conversion maps the format only: bodies are never edited beyond undoing a
``Content-Encoding`` (then ``Content-Encoding`` is dropped and ``Content-Length``
set to the stored size), and every interaction is scrubbed with
:func:`~llmcore_testing.cassette_format.scrub_interaction`.

``python -m llmcore_testing.cassette_import SRC DEST`` converts one file.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any, Literal

import yaml

from llmcore_testing import cassette_format
from llmcore_testing.cassette_format import (
    CASSETTE_VERSION,
    decode_body,
    scrub_interaction,
)

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

__all__ = [
    "UnsupportedFormat",
    "UpstreamFormat",
    "convert_file",
    "detect_format",
    "from_har",
    "from_httprr",
    "from_llama_stack",
    "from_pydantic_ai",
    "from_ruby_vcr",
    "from_vcrpy",
    "load_upstream",
    "main",
    "output_name",
]

UpstreamFormat = Literal["vcrpy", "pydantic-ai", "ruby-vcr", "har", "httprr", "llama-stack"]

Cassette = dict[str, Any]
Interaction = dict[str, Any]


class UnsupportedFormat(ValueError):
    """The file is not an HTTP recording in a format this module converts."""


class _UpstreamLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """Safe loader that also reads Ruby's single-bang ``!binary`` tag as bytes."""


def _construct_ruby_binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    return loader.construct_yaml_binary(node)  # type: ignore[no-any-return]


_UpstreamLoader.add_constructor("!binary", _construct_ruby_binary)


# --------------------------------------------------------------------------- helpers


def _header_lists(headers: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Headers as vcrpy keeps them: name -> list of string values (botocore's
    bytes values, stored as ``!!binary`` by pydantic-ai, are decoded)."""
    result: dict[str, list[str]] = {}
    for name, value in (headers or {}).items():
        values = value if isinstance(value, list) else [value]
        result[str(name)] = [
            "" if v is None else v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values
        ]
    return result


def _finish(request: Interaction, response: Interaction) -> Interaction:
    """Undo content codings, keep UTF-8 bodies as text, and scrub one interaction."""
    request["headers"], request["body"] = decode_body(request["headers"], request["body"])
    response["headers"], body = decode_body(response["headers"], response["body"]["string"])
    response["body"] = {"string": "" if body is None else body}
    return scrub_interaction({"request": request, "response": response})


def _status(raw: Any) -> dict[str, Any]:
    """``200`` / ``{code, message}`` / ``{status_code, message}`` -> ``{code, message}``."""
    if isinstance(raw, Mapping):
        code = int(raw.get("code", raw.get("status_code", 0)))
        message = raw.get("message")
    else:
        code, message = int(raw), None
    if not message:
        try:
            message = HTTPStatus(code).phrase
        except ValueError:
            message = ""
    return {"code": code, "message": str(message)}


def _content_length_fixed(headers: dict[str, list[str]], body: str | bytes) -> None:
    """Set an existing ``Content-Length`` to the size of ``body`` as stored."""
    size = len(body.encode("utf-8") if isinstance(body, str) else body)
    for name in headers:
        if name.lower() == "content-length":
            headers[name] = [str(size)]


def _cassette(interactions: list[Interaction]) -> Cassette:
    return {"interactions": interactions, "version": CASSETTE_VERSION}


def _interactions(data: Any, key: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        raise UnsupportedFormat(f"expected a mapping with an {key!r} list")
    return data[key]


# --------------------------------------------------------------------------- formats


def from_vcrpy(data: Mapping[str, Any]) -> Cassette:
    """Convert a parsed standard vcrpy cassette (``interactions:`` with raw bodies)."""
    result = []
    for item in _interactions(data, "interactions"):
        req, resp = item["request"], item["response"]
        request = {
            "method": req["method"],
            "uri": req["uri"],
            "body": req.get("body"),
            "headers": _header_lists(req.get("headers")),
        }
        # vcrpy's older httpx serialization stores ``status_code`` and ``content``
        # (the decoded body text) instead of ``status`` and ``body: {string}``.
        legacy = "status" not in resp and "status_code" in resp
        response = {
            "status": _status(resp["status_code"] if legacy else resp["status"]),
            "headers": _header_lists(resp.get("headers")),
            "body": {"string": resp.get("content") if legacy else (resp.get("body") or {}).get("string")},
        }
        result.append(_finish(request, response))
    return _cassette(result)


def from_pydantic_ai(data: Mapping[str, Any]) -> Cassette:
    """Convert a parsed pydantic-ai cassette (JSON bodies stored under ``parsed_body:``).

    A ``parsed_body`` becomes the body string ``json.dumps(parsed_body)``, as
    pydantic-ai's own deserializer does, and ``Content-Length`` is set to its size.
    Interactions without ``parsed_body`` are plain vcrpy.
    """
    plain: list[dict[str, Any]] = []
    for item in _interactions(data, "interactions"):
        req, resp = dict(item["request"]), dict(item["response"])
        if "parsed_body" in req:
            req["body"] = json.dumps(req.pop("parsed_body"))
            req["headers"] = _header_lists(req.get("headers"))
            _content_length_fixed(req["headers"], req["body"])
        if "parsed_body" in resp:
            resp["body"] = {"string": json.dumps(resp.pop("parsed_body"))}
            resp["headers"] = _header_lists(resp.get("headers"))
            _content_length_fixed(resp["headers"], resp["body"]["string"])
        plain.append({"request": req, "response": resp})
    return from_vcrpy({"interactions": plain})


def _ruby_body(raw: Any) -> str | bytes | None:
    """``{encoding, string}`` (or a bare string) -> the body string or bytes."""
    if isinstance(raw, Mapping):
        if "base64_string" in raw:  # R vcr with preserve_exact_body_bytes
            return base64.b64decode(raw["base64_string"])
        return raw.get("string")
    return raw


def from_ruby_vcr(data: Mapping[str, Any]) -> Cassette:
    """Convert a parsed Ruby VCR 6 / R vcr cassette (``http_interactions:``).

    Methods are upper-cased (vcrpy matches them case-sensitively), scalar headers
    become one-element lists, ``status: 200`` gets its standard reason phrase,
    and ``recorded_at`` / ``recorded_with`` are dropped.
    """
    result = []
    for item in _interactions(data, "http_interactions"):
        req, resp = item["request"], item["response"]
        request = {
            "method": str(req["method"]).upper(),
            "uri": req["uri"],
            "body": _ruby_body(req.get("body")),
            "headers": _header_lists(req.get("headers")),
        }
        response = {
            "status": _status(resp["status"]),
            "headers": _header_lists(resp.get("headers")),
            "body": {"string": _ruby_body(resp.get("body"))},
        }
        result.append(_finish(request, response))
    return _cassette(result)


def _har_headers(items: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for h in items or ():
        result.setdefault(str(h["name"]), []).append(str(h.get("value", "")))
    return result


def from_har(data: Mapping[str, Any]) -> Cassette:
    """Convert a parsed HAR 1.2 log (``log.entries``).

    HAR keeps the response body decoded (``content.text``), so a recorded
    ``Content-Encoding`` is dropped and ``Content-Length`` set to the stored size.
    """
    log = data.get("log") if isinstance(data, Mapping) else None
    result = []
    for entry in _interactions(log, "entries"):
        req, resp = entry["request"], entry["response"]
        post = req.get("postData") or {}
        request = {
            "method": str(req["method"]).upper(),
            "uri": req["url"],
            "body": post.get("text"),
            "headers": _har_headers(req.get("headers")),
        }
        content = resp.get("content") or {}
        body: str | bytes | None = content.get("text")
        if body is not None and content.get("encoding") == "base64":
            body = base64.b64decode(body)
        headers = {k: v for k, v in _har_headers(resp.get("headers")).items() if k.lower() != "content-encoding"}
        if body is not None:
            _content_length_fixed(headers, body)
        response = {
            "status": _status({"code": resp["status"], "message": resp.get("statusText")}),
            "headers": headers,
            "body": {"string": body},
        }
        result.append(_finish(request, response))
    return _cassette(result)


HTTPRR_MAGIC = b"httprr trace v1\n"


def _http_head(raw: bytes, what: str) -> tuple[str, dict[str, list[str]], bytes]:
    """``(start line, headers, body)`` of one raw HTTP/1.1 message. Lines may end in CRLF
    or a bare LF (langchaingo's recorder writes its rewritten ``User-Agent`` with LF)."""
    end = raw.find(b"\r\n\r\n")
    lf_end = raw.find(b"\n\n")
    if end < 0 or (0 <= lf_end < end):
        if lf_end < 0:
            raise UnsupportedFormat(f"httprr: the {what} has no end of headers")
        head, body = raw[:lf_end], raw[lf_end + 2 :]
    else:
        head, body = raw[:end], raw[end + 4 :]
    lines = [line.rstrip(b"\r").decode("latin-1") for line in head.split(b"\n")]
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise UnsupportedFormat(f"httprr: bad header line in the {what}: {line[:60]!r}")
        headers.setdefault(name.strip(), []).append(value.strip())
    return lines[0], headers, body


def _dechunk(body: bytes) -> bytes:
    """The payload of a ``Transfer-Encoding: chunked`` body (trailers ignored)."""
    out = bytearray()
    pos = 0
    while True:
        eol = body.find(b"\n", pos)
        if eol < 0:
            raise UnsupportedFormat("httprr: a chunked body ends inside a chunk-size line")
        size_text = body[pos:eol].rstrip(b"\r").split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise UnsupportedFormat(f"httprr: bad chunk size {size_text[:20]!r}") from None
        pos = eol + 1
        if size == 0:
            return bytes(out)
        if pos + size > len(body):
            raise UnsupportedFormat("httprr: a chunk is longer than the recorded body")
        out += body[pos : pos + size]
        pos += size
        pos += 2 if body[pos : pos + 2] == b"\r\n" else 1 if body[pos : pos + 1] == b"\n" else 0


def from_httprr(raw: bytes) -> Cassette:
    """Convert a langchaingo ``httprr`` trace (the raw bytes of the file).

    Each request keeps its method, absolute URL (built from ``Host`` when the
    request line has a path only), headers and body; each response its status,
    headers and body, de-chunked when it was sent chunked (the ``Transfer-Encoding``
    header is kept, as other recorders keep it next to their decoded bodies).
    """
    if not raw.startswith(HTTPRR_MAGIC):
        raise UnsupportedFormat("not an httprr trace (no 'httprr trace v1' line)")
    pos = len(HTTPRR_MAGIC)
    result = []
    while pos < len(raw):
        eol = raw.find(b"\n", pos)
        try:
            req_len, resp_len = (int(x) for x in raw[pos:eol].split())
        except ValueError:
            raise UnsupportedFormat(f"httprr: bad length line {raw[pos:eol][:40]!r}") from None
        pos = eol + 1
        req_raw, resp_raw = raw[pos : pos + req_len], raw[pos + req_len : pos + req_len + resp_len]
        if len(req_raw) != req_len or len(resp_raw) != resp_len:
            raise UnsupportedFormat("httprr: the trace is shorter than its length line says")
        pos += req_len + resp_len
        start, req_headers, req_body = _http_head(req_raw, "request")
        method, target, *_ = start.split(" ")
        if not target.startswith(("http://", "https://")):
            host = next((v[0] for k, v in req_headers.items() if k.lower() == "host"), "localhost")
            target = f"http://{host}{target}"
        status_line, resp_headers, resp_body = _http_head(resp_raw, "response")
        parts = status_line.split(" ", 2)
        chunked = any(
            k.lower() == "transfer-encoding" and "chunked" in ",".join(v).lower() for k, v in resp_headers.items()
        )
        if chunked:
            resp_body = _dechunk(resp_body)
        request = {"method": method.upper(), "uri": target, "body": req_body or None, "headers": req_headers}
        response = {
            "status": _status({"code": int(parts[1]), "message": parts[2] if len(parts) > 2 else ""}),
            "headers": resp_headers,
            "body": {"string": resp_body},
        }
        result.append(_finish(request, response))
    return _cassette(result)


# llama-stack's recorder (``llama_stack/testing/inference_recorder.py``) patches the openai SDK's
# ``AsyncEmbeddings.create`` and stores ``request.body`` = the call's keyword arguments,
# ``request.url`` = the client's base URL + the hard-coded endpoint ``/v1/embeddings`` (so
# ``.../v1/v1/embeddings``; the SDK itself posts to base URL + ``/embeddings``) and
# ``response.body`` = ``{"__type__": <class>, "__data__": <the SDK object's model_dump(mode="json")>}``:
# no status, no headers, and the JSON re-serialised. Only these SDK classes are converted: their
# dump is the server's JSON object field for field (the SDK keeps unknown fields and never edits
# values when the caller named ``encoding_format``, see :func:`_llama_stack_embeddings_check`).
_LLAMA_STACK_TYPES = {"openai.types.create_embedding_response.CreateEmbeddingResponse": "/embeddings"}
# keyword arguments of the SDK call that are not request fields
_SDK_ONLY_KWARGS = ("extra_headers", "extra_query", "extra_body", "timeout")
_JSON_HEADERS = {"Content-Type": ["application/json"]}


def _compact(value: Any) -> str:
    """The converter's serialisation of a JSON value held parsed (compact, UTF-8 as is)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _llama_stack_embeddings_check(body: Mapping[str, Any], data: Mapping[str, Any]) -> None:
    """Refuse an embeddings recording whose SDK object may not be the wire answer.

    Without ``encoding_format`` the openai SDK asks for ``"base64"`` on the wire and decodes the
    answer into floats (the stored request and answer are then not what was sent); with
    ``"base64"`` it keeps the server's strings, with ``"float"`` the server's numbers. A base64
    request whose object holds numbers (or a float request holding strings) is not converted."""
    fmt = body.get("encoding_format")
    if fmt not in ("float", "base64"):
        raise UnsupportedFormat(
            "llama-stack: an embeddings call without encoding_format: the openai SDK sent base64 and stored "
            "the floats it decoded, so neither the request nor the answer is the one on the wire"
        )
    items = data.get("data")
    if not isinstance(items, list) or not items:
        raise UnsupportedFormat("llama-stack: the embeddings answer has no data list")
    want = str if fmt == "base64" else list
    if not all(isinstance(i, Mapping) and isinstance(i.get("embedding"), want) for i in items):
        raise UnsupportedFormat(
            f"llama-stack: encoding_format {fmt!r} was asked but the stored answer holds "
            f"{'decoded numbers' if fmt == 'base64' else 'strings'}: not the server's answer as sent"
        )


def _llama_stack_uri(url: str, endpoint: str, sdk_path: str) -> str:
    """The URL the SDK posted to: the recorded base URL (``url`` without ``endpoint``) + ``sdk_path``."""
    if not url.endswith(endpoint):
        raise UnsupportedFormat(f"llama-stack: url {url!r} does not end with its endpoint {endpoint!r}")
    base = url[: -len(endpoint)]
    if "://" not in base:  # llama-stack writes the Databricks workspace host as ``__databricks__``
        base = "https://" + base
    return base.rstrip("/") + sdk_path


def from_llama_stack(data: Mapping[str, Any]) -> Cassette:
    """Convert one llama-stack recording (``{"request", "response"}``) into a one-interaction cassette.

    What is recorded and kept: the request method, URL and JSON body, the answer's JSON fields and
    values (and, for raw-HTTP recordings, its status). What the converter supplies: the request body
    and answer as compact JSON text (llama-stack stores them parsed), ``Content-Type:
    application/json`` on the answer, and, for SDK-object recordings, status ``200 OK`` (the SDK
    returned an object, so the call succeeded; the code itself is not recorded) and the URL the
    SDK posted to (see :func:`_llama_stack_uri`). Ids and timestamps are as llama-stack stored
    them (its replay normalises some to ``rec-...`` / ``0``).

    Raises :class:`UnsupportedFormat` for streams, exceptions, SDK classes other than the
    embeddings answer, and embeddings answers that cannot be the wire answer.
    """
    req, resp = data.get("request"), data.get("response")
    if not isinstance(req, Mapping) or not isinstance(resp, Mapping) or not isinstance(req.get("url"), str):
        raise UnsupportedFormat("not a llama-stack recording (no request url / response)")
    if resp.get("is_streaming") or resp.get("is_exception"):
        raise UnsupportedFormat("llama-stack: streams and exceptions are SDK objects/messages, not HTTP answers")
    method = str(req.get("method", "POST")).upper()
    body = resp.get("body")
    if "payload" in req:  # a raw-HTTP call (httpx/aiohttp) intercepted by the recorder
        status = resp.get("status")
        if not isinstance(status, int) or not isinstance(body, (Mapping, list)):
            raise UnsupportedFormat("llama-stack: a raw-HTTP recording without status or JSON body")
        uri, sent, code = req["url"], req["payload"], status
        answer: Any = body
    else:
        kind = body.get("__type__") if isinstance(body, Mapping) else None
        if kind not in _LLAMA_STACK_TYPES:
            raise UnsupportedFormat(
                f"llama-stack: {kind or 'an answer without an SDK class'} is not converted (only "
                f"{', '.join(sorted(_LLAMA_STACK_TYPES))}, whose dump is the wire JSON)"
            )
        assert isinstance(body, Mapping)
        sent, answer = req.get("body"), body.get("__data__")
        if not isinstance(sent, Mapping) or not isinstance(answer, Mapping):
            raise UnsupportedFormat("llama-stack: request body or answer is not a JSON object")
        extra = [k for k in _SDK_ONLY_KWARGS if k in sent]
        if extra:
            raise UnsupportedFormat(f"llama-stack: SDK-only arguments {extra} change the request in ways not stored")
        _llama_stack_embeddings_check(sent, answer)
        uri = _llama_stack_uri(req["url"], str(req.get("endpoint", "")), _LLAMA_STACK_TYPES[kind])
        code = 200
    request = {"method": method, "uri": uri, "body": _compact(sent), "headers": {}}
    response = {"status": _status(code), "headers": dict(_JSON_HEADERS), "body": {"string": _compact(answer)}}
    return _cassette([_finish(request, response)])


def _is_llama_stack(data: Any) -> bool:
    return (
        isinstance(data, Mapping)
        and isinstance(data.get("request"), Mapping)
        and isinstance(data.get("response"), Mapping)
        and "url" in data["request"]
        and "body" in data["response"]
    )


_CONVERTERS = {
    "vcrpy": from_vcrpy,
    "pydantic-ai": from_pydantic_ai,
    "ruby-vcr": from_ruby_vcr,
    "har": from_har,
}


def detect_format(data: Any) -> UpstreamFormat:
    """Tell which supported format a parsed YAML document is in.

    Raises :class:`UnsupportedFormat` for anything else.
    """
    if isinstance(data, Mapping):
        if isinstance(data.get("log"), Mapping) and isinstance(data["log"].get("entries"), list):
            return "har"
        if isinstance(data.get("http_interactions"), list):
            return "ruby-vcr"
        interactions = data.get("interactions")
        if isinstance(interactions, list):
            for item in interactions:
                if any("parsed_body" in (item.get(side) or {}) for side in ("request", "response")):
                    return "pydantic-ai"
            return "vcrpy"
    raise UnsupportedFormat("not a vcrpy, pydantic-ai, Ruby/R VCR cassette or HAR log")


def load_upstream(path: str | os.PathLike[str]) -> Cassette:
    """Read an upstream recording file and return it as an llmcore cassette dict."""
    path = Path(path)
    if path.suffix == ".httprr":
        return from_httprr(path.read_bytes())
    if path.suffix == ".json" and not path.name.endswith(".chunks.txt"):
        try:
            parsed = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            parsed = None
        if _is_llama_stack(parsed):
            return from_llama_stack(parsed)
    if path.name.endswith(".chunks.txt") or path.suffix == ".json":
        raise UnsupportedFormat(
            f"{path.name}: not a vcr cassette (vercel/ai fixtures are decoded chunks or bare "
            "bodies without request or HTTP framing)"
        )
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".har" else yaml.load(text, Loader=_UpstreamLoader)
    return _CONVERTERS[detect_format(data)](data)


def output_name(source: str, path: str | os.PathLike[str]) -> str:
    """``<source>__<original stem>.yaml`` with ``[``, ``]`` and spaces replaced by ``_``."""
    stem = Path(path).name
    for suffix in (".yaml", ".yml", ".httprr", ".json"):
        stem = stem.removesuffix(suffix)
    name = f"{source}__{stem}.yaml"
    for char in "[] ":
        name = name.replace(char, "_")
    return name


def convert_file(src: str | os.PathLike[str], dest: str | os.PathLike[str]) -> Cassette:
    """Convert ``src`` and write it to ``dest`` in the llmcore cassette format."""
    cassette = load_upstream(src)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(cassette_format.serialize(cassette), encoding="utf-8")
    return cassette


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``SRC DEST`` -> convert one file; exit 0 on success, 2 on a usage or format error."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 2:
        print("usage: python -m llmcore_testing.cassette_import SRC DEST", file=sys.stderr)
        return 2
    try:
        cassette = convert_file(args[0], args[1])
    except UnsupportedFormat as exc:
        print(f"cassette_import: {exc}", file=sys.stderr)
        return 2
    print(f"{args[1]}: {len(cassette['interactions'])} interaction(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
