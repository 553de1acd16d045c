"""llmcore plugin for Databricks Model Serving (Foundation Model APIs and external models).

Tiny on purpose: discovery imports this module for ``llmcore providers list``,
so it only declares the provider; :mod:`llmcore_databricks.provider` holds the
code. The model name is the serving endpoint's name (``databricks-claude-sonnet-4``,
``databricks-meta-llama-3-3-70b-instruct``, or your own endpoint as
``databricks/<endpoint>``).
"""

from __future__ import annotations

from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec

__all__ = ["SPEC", "llmcore_providers"]

SPEC = ProviderSpec(
    name="databricks",
    factory="llmcore_databricks.provider:DatabricksProvider",
    distribution="llmcore-databricks",
    description="Databricks serving endpoints ({DATABRICKS_HOST}/serving-endpoints, OpenAI-compatible chat)",
    env_keys=("DATABRICKS_TOKEN",),
    requires_env=("DATABRICKS_HOST",),  # or base_url=
    base_url=None,  # {DATABRICKS_HOST}/serving-endpoints, or base_url=
    base_url_env=None,
    model_prefixes=("databricks-", "dbrx-"),
    capabilities=Capabilities(
        streaming=True,
        tools=True,
        vision=False,
        reasoning=True,
        structured_output=("json_schema",),
        count_tokens="estimate",
        embeddings=True,  # POST /serving-endpoints/embeddings (a llama-stack recording, tests/cassettes/SOURCES.md)
    ),
    docs_url="https://docs.databricks.com/aws/en/machine-learning/model-serving/score-foundation-models",
)


@hookimpl
def llmcore_providers() -> list[ProviderSpec]:
    """The Databricks provider."""
    return [SPEC]
