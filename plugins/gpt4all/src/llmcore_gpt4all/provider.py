"""The GPT4All provider: a GGUF model in this process through the ``gpt4all`` bindings.

* The file: ``gpt4all/<path to .gguf>``, or a file name looked up in option
  ``model_path`` / ``$GPT4ALL_MODEL_PATH`` / ``~/.cache/gpt4all``. Nothing is
  ever downloaded: a missing file is a :class:`NotFoundError`.
* Loading: ``gpt4all``'s ``LLModel`` (what ``GPT4All(...)`` wraps), whose
  ``load_model()`` says whether the file loaded. ``GPT4All(...)`` ignores that
  answer and later generates an empty string; here a file the bundled
  llama.cpp cannot load (gpt4all 2.8.2 and SmolLM2's ``smollm`` pre-tokenizer,
  for one) is a :class:`ConfigurationError` naming the file and, when the
  header says, its architecture and pre-tokenizer.
* Prompts: the conversation is rendered with the model's own chat template
  (read from the GGUF header, :mod:`.gguf_meta`; rendered by :mod:`.prompt`)
  and sent whole on each call (``reset_context``), with special tokens parsed.
* Generation runs in a worker thread (:func:`llmcore.inprocess.stream_from_thread`);
  the bindings call back per token and stop when the callback returns False,
  which is what closing a stream does. ``chat`` collects the stream.
* Usage is exact: the bindings report each prompt token as they process it
  and each generated token as it is produced; ``count_tokens`` processes the
  prompt without generating (method ``tokenizer``).
* Honoured: ``temperature``, ``top_p``, ``max_tokens`` (default 512), ``stop``
  (applied to the text as it streams). Not supported by gpt4all 2.8: tools,
  ``response_format``, ``seed``, images — a warning, or
  :class:`UnsupportedFeatureError` with ``strict``.
  ``provider_options={"gpt4all": {...}}`` passes ``top_k``, ``min_p``,
  ``repeat_penalty``, ``repeat_last_n``, ``n_batch`` to the bindings.
"""

from __future__ import annotations

import os
import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import (
    ConfigurationError,
    ContextWindowExceededError,
    InvalidRequestError,
    LLMCoreError,
    NotFoundError,
    ProviderServerError,
    UnsupportedFeatureError,
)
from llmcore.events import Finish, ResponseMetadata, TextDelta, UsageEvent, WarningEvent
from llmcore.inprocess import Emit, run_in_thread, stream_from_thread
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import CallWarning, TokenCount, Usage

from . import SPEC
from .gguf_meta import GGUFError, GGUFMetadata, read_metadata
from .prompt import render_prompt

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["GPT4AllProvider", "LoadedModel", "find_model_file"]

DEFAULT_MAX_TOKENS = 512
_PASSTHROUGH = ("top_k", "min_p", "repeat_penalty", "repeat_last_n", "n_batch")


def default_model_dir() -> Path:
    """``$GPT4ALL_MODEL_PATH``, else gpt4all's own default ``~/.cache/gpt4all``."""
    return Path(os.environ.get("GPT4ALL_MODEL_PATH") or "~/.cache/gpt4all").expanduser()


def find_model_file(name: str, model_dir: Path | None = None) -> Path:
    """The GGUF file for ``name`` (a path, or a file name in the model directory)."""
    direct = Path(name).expanduser()
    if direct.is_file():
        return direct
    folder = model_dir or default_model_dir()
    for candidate in (folder / name, folder / f"{name}.gguf"):
        if candidate.is_file():
            return candidate
    raise NotFoundError(
        f"no model file {name!r} (looked in {str(folder)!r}); gpt4all never downloads at run time: "
        "give a path to a .gguf file or put it in $GPT4ALL_MODEL_PATH",
        provider=SPEC.name,
    )


@dataclass
class LoadedModel:
    """A loaded ``LLModel`` with its header metadata and a lock (one call at a time)."""

    llmodel: Any
    path: Path
    meta: GGUFMetadata
    lock: threading.Lock


_loaded: dict[tuple[Any, ...], LoadedModel] = {}
_load_lock = threading.Lock()


def _counting_llmodel_class() -> Any:
    """``gpt4all``'s ``LLModel`` whose prompt callback counts the prompt tokens it processes."""
    from gpt4all._pyllmodel import LLModel

    class CountingLLModel(LLModel):  # type: ignore[misc]
        prompt_tokens = 0

        def _prompt_callback(self, token_id: int) -> bool:  # called per prompt token by the bindings
            self.prompt_tokens += 1
            return True

    return CountingLLModel


