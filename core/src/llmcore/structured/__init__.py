"""Structured output on every provider, through the protocol.

``m.chat(msgs, response_format=City)`` — a pydantic model, a JSON schema,
or any type pydantic can validate — returns a response whose ``.parsed``
is a validated instance. The facade plans the call (:func:`prepare`):

1. the schema is built (:func:`~.schema.schema_of`) and its non-recursive
   ``$ref``\\ s inlined (:func:`~.schema.inline_refs`);
2. the mode is chosen from the provider's declared
   ``spec.capabilities.structured_output`` (:func:`choose_mode`), preferring
   ``json_schema`` (native), then ``tool`` (a forced tool call whose
   arguments are the answer; the response text stays as it is), then
   ``json_object`` (JSON mode with the schema in a system instruction),
   else ``prompt`` (the instruction only, with a warning). Pass
   ``structured_mode=`` to ``llmcore.model(...)`` or a call to choose;
3. **the provider seam**: a provider (plugin) may define

   .. code-block:: python

       def transform_schema(self, schema: dict, mode: str) -> dict: ...

   called with a copy of the schema for the ``json_schema`` and ``tool``
   modes, returning what that provider accepts (llmcore-openai's Chat
   Completions family applies :func:`~.schema.strict_schema`). Wire-level
   conversions a codec already makes (Anthropic closes objects, Gemini
   converts to its ``Schema`` subset in ``schema_mode="openapi"``) stay in
   the codec;
4. the answer is parsed and validated (:meth:`StructuredOutput.parse`); an
   answer that is not JSON or does not validate raises
   :class:`StructuredOutputError` carrying the whole raw text.

Streams: ``stream.parsed_partial`` is the value so far and
``stream.partials()`` yields progressively more complete values (dicts for
object outputs) from the text or tool-argument deltas (:mod:`.partial`).
"""

from __future__ import annotations

from .output import MODES, StructuredOutput, StructuredOutputError, choose_mode, instruction, prepare
from .partial import PartialTracker, extract_json_text, parse_partial
from .schema import SchemaTarget, drop_introduced_nulls, inline_refs, schema_of, strict_schema

__all__ = [
    "MODES",
    "StructuredOutput",
    "StructuredOutputError",
    "choose_mode",
    "instruction",
    "prepare",
    "PartialTracker",
    "parse_partial",
    "extract_json_text",
    "SchemaTarget",
    "schema_of",
    "inline_refs",
    "strict_schema",
    "drop_introduced_nulls",
]
