"""Planning a structured call and parsing its answer (see :mod:`llmcore.structured`)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, InvalidRequestError, ProviderResponseError, UnsupportedFeatureError
from .partial import PartialTracker, extract_json_text
from .schema import WRAP_KEY, SchemaTarget, drop_introduced_nulls, safe_name, schema_of

if TYPE_CHECKING:
    from ..spec import ProviderSpec
    from ..types import CallWarning, ChatResponse

__all__ = ["MODES", "StructuredOutput", "StructuredOutputError", "choose_mode", "prepare", "instruction"]

#: every mode, in the order they are preferred when a provider declares several
MODES = ("json_schema", "tool", "json_object", "prompt")


class StructuredOutputError(ProviderResponseError):
    """The model's answer is not the structured output asked for: not JSON,
    or JSON that does not validate. ``text`` is the whole raw answer (the
    text, or the tool call's arguments in tool mode), ``errors`` pydantic's
    error list, ``response`` the :class:`~llmcore.types.ChatResponse`."""

    def __init__(
        self,
        message: str,
        *,
        provider: str | None = None,
        text: str = "",
        errors: list[Any] | None = None,
        response: ChatResponse | None = None,
    ) -> None:
        super().__init__(message, provider=provider, raw=text)
        self.text = text
        self.errors = errors or []
        self.response = response


def choose_mode(
    spec: ProviderSpec, requested: str | None = None, modes: Sequence[str] | None = None, *, model: str | None = None
) -> str:
    """The structured-output mode for ``spec``: ``requested`` if the provider
    can do it (``"prompt"`` always can), else the first of ``json_schema``,
    ``tool``, ``json_object`` the provider declares, else ``"prompt"``
    (the schema in a system instruction; the answer parsed from the text).

    ``modes``, when given, are the modes the model accepts in the order it
    prefers them (a provider's ``structured_modes(model)`` profile, see
    :func:`prepare`): they replace the provider's declaration and its order.
    ``model`` only names the model in errors."""
    declared: Sequence[str] = spec.capabilities.structured_output if modes is None else modes
    if modes is None:
        who, verb = spec.name, "declare"
    else:
        who, verb = (f"{spec.name} model {model!r}" if model else spec.name), "accept"
    if requested is not None:
        if requested not in MODES:
            raise InvalidRequestError(
                f"structured_mode must be one of {', '.join(MODES)}, not {requested!r}", provider=spec.name
            )
        if requested != "prompt" and requested not in declared:
            raise UnsupportedFeatureError(
                f"{who} does not {verb} structured output mode {requested!r} "
                f"(it {verb}s: {', '.join(declared) or 'none'}); use one of those or 'prompt'",
                provider=spec.name,
            )
        return requested
    if modes is not None:
        return next((m for m in modes if m in MODES[:3]), "prompt")
    for mode in MODES[:3]:
        if mode in declared:
            return mode
    return "prompt"


def instruction(schema: Mapping[str, Any] | None) -> str:
    """The system instruction used by the ``json_object`` and ``prompt`` modes."""
    if schema is None:
        return "Respond only with a JSON object: no prose before or after it, no Markdown code fence."
    return (
        "Respond only with a JSON value that matches this JSON schema: no prose before or after it, "
        "no Markdown code fence.\n" + json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    )


class StructuredOutput:
    """One structured call: the mode, what was sent, and how to parse the answer.

    ``target`` is ``None`` for "any JSON object" (``{"type": "json_object"}``).
    ``sent_schema`` is the schema as sent (after the provider's
    ``transform_schema``); ``tool_name`` names the tool in tool mode.
    ``model`` is set when the provider's ``structured_modes(model)`` profile
    chose the mode: in ``prompt`` mode the model then accepts no
    ``response_format`` at all, so none is sent.
    """

    __slots__ = ("mode", "model", "provider", "sent_schema", "strict", "target", "tool_name", "warning")

    def __init__(
        self, target: SchemaTarget | None, mode: str, provider: str, *, strict: bool = True, model: str | None = None
    ) -> None:
        self.target = target
        self.mode = mode
        self.provider = provider
        self.strict = strict
        self.model = model
        self.sent_schema: dict[str, Any] | None = target.schema if target is not None else None
        self.tool_name = safe_name(target.name) if target is not None else "json_output"
        self.warning: CallWarning | None = None

    def __repr__(self) -> str:
        return f"StructuredOutput({self.target!r}, mode={self.mode!r})"

    @property
    def output_type(self) -> Any:
        """What ``.parsed`` becomes: the pydantic class, the type, or the schema dict."""
        return self.target.target if self.target is not None else dict

    # -- the request ---------------------------------------------------------------

    def apply(self, params: dict[str, Any]) -> None:
        """Rewrite request parameters (``ChatRequest`` fields) in place for the mode."""
        params.pop("response_format", None)
        schema = self.sent_schema
        if self.mode == "json_schema" and schema is not None:
            params["response_format"] = {
                "type": "json_schema",
                "schema": schema,
                "name": safe_name(self.target.name),  # type: ignore[union-attr]
                "strict": self.strict,
            }
        elif self.mode == "json_object":
            params["response_format"] = {"type": "json_object"}
            _add_system(params, instruction(schema))
        elif self.mode == "tool":
            self._apply_tool(params, schema or {"type": "object"})
        else:  # prompt
            from ..types import CallWarning

            if self.model is not None:
                # the model's profile says it accepts no response_format (nor tools): sending one is a 400
                who = f"{self.provider} model {self.model!r} accepts no structured output mode"
            else:  # the provider gets response_format too, and warns about what it cannot honour
                who = f"{self.provider} declares no structured output mode"
                if schema is not None and self.target is not None:
                    params["response_format"] = {
                        "type": "json_schema",
                        "schema": schema,
                        "name": safe_name(self.target.name),
                        "strict": self.strict,
                    }
                else:
                    params["response_format"] = {"type": "json_object"}
            _add_system(params, instruction(schema))
            self.warning = CallWarning(
                feature="response_format",
                detail=f"{who}: the schema was sent as a system instruction and the answer parsed from the text",
            )

    def _apply_tool(self, params: dict[str, Any], schema: dict[str, Any]) -> None:
        user_tools = list(params.get("tools") or [])
        names = {t.get("name") if isinstance(t, Mapping) else getattr(t, "name", None) for t in user_tools}
        while self.tool_name in names:
            self.tool_name = (self.tool_name + "_output")[-64:]
        description = "Give the final answer by calling this tool; its arguments are the answer."
        if self.target is not None and isinstance(self.target.original.get("description"), str):
            description += " " + self.target.original["description"]
        params["tools"] = [*user_tools, {"name": self.tool_name, "description": description, "parameters": schema}]
        if not user_tools:
            params["tool_choice"] = {"mode": "tool", "name": self.tool_name}
        elif params.get("tool_choice") is None:
            params["tool_choice"] = "required"

    def tracker(self) -> PartialTracker:
        """A :class:`PartialTracker` for a stream of this call."""
        return PartialTracker(
            self.tool_name if self.mode == "tool" else None,
            WRAP_KEY if self.target is not None and self.target.wrapped else None,
        )

    # -- the answer ------------------------------------------------------------------

    def _error(
        self, resp: ChatResponse, what: str, text: str, errors: list[Any] | None = None
    ) -> StructuredOutputError:
        hint = ""
        if resp.finish_reason == "length":
            hint = " (the answer was cut off: finish_reason 'length'; raise max_tokens)"
        elif resp.finish_reason == "content_filter":
            hint = " (the provider filtered the answer: finish_reason 'content_filter')"
        return StructuredOutputError(
            f"{what}{hint}", provider=resp.provider or self.provider, text=text, errors=errors, response=resp
        )

    def parse(self, resp: ChatResponse) -> Any:
        """The validated value of ``resp``'s answer; ``None`` in tool mode when
        the model called only the caller's own tools (run them and ask again).
        Raises :class:`StructuredOutputError` otherwise."""
        from pydantic import ValidationError

        name = self.target.name if self.target is not None else "a JSON object"
        if self.mode == "tool":
            call = next((c for c in resp.tool_calls if c.name == self.tool_name), None)
            if call is None:
                if resp.tool_calls:
                    return None
                raise self._error(
                    resp,
                    f"the model did not call the {self.tool_name!r} tool that carries the structured output",
                    resp.text,
                )
            text = call.raw_arguments or json.dumps(call.arguments)
            value: Any = copy.deepcopy(call.arguments)
        else:
            text = resp.text
            try:
                value = json.loads(text)
            except ValueError:
                try:
                    value = json.loads(extract_json_text(text))
                except ValueError as e:
                    raise self._error(resp, f"structured output for {name} is not JSON: {e}", text) from None
        target = self.target
        if target is None:
            return value
        value = drop_introduced_nulls(value, target.schema)
        if target.wrapped:
            if not isinstance(value, dict) or WRAP_KEY not in value:
                raise self._error(resp, f"structured output for {name} lacks the {WRAP_KEY!r} wrapper", text)
            value = value[WRAP_KEY]
        try:
            return target.validate(value)
        except ValidationError as e:
            errs = e.errors(include_url=False)
            first = errs[0] if errs else None
            where = ".".join(str(x) for x in first["loc"]) if first and first["loc"] else "value"
            msg = f"{where}: {first['msg']}" if first else str(e)
            raise self._error(resp, f"structured output does not match {name}: {msg}", text, errs) from None

    def parse_into(self, resp: ChatResponse) -> None:
        """Set ``resp.parsed`` (and add the ``prompt`` mode's warning)."""
        if self.warning is not None and self.warning not in resp.warnings:
            resp.warnings = [*resp.warnings, self.warning]
        resp.parsed = self.parse(resp)


def _strict_of(rf: Any) -> bool:
    """The ``strict`` flag of a response format (ours or OpenAI's shape); default True."""
    from ..types import ResponseFormat

    if isinstance(rf, ResponseFormat):
        return rf.strict
    if isinstance(rf, Mapping):
        inner = rf.get("json_schema")
        if isinstance(inner, Mapping) and "strict" in inner:
            return bool(inner["strict"])
        return bool(rf.get("strict", True))
    return True


def _add_system(params: dict[str, Any], text: str) -> None:
    existing = params.get("system")
    params["system"] = f"{existing}\n\n{text}" if existing else text


def _model_modes(provider: Any, model: str | None, name: str) -> tuple[str, ...] | None:
    """The provider's ``structured_modes(model)`` profile, checked; ``None`` when it has none."""
    profile = getattr(provider, "structured_modes", None)
    if model is None or not callable(profile):
        return None
    modes = profile(model)
    if modes is None:
        return None
    out = tuple(modes)
    bad = [m for m in out if m not in MODES[:3]]
    if bad:  # a plugin bug, not the caller's: say whose
        raise ConfigurationError(
            f"the {name} plugin's structured_modes({model!r}) returned unknown mode(s) "
            f"{bad}; modes are {', '.join(MODES[:3])}",
            provider=name,
        )
    return out


_catalogue: Any = None  # llmcore.catalogue, once a call needs it


def _catalogue_modes(spec: ProviderSpec, model: str | None) -> tuple[str, ...] | None:
    """The modes ``model`` accepts per the model catalogue, within what the provider
    declares; ``None`` when the catalogue does not say (the declaration applies).

    ``structured_output`` true: the provider's declaration as it is (``json_schema``
    first). False (the model takes no schema; e.g. OpenRouter routes without
    ``structured_outputs``): ``tool`` when the catalogue says the model calls tools and
    the provider has tools, then ``json_object`` if the provider declares it — else
    nothing, so the schema goes in a system instruction (``prompt``)."""
    if model is None:
        return None
    global _catalogue
    if _catalogue is None:  # imported once, not per call (a function-level import costs ~1-2 us)
        from .. import catalogue as _catalogue
    try:
        info = _catalogue.lookup(spec.name, model)
    except ConfigurationError:  # an unreadable user snapshot or $LLMCORE_MODELS: the declaration applies
        return None
    if info is None or info.structured_output is None:
        return None
    declared = tuple(spec.capabilities.structured_output)
    if info.structured_output:
        return declared
    out: list[str] = []
    if info.tools and spec.capabilities.tools:
        out.append("tool")
    if "json_object" in declared:
        out.append("json_object")
    return tuple(out)


def prepare(
    response_format: Any,
    spec: ProviderSpec,
    provider: Any = None,
    *,
    mode: str | None = None,
    model: str | None = None,
) -> StructuredOutput | None:
    """Plan structured output for ``response_format`` on ``spec``'s provider,
    or ``None`` when nothing is to be parsed (``{"type": "text"}``).

    ``provider`` (the provider instance, under any middleware) may define

    * ``structured_modes(model) -> Sequence[str] | None`` — the model profile:
      the modes ``model`` accepts, most preferred first (``()``: none, so
      ``prompt`` without any ``response_format``), or ``None`` for the
      provider's declaration. A provider whose models differ (Groq: some take
      ``json_schema``, some only ``json_object``, some neither) implements it
      so that the mode chosen is one the model accepts;
    * ``transform_schema(schema, mode) -> schema``: it is called with a copy of
      the schema for the ``json_schema`` and ``tool`` modes.
    """
    from pydantic import BaseModel

    from ..types import ResponseFormat

    rf_type = None
    if isinstance(response_format, ResponseFormat):
        rf_type = response_format.type
    elif isinstance(response_format, Mapping) and response_format.get("type") in ("json_schema", "json_object", "text"):
        rf_type = response_format["type"]
    if rf_type == "text":
        return None
    try:
        target = schema_of(response_format)
    except Exception as e:  # pydantic cannot build a schema for the type
        if isinstance(response_format, type) and issubclass(response_format, BaseModel):
            raise
        raise InvalidRequestError(
            f"response_format {response_format!r} is not a pydantic model, a JSON schema "
            f"or a type pydantic can validate: {e}",
            provider=spec.name,
        ) from None
    # the provider's own per-model rules (its structured_modes profile, which may itself read the
    # catalogue) when it has them; else the catalogue's per-model data; else the provider's declaration
    modes = _model_modes(provider, model, spec.name)
    if modes is None:
        modes = _catalogue_modes(spec, model)
    chosen = choose_mode(spec, mode, modes, model=model)
    accepted = spec.capabilities.structured_output if modes is None else modes
    if target is None and chosen in ("json_schema", "tool"):  # any JSON: no schema to send
        chosen = "json_object" if "json_object" in accepted else "prompt"
    plan = StructuredOutput(
        target, chosen, spec.name, strict=_strict_of(response_format), model=model if modes is not None else None
    )
    transform = getattr(provider, "transform_schema", None)
    if plan.sent_schema is not None and chosen in ("json_schema", "tool") and callable(transform):
        plan.sent_schema = transform(copy.deepcopy(plan.sent_schema), chosen)
    return plan
