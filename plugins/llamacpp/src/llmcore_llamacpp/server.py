"""A running llama.cpp server, through llmcore-openai's Chat Completions codec.

Two servers speak llama.cpp's OpenAI-compatible API; option ``server`` says which:

* ``"llama_cpp.server"`` (default): ``python -m llama_cpp.server`` from
  llama-cpp-python (default port 8000). Its chat handler's quirks are mapped
  in :mod:`.quirks`; ``count_tokens`` uses ``POST /extras/tokenize/count``.
* ``"llama-server"``: the C++ server (default port 8080); ``count_tokens``
  uses ``POST /tokenize``.

Model names: a server answers with whatever model it has loaded, whatever
name the request gives (llama_cpp.server silently ignores an unknown name).
``llamacpp_server/default`` means "the loaded model" and is sent as is; any
other name is checked once against ``GET /v1/models`` (an id, or a name its
file answers to, as in :mod:`.models`: ``smollm2`` for ``.../SmolLM2-135M-Instruct.Q4_1.gguf``)
and sent as the served id, and a name the
server does not serve is a :class:`~llmcore.errors.NotFoundError` listing
what it serves — never a silent answer from another model.

``count_tokens`` asks the server's tokenizer to count the request's text
(system prompt, messages, tool schemas): exact for that text; the few tokens
of the chat template's framing are not included (method ``api``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from llmcore.errors import ConfigurationError, NotFoundError, ProviderResponseError
from llmcore.provider import ProviderConfig
from llmcore.spec import ProviderSpec
from llmcore.tokens import request_text
from llmcore.types import TokenCount
from llmcore_openai.chat import ChatCompletionsProvider, Warnings

from . import SERVER_SPEC
from .models import model_names
from .quirks import LLAMA_CPP_PYTHON_DIALECT, LLAMA_SERVER_DIALECT, Flavor, adapt_body

if TYPE_CHECKING:
    from llmcore.events import StreamEvent
    from llmcore.types import ChatRequest, ChatResponse

__all__ = ["LlamaCppServerProvider", "DEFAULT_MODEL"]

#: the model name that means "whatever the server has loaded" (no check)
DEFAULT_MODEL = "default"
_SERVERS: tuple[Flavor, ...] = ("llama_cpp.server", "llama-server")


class LlamaCppServerProvider(ChatCompletionsProvider):
    """llama.cpp's HTTP server at ``$LLAMACPP_BASE_URL`` (default ``http://localhost:8000/v1``);
    ``$LLAMACPP_API_KEY`` only when the server was started with an API key."""

    spec: ClassVar[ProviderSpec] = SERVER_SPEC
    dialect = LLAMA_CPP_PYTHON_DIALECT
    options: ClassVar[Mapping[str, str]] = {
        "server": '"llama_cpp.server" (python -m llama_cpp.server, default) or "llama-server" (the C++ server)',
    }

    def __init__(self, config: ProviderConfig | None = None) -> None:
        super().__init__(config)
        flavor = self.option("server", "llama_cpp.server")
        if flavor not in _SERVERS:
            raise ConfigurationError(
                f"llamacpp_server option server must be one of {', '.join(map(repr, _SERVERS))}, not {flavor!r}",
                provider=self.spec.name,
            )
        self.flavor: Flavor = flavor
        if flavor == "llama-server":
            self.dialect = LLAMA_SERVER_DIALECT
        self._served: list[str] | None = None

    @property
    def root(self) -> str:
        """The server root (the base URL without its ``/v1``), where the tokenize endpoints live."""
        return self.base_url.removesuffix("/v1")

    def customize_body(self, request: ChatRequest, body: dict[str, Any], warnings: Warnings) -> None:
        adapt_body(request, body, warnings, self.flavor)

    # -- model names ---------------------------------------------------------------

    async def served_models(self) -> list[str]:
        """The ids of ``GET /v1/models`` (asked once per provider)."""
        if self._served is None:
            data, _ = await self.request_json("GET", "models", headers=self.extra_headers())
            rows = data.get("data") if isinstance(data, dict) else None
            if not isinstance(rows, list):
                raise ProviderResponseError(
                    "GET /models answered without a model list", provider=self.spec.name, raw=str(data)[:500]
                )
            self._served = [str(r["id"]) for r in rows if isinstance(r, dict) and r.get("id")]
        return self._served

    async def checked(self, request: ChatRequest) -> ChatRequest:
        """``request`` with its model name checked against the served models
        and replaced by the served id; ``default`` passes unchecked."""
        name = request.model
        if name == DEFAULT_MODEL:
            return request
        served = await self.served_models()
        key = name.lower().removesuffix(".gguf")
        for sid in served:
            if name == sid or key in model_names(sid.replace("\\", "/").rsplit("/", 1)[-1]):
                return request if sid == name else request.model_copy(update={"model": sid})
        raise NotFoundError(
            f"the llama.cpp server at {self.base_url} does not serve {name!r} (it serves: "
            f"{', '.join(served) or 'nothing'}); use one of those names, or {self.spec.name}/{DEFAULT_MODEL} "
            "for whatever it has loaded",
            provider=self.spec.name,
        )

    async def chat(self, request: ChatRequest) -> ChatResponse:
        return await super().chat(await self.checked(request))

    async def stream_chat(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:  # type: ignore[override]
        request = await self.checked(request)
        async for ev in super().stream_chat(request):
            yield ev

    # -- tokens ----------------------------------------------------------------------

    async def count_tokens(self, request: ChatRequest) -> TokenCount:
        """The server tokenizer's count of the request's text (see the module docstring)."""
        text = request_text(request)
        if self.flavor == "llama-server":
            data, _ = await self.request_json(
                "POST", f"{self.root}/tokenize", {"content": text}, headers=self.extra_headers()
            )
            tokens = data.get("tokens") if isinstance(data, dict) else None
            n = len(tokens) if isinstance(tokens, list) else None
            where = "POST /tokenize"
        else:
            data, _ = await self.request_json(
                "POST", f"{self.root}/extras/tokenize/count", {"input": text}, headers=self.extra_headers()
            )
            n = data.get("count") if isinstance(data, dict) else None
            where = "POST /extras/tokenize/count"
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:  # true or -1 is no count
            raise ProviderResponseError(
                f"{where} answered without a count", provider=self.spec.name, raw=str(data)[:500]
            )
        return TokenCount(
            input_tokens=n, method="api", detail=f"{where}: the request's text (chat-template framing not included)"
        )
