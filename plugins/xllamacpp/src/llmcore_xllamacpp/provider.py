"""GGUF models in this process, with xllamacpp (llama.cpp's C++ server, prebuilt wheels).

* Model names: ``xllamacpp/<path to .gguf>`` or an installed model's alias
  (``xllamacpp/smollm2``), found as :mod:`llmcore_llamacpp.models` finds them.
  A model is loaded once per process (per file and load options) and shared;
  xllamacpp's server is thread-safe and queues calls for its one slot.
* Requests are built by llmcore-openai's Chat Completions codec for the C++
  ``llama-server`` dialect (:data:`llmcore_llamacpp.quirks.LLAMA_SERVER_DIALECT`):
  xllamacpp runs that server's handlers in-process, taking and returning the
  same OpenAI-shaped dicts, and answers are parsed by the same codec. Usage
  (also on streams, from the last chunk) is the server's own count.
* Generation runs in a worker thread (:func:`llmcore.inprocess.stream_from_thread`),
  never on the event loop. Closing a stream early stops generation at the next
  token (the chunk callback answers "stop"). A non-streamed ``chat`` that is
  cancelled runs to its end (bound it with ``max_tokens``).
* Tools: llama.cpp ignores them when the model's chat template has no tool-call format
  (``/props``' ``chat_template_caps.supports_tools``; SmolLM2's has none) and answers in text, even for a
  required or named ``tool_choice``: such a request gets a ``tools`` warning (strict mode:
  :class:`~llmcore.errors.UnsupportedFeatureError` before generating).
* Errors the server reports (``{"error": {...}}``) become typed errors:
  ``exceed_context_size_error`` is :class:`~llmcore.errors.ContextWindowExceededError`,
  the rest by status as for any OpenAI-compatible server; a file llama.cpp
  cannot load is a :class:`~llmcore.errors.ConfigurationError`.
* ``count_tokens`` asks the server to render the request with the model's chat
  template and to tokenize the result as a chat request is tokenized (method
  ``tokenizer``): the number ``usage.input_tokens`` reports. xllamacpp has no
  Python call for these two, only its loopback HTTP listener (``/apply-template``,
  ``/tokenize``); the listener is locked with a random per-process API key, so
  no other local process can use it.
* Embeddings (``embed``): llama.cpp's embeddings handler, on a second server for the same file,
  loaded the first time a model embeds: llama.cpp fixes pooling and batch size when it loads a
  model, and a chat server keeps its chat settings (a 512-token batch, no pooling) untouched.
  The file is memory-mapped, so the two share the weights' pages; each has its own context.
  Pooling is the model's own (``<arch>.pooling_type`` in the GGUF, read by :mod:`.gguf`), mean
  for a model that has none (a chat model); vectors are normalised to length 1 (llama-server's
  default). The batch is the whole context: a text up to ``n_ctx`` tokens is embedded, a longer
  one is refused by llama.cpp (a typed error). ``dimensions`` is refused (llama.cpp cannot
  shorten a vector), ``input_type`` too (write the prefix your model expects into the text),
  ``truncate`` other than ``"error"``, and ``embedding_type`` other than ``"float"``: all before
  anything is loaded. ``usage.input_tokens`` is the server's count.
* Threads: ``n_threads`` defaults to half the CPUs (at least 1), as
  llama-cpp-python does. llama.cpp's CPU threads spin while they wait; on a
  busy 2-core machine 2 threads measured ~1 token/s, 1 thread ~20.
* Options: ``n_ctx`` (default 4096), ``n_threads``, ``verbose`` (llama.cpp's
  logs on stderr; default off). ``provider_options={"xllamacpp": {...}}`` is
  merged into the request body (``top_k``, ``min_p``, ``repeat_penalty``,
  ``grammar``, ... as llama-server takes them).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.embeddings import (
    EmbeddingRequest,
    EmbeddingResponse,
    refuse,
)
from llmcore.errors import (
    ConfigurationError,
    ContextWindowExceededError,
    LLMCoreError,
    ProviderResponseError,
    ProviderServerError,
    register_secret,
)
from llmcore.inprocess import Emit, run_in_thread, stream_from_thread
from llmcore.pluginkit import check_options
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import TokenCount
from llmcore_llamacpp.models import resolve_model_path
from llmcore_llamacpp.quirks import LLAMA_SERVER_DIALECT, adapt_body
from llmcore_openai.chat import ChatStreamDecoder, Warnings, build_body, parse_response, stream_error
from llmcore_openai.embeddings import parse_embeddings

from . import SPEC
from .gguf import pooling_type

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["XLlamaCppProvider", "LoadedModel", "load_model", "error_from"]

DIALECT = LLAMA_SERVER_DIALECT
#: llama.cpp's ``llama_pooling_type`` values (``xllamacpp.llama_pooling_type``)
POOLING_UNSPECIFIED, POOLING_NONE, POOLING_MEAN = -1, 0, 1
DEFAULT_N_CTX = 4096
#: seconds a loopback call to the in-process server (template, tokenize) may take
LOOPBACK_TIMEOUT = 60.0


@dataclass
class LoadedModel:
    """A running ``xllamacpp.Server`` for one file, and the key of its loopback listener."""

    server: Any
    path: Path
    key: str = field(repr=False)  # the listener's key: never in a repr

    template_caps: dict[str, Any] | None = None  # /props' chat_template_caps, asked once

    def supports_tools(self) -> bool | None:
        """Whether llama.cpp found a tool-call format in the model's chat template (``/props``:
        ``chat_template_caps.supports_tools``); ``None`` when it does not say. Blocking, asked once."""
        if self.template_caps is None:
            try:
                props = self.post("/props", None)
            except LLMCoreError:
                props = None
            caps = props.get("chat_template_caps") if isinstance(props, dict) else None
            self.template_caps = caps if isinstance(caps, dict) else {}
        value = self.template_caps.get("supports_tools")
        return value if isinstance(value, bool) else None

    def post(self, path: str, body: Mapping[str, Any] | None) -> Any:
        """POST ``body`` (GET when ``None``) to the server's loopback listener (blocking); the decoded
        JSON answer. Proxies are bypassed: the listener is in this process, on 127.0.0.1."""
        address = str(self.server.listening_address).rstrip("/")
        req = urllib.request.Request(
            address + path,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            method="GET" if body is None else "POST",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=LOOPBACK_TIMEOUT) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            try:
                payload = json.loads(e.read() or b"{}")
            except ValueError:
                payload = {}
            if isinstance(payload, dict) and "error" in payload:
                raise error_from(payload) from None
            raise ProviderServerError(f"llama.cpp's {path} failed: HTTP {e.code}", provider=SPEC.name) from None
        except (OSError, ValueError) as e:  # URLError, timeouts, a closed listener
            raise ProviderServerError(
                f"llama.cpp's {path} failed: {type(e).__name__}: {e}", provider=SPEC.name
            ) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise ProviderResponseError(
                f"llama.cpp's {path} answered with no JSON",
                provider=SPEC.name,
                raw=raw[:500].decode("utf-8", "replace"),
            ) from None


_loaded: dict[tuple[Any, ...], LoadedModel] = {}
_load_lock = threading.Lock()


def _import_xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError as e:
        raise ConfigurationError(
            f"xllamacpp runs models in this process with the xllamacpp package, which is not installed: "
            f"pip install llmcore-xllamacpp (prebuilt wheels, nothing to compile) ({e})",
            provider=SPEC.name,
        ) from None
    return xllamacpp


def default_threads() -> int:
    """Half the CPUs this process may use, at least 1 (see the module docstring)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, cpus // 2)


