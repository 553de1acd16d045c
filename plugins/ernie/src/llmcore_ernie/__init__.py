"""llmcore plugin for Baidu ERNIE models on Qianfan v2 (``https://qianfan.baidubce.com/v2``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_ernie.provider` holds the code.
Qianfan also serves other models (DeepSeek, Qwen, ...): address them as
``ernie/<model id>``.
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="ernie",
    factory="llmcore_ernie.provider:ErnieProvider",
    distribution="llmcore-ernie",
    description="Baidu ERNIE models via Qianfan v2 (OpenAI-compatible chat completions)",
    env_keys=("QIANFAN_API_KEY",),
    base_url="https://qianfan.baidubce.com/v2",
    base_url_env="QIANFAN_BASE_URL",
    model_prefixes=("ernie-",),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # /v2/embeddings (authored cassette)
    ),
    docs_url="https://cloud.baidu.com/doc/qianfan-api/index.html",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The ERNIE (Qianfan v2) provider."""
    return [SPEC]
