"""A small validator of JSON request bodies against the Bedrock Runtime Smithy model.

Walks the Smithy 2.0 JSON AST (``shapes``) from a structure such as
``ConverseRequest`` and reports, with a JSON path for each:

* required members that are missing; members the shape does not define;
* wrong JSON types (structure/map → object, list → array, string/enum →
  string, integer/long → integer, float/double → number, boolean, blob →
  base64 string, document → anything);
* unions with other than exactly one member set; enum values not in the enum;
* ``length`` (strings, lists, maps), ``range`` and ``pattern`` traits.

Members bound to the URI or headers (``httpLabel``, ``httpHeader``,
``httpQuery``, ``httpPayload``) are not part of the body and are skipped.

The model at hand is a snapshot (2023-09-30 API, before ``outputConfig``, ``serviceTier``,
``ToolSpecification.strict``, ``cachePoint`` blocks and ``CountTokens``). ``NEWER_MEMBERS`` lists the
few members the service has added since that our requests use; their presence
is accepted and their values are not checked against this snapshot (the
botocore differential test checks them against botocore's current model).
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

NS = "com.amazonaws.bedrockruntime#"
SPEC_RELATIVE = Path("api-specs") / "bedrock" / "bedrock-runtime-2023-09-30.json"


def shared_dir() -> Path:
    """``$LLMCORE_SHARED_DIR`` or ``<repo root>/../shared``."""
    env = os.environ.get("LLMCORE_SHARED_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared"


SPEC_PATH = shared_dir() / SPEC_RELATIVE
_HTTP_BINDINGS = (
    "smithy.api#httpLabel",
    "smithy.api#httpHeader",
    "smithy.api#httpQuery",
    "smithy.api#httpPayload",
    "smithy.api#httpPrefixHeaders",
)

#: members newer than the snapshot, per structure shape: accepted unchecked
NEWER_MEMBERS: dict[str, frozenset[str]] = {
    NS + "ConverseRequest": frozenset({"outputConfig", "serviceTier"}),
    NS + "ConverseStreamRequest": frozenset({"outputConfig", "serviceTier"}),
    NS + "ToolSpecification": frozenset({"strict"}),
    # prompt-cache breakpoints ({"cachePoint": {"type": "default", "ttl"?}}): union members here
    NS + "SystemContentBlock": frozenset({"cachePoint"}),
    NS + "ContentBlock": frozenset({"cachePoint"}),
    NS + "Tool": frozenset({"cachePoint"}),
}

_PRELUDE = {
    "smithy.api#String": "string",
    "smithy.api#Integer": "integer",
    "smithy.api#Long": "long",
    "smithy.api#Float": "float",
    "smithy.api#Double": "double",
    "smithy.api#Boolean": "boolean",
    "smithy.api#PrimitiveBoolean": "boolean",
    "smithy.api#Blob": "blob",
    "smithy.api#Document": "document",
    "smithy.api#Timestamp": "timestamp",
    "smithy.api#Unit": "structure",
}


@cache
def _shapes() -> dict[str, Any]:
    if not SPEC_PATH.is_file():
        raise FileNotFoundError(
            f"the Bedrock Smithy model is not at {SPEC_PATH}: set LLMCORE_SHARED_DIR to the directory holding "
            f"{SPEC_RELATIVE} (default: <repo root>/../shared)"
        )
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))["shapes"]  # type: ignore[no-any-return]


def _shape(target: str) -> dict[str, Any]:
    if target in _PRELUDE:
        return {"type": _PRELUDE[target]}
    return _shapes()[target]  # type: ignore[no-any-return]


def _traits(shape: dict[str, Any], member_traits: dict[str, Any] | None) -> dict[str, Any]:
    t = dict(shape.get("traits", {}))
    t.update(member_traits or {})
    return t


def _check_constraints(value: Any, size: int | None, traits: dict[str, Any], where: str, errors: list[str]) -> None:
    length = traits.get("smithy.api#length")
    if length and size is not None:
        if "min" in length and size < length["min"]:
            errors.append(f"{where}: length {size} < min {length['min']}")
        if "max" in length and size > length["max"]:
            errors.append(f"{where}: length {size} > max {length['max']}")
    rng = traits.get("smithy.api#range")
    if rng and isinstance(value, (int, float)) and not isinstance(value, bool):
        if "min" in rng and value < rng["min"]:
            errors.append(f"{where}: {value} < min {rng['min']}")
        if "max" in rng and value > rng["max"]:
            errors.append(f"{where}: {value} > max {rng['max']}")
    pattern = traits.get("smithy.api#pattern")
    if pattern and isinstance(value, str):
        try:
            ok = re.search(pattern, value) is not None
        except re.error:  # a Java-only construct: not checkable here
            ok = True
        if not ok:
            errors.append(f"{where}: {value!r} does not match {pattern}")


def _check(target: str, value: Any, where: str, errors: list[str], member_traits: dict[str, Any] | None) -> None:
    shape = _shape(target)
    kind = shape["type"]
    traits = _traits(shape, member_traits)
    if kind == "structure":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected an object, got {type(value).__name__}")
            return
        members = shape.get("members", {})
        newer = NEWER_MEMBERS.get(target, frozenset())
        for name, m in members.items():
            mt = m.get("traits", {})
            if any(b in mt for b in _HTTP_BINDINGS):
                if name in value:
                    errors.append(f"{where}.{name}: bound to the URI/headers, must not be in the body")
                continue
            if "smithy.api#required" in mt and name not in value:
                errors.append(f"{where}.{name}: required member missing")
        for name, v in value.items():
            if name in members:
                _check(members[name]["target"], v, f"{where}.{name}", errors, members[name].get("traits"))
            elif name not in newer:
                errors.append(f"{where}.{name}: unknown member of {target.split('#')[-1]}")
    elif kind == "union":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected a union object, got {type(value).__name__}")
            return
        if len(value) != 1:
            errors.append(f"{where}: a union needs exactly one member, got {sorted(value)}")
        members = shape.get("members", {})
        for name, v in value.items():
            if name not in members:
                if name not in NEWER_MEMBERS.get(target, frozenset()):
                    errors.append(f"{where}.{name}: unknown member of union {target.split('#')[-1]}")
            else:
                _check(members[name]["target"], v, f"{where}.{name}", errors, members[name].get("traits"))
    elif kind == "list":
        if not isinstance(value, list):
            errors.append(f"{where}: expected an array, got {type(value).__name__}")
            return
        _check_constraints(value, len(value), traits, where, errors)
        for i, v in enumerate(value):
            _check(shape["member"]["target"], v, f"{where}[{i}]", errors, shape["member"].get("traits"))
    elif kind == "map":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected an object (map), got {type(value).__name__}")
            return
        _check_constraints(value, len(value), traits, where, errors)
        for k, v in value.items():
            _check(shape["key"]["target"], k, f"{where}<key {k!r}>", errors, shape["key"].get("traits"))
            _check(shape["value"]["target"], v, f"{where}.{k}", errors, shape["value"].get("traits"))
    elif kind == "enum":
        values = {m.get("traits", {}).get("smithy.api#enumValue", n) for n, m in shape.get("members", {}).items()}
        if value not in values:
            errors.append(f"{where}: {value!r} is not one of {sorted(values)}")
    elif kind == "string":
        if not isinstance(value, str):
            errors.append(f"{where}: expected a string, got {type(value).__name__}")
            return
        _check_constraints(value, len(value), traits, where, errors)
    elif kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            errors.append(f"{where}: expected an integer, got {value!r}")
            return
        _check_constraints(value, None, traits, where, errors)
    elif kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errors.append(f"{where}: expected a number, got {value!r}")
            return
        _check_constraints(value, None, traits, where, errors)
    elif kind == "boolean":
        if not isinstance(value, bool):
            errors.append(f"{where}: expected a boolean, got {value!r}")
    elif kind == "blob":
        if not isinstance(value, str):
            errors.append(f"{where}: expected a base64 string, got {type(value).__name__}")
            return
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            errors.append(f"{where}: not valid base64")
    elif kind in ("document", "timestamp"):
        return
    else:  # pragma: no cover - shapes a request body never reaches
        errors.append(f"{where}: cannot check shape type {kind}")


def check(shape: str, value: Any) -> list[str]:
    """Problems of ``value`` as an instance of ``shape`` (a name like
    ``"ConverseRequest"``); an empty list means valid."""
    errors: list[str] = []
    _check(NS + shape, value, "$", errors, None)
    return errors