def load_model(path: Path, *, n_ctx: int, n_threads: int, verbose: bool, embedding: bool = False) -> LoadedModel:
    """Start an xllamacpp server on ``path`` (once per process for the same options); blocking.

    ``embedding``: a second server for the embeddings endpoint (see the module docstring): the
    model's own pooling (mean when it has none), and a batch of the whole context, since a pooled
    text must be computed in one batch."""
    key = (str(path.resolve()), n_ctx, n_threads, verbose, embedding)
    with _load_lock:
        found = _loaded.get(key)
        if found is not None:
            return found
        xlc = _import_xllamacpp()
        params = xlc.CommonParams()
        params.model.path = str(path)
        params.n_ctx = n_ctx
        params.n_parallel = 1  # one slot: calls queue, each gets the whole context
        params.cpuparams.n_threads = n_threads
        params.cpuparams_batch.n_threads = n_threads
        params.verbosity = 3 if verbose else -1  # -1: llama.cpp prints nothing
        params.n_threads_http = 1  # the loopback listener only serves count_tokens
        params.ui = False
        if embedding:
            params.embedding = True
            own = pooling_type(path)
            params.pooling_type = own if own not in (None, POOLING_NONE, POOLING_UNSPECIFIED) else POOLING_MEAN
            params.n_batch = params.n_ubatch = n_ctx  # one text fills at most the context, in one batch
        api_key = secrets.token_urlsafe(24)  # locks the loopback listener to this process
        register_secret(api_key)  # redacted from any error message
        params.api_keys = [api_key]
        try:
            server = xlc.Server(params)
        except (RuntimeError, ValueError, OSError) as e:
            raise ConfigurationError(
                f"llama.cpp (xllamacpp) cannot load {str(path)!r}: {e}", provider=SPEC.name
            ) from None
        model = LoadedModel(server, path, api_key)
        _loaded[key] = model
        return model


