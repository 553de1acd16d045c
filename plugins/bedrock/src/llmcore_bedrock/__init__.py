"""llmcore plugin for Amazon Bedrock's Converse API.

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider (no botocore, no httpx). The codec lives in
:mod:`llmcore_bedrock.provider` and is imported when a model is used.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

_CHAIN_ENV = (
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_ACCESS_KEY_ID",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
)

_FILES = (("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"), ("AWS_CONFIG_FILE", "~/.aws/config"))


def _credentials_missing() -> str | None:
    """``None`` when any link of the AWS credential chain is configured (env vars or ``~/.aws`` files)."""
    if any(os.environ.get(v) for v in _CHAIN_ENV):
        return None
    for env, default in _FILES:
        if os.path.isfile(os.path.expanduser(os.environ.get(env) or default)):
            return None
    return "AWS_ACCESS_KEY_ID or AWS_PROFILE or AWS_BEARER_TOKEN_BEDROCK"


def _profile_region() -> str | None:
    """The ``region`` of the active profile in the AWS config file, read as botocore
    would (``[default]``, or ``[profile NAME]`` for ``AWS_PROFILE=NAME``); ``None``
    when there is none or the file cannot be read."""
    import configparser

    profile = os.environ.get("AWS_PROFILE") or "default"
    section = "default" if profile == "default" else f"profile {profile}"
    parser = configparser.RawConfigParser()
    try:
        parser.read(os.path.expanduser(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"))
        return parser.get(section, "region", fallback=None) or None
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None


def _region_missing() -> str | None:
    """``None`` when a region is known the way the provider resolves it (without the
    ``region=`` option, which listing cannot see): ``AWS_REGION``, ``AWS_DEFAULT_REGION``,
    the profile's region, or a ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` that names one (or
    needs none: a custom endpoint with a Bedrock API key is not signed)."""
    if os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or _profile_region():
        return None
    endpoint = os.environ.get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")
    if endpoint:
        from .auth import _HOST_REGION  # light: no botocore at import

        if _HOST_REGION.search(endpoint) or os.environ.get("AWS_BEARER_TOKEN_BEDROCK"):
            return None
    return "AWS_REGION or AWS_DEFAULT_REGION"


@dataclass(frozen=True)
class _BedrockSpec(ProviderSpec):
    """AWS credentials come from a chain, not one key, and every call needs a
    region: ``status`` says ``ready`` when some link of the chain is configured
    (env vars or ``~/.aws`` files) and a region is known, else names what is
    missing; without importing botocore or touching the network."""

    def status(self) -> str:
        from llmcore.readiness import needs

        return needs(_credentials_missing(), _region_missing())


SPEC = _BedrockSpec(
    name="bedrock",
    factory="llmcore_bedrock.provider:BedrockProvider",
    distribution="llmcore-bedrock",
    description="Amazon Bedrock Converse API (SigV4 credentials or a Bedrock API key)",
    env_keys=("AWS_BEARER_TOKEN_BEDROCK", "AWS_ACCESS_KEY_ID", "AWS_PROFILE"),
    requires_key=False,  # credentials are resolved by the AWS chain in the provider
    base_url=None,  # https://bedrock-runtime.{region}.amazonaws.com, from the region
    base_url_env="AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    model_prefixes=(
        "amazon.",
        "anthropic.",
        "meta.",
        "mistral.",
        "cohere.",
        "ai21.",
        "deepseek.",
        "writer.",
        "us.",
        "eu.",
        "apac.",
        "global.",
        "us-gov.",
        "arn:aws:bedrock:",
    ),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # image blocks as base64 bytes; the vision cassette is authored from the docs
        reasoning=True,
        structured_output=("json_schema", "tool"),
        count_tokens="api",  # CountTokens where the model supports it; a labelled estimate otherwise
        embeddings=True,  # InvokeModel: Titan Text Embeddings v2, Cohere Embed, Nova (ruby_llm recordings)
        rerank=True,  # Agents for Amazon Bedrock Runtime Rerank (authored cassette, body from vercel/ai's fixture)
        # cachePoint breakpoints (Message.cache_point / cache_prompt); cache reads and writes in Usage
        prompt_caching=True,
        # Amazon Nova's web grounding (systemTool nova_grounding): llmcore_bedrock.builtin
        server_tools=("web_search",),
        cache_breakpoints=True,
    ),
    docs_url="https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html",
    catalogue="llmcore_bedrock:models.json",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Bedrock provider."""
    return [SPEC]
