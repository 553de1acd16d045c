"""llmcore plugin for Google Vertex AI: Gemini models (``publishers/google``,
``generateContent``) and Claude models (``publishers/anthropic``, ``rawPredict``).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider. google-auth, the Gemini codec
(``llmcore-gemini``) and the Anthropic codec (``llmcore-anthropic``) are
imported when a model is used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from llmcore.hookspecs import hookimpl
from llmcore.readiness import module_missing, needs
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]


def _credentials_file() -> Path | None:
    """The file Application Default Credentials would read first, if it exists
    (``$GOOGLE_APPLICATION_CREDENTIALS``, else gcloud's application-default file)."""
    explicit = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if explicit:
        path = Path(explicit).expanduser()
        return path if path.is_file() else None
    config = os.environ.get("CLOUDSDK_CONFIG") or os.path.join(os.path.expanduser("~"), ".config", "gcloud")
    path = Path(config) / "application_default_credentials.json"
    return path if path.is_file() else None


def _status(spec: ProviderSpec) -> str:
    """Ready when google-auth is installed, a credentials file is found and a project
    is known (``$GOOGLE_CLOUD_PROJECT`` or the file's project); files only, no token
    is fetched (on Google Cloud the metadata server may still provide credentials)."""
    creds = _credentials_file()
    project = os.environ.get("GOOGLE_CLOUD_PROJECT") or os.environ.get("GCLOUD_PROJECT")
    if creds is not None and not project:
        try:
            info = json.loads(creds.read_text(encoding="utf-8"))
            project = info.get("project_id") or info.get("quota_project_id") if isinstance(info, dict) else None
        except (OSError, ValueError):
            project = None
    bad_path = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") if creds is None else None
    if creds is not None:
        missing_creds = None
    elif bad_path:
        missing_creds = f"GOOGLE_APPLICATION_CREDENTIALS pointing to a file (no file at {bad_path})"
    else:
        missing_creds = "GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`"
    return needs(
        module_missing("google.auth", "google-auth (pip install 'google-auth[requests]')"),
        missing_creds,
        None if project else "GOOGLE_CLOUD_PROJECT",
    )


SPEC = ProviderSpec(
    name="vertexai",
    factory="llmcore_vertexai.provider:VertexAIProvider",
    distribution="llmcore-vertexai",
    description="Gemini and Claude models on Google Cloud Vertex AI (OAuth2 / Application Default Credentials)",
    # Vertex authenticates with Google Cloud credentials (ADC, a service-account file or a token),
    # not an API key: GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION.
    env_keys=(),
    requires_key=False,
    base_url=None,  # https://{location}-aiplatform.googleapis.com, or aiplatform.googleapis.com for "global"
    model_prefixes=(),  # gemini-*/claude-* belong to their own providers; use "vertexai/<model>"
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=True,  # inlineData / fileData parts; the vision cassette is authored from the docs
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="api",
        embeddings=True,  # publishers/google/models/{m}:predict (llmcore_vertexai.embeddings)
        # Google Search grounding through the Gemini codec (tests/test_conformance.py: LOSSLESS); URL context
        # and code execution are Vertex tools the codec maps (llmcore_gemini.builtin) that no Vertex recording
        # shows yet (unrecorded_server_tools); images stay unclaimed until a recording proves them
        server_tools=("web_search", "url_context", "code_execution"),
        citations=True,
        # Gemini models: a cachedContents resource named with provider option cached_content (cachedContent),
        # its reads in cache_read_tokens (ruby_llm's recording: tests/test_vertexai_cached_content.py); Claude
        # models: cache_control breakpoints through the Anthropic codec (tests/test_vertexai_prompt_cache.py)
        prompt_caching=True,
    ),
    docs_url="https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference",
    readiness=_status,
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Vertex AI provider."""
    return [SPEC]