def error_from(payload: Mapping[str, Any]) -> LLMCoreError:
    """The typed error for llama.cpp's ``{"error": {"code", "message", "type"}}``."""
    err = payload.get("error")
    if isinstance(err, dict) and "too large to process" in str(err.get("message")):
        # an embedding input longer than the batch (the context): llama.cpp calls it a server error
        return ContextWindowExceededError(
            f"{err.get('message')}: embed shorter texts, or load the model with a larger n_ctx",
            provider=SPEC.name,
            status_code=400,
            code="exceed_context_size_error",
        )
    if isinstance(err, dict) and err.get("type") == "exceed_context_size_error":
        return ContextWindowExceededError(
            str(err.get("message") or "the request exceeds the context window"),
            provider=SPEC.name,
            status_code=400,
            code="exceed_context_size_error",
        )
    return stream_error(payload, SPEC.name)


def _map_error(e: BaseException) -> LLMCoreError:
    if isinstance(e, LLMCoreError):
        return e
    return ProviderServerError(f"llama.cpp (xllamacpp) failed: {type(e).__name__}: {e}", provider=SPEC.name)


def _check(data: Any) -> dict[str, Any]:
    """An answer dict, or the typed error it reports."""
    if not isinstance(data, dict):
        raise ProviderResponseError("llama.cpp answered with no JSON object", provider=SPEC.name, raw=str(data)[:500])
    if "error" in data:
        raise error_from(data)
    return data


