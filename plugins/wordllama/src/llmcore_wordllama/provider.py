"""Offline embeddings in this process with WordLlama (see the package docstring).

* The model: WordLlama ``l2_supercat``, a static embedding model: one trained
  256-float vector per token of the Llama-2 tokenizer (32,000 tokens), a text's
  vector the mean of its tokens' vectors, normalised to length 1 (so a dot
  product is the cosine). No attention, no context window: any length is
  embedded whole, in microseconds, and a text's vector does not depend on the
  others in the call. Quality is that of a static model (below a transformer
  such as text-embedding-3-small), fine for search, deduplication and
  similarity rewards on one machine.
* Files: the weights (``weights/l2_supercat_256.safetensors``) and the
  tokenizer (``tokenizers/l2_supercat_tokenizer_config.json``) ship inside the
  ``wordllama`` wheel; the provider finds the installed package without
  importing it and reads them as ``WordLlama.load`` does. It does not call
  ``WordLlama.load``: wordllama 0.4 looks for its packaged tokenizer in the
  wrong folder (``tokenizer/``) and then downloads it from Hugging Face, and
  importing wordllama costs time and calls ``logging.basicConfig``. Nothing is
  fetched, ever.
* Vectors are computed as ``WordLlamaInference.embed(norm=True)`` computes them
  (the tests check they are equal to wordllama's own), so that
  ``usage.input_tokens`` is the exact token count of the same tokenisation.
* ``dimensions``: 64, 128 or 256 (the model is trained Matryoshka-style: the
  first 64/128 dimensions, renormalised). ``truncate``: every value is honoured
  trivially (no text is too long). ``input_type``: refused (the model has one
  embedding for queries and documents). ``embedding_type``: ``float`` only.
* ``rerank``: documents scored by the cosine of their vector with the query's.
* ``count_tokens`` (chat requests): the text of the messages and system prompt
  tokenized with the model's tokenizer.
* A model is loaded once per process and shared (the matrix is read-only; the
  tokenizer's settings are set once at load, and its Rust ``encode_batch`` takes
  no lock on them).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from llmcore.embeddings import (
    EmbeddingRequest,
    EmbeddingResponse,
    RerankRequest,
    RerankResponse,
    RerankResult,
    refuse,
)
from llmcore.errors import (
    ConfigurationError,
    LLMCoreError,
    NotFoundError,
    ProviderResponseError,
    UnsupportedFeatureError,
)
from llmcore.inprocess import run_in_thread
from llmcore.pluginkit import check_options
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.types import TokenCount, Usage

from . import DEFAULT_MODEL, MODELS, SPEC

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["WordLlamaProvider", "LoadedModel", "load_model", "DIMENSIONS"]

#: the ``dimensions`` the model was trained for (Matryoshka prefixes of its 256)
DIMENSIONS = (64, 128, 256)
#: texts tokenized and pooled together (wordllama's own default batch): the padding of a batch costs
#: memory ``batch x longest x 256`` floats, so a bigger batch of mixed lengths is not faster
BATCH = 64


@dataclass
class LoadedModel:
    """The model's matrix (float32, tokens x 256) and its tokenizer."""

    name: str
    matrix: Any  # numpy.ndarray
    tokenizer: Any  # tokenizers.Tokenizer, padding on, truncation off
    path: Path

    def encode(self, texts: list[str]) -> list[Any]:
        """``texts`` tokenized as wordllama tokenizes them (no special tokens, padded to the longest)."""
        return self.tokenizer.encode_batch(texts, is_pretokenized=False, add_special_tokens=False)  # type: ignore[no-any-return]

    def embed(self, texts: list[str], dimensions: int | None = None) -> tuple[Any, int]:
        """Unit vectors (a float32 array, one row per text: the first ``dimensions`` of each,
        renormalised) and the number of tokens; blocking."""
        import numpy as np

        matrix = self.matrix if dimensions is None else self.matrix[:, :dimensions]
        out = np.empty((len(texts), matrix.shape[1]), dtype=np.float32)
        tokens = 0
        for start in range(0, len(texts), BATCH):
            encoded = self.encode(texts[start : start + BATCH])
            ids = np.array([e.ids for e in encoded], dtype=np.int32)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
            np.clip(ids, 0, matrix.shape[0] - 1, out=ids)  # as wordllama does
            counts = mask.sum(axis=1, keepdims=True)
            tokens += int(counts.sum())
            pooled = np.sum(matrix[ids] * mask[..., np.newaxis], axis=1, dtype=np.float32) / np.maximum(counts, 1.0)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            # a text of tokens whose vectors cancel out (never seen) stays a zero vector, not NaNs
            out[start : start + len(encoded)] = pooled / np.where(norms == 0, 1.0, norms)
        return out, tokens

    def count(self, text: str) -> int:
        """Tokens in ``text`` (the model's tokenizer, no special tokens)."""
        return len(self.tokenizer.encode(text, add_special_tokens=False).ids)


