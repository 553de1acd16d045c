"""The conformance kit's lossless-answer checks (issue 11), on ``lossy_provider`` (real HTTP over
the kit's loopback cassette server):

* ``Capabilities`` flags for server tools, citations, image output and prompt caching, and their
  labels in ``providers list``;
* ``test_lossless``: each ``lossless_cases`` entry brings out what it proves, chat and stream
  agree; a claimed capability without its case fails ``test_capability_claims``;
* ``test_nothing_disappears``: every recorded answer's items are parts, citations, or kept as
  unmapped with a warning — a provider that drops one silently fails, naming it;
* the default ``answer_item_kinds`` on the OpenAI Chat/Responses, Anthropic and Gemini shapes.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lossy_provider
import pytest
from llmcore import plugins
from llmcore.hookspecs import hookimpl
from llmcore.spec import Capabilities, ProviderSpec
from llmcore_testing import cassette_format
from llmcore_testing.conformance import Case, LosslessCase, ProviderConformance
from llmcore_testing.lossless import answer_item_kinds, decode_stream_body, disappeared

BARE = ProviderSpec(  # claims citations and a server tool, proves nothing
    name="bare",
    factory="lossy_provider:LossyProvider",
    env_keys=("BARE_API_KEY",),
    base_url="http://127.0.0.1:9/v1",
    capabilities=Capabilities(streaming=False, server_tools=("web_search",), citations=True),
)


class _Plugin:
    @hookimpl
    def llmcore_providers(self) -> list[ProviderSpec]:
        return [lossy_provider.SPEC, BARE]


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("LLMCORE_PLUGINS", "")
    monkeypatch.delenv("LLMCORE_RECORD_MODE", raising=False)
    plugins.reset()
    plugins.register(_Plugin(), "kit-lossless-toys")
    yield
    plugins.reset()


PNG = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
ITEMS = [
    {"kind": "search_call", "id": "s1", "q": "ruby"},
    {"kind": "search_result", "id": "s1", "hits": [{"url": "https://ruby-lang.org"}]},
    {"kind": "text", "text": "Ruby 4.0."},
    {"kind": "cite", "url": "https://ruby-lang.org"},
    {"kind": "image", "b64": PNG},
    {"kind": "sparkle", "x": 1},  # no llmcore part: kept as unmapped
]


def _write(
    path: Path,
    items: list[dict[str, Any]],
    *,
    stream: bool,
    cached: int | None = None,
    uri: str = "http://127.0.0.1:9/v1/chat",
) -> None:
    if stream:
        events = [*items, {"in": 5, "out": 3}]
        body = "".join(f"data: {json.dumps(e)}\n\n" for e in events)
        ctype = "text/event-stream"
    else:
        body, ctype = json.dumps({"items": items, "in": 5, "out": 3, "cached": cached}), "application/json"
    request = {"model": "lossy-1", "stream": stream, "messages": ["Hi"]}
    path.write_text(
        cassette_format.serialize(
            {
                "interactions": [
                    {
                        "request": {
                            "method": "POST",
                            "uri": uri,
                            "body": json.dumps(request),
                            "headers": {"content-type": ["application/json"]},
                        },
                        "response": {
                            "status": {"code": 200, "message": "OK"},
                            "headers": {"content-type": [ctype]},
                            "body": {"string": body},
                        },
                    }
                ]
            }
        )
    )


class _LossyKit(ProviderConformance):
    provider = "lossy"
    answer_paths = ("/chat",)
    answer_kind_parts = {
        "search_call": ("server_tool",),
        "search_result": ("server_tool",),
        "cite": ("citation",),
        "image": ("image",),
    }

    def answer_item_kinds(self, body: Any) -> Counter[str]:
        items = body if isinstance(body, list) else body.get("items", [])
        return Counter(str(i["kind"]) for i in items if "kind" in i)


def _kit(tmp_path: Path, name: str = "lossy", **attrs: Any) -> ProviderConformance:
    cls = type("_Kit", (_LossyKit,), {"provider": name, "cassette_dir": tmp_path, **attrs})
    kit = cls()
    kit.replay_path = "aiohttp"  # type: ignore[attr-defined]
    return kit  # type: ignore[no-any-return]


REQ = {"model": "lossy-1", "messages": ["Hi"]}


@pytest.fixture
def recorded(tmp_path: Path) -> Path:
    _write(tmp_path / "answer.yaml", ITEMS, stream=False, cached=4)
    _write(tmp_path / "answer_stream.yaml", ITEMS, stream=True)
    return tmp_path


def _cases(**options: Any) -> dict[str, Case]:
    chat = {"options": options, "base_url": "http://127.0.0.1:9/v1"}
    return {
        "web_search": LosslessCase("answer.yaml", REQ, server_tool="search", **chat),
        "web_search:stream": LosslessCase("answer_stream.yaml", REQ, stream=True, server_tool="search", **chat),
        "citations": LosslessCase("answer.yaml", REQ, **chat),
        "citations:stream": LosslessCase("answer_stream.yaml", REQ, stream=True, **chat),
        "image_output": LosslessCase("answer.yaml", REQ, **chat),
        "prompt_caching": LosslessCase("answer.yaml", REQ, **chat),
    }


# -- capabilities -------------------------------------------------------------------------------


def test_the_new_capabilities_have_labels_and_refuse_unknown_tools() -> None:
    caps = lossy_provider.SPEC.capabilities
    assert caps.labels()[-4:] == ["srv:web_search", "citations", "image-out", "cache"]
    assert "srv:" not in " ".join(Capabilities().labels())
    with pytest.raises(ValueError, match=r"unknown server tool\(s\) \['websearch'\]: use names from"):
        Capabilities(server_tools=("websearch",))


def test_a_claimed_capability_without_its_case_fails_the_claims_check(tmp_path: Path) -> None:
    kit = _kit(tmp_path, "bare")
    with pytest.raises(AssertionError) as e:
        kit.test_capability_claims()
    msg = str(e.value)
    assert "web_search (needs lossless_cases['web_search'])" in msg
    assert "citations (needs lossless_cases['citations'])" in msg
    with pytest.raises(pytest.skip.Exception, match="claims web_search, citations but has no lossless_cases"):
        kit.test_lossless()


# -- lossless cases ------------------------------------------------------------------------------


def test_the_lossless_cases_pass_on_a_provider_that_keeps_everything(recorded: Path) -> None:
    kit = _kit(
        recorded,
        lossless_cases=_cases(),
        chat_case=Case("answer.yaml", REQ),
        stream_case=Case("answer_stream.yaml", REQ, stream=True),
    )
    kit.test_capability_claims()
    kit.test_lossless()


def test_a_lossless_case_whose_answer_lacks_what_it_proves_fails(recorded: Path) -> None:
    _write(recorded / "plain.yaml", [{"kind": "text", "text": "no sources"}], stream=False)
    cases = {
        "citations": LosslessCase("plain.yaml", REQ),
        "image_output": LosslessCase("plain.yaml", REQ),
        "web_search": LosslessCase("plain.yaml", REQ),
        "prompt_caching": LosslessCase("plain.yaml", REQ),
        "web_fetch": LosslessCase("answer.yaml", REQ, server_tool="fetch"),
        "imagery": LosslessCase("answer.yaml", REQ),
    }
    with pytest.raises(AssertionError) as e:
        _kit(recorded, lossless_cases=cases).test_lossless()
    msg = str(e.value)
    assert "'citations' (plain.yaml): no citations in the answer" in msg
    assert "'image_output' (plain.yaml): no image in the answer" in msg
    assert "'web_search' (plain.yaml): no server-tool part for web_search" in msg
    assert "'prompt_caching' (plain.yaml): no cached tokens in Usage" in msg
    assert "no server-tool part named 'fetch' (got ['search'])" in msg
    assert "'imagery': not a lossless key" in msg


def test_chat_and_stream_of_one_key_must_agree(recorded: Path) -> None:
    _write(recorded / "stream_without_search.yaml", [{"kind": "text", "text": "x"}, ITEMS[3]], stream=True)
    cases = {
        "citations": LosslessCase("answer.yaml", REQ),
        "citations:stream": LosslessCase("stream_without_search.yaml", REQ, stream=True),
    }
    with pytest.raises(AssertionError, match=r"'citations': chat has parts \['image', 'server_tool_call'"):
        _kit(recorded, lossless_cases=cases).test_lossless()


# -- nothing disappears --------------------------------------------------------------------------


def test_nothing_disappears_is_opt_in(recorded: Path) -> None:
    with pytest.raises(pytest.skip.Exception, match="lossless_check is off"):
        _kit(recorded).test_nothing_disappears()


def test_every_recorded_item_is_a_part_a_citation_or_kept_with_a_warning(recorded: Path) -> None:
    kit = _kit(recorded, lossless_check=True, chat_case=Case("answer.yaml", REQ))
    kit.test_nothing_disappears()
    # what it relied on: the unknown item is in provider_metadata with its warning, chat and stream
    for name, stream in (("answer.yaml", False), ("answer_stream.yaml", True)):
        r = kit.run(Case(name, REQ, stream=stream)).response
        assert r is not None
        assert r.provider_metadata["unmapped"] == [{"kind": "sparkle", "item": ITEMS[5]}]
        assert [w.feature for w in r.warnings] == ["unmapped:sparkle"]


def test_a_silently_dropped_item_is_named(recorded: Path) -> None:
    kit = _kit(recorded, lossless_check=True, chat_case=Case("answer.yaml", REQ, options={"drop": True}))
    with pytest.raises(AssertionError) as e:
        kit.test_nothing_disappears()
    msg = str(e.value)
    assert "2 recorded item(s) disappeared" in msg
    assert "answer.yaml#0: 'sparkle' x1: no part for it and not in provider_metadata['unmapped']" in msg
    assert "answer_stream.yaml#0 (stream): 'sparkle' x1" in msg


def test_a_dropped_citation_is_counted(recorded: Path) -> None:
    kit = _kit(recorded, lossless_check=True, chat_case=Case("answer.yaml", REQ, options={"drop_cites": True}))
    with pytest.raises(AssertionError, match=r"answer.yaml#0: citation: 1 recorded \(cite\), 0 in the answer"):
        kit.test_nothing_disappears()


def test_a_recording_made_under_another_prefix_is_asked_there(tmp_path: Path) -> None:
    """A recording made through a router (``/router/v1/chat``) is replayed at its own path."""
    _write(tmp_path / "routed.yaml", ITEMS, stream=False, uri="https://gateway.example/router/v1/chat")
    kit = _kit(tmp_path, lossless_check=True, chat_case=Case("routed.yaml", REQ))
    kit.test_nothing_disappears()


def test_a_recording_the_replay_case_cannot_reach_is_reported_not_fatal(recorded: Path) -> None:
    class Lost(_LossyKit):
        provider = "lossy"
        cassette_dir = recorded
        lossless_check = True

        def lossless_replay_case(self, cassette: str, interaction: int, recorded: dict[str, Any]) -> Case | None:
            return Case(cassette, REQ, stream="stream" in cassette, base_url="http://127.0.0.1:9/elsewhere")

    kit = Lost()
    kit.replay_path = "aiohttp"  # type: ignore[attr-defined]
    with pytest.raises(AssertionError) as e:
        kit.test_nothing_disappears()
    msg = str(e.value)
    assert "2 recorded item(s) disappeared" in msg  # both recordings reported, the first did not stop the check
    assert "answer.yaml#0: not replayable as asked" in msg and "override lossless_replay_case" in msg


def test_unmapped_without_a_warning_is_a_problem() -> None:
    from llmcore.types import ChatResponse, Message

    r = ChatResponse(
        message=Message(role="assistant", content="hi"),
        provider_metadata={"unmapped": [{"kind": "sparkle", "item": {}}]},
    )
    assert disappeared(Counter({"text": 1, "sparkle": 1}), r) == [
        "unmapped 'sparkle' kept without an 'unmapped:sparkle' warning"
    ]


# -- the default shapes ---------------------------------------------------------------------------


def test_default_kinds_of_a_gemini_answer_and_stream() -> None:
    cand = {
        "content": {
            "parts": [
                {"text": "plan", "thought": True},
                {"text": "The answer"},
                {"executableCode": {"code": "1+1"}},
                {"codeExecutionResult": {"output": "2"}},
                {"inlineData": {"mimeType": "image/png", "data": PNG}},
                {"inlineData": {"mimeType": "image/png", "data": PNG}, "thought": True},
                {"fileData": {"fileUri": "gs://x"}},
            ]
        },
        "groundingMetadata": {
            "webSearchQueries": ["q"],
            "groundingSupports": [{"groundingChunkIndices": [0, 1]}, {"groundingChunkIndices": [2]}],
        },
    }
    assert answer_item_kinds({"candidates": [cand]}) == Counter(
        thought=1,
        text=1,
        executableCode=1,
        codeExecutionResult=1,
        inlineData=1,
        thought_image=1,
        fileData=1,
        webSearchQueries=1,
        groundingSupport=3,
    )
    # a stream: text by presence per chunk, grounding merged (the last chunk's wins)
    chunks = [
        {"candidates": [{"content": {"parts": [{"text": "a"}]}, "groundingMetadata": {}}]},
        {"candidates": [{"content": {"parts": [{"text": "b"}]}, "groundingMetadata": cand["groundingMetadata"]}]},
    ]
    assert answer_item_kinds(chunks) == Counter(text=2, webSearchQueries=1, groundingSupport=3)
    # Gemini's streamGenerateContent without alt=sse is one JSON array
    assert decode_stream_body(json.dumps(chunks).encode(), "application/json; charset=utf-8") == chunks


def test_default_kinds_of_chat_completions_responses_and_anthropic() -> None:
    chat = {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "content": "hi",
                    "tool_calls": [{"id": "a"}, {"id": "b"}],
                    "annotations": [{"type": "url_citation", "url_citation": {"url": "u"}}],
                    "odd_field": {"x": 1},
                }
            }
        ],
        "search_results": [{"url": "u1"}, {"url": "u2"}],
        "citations": ["u1", "u2"],
    }
    assert answer_item_kinds(chat) == Counter(
        {"content": 1, "tool_calls": 2, "url_citation": 1, "message.odd_field": 1, "search_result": 2}
    )
    # llama.cpp's server sends the deprecated function_call next to tool_calls: one call, not two
    both = {"tool_calls": [{"id": "a", "function": {"name": "f"}}], "function_call": {"name": "f"}}
    assert answer_item_kinds({"choices": [{"message": both}]}) == Counter(tool_calls=1)
    # a <think> block first is reasoning, the rest text (streamed in pieces too)
    think = {"content": "<think>\nplan\n</think>\n\n", "tool_calls": [{"id": "a"}]}
    assert answer_item_kinds({"choices": [{"message": think}]}) == Counter(think=1, tool_calls=1)
    pieces = [{"choices": [{"delta": {"content": t}}]} for t in ("<thi", "nk>x</th", "ink>Hi")]
    assert answer_item_kinds(pieces) == Counter(think=1, content=1)
    legacy = {"content": None, "function_call": {"name": "f", "arguments": "{}"}}
    assert answer_item_kinds({"choices": [{"message": legacy}]}) == Counter(tool_calls=1)
    sse = (
        b'data: {"choices":[{"delta":{"content":"h","tool_calls":[{"index":0}]}}]}\n\n'
        b'data: {"choices":[{"delta":{"tool_calls":[{"index":0}]}}],"citations":["u"]}\n\n'
        b'data: {"choices":[{"delta":{}}],"citations":["u"]}\n\ndata: [DONE]\n\n'
    )
    assert answer_item_kinds(decode_stream_body(sse, "text/event-stream")) == Counter(
        {"content": 1, "tool_calls": 1, "citation_url": 1}
    )
    responses = {
        "object": "response",
        "output": [
            {"type": "reasoning"},
            {"type": "web_search_call"},
            {
                "type": "message",
                "content": [{"type": "output_text", "text": "x", "annotations": [{"type": "url_citation"}] * 2}],
            },
            {"type": "image_generation_call"},
        ],
    }
    assert answer_item_kinds(responses) == Counter(
        {"reasoning": 1, "web_search_call": 1, "output_text": 1, "url_citation": 2, "image_generation_call": 1}
    )
    assert answer_item_kinds([{"type": "response.completed", "response": responses}]) == answer_item_kinds(responses)
    anthropic = {
        "type": "message",
        "content": [
            {"type": "server_tool_use"},
            {"type": "web_search_tool_result"},
            {"type": "text", "text": "x", "citations": [{"type": "web_search_result_location"}]},
            {"type": "container_upload"},
        ],
    }
    assert answer_item_kinds(anthropic) == Counter(
        {
            "server_tool_use": 1,
            "web_search_tool_result": 1,
            "text": 1,
            "web_search_result_location": 1,
            "container_upload": 1,
        }
    )
    events = [
        {"type": "content_block_start", "index": 0, "content_block": {"type": "server_tool_use"}},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "x"}},
        {
            "type": "content_block_delta",
            "index": 1,
            "delta": {"type": "citations_delta", "citation": {"type": "char_location"}},
        },
    ]
    assert answer_item_kinds(events) == Counter({"server_tool_use": 1, "text": 1, "char_location": 1})


def test_answer_path_options_pick_the_api_of_each_recording(recorded: Path) -> None:
    """A provider speaking two APIs (OpenAI chat and Responses) says which options ask each path."""
    kit = _kit(
        recorded,
        chat_case=Case("answer.yaml", REQ, options={"region": "eu"}),
        answer_path_options={"/responses": {"api": "responses"}},
        answer_paths=("/chat", "/responses"),
    )

    def at(uri: str) -> dict[str, Any]:
        inter = {
            "request": {"method": "POST", "uri": uri, "body": json.dumps(REQ)},
            "response": {"status": {"code": 200}, "headers": {"content-type": ["application/json"]}},
        }
        case = kit.lossless_replay_case("x.yaml", 0, inter)
        assert case is not None
        return case.options

    assert at("http://127.0.0.1:9/v1/responses") == {"region": "eu", "api": "responses"}
    assert at("http://127.0.0.1:9/v1/chat") == {"region": "eu"}