class XLlamaCppProvider:
    """In-process llama.cpp through xllamacpp (see the module docstring)."""

    spec: ClassVar[ProviderSpec] = SPEC
    options: ClassVar[Mapping[str, str]] = {
        "n_ctx": f"context window in tokens (default {DEFAULT_N_CTX})",
        "n_threads": "CPU threads (default: half the CPUs, at least 1)",
        "verbose": "llama.cpp's logs on stderr (default False)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        check_options(config.options, sorted(self.options), self.spec.name)
        if config.base_url:
            raise ConfigurationError(
                "xllamacpp runs the model in this process and takes no base_url; for a llama.cpp server use "
                "llamacpp_server/<model> (base_url=... or $LLAMACPP_BASE_URL)",
                provider=self.spec.name,
            )
        self.config = config
        opts = config.options
        self.load_options: dict[str, Any] = {
            "n_ctx": _positive_int(opts.get("n_ctx", DEFAULT_N_CTX), "n_ctx"),
            "n_threads": _positive_int(opts.get("n_threads", default_threads()), "n_threads"),
            "verbose": bool(opts.get("verbose", False)),
        }

    def __repr__(self) -> str:
        return f"XLlamaCppProvider(n_ctx={self.load_options['n_ctx']}, n_threads={self.load_options['n_threads']})"

    async def model(self, name: str, *, embedding: bool = False) -> LoadedModel:
        """The loaded model for ``name`` (loaded in a worker thread the first time); ``embedding``:
        the server for embeddings (see the module docstring)."""
        path = resolve_model_path(name, self.spec.name)

        def load() -> LoadedModel:
            m = load_model(path, **self.load_options, embedding=embedding)
            if not embedding:
                m.supports_tools()  # asked here, off the event loop, before any request needs it
            return m

        try:
            return await run_in_thread(load, name="llmcore-xllamacpp-load")
        except Exception as e:
            raise _map_error(e) from None

    def build(
        self, request: ChatRequest, stream: bool, m: LoadedModel | None = None
    ) -> tuple[dict[str, Any], Warnings]:
        """The request body for llama.cpp's chat handler, and the warnings.

        Tools sent to a model whose chat template has no tool-call format are ignored by llama.cpp
        (it answers in text, even for a required or named ``tool_choice``): a warning says so, and
        strict mode refuses before generating."""
        body, w = build_body(request, DIALECT, stream=stream, provider=self.spec.name, passthrough=False)
        adapt_body(request, body, w, "llama-server")
        if body.get("tools") and m is not None and m.supports_tools() is False:
            w.add(
                "tools",
                f"the chat template of {m.path.name} has no tool-call format llama.cpp recognises: the tools are "
                "ignored and the model answers in text; use a model whose chat template supports tools",
            )
        body.update(request.options_for(self.spec.name))
        return body, w

    async def chat(self, request: ChatRequest) -> ChatResponse:
        m = await self.model(request.model)
        body, w = self.build(request, stream=False, m=m)
        try:
            data = _check(await run_in_thread(lambda: m.server.handle_chat_completions(body), name="llmcore-xllamacpp"))
        except Exception as e:
            raise _map_error(e) from None
        data["model"] = request.model  # the server names the file's full path
        return parse_response(data, DIALECT, provider=self.spec.name, warnings=w.items)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        m = await self.model(request.model)
        body, w = self.build(request, stream=True, m=m)
        decoder = ChatStreamDecoder(DIALECT, self.spec.name, w.items)

        def produce(emit: Emit) -> None:
            failed: list[LLMCoreError] = []

            def on_chunk(chunk: Any) -> bool:
                """Called by llama.cpp for each chunk (and for an error); True stops generation."""
                if isinstance(chunk, dict) and "error" in chunk:
                    failed.append(error_from(chunk))
                    return True
                return not emit(chunk)  # the consumer is gone: stop generating

            m.server.handle_chat_completions(body, on_chunk)
            if failed:  # raised here, not in the callback (llama.cpp's thread cannot carry it)
                raise failed[0]

        chunks = stream_from_thread(produce, name="llmcore-xllamacpp")
        try:
            async for chunk in chunks:
                if isinstance(chunk, dict):
                    chunk["model"] = request.model
                for ev in decoder.feed(chunk):
                    yield ev
        except Exception as e:
            raise _map_error(e) from None
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        for ev in decoder.close():
            yield ev

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """One call takes any number of texts (llama.cpp computes them one batch at a time); each
        text must fit in ``n_ctx`` tokens, which llama.cpp checks."""
        return (None, None)

    def check_embedding(self, request: EmbeddingRequest) -> None:
        """Refuse, before loading or computing anything, what llama.cpp cannot honour."""
        name = self.spec.name
        if request.dimensions is not None:
            raise refuse(
                name,
                "dimensions",
                request.dimensions,
                "llama.cpp gives the model's full embedding size and cannot shorten it (leave dimensions unset)",
            )
        if request.input_type is not None:
            raise refuse(
                name,
                "input_type",
                request.input_type,
                "llama.cpp embeds the text as given; add the prefix your model expects (e.g. nomic-embed's "
                "'search_query: ') to the text and leave input_type unset",
            )
        if request.truncate not in (None, "error"):
            raise refuse(
                name,
                "truncate",
                request.truncate,
                "llama.cpp refuses a text longer than the context (n_ctx) and cannot cut it; use truncate='error' "
                "or a larger n_ctx",
            )
        if request.embedding_type != "float":
            raise refuse(name, "embedding_type", request.embedding_type, "llama.cpp gives float vectors only")

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """The texts' vectors from llama.cpp's embeddings handler, in input order; the model's own
        pooling (mean when it has none), normalised to length 1 as llama-server does by default;
        ``usage.input_tokens`` the server's count."""
        self.check_embedding(request)
        m = await self.model(request.model, embedding=True)
        body: dict[str, Any] = {"input": list(request.texts), "encoding_format": "float"}
        body.update(request.options_for(self.spec.name))
        try:
            data = _check(await run_in_thread(lambda: m.server.handle_embeddings(body), name="llmcore-xllamacpp-embed"))
        except Exception as e:
            raise _map_error(e) from None
        # llama.cpp answers in OpenAI's shape: llmcore-openai's parser (items by index, usage, the
        # rest of usage and the answer's id kept in provider_metadata)
        return parse_embeddings(data, request, self.spec.name)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The prompt's tokens: the model's chat template rendered and tokenized by the model,
        as llama.cpp tokenizes a chat request (special tokens parsed, BOS as the model adds it)."""
        m = await self.model(request.model)
        body, _ = self.build(request, stream=False)

        def count() -> int:
            rendered = m.post("/apply-template", body)
            prompt = rendered.get("prompt") if isinstance(rendered, dict) else None
            if not isinstance(prompt, str):
                raise ProviderResponseError(
                    "/apply-template answered without a prompt", provider=SPEC.name, raw=str(rendered)[:500]
                )
            tokens = m.post("/tokenize", {"content": prompt, "add_special": True, "parse_special": True})
            ids = tokens.get("tokens") if isinstance(tokens, dict) else None
            if not isinstance(ids, list):
                raise ProviderResponseError(
                    "/tokenize answered without tokens", provider=SPEC.name, raw=str(tokens)[:500]
                )
            return len(ids)

        try:
            n = await run_in_thread(count, name="llmcore-xllamacpp-tokens")
        except Exception as e:
            raise _map_error(e) from None
        return TokenCount(
            input_tokens=n, method="tokenizer", detail="the model's chat template rendered and tokenized by llama.cpp"
        )


def _positive_int(value: Any, name: str) -> int:
    """``value`` as an int >= 1, or a ConfigurationError naming the option."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        n = 0
    if isinstance(value, bool) or n < 1:
        raise ConfigurationError(
            f"xllamacpp option {name} must be a positive integer, not {value!r}", provider=SPEC.name
        )
    return n
