"""Built-in tools (llmcore.builtin_tools) on Converse: ``WebSearchTool`` on an Amazon Nova model is
the ``nova_grounding`` system tool of ruby_llm's recording (cassettes/SOURCES.md; the recorded answer
and its citations are replayed by the conformance kit's ``lossless_cases["web_search"]``); on another
model, and for other built-in tools, it is refused (by the codec, before the network; the facade
refuses the unclaimed tools already)."""

from __future__ import annotations

from typing import Any

import llmcore
import pytest
from bedrock_cases import REC
from llmcore.errors import UnsupportedFeatureError
from llmcore.types import ChatRequest
from llmcore_bedrock.request import build_converse_body

GROUNDED = "ruby_llm__chat_web_search_with_bedrock_amazon_nova-2-lite-v1_0_grounds_the_answer_with_web_citations.yaml"
NOVA = "us.amazon.nova-2-lite-v1:0"


def _body(model: str, *tools: Any, **kw: Any) -> tuple[dict[str, Any], Any]:
    return build_converse_body(ChatRequest(model=model, messages="hi", builtin_tools=list(tools), **kw))


def test_web_search_on_nova_is_the_recorded_system_tool() -> None:
    body, warnings = _body(NOVA, llmcore.WebSearchTool())
    assert body["toolConfig"] == REC.request_body(GROUNDED)["toolConfig"]
    assert warnings == []


def test_function_tools_first_and_unsent_options_warn() -> None:
    body, warnings = _body(NOVA, llmcore.WebSearchTool(max_uses=1), tools=[{"name": "f"}])
    assert [next(iter(t)) for t in body["toolConfig"]["tools"]] == ["toolSpec", "systemTool"]
    assert [w.feature for w in warnings] == ["WebSearchTool.max_uses"]


@pytest.mark.parametrize(
    ("model", "tool", "says"),
    [
        ("anthropic.claude-3-5-haiku-20241022-v1:0", llmcore.WebSearchTool(), "Amazon Nova"),
        (NOVA, llmcore.CodeExecutionTool(), "CodeExecutionTool"),
    ],
)
def test_refused(model: str, tool: Any, says: str) -> None:
    with pytest.raises(UnsupportedFeatureError, match=says):
        _body(model, tool)
