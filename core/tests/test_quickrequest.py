"""The facade's fast path for well-formed requests (:mod:`llmcore.quickrequest`)
builds exactly what pydantic's validation builds, and steps aside for anything else."""

from __future__ import annotations

from typing import Any

import llmcore
import pytest
from llmcore import quickrequest
from llmcore.errors import InvalidRequestError
from llmcore.quickrequest import quick_request
from llmcore.types import ChatRequest, ImagePart, Message, TextPart, ToolCallPart
from pydantic import BaseModel
from scripted_server import TOY_KEY

pytest_plugins = ["reliability_fixtures"]  # the toy fixture


def _tree(obj: Any) -> Any:
    """Every value of a model tree with each model's type and ``model_fields_set``."""
    if isinstance(obj, BaseModel):
        return (type(obj), sorted(obj.model_fields_set), {k: _tree(v) for k, v in obj.__dict__.items()})
    if isinstance(obj, list):
        return [_tree(x) for x in obj]
    return (type(obj), obj)


SIMPLE: list[tuple[Any, dict[str, Any]]] = [
    ("Hi", {}),
    ("", {}),
    ("Hi", {"max_tokens": 256}),
    ("Hi", {"temperature": 0, "top_p": 1, "seed": 7, "max_tokens": 1}),
    ("Hi", {"temperature": 0.7, "top_p": 0.9, "system": "Be brief.", "strict": True, "reasoning_effort": "low"}),
    ("Hi", {"temperature": None, "system": None, "max_tokens": None, "stop": None, "tools": None}),
    (["Hi", "again"], {}),
    (
        [
            {"role": "system", "content": "S"},
            {"role": "user", "content": "U"},
            {"role": "assistant", "content": "A"},
            {"role": "assistant", "content": ""},
            {"role": "developer", "content": "D"},
            {"role": "user", "content": ""},
        ],
        {"max_tokens": 10},
    ),
    ([Message(role="user", content="Hi"), {"role": "user", "content": "x"}, "y"], {}),
]


@pytest.mark.parametrize(("messages", "params"), SIMPLE)
def test_same_request_as_validation(messages: Any, params: dict[str, Any]) -> None:
    fast = quick_request("m-1", messages, dict(params))
    assert fast is not None, "this input is meant to take the fast path"
    slow = ChatRequest(model="m-1", messages=messages, **params)
    assert fast == slow
    assert _tree(fast) == _tree(slow)
    assert fast.model_dump(exclude_unset=True) == slow.model_dump(exclude_unset=True)
    assert repr(fast) == repr(slow)


NOT_SIMPLE: list[tuple[Any, dict[str, Any]]] = [
    ("Hi", {"max_tokens": 0}),  # invalid: validation raises
    ("Hi", {"max_tokens": True}),
    ("Hi", {"max_tokens": 2.0}),
    ("Hi", {"temperature": 3}),
    ("Hi", {"temperature": float("nan")}),
    ("Hi", {"temperature": "0.5"}),  # converted by validation
    ("Hi", {"top_p": 2**60}),
    ("Hi", {"stop": "x"}),
    ("Hi", {"tool_choice": "auto"}),
    ("Hi", {"reasoning_effort": "huge"}),
    ("Hi", {"strict": None}),
    ("Hi", {"strict": 1}),
    ("Hi", {"system": 5}),
    ("Hi", {"provider_options": {}}),
    ([], {}),
    (("Hi",), {}),
    ([{"role": "tool", "content": "x", "tool_call_id": "c1"}], {}),
    ([{"role": "tool", "content": "x"}], {}),
    ([{"role": "user", "content": "x", "name": "n"}], {}),
    ([{"role": "user", "content": ["x"]}], {}),
    ([{"role": ["user"], "content": "x"}], {}),
    ([{"role": "robot", "content": "x"}], {}),
    ([Message(role="user", content=[ImagePart(url="https://x/y.png")])], {}),
    ([Message(role="assistant", content=[ToolCallPart(id="c", name="f")])], {}),
    ([5], {}),
    (None, {}),
]


@pytest.mark.parametrize(("messages", "params"), NOT_SIMPLE)
def test_anything_else_is_validated(messages: Any, params: dict[str, Any]) -> None:
    assert quick_request("m-1", messages, dict(params)) is None


def test_the_guard_knows_the_models_validators() -> None:
    """If this fails, ChatRequest, Message or TextPart gained (or lost) a validator:
    teach llmcore.quickrequest the new rule (or leave the input that needs it to
    validation), then update its _KNOWN."""
    for cls, names in quickrequest._KNOWN.items():
        assert quickrequest._validators(cls) == names, cls.__name__
    assert quickrequest.enabled


def test_the_guard_turns_the_fast_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(quickrequest._KNOWN, TextPart, frozenset({"_a_new_rule"}))
    assert not quickrequest._guard()
    monkeypatch.setattr(quickrequest, "enabled", False)
    assert quick_request("m-1", "Hi", {}) is None


@pytest.mark.usefixtures("toy")  # core's toy provider: tests-core installs no plugin
def test_facade_errors_unchanged() -> None:
    m = llmcore.model("toy/toy-1", api_key=TOY_KEY, base_url="http://127.0.0.1:9/v1")
    req, _ = m.request("Hi", max_tokens=5, temperature=1)
    assert req.max_tokens == 5 and req.temperature == 1.0 and req.messages[0].text == "Hi"
    for bad in ({"max_tokens": 0}, {"temperature": 5}, {"temperature": float("nan")}, {"strict": None}):
        with pytest.raises(InvalidRequestError, match="invalid request"):
            m.request("Hi", **bad)
    with pytest.raises(InvalidRequestError):
        m.request([])


def test_the_guard_sees_annotated_field_validators(monkeypatch: pytest.MonkeyPatch) -> None:
    """A validator attached to a field the fast path sets (``Annotated[str, BeforeValidator(...)]``)
    is not among the model's decorators: the guard looks at those fields too."""
    from pydantic import BeforeValidator

    field = TextPart.model_fields["text"]
    monkeypatch.setattr(field, "metadata", [*field.metadata, BeforeValidator(str.strip)])
    assert not quickrequest._guard()
    monkeypatch.undo()
    assert quickrequest._guard()