_loaded: dict[str, LoadedModel] = {}
_load_lock = threading.Lock()


def package_dir() -> Path:
    """The installed ``wordllama`` package's folder, found without importing it (its import costs
    ~1 s more than numpy and tokenizers: pydantic, requests, Cython extensions, and a
    ``logging.basicConfig(level=INFO)`` that would change the application's root logger)."""
    import importlib.util

    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.origin:
        raise ConfigurationError(
            "wordllama embeds in this process with the model files of the wordllama package, which is not "
            "installed: pip install llmcore-wordllama",
            provider=SPEC.name,
        )
    return Path(spec.origin).parent


def model_files(name: str) -> tuple[Path, Path]:
    """The packaged weights and tokenizer of model ``name`` (wordllama's own layout and names)."""
    package = package_dir()
    return package / "weights" / f"{name}_256.safetensors", package / "tokenizers" / f"{name}_tokenizer_config.json"


def load_model(name: str) -> LoadedModel:
    """The packaged model ``name`` (loaded once per process); blocking. Reads the two files of the
    installed wheel as ``WordLlama.load`` reads them, and never downloads (see the module docstring)."""
    with _load_lock:
        found = _loaded.get(name)
        if found is not None:
            return found
        weights, tokenizer_file = model_files(name)
        missing = [str(f) for f in (weights, tokenizer_file) if not f.is_file()]
        if missing:
            raise ConfigurationError(
                f"the installed wordllama has no {', '.join(missing)}: reinstall a release that ships the "
                f"model (pip install --force-reinstall 'wordllama>=0.4,<0.5')",
                provider=SPEC.name,
            )
        import numpy as np
        from safetensors import safe_open
        from tokenizers import Tokenizer

        try:
            with safe_open(str(weights), framework="np", device="cpu") as f:
                matrix = np.ascontiguousarray(f.get_tensor("embedding.weight").astype(np.float32))
            tokenizer = Tokenizer.from_file(str(tokenizer_file))
        except Exception as e:  # a damaged file: safetensors/tokenizers raise their own exception types
            raise ConfigurationError(
                f"wordllama cannot load its packaged model {name!r}: {type(e).__name__}: {e}; reinstall it: "
                "pip install --force-reinstall wordllama",
                provider=SPEC.name,
            ) from None
        tokenizer.enable_padding()  # as WordLlamaInference sets it: pad each batch to its longest text
        tokenizer.no_truncation()
        model = LoadedModel(name, matrix, tokenizer, weights)
        _loaded[name] = model
        return model


def _model_name(name: str) -> str:
    if name not in MODELS:
        raise NotFoundError(
            f"wordllama has no packaged model {name!r}: use wordllama/{DEFAULT_MODEL} "
            f"(the models in the wheel: {', '.join(MODELS)})",
            provider=SPEC.name,
        )
    return name


