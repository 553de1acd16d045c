"""Thought signatures survive the next turn: each is sent back on the part it came with.

Every test replays a real recorded conversation turn by turn: the response our
provider parsed from turn N becomes the history of the request for turn N+1,
which must carry the signatures exactly where the server put them.
"""

from __future__ import annotations

import json
from typing import Any

import gemini_cases as G
from llmcore.types import ChatRequest, Message, ReasoningPart, TextPart, ToolCallPart, ToolResultPart
from llmcore_gemini.request import CodecSettings, build_generate_body


def _body(sent: Any, i: int = 0) -> dict[str, Any]:
    G.spec().validate_request(sent[i])
    return json.loads(sent[i].content)  # type: ignore[no-any-return]


def _recorded_parts(cassette: str, interaction: int = 0) -> list[dict[str, Any]]:
    """The parts of all chunks of a recorded response (SSE, JSON array or one JSON object)."""
    raw = G.recorded(cassette, interaction)["response"]["body"]["string"]
    if raw.lstrip().startswith("data:"):
        chunks = [json.loads(line[5:]) for line in raw.splitlines() if line.startswith("data:")]
    else:
        value = json.loads(raw)
        chunks = value if isinstance(value, list) else [value]
    return [p for c in chunks for p in c["candidates"][0]["content"].get("parts", [])]


def test_function_call_signature_round_trip_non_stream() -> None:
    """gemini-2.5-flash: functionCall + thoughtSignature → sent back on that functionCall."""
    first, _, _ = G.replay(G.TOOL_CALL.chat_request(), G.TOOL_AUTO)
    call = first.tool_calls[0]
    sig_part = first.message.content[1]
    assert isinstance(sig_part, ReasoningPart) and sig_part.provider == "gemini"
    assert sig_part.signature == G.function_call_signature(G.TOOL_AUTO)
    assert sig_part.data == {"thought_signature_on": "previous_part"}

    follow = ChatRequest(
        model="gemini-2.5-flash",
        tools=[G.GET_WEATHER],
        tool_choice="auto",
        messages=[
            *G.TOOL_CALL.chat_request().messages,
            first.message,
            Message(role="tool", content=[ToolResultPart(tool_call_id=call.id, content="Sunny, 22C in Paris")]),
        ],
    )
    second, _, sent = G.replay(follow, G.TOOL_AUTO, interaction=1)
    assert "22" in second.text
    body = _body(sent)
    model_turn = body["contents"][1]
    assert model_turn == {
        "role": "model",
        "parts": [
            {
                "functionCall": {"name": "get_weather", "args": {"city": "Paris"}, "id": call.id},
                "thoughtSignature": sig_part.signature,
            }
        ],
    }
    assert body["contents"][2]["parts"] == [
        {"functionResponse": {"name": "get_weather", "id": call.id, "response": {"output": "Sunny, 22C in Paris"}}}
    ]


def test_streamed_function_call_signature_round_trip() -> None:
    """gemini-3-pro-preview streamed: the signed functionCall arrives in one chunk, then an empty
    text chunk with the finish reason; the signature goes back on the functionCall."""
    first, events, _ = G.replay(G.TOOL_CALL_STREAM.chat_request(), G.TOOL_SIG_STREAM, stream=True)
    expected_sig = G.sse_function_call_signature(G.TOOL_SIG_STREAM)
    assert [e.type for e in events] == ["metadata", "tool_call_delta", "tool_call", "reasoning", "usage", "finish"]
    assert [p.type for p in first.message.content] == ["tool_call", "reasoning"]
    follow = ChatRequest(
        model="gemini-3-pro-preview",
        tools=[G.GET_COUNTRY],
        messages=[
            *G.TOOL_CALL_STREAM.chat_request().messages,
            first.message,
            Message(role="tool", content=[ToolResultPart(tool_call_id=first.tool_calls[0].id, content="Mexico")]),
        ],
    )
    second, _, sent = G.replay(follow, G.TOOL_SIG_STREAM, interaction=1, stream=True)
    assert second.text == "The capital of Mexico is Mexico City."
    parts = _body(sent)["contents"][1]["parts"]
    assert len(parts) == 1 and parts[0]["thoughtSignature"] == expected_sig
    assert parts[0]["functionCall"]["name"] == "get_country"


