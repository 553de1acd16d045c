"""A standard set of conformance scenarios for cassettes authored from a provider's docs.

Plugins with no recording of their own API author the same conversations (system prompt,
multi-turn, a weather tool call and its round trip, structured output, reasoning) so that the
kit checks them alike. :func:`authored_scenarios` builds those :class:`Case` objects for one
provider's model ids and cassette names; a plugin keeps only what is its own (error cases,
extra checks).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .conformance import Case

__all__ = [
    "SYSTEM", "QUESTION", "WEATHER_TOOL", "WEATHER_QUESTION", "COUNTRY_SCHEMA", "Scenarios", "authored_scenarios",
]

SYSTEM = "You are a concise assistant. Answer in one short sentence."
QUESTION = "What is the capital of France?"
WEATHER_TOOL: dict[str, Any] = {
    "name": "get_current_weather",
    "description": "Get the current weather in a given city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string", "description": "The city, e.g. Paris"}},
                   "required": ["city"]},
}
WEATHER_QUESTION = "What is the weather in Paris right now?"
COUNTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "capital": {"type": "string"},
                   "population_millions": {"type": "number"}},
    "required": ["name", "capital", "population_millions"],
    "additionalProperties": False,
}
REASONING_QUESTION = "Which number is bigger, 9.11 or 9.9?"


@dataclass(frozen=True)
class Scenarios:
    """The standard cases, one attribute per kit scenario."""

    chat: Case
    stream: Case
    multi_turn: Case
    tool_call: Case
    tool_call_stream: Case
    round_trip: Case
    structured: Case
    reasoning: Case
    reasoning_stream: Case
    hello: dict[str, Any]


def authored_scenarios(
    model: str,
    *,
    call_id: str,
    reasoning_model: str,
    reasoning_cassettes: tuple[str, str] = ("authored__reasoning.yaml", "authored__reasoning_stream.yaml"),
) -> Scenarios:
    """The standard cases for ``model``; ``call_id`` is the tool-call id the round-trip cassette
    answers, ``reasoning_model`` the provider's reasoning model id. Cassette names follow the
    ``authored__<scenario>.yaml`` convention."""
    ask = {"model": model, "system": SYSTEM, "messages": [QUESTION]}
    tool = {"model": model, "messages": [WEATHER_QUESTION], "tools": [WEATHER_TOOL]}
    reasoning_q = {"model": reasoning_model, "messages": [REASONING_QUESTION]}
    return Scenarios(
        chat=Case("authored__chat_system.yaml", ask, expect_text="Paris", expect_finish="stop"),
        stream=Case("authored__chat_system_stream.yaml", ask, stream=True, expect_text="Paris", expect_finish="stop"),
        multi_turn=Case("authored__multi_turn.yaml", {"model": model, "messages": [
            {"role": "user", "content": QUESTION}, {"role": "assistant", "content": "The capital of France is Paris."},
            {"role": "user", "content": "And of Italy?"}]}, expect_text="Rome"),
        tool_call=Case("authored__tool_call.yaml", tool, expect_tool="get_current_weather", expect_finish="tool_calls"),
        tool_call_stream=Case("authored__tool_call_stream.yaml", tool, stream=True,
                              expect_tool="get_current_weather", expect_finish="tool_calls"),
        round_trip=Case("authored__tool_round_trip.yaml", {"model": model, "tools": [WEATHER_TOOL], "messages": [
            {"role": "user", "content": WEATHER_QUESTION},
            {"role": "assistant", "tool_calls": [{"id": call_id, "type": "function", "function": {
                "name": "get_current_weather", "arguments": '{"city":"Paris"}'}}]},
            {"role": "tool", "tool_call_id": call_id, "content": "18°C and partly cloudy"}]}, expect_text="18°C"),
        structured=Case("authored__structured_json_schema.yaml", {
            "model": model, "messages": ["Give me facts about Japan as JSON."],
            "response_format": {"type": "json_schema", "name": "country", "schema": COUNTRY_SCHEMA, "strict": True}},
            expect_text="Tokyo"),
        reasoning=Case(reasoning_cassettes[0], reasoning_q, expect_text="9.9 is bigger"),
        reasoning_stream=Case(reasoning_cassettes[1], reasoning_q, stream=True, expect_text="9.9 is bigger"),
        hello={"model": model, "messages": ["Hello"], "max_tokens": 16},
    )