class WordLlamaProvider:
    """In-process static embeddings (see the module docstring)."""

    spec: ClassVar[ProviderSpec] = SPEC
    options: ClassVar[Mapping[str, str]] = {}

    def __init__(self, config: ProviderConfig | None = None) -> None:
        config = config or ProviderConfig()
        check_options(config.options, sorted(self.options), self.spec.name)
        if config.base_url:
            raise ConfigurationError("wordllama embeds in this process and takes no base_url", provider=self.spec.name)
        self.config = config

    def __repr__(self) -> str:
        return "WordLlamaProvider()"

    def embedding_limits(self, model: str) -> tuple[int | None, int | None]:
        """One call takes any number of texts of any length (the facade need not split)."""
        return (None, None)

    async def model(self, name: str) -> LoadedModel:
        """The loaded model for ``name`` (loaded in a worker thread the first time)."""
        model_name = _model_name(name)
        found = _loaded.get(model_name)
        if found is not None:
            return found
        return await self._run(lambda: load_model(model_name), "load")

    async def _run(self, fn: Any, what: str) -> Any:
        try:
            return await run_in_thread(fn, name=f"llmcore-wordllama-{what}")
        except LLMCoreError:
            raise
        except Exception as e:  # numpy/tokenizers failures: typed, with the cause's message
            raise ProviderResponseError(
                f"wordllama failed to {what}: {type(e).__name__}: {e}", provider=SPEC.name
            ) from None

    def check(self, request: EmbeddingRequest) -> None:
        """Refuse, before any work, what the model cannot honour."""
        name = self.spec.name
        if request.dimensions is not None and request.dimensions not in DIMENSIONS:
            raise refuse(
                name,
                "dimensions",
                request.dimensions,
                f"the model is trained for {', '.join(map(str, DIMENSIONS))} dimensions",
            )
        if request.input_type is not None:
            raise refuse(
                name,
                "input_type",
                request.input_type,
                "the model embeds queries and documents alike (leave input_type unset)",
            )
        if request.embedding_type != "float":
            raise refuse(name, "embedding_type", request.embedding_type, "the model gives float vectors only")

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        self.check(request)
        m = await self.model(request.model)

        def run() -> tuple[list[list[float]], int]:
            array, tokens = m.embed(request.texts, request.dimensions)
            return array.tolist(), tokens  # float32 to Python floats, exactly

        vectors, tokens = await self._run(run, "embed")
        return EmbeddingResponse(
            vectors=vectors,
            model=request.model,
            dimensions=len(vectors[0]),
            usage=Usage(input_tokens=tokens),
            provider=self.spec.name,
        )

    async def rerank(self, request: RerankRequest) -> RerankResponse:
        m = await self.model(request.model)

        def score() -> tuple[list[float], int]:
            vectors, tokens = m.embed([request.query, *request.documents])
            return (vectors[1:] @ vectors[0]).tolist(), tokens  # unit vectors: the dot product is the cosine

        scores, tokens = await self._run(score, "rerank")
        results = [RerankResult(i, s, request.documents[i]) for i, s in enumerate(scores)]
        results.sort(key=lambda r: r.score, reverse=True)
        if request.top_n is not None:
            del results[request.top_n :]
        return RerankResponse(
            results=results, model=request.model, usage=Usage(input_tokens=tokens), provider=self.spec.name
        )

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The text of the system prompt and the messages, tokenized by the model's tokenizer."""
        m = await self.model(request.model)
        texts = [request.system or "", *(msg.text for msg in request.messages)]
        n = await self._run(lambda: sum(m.count(t) for t in texts if t), "count tokens")
        return TokenCount(input_tokens=n, method="tokenizer", detail="message texts, no chat framing")

    async def chat(self, request: ChatRequest) -> ChatResponse:
        self._no_chat()

    def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        self._no_chat()

    def _no_chat(self) -> NoReturn:
        raise UnsupportedFeatureError(
            "wordllama is an embedding model: use llmcore.embedding_model('wordllama/l2_supercat') "
            "(chat offline: xllamacpp/smollm2, see docs/offline.md)",
            provider=self.spec.name,
        )