def test_server_call_ids_and_text_signatures_over_four_turns() -> None:
    """gemini-3.5-flash (ellmer): the server sends call ids, and signatures on functionCall AND
    on text parts. Four recorded turns; every signature goes back on its own part."""
    tools = [
        {"name": "current_date", "description": "Return the current date"},
        {"name": "current_month", "description": "Return the full name of the current month"},
    ]
    system = "Always use a tool to answer. Reply with 'It is ____.'."
    base = {"model": "gemini-3.5-flash", "system": system, "tools": tools, "temperature": 0, "seed": 1014}
    history: list[Message] = [Message(role="user", content="What's the current date in Y-M-D format?")]
    answers = {"current_date": "2024-01-01", "current_month": "February"}
    recorded_parts = [_recorded_parts(G.ELLMER_TOOL, i) for i in range(4)]

    turn = 0
    sent_bodies = []
    for user_followup in (None, "What month is it? Provide the full name"):
        if user_followup:
            history.append(Message(role="user", content=user_followup))
        r, _, sent = G.replay({**base, "messages": history}, G.ELLMER_TOOL, interaction=turn)
        sent_bodies.append(_body(sent))
        turn += 1
        call = r.tool_calls[0]
        assert call.id == recorded_parts[turn - 1][0]["functionCall"]["id"]  # the server's id, not ours
        history += [
            r.message,
            Message(role="tool", content=[ToolResultPart(tool_call_id=call.id, content=answers[call.name])]),
        ]
        r, _, sent = G.replay({**base, "messages": history}, G.ELLMER_TOOL, interaction=turn)
        sent_bodies.append(_body(sent))
        turn += 1
        assert r.text.startswith("It is ")
        history.append(r.message)

    last = sent_bodies[-1]["contents"]
    # user, model(call+sig), user(result), model(text+sig), user, model(call+sig), user(result)
    assert [c["role"] for c in last] == ["user", "model", "user", "model", "user", "model", "user"]
    assert last[1]["parts"][0]["thoughtSignature"] == recorded_parts[0][0]["thoughtSignature"]
    assert last[3]["parts"] == [
        {"text": "It is 2024-01-01.", "thoughtSignature": recorded_parts[1][0]["thoughtSignature"]}
    ]
    assert last[5]["parts"][0]["thoughtSignature"] == recorded_parts[2][0]["thoughtSignature"]
    assert last[5]["parts"][0]["functionCall"]["id"] == "7ofxgr5m"
    assert last[6]["parts"][0]["functionResponse"] == {
        "name": "current_month",
        "id": "7ofxgr5m",
        "response": {"output": "February"},
    }


def test_gemini3_json_array_stream_signature_round_trip() -> None:
    """llm-gemini recorded streamGenerateContent without alt=sse (a JSON array): the signed
    functionCall, then an unsigned empty text part; next turn the signature is on the call."""
    req = ChatRequest(
        model="gemini-3-flash-preview",
        messages=["What is 5 times 3?"],
        tools=[
            {
                "name": "multiply",
                "description": "Multiply two numbers.",
                "parameters": {
                    "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
                    "required": ["x", "y"],
                    "type": "object",
                },
            }
        ],
    )
    first, _, _ = G.replay(req, G.LLM_TOOLS_G3, stream=True)
    assert first.finish_reason == "tool_calls" and first.tool_calls[0].arguments == {"y": 3, "x": 5}
    sig = _recorded_parts(G.LLM_TOOLS_G3)[0]["thoughtSignature"]
    follow = ChatRequest(
        model=req.model,
        tools=req.tools,
        messages=[
            *req.messages,
            first.message,
            Message(role="tool", content=[ToolResultPart(tool_call_id=first.tool_calls[0].id, content="15")]),
        ],
    )
    second, _, sent = G.replay(follow, G.LLM_TOOLS_G3, interaction=1, stream=True)
    assert second.text == "5 times 3 is 15."
    parts = _body(sent)["contents"][1]["parts"]
    assert parts == [
        {
            "functionCall": {"name": "multiply", "args": {"y": 3, "x": 5}, "id": first.tool_calls[0].id},
            "thoughtSignature": sig,
        }
    ]


def test_signature_on_empty_final_text_part_is_kept_as_its_own_part() -> None:
    """llm-gemini test_prompt: thought summary, text "Scoop", then {"text": "", "thoughtSignature"}."""
    r, _, _ = G.replay(
        {
            "model": "gemini-flash-latest",
            "messages": ["Name for a pet pelican, just the name"],
            "provider_options": {"gemini": {"include_thoughts": True}},
        },
        G.LLM_PROMPT,
        stream=True,
    )
    sig = _recorded_parts(G.LLM_PROMPT)[-1]["thoughtSignature"]
    kinds = [(p.type, getattr(p, "data", None)) for p in r.message.content]
    assert kinds == [("reasoning", None), ("text", None), ("reasoning", {"thought_signature_on": "empty_text"})]
    assert r.text == "Scoop" and r.message.content[2].signature == sig  # type: ignore[union-attr]
    assert r.reasoning.startswith("**Considering the Constraint**")
    body, _ = build_generate_body(
        ChatRequest(model="gemini-flash-latest", messages=["hi", r.message, "another?"]), CodecSettings()
    )
    # the unsigned thought summary is not sent back; the text and the empty signed part are
    assert body["contents"][1] == {"role": "model", "parts": [{"text": "Scoop"}, {"text": "", "thoughtSignature": sig}]}


def test_signed_thought_parts_and_foreign_reasoning() -> None:
    signed = ReasoningPart(text="thinking...", signature="c2ln", provider="gemini")
    foreign = ReasoningPart(text="claude thoughts", signature="anthropic-sig", provider="anthropic")
    vertex = ReasoningPart(signature="dmVydGV4", provider="vertexai", data={"thought_signature_on": "previous_part"})
    msg = Message(
        role="assistant",
        content=[signed, foreign, TextPart(text="answer"), vertex, ToolCallPart(id="c1", name="f", arguments={})],
    )
    req = ChatRequest(
        model="gemini-2.5-flash",
        messages=["q", msg, Message(role="tool", content=[ToolResultPart(tool_call_id="c1", content="r")])],
    )
    body, _ = build_generate_body(req, CodecSettings(provider="gemini"))
    assert body["contents"][1]["parts"] == [
        {"text": "thinking...", "thought": True, "thoughtSignature": "c2ln"},
        {"text": "answer"},
        {"functionCall": {"name": "f", "args": {}, "id": "c1"}},
    ]
    # the same history sent to Vertex keeps the Vertex signature (on the text before it)
    body, _ = build_generate_body(req, CodecSettings(provider="vertexai"))
    assert body["contents"][1]["parts"][0] == {"text": "answer", "thoughtSignature": "dmVydGV4"}
