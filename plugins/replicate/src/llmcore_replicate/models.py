"""Model references → prediction endpoints, and per-family input names.

A llmcore model id for Replicate is one of

* ``owner/name`` — an official model: ``POST /models/{owner}/{name}/predictions``;
* ``owner/name:<64-hex version>`` — a model version: ``POST /predictions`` with
  ``version`` = the version id;
* ``<64-hex version>`` — the same, without the name.

Replicate models take model-specific ``input`` objects. Chat maps onto the
inputs of the usual language models (``prompt``, ``system_prompt``,
``max_tokens``, ``temperature``, ``top_p``, ``stop_sequences``, ``seed``);
:data:`FAMILIES` holds the few families whose names differ (Llama 2 chat
models call the output limit ``max_new_tokens``). Anything else can be set or
removed per request with ``provider_options["replicate"]`` (merged into
``input`` last; ``None`` removes a key).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from llmcore.errors import InvalidRequestError

__all__ = ["DEFAULT_INPUTS", "FAMILIES", "InputNames", "Target", "inputs_for", "parse_model"]

_VERSION = re.compile(r"^[0-9a-f]{64}$")
_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Target:
    """Where to create the prediction: ``path`` below the base URL, and the
    ``version`` to put in the body (``None`` for official models)."""

    model: str
    name: str | None
    path: str
    version: str | None


def parse_model(model: str, provider: str = "replicate") -> Target:
    """Parse a model reference; :class:`InvalidRequestError` when it is none of the accepted forms."""
    ref = model.strip()
    name, _, version = ref.partition(":")
    if not version and _VERSION.match(name):
        return Target(model=ref, name=None, path="predictions", version=name)
    owner, slash, rest = name.partition("/")
    if not slash or not _PART.match(owner) or not _PART.match(rest):
        raise InvalidRequestError(
            f"invalid Replicate model {model!r}: use 'owner/name', 'owner/name:<version id>' or a version id",
            provider=provider,
        )
    if version:
        if not _VERSION.match(version):
            raise InvalidRequestError(
                f"invalid Replicate version {version!r} in {model!r}: a version id is 64 hex characters",
                provider=provider,
            )
        return Target(model=ref, name=name, path="predictions", version=version)
    return Target(model=ref, name=name, path=f"models/{owner}/{rest}/predictions", version=None)


@dataclass(frozen=True)
class InputNames:
    """The ``input`` field names a model family uses (``None``: not supported)."""

    prompt: str = "prompt"
    system: str | None = "system_prompt"
    max_tokens: str | None = "max_tokens"
    temperature: str | None = "temperature"
    top_p: str | None = "top_p"
    stop: str | None = "stop_sequences"  # one comma-separated string
    seed: str | None = "seed"


DEFAULT_INPUTS = InputNames()
"""Meta Llama 3.x, Mistral, Granite, DeepSeek and most current language models."""

#: ``owner/name`` prefix → input names (first match wins).
FAMILIES: tuple[tuple[str, InputNames], ...] = (
    ("meta/llama-2-", replace(DEFAULT_INPUTS, max_tokens="max_new_tokens")),
    ("meta/codellama-", replace(DEFAULT_INPUTS, max_tokens="max_new_tokens")),
)


def inputs_for(target: Target) -> InputNames:
    """The input names of ``target``'s family (the default when the name is unknown)."""
    if target.name:
        for prefix, names in FAMILIES:
            if target.name.startswith(prefix):
                return names
    return DEFAULT_INPUTS