def load_model(path: Path, n_ctx: int, ngl: int, backend: str, n_threads: int | None) -> LoadedModel:
    """Load ``path`` once per process and load options (blocking); typed errors when it cannot be."""
    key = (str(path.resolve()), n_ctx, ngl, backend, n_threads)
    with _load_lock:
        if key in _loaded:
            return _loaded[key]
        try:
            meta = read_metadata(path)
        except (GGUFError, OSError) as e:
            raise ConfigurationError(f"gpt4all cannot use {str(path)!r}: {e}", provider=SPEC.name) from None
        try:
            cls = _counting_llmodel_class()
        except ImportError as e:
            raise ConfigurationError(
                f"the gpt4all bindings are not installed: pip install gpt4all ({e})", provider=SPEC.name
            ) from None
        try:
            model = cls(str(path), n_ctx, ngl, backend)
            ok = model.load_model()
        except (RuntimeError, ValueError, OSError) as e:
            raise ConfigurationError(f"gpt4all cannot load {str(path)!r}: {e}", provider=SPEC.name) from None
        if not ok:
            what = ", ".join(
                f"{k} {v!r}"
                for k, v in (("architecture", meta.architecture), ("pre-tokenizer", meta.pre_tokenizer))
                if v
            )
            raise ConfigurationError(
                f"gpt4all's bundled llama.cpp could not load {str(path)!r}"
                + (f" ({what})" if what else "")
                + ": this gpt4all release does not support the model (its log above says why); use a model it "
                "supports, or run this file with llmcore-llamacpp (llamacpp/<path>)",
                provider=SPEC.name,
            )
        if n_threads is not None:
            model.set_thread_count(n_threads)
        loaded = LoadedModel(model, path, meta, threading.Lock())
        _loaded[key] = loaded
        return loaded


def _map_error(e: Exception) -> LLMCoreError:
    if isinstance(e, LLMCoreError):
        return e
    return ProviderServerError(f"gpt4all failed: {type(e).__name__}: {e}", provider=SPEC.name)


