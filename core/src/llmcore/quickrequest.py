"""The facade's fast path for a well-formed request: the :class:`~llmcore.types.ChatRequest`
pydantic would build, built without running pydantic.

Validating ``ChatRequest(model=..., messages="Hi", max_tokens=256)`` runs
three pydantic validations (the request, then, from its ``messages``
validator, each ``Message`` and its ``TextPart``) and the request's checks:
the largest part of the facade's own time per call for the most common
call there is. :func:`quick_request` recognises the input that needs no
conversion and no error — the messages a string, or a list of ``Message``
objects, strings and ``{"role": ..., "content": str}`` dicts; the
parameters ``None`` or of exactly their type and in range (``system``,
``temperature``, ``top_p``, ``max_tokens``, ``seed``, ``reasoning_effort``,
``strict``) — and builds the very objects validation would build (same
values, same ``model_fields_set``, through ``model_construct``). Anything
else returns ``None`` and the caller validates as before, so every error and
every conversion stays pydantic's.

A guard keeps it honest as the models change: the validators (and
``validate_default`` fields) of ``ChatRequest``, ``Message`` and
``TextPart`` must be the ones this module knows (:data:`_KNOWN`), and the
fields it sets carry no ``Annotated`` validator; when they
are not, the fast path is off (``quick_request`` always returns ``None``)
until this module is taught the new rule. ``tests/test_quickrequest.py``
checks the guard holds, and that both paths give equal requests.
"""

from __future__ import annotations

from typing import Any

from pydantic import AfterValidator, BeforeValidator, PlainValidator, WrapValidator

from .types import ChatRequest, Message, TextPart

__all__ = ["quick_request", "enabled"]

#: the validators each model has (names of field and model validators); see the module docstring
_KNOWN: dict[Any, frozenset[str]] = {
    ChatRequest: frozenset({"_coerce", "_stop", "_tc", "_check"}),
    Message: frozenset({"_str_content", "_parts_fit_role"}),
    TextPart: frozenset(),
}

_ROLES = {"system": "system", "developer": "system", "user": "user", "assistant": "assistant", "tool": "tool"}
_EFFORTS = frozenset({"minimal", "low", "medium", "high"})
_MAX_EXACT = 2**53  # an int a float holds exactly


def _validators(cls: Any) -> frozenset[str]:
    d = cls.__pydantic_decorators__
    return (
        frozenset(d.field_validators)
        | frozenset(d.model_validators)
        | frozenset(d.validators)
        | frozenset(d.root_validators)
    )


#: the fields the fast path sets (the others keep their defaults, which validation does not run on)
_SET: dict[Any, tuple[str, ...]] = {
    ChatRequest: (
        "model",
        "messages",
        "system",
        "temperature",
        "top_p",
        "max_tokens",
        "seed",
        "reasoning_effort",
        "strict",
    ),
    Message: ("role", "content"),
    TextPart: ("type", "text"),
}
_FIELD_VALIDATORS = (AfterValidator, BeforeValidator, PlainValidator, WrapValidator)


def _guard() -> bool:
    for cls, names in _KNOWN.items():
        if _validators(cls) != names:
            return False
        if any(f.validate_default for f in cls.__pydantic_fields__.values()):
            return False
        for name in _SET[cls]:  # an Annotated[..., BeforeValidator(...)] on a field the fast path sets
            f = cls.__pydantic_fields__.get(name)
            if f is None or any(isinstance(m, _FIELD_VALIDATORS) for m in f.metadata):
                return False
    return True


#: whether the fast path is on (see the module docstring)
enabled = _guard()


def _text_message(role: str, text: str, from_dict: bool) -> Message:
    """``Message`` of one text part, as validation builds it: from a string
    prompt (``Message(role="user", content=[TextPart(text=...)])``) the part's
    set fields are ``{"text"}``; from a dict, ``{"type", "text"}``."""
    part = TextPart.model_construct({"type", "text"} if from_dict else {"text"}, text=text)
    return Message.model_construct(role=role, content=[part])  # type: ignore[arg-type]


def _messages(messages: Any) -> list[Message] | None:
    if type(messages) is str:
        return [_text_message("user", messages, False)]
    if type(messages) is not list or not messages:
        return None
    out: list[Message] = []
    for m in messages:
        if type(m) is Message:
            if any(type(p) is not TextPart for p in m.content):  # tool results need the request's check
                return None
            out.append(m)
        elif type(m) is str:
            out.append(_text_message("user", m, False))
        elif type(m) is dict and len(m) == 2 and type(m.get("content")) is str:
            role = _ROLES.get(m["role"]) if type(m.get("role")) is str else None
            if role is None or role == "tool":  # a tool turn: validation decides what it is
                return None
            content = m["content"]
            if not content and role == "assistant":  # an empty assistant turn has no part
                out.append(Message.model_construct(role="assistant", content=[]))
            else:
                out.append(_text_message(role, content, True))
        else:
            return None
    return out


def _number(v: Any) -> float | None:
    """A float field's value as validation gives it (an int becomes a float), or ``None``: not simple."""
    if type(v) is float:
        return v
    if type(v) is int and -_MAX_EXACT <= v <= _MAX_EXACT:
        return float(v)
    return None


def _params(params: dict[str, Any]) -> dict[str, Any] | None:
    """The parameters as validation would store them, or ``None`` if one needs validation."""
    out: dict[str, Any] = {}
    for k, v in params.items():
        if v is None:
            if k == "strict":
                return None
            out[k] = None
        elif k == "max_tokens" or k == "seed":
            if type(v) is not int or (k == "max_tokens" and v < 1):
                return None
            out[k] = v
        elif k == "temperature" or k == "top_p":
            f = _number(v)
            if f is None or (k == "temperature" and not 0 <= f <= 2):
                return None
            out[k] = f
        elif k == "system":
            if type(v) is not str:
                return None
            out[k] = v
        elif k == "reasoning_effort":
            if type(v) is not str or v not in _EFFORTS:
                return None
            out[k] = v
        elif k == "strict":
            if type(v) is not bool:
                return None
            out[k] = v
        elif k in ("stop", "tools", "tool_choice", "response_format"):
            return None  # not None: converted or checked by validation
        else:
            return None  # provider_options and any field added later: validated
    return out


def quick_request(model: str, messages: Any, params: dict[str, Any]) -> ChatRequest | None:
    """The request validation would build from ``ChatRequest(model=model,
    messages=messages, **params)``, or ``None`` when the input is not of the
    simple kind (see the module docstring) and must be validated."""
    if not enabled or type(model) is not str:
        return None
    values = _params(params)
    if values is None:
        return None
    msgs = _messages(messages)
    if msgs is None:
        return None
    return ChatRequest.model_construct(model=model, messages=msgs, **values)