class GPT4AllProvider:
    """GPT4All in this process (see the module docstring)."""

    spec: ClassVar[ProviderSpec] = SPEC
    options: ClassVar[Mapping[str, str]] = {
        "model_path": "directory of model files (default $GPT4ALL_MODEL_PATH or ~/.cache/gpt4all)",
        "n_ctx": "context window in tokens (default 2048)",
        "device": '"cpu" (default), "kompute", "cuda" or "gpu"',
        "ngl": "layers on the GPU for GPU devices (default 100)",
        "n_threads": "CPU threads (default: half the cores, as llama-cpp-python)",
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        unknown = sorted(set(config.options) - set(self.options))
        if unknown:
            raise ConfigurationError(
                f"unknown option(s) for gpt4all: {', '.join(unknown)} (known: {', '.join(sorted(self.options))})",
                provider=self.spec.name,
            )
        if config.base_url:
            raise ConfigurationError(
                "gpt4all runs the model in this process and takes no base_url", provider=self.spec.name
            )
        opts = config.options
        self.config = config
        self.model_dir = Path(opts["model_path"]).expanduser() if opts.get("model_path") else None
        self.n_ctx = int(opts.get("n_ctx", 2048))
        device = str(opts.get("device", "cpu"))
        if device not in ("cpu", "kompute", "cuda", "gpu"):
            raise ConfigurationError(
                f'gpt4all option device must be "cpu", "kompute", "cuda" or "gpu", not {device!r}',
                provider=self.spec.name,
            )
        self.backend = "kompute" if device in ("cpu", "gpu") else device
        self.ngl = int(opts.get("ngl", 100 if device != "cpu" else 0))
        # like llama-cpp-python: half the cores (llama.cpp's threads spin; more threads than free cores
        # makes generation many times slower, e.g. while something else compiles)
        self.n_threads = int(opts["n_threads"]) if opts.get("n_threads") else max(1, (os.cpu_count() or 2) // 2)

    def __repr__(self) -> str:
        return f"GPT4AllProvider(n_ctx={self.n_ctx}, backend={self.backend!r})"

    async def model(self, name: str) -> LoadedModel:
        """The loaded model for ``name`` (loaded in a worker thread the first time)."""
        path = find_model_file(name, self.model_dir)
        try:
            return await run_in_thread(
                lambda: load_model(path, self.n_ctx, self.ngl, self.backend, self.n_threads),
                name="llmcore-gpt4all-load",
            )
        except Exception as e:
            raise _map_error(e) from None

    # -- requests ----------------------------------------------------------------------

    def _warnings(self, request: ChatRequest) -> list[CallWarning]:
        unsupported = [
            ("tools", request.tools, "gpt4all 2.8 has no tool calling"),
            ("tool_choice", request.tool_choice if request.tools else None, "gpt4all 2.8 has no tool calling"),
            (
                "response_format",
                request.response_format if request.response_format and request.response_format.type != "text" else None,
                "gpt4all 2.8 cannot constrain output to JSON",
            ),
            ("seed", request.seed, "the gpt4all bindings take no seed"),
            ("reasoning_effort", request.reasoning_effort, "not a reasoning model API"),
        ]
        out = []
        for feature, value, detail in unsupported:
            if value is not None and value != []:
                if request.strict:
                    raise UnsupportedFeatureError(f"{feature}: {detail}", provider=self.spec.name)
                out.append(CallWarning(feature=feature, detail=detail + "; not sent"))
        return out

    def _prompt(self, m: LoadedModel, request: ChatRequest) -> str:
        try:
            return render_prompt(m.meta, request)
        except ValueError as e:
            raise InvalidRequestError(str(e), provider=self.spec.name) from None

    def _generate_kwargs(self, request: ChatRequest, n_predict: int) -> dict[str, Any]:
        kw: dict[str, Any] = {"n_predict": n_predict, "reset_context": True, "special": True}
        if request.temperature is not None:
            kw["temp"] = request.temperature
        if request.top_p is not None:
            kw["top_p"] = request.top_p
        extra = request.options_for(self.spec.name)
        bad = sorted(set(extra) - set(_PASSTHROUGH))
        if bad:
            raise InvalidRequestError(
                f"unknown gpt4all provider_options {bad} (known: {list(_PASSTHROUGH)})", provider=self.spec.name
            )
        kw.update(extra)
        return kw

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        warnings = self._warnings(request)
        m = await self.model(request.model)
        prompt = self._prompt(m, request)
        n_predict = request.max_tokens or DEFAULT_MAX_TOKENS
        kwargs = self._generate_kwargs(request, n_predict)
        stops = list(request.stop or ())
        state = {"prompt": 0, "output": 0, "stopped": False}

        def produce(emit: Emit) -> None:
            llm = m.llmodel
            text: list[str] = []
            sent = 0  # characters of `text` already emitted
            hold = max((len(s) for s in stops), default=1) - 1  # chars kept back while a stop may be forming

            def on_token(token_id: int, piece: str) -> bool:
                nonlocal sent
                state["output"] += 1
                text.append(piece)
                joined = "".join(text)
                # the earliest stop sequence wins, whatever its place in the list
                hits = [i for s in stops if (i := joined.find(s, max(0, sent - len(s)))) >= 0]
                if hits:
                    i = min(hits)
                    state["stopped"] = True
                    if i > sent:
                        emit(joined[sent:i])
                    return False
                upto = len(joined) - hold if stops else len(joined)
                if upto > sent:
                    ok = emit(joined[sent:upto])
                    sent = upto
                    return ok
                return True

            with m.lock:
                llm.prompt_tokens = 0
                llm.prompt_model(prompt, "%1", on_token, **kwargs)
                state["prompt"] = llm.prompt_tokens
                if not state["stopped"]:
                    joined = "".join(text)
                    if len(joined) > sent:
                        emit(joined[sent:])

        yield ResponseMetadata(id=None, model=request.model)
        for w in warnings:
            yield WarningEvent(w)
        chunks = stream_from_thread(produce, name="llmcore-gpt4all")
        try:
            async for piece in chunks:
                if piece:
                    yield TextDelta(piece)
        except Exception as e:
            raise _map_error(e) from None
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        if state["prompt"] == 0:
            # the model is loaded (checked at load), so the bindings refused the prompt: it does not fit
            # (they log "The prompt is N tokens and the context window is M") — never a silent empty answer
            raise ContextWindowExceededError(
                f"the prompt does not fit the context window (n_ctx={self.n_ctx}); gpt4all processed none of it",
                provider=self.spec.name,
            )
        yield UsageEvent(Usage(input_tokens=state["prompt"], output_tokens=state["output"]))
        finish = "stop" if state["stopped"] or state["output"] < n_predict else "length"
        yield Finish(finish, "stop_sequence" if state["stopped"] else finish)  # type: ignore[arg-type]

    async def chat(self, request: ChatRequest) -> ChatResponse:
        """Collect :meth:`stream_chat`."""
        from llmcore.events import StreamAccumulator

        acc = StreamAccumulator()
        async for ev in self.stream_chat(request):
            acc.add(ev)
        return acc.response(self.spec.name)

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The prompt's tokens as the model processes them (the prompt is evaluated, nothing generated)."""
        m = await self.model(request.model)
        prompt = self._prompt(m, request)

        def count() -> int:
            with m.lock:
                m.llmodel.prompt_tokens = 0
                m.llmodel.prompt_model(
                    prompt, "%1", lambda _i, _s: False, n_predict=0, reset_context=True, special=True
                )
                return int(m.llmodel.prompt_tokens)

        try:
            n = await run_in_thread(count, name="llmcore-gpt4all")
        except Exception as e:
            raise _map_error(e) from None
        return TokenCount(
            input_tokens=n, method="tokenizer", detail="the prompt (chat template applied) as the model processed it"
        )
