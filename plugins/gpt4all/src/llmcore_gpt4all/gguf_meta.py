"""Read the metadata of a GGUF file (the key/value header before the tensors).

gpt4all 2.8's bindings render prompts with their own ``%1`` templates and do
not expose the model's chat template, so this plugin reads it here, with the
BOS/EOS token texts the template may use. Only the header is read; tensor
data is never touched. Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

__all__ = ["GGUFMetadata", "GGUFError", "read_metadata"]

# value type → struct format (scalars); 8 = string, 9 = array
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


class GGUFError(ValueError):
    """Not a GGUF file, or a truncated/corrupt header."""


@dataclass(frozen=True)
class GGUFMetadata:
    """What the plugin needs from a model's header."""

    architecture: str | None
    name: str | None
    chat_template: str | None
    bos_token: str
    eos_token: str
    pre_tokenizer: str | None
    values: dict[str, Any]


def _read(f: BinaryIO, n: int) -> bytes:
    b = f.read(n)
    if len(b) != n:
        raise GGUFError("the GGUF header is truncated")
    return b


def _string(f: BinaryIO) -> str:
    (n,) = struct.unpack("<Q", _read(f, 8))
    return _read(f, n).decode("utf-8", "replace")


def _value(f: BinaryIO, vtype: int, keep: bool) -> Any:
    if vtype in _SCALARS:
        fmt = _SCALARS[vtype]
        return struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0]
    if vtype == _STRING:
        return _string(f)
    if vtype == _ARRAY:
        (itype,) = struct.unpack("<I", _read(f, 4))
        (count,) = struct.unpack("<Q", _read(f, 8))
        if itype in _SCALARS and not keep:
            f.seek(count * struct.calcsize(_SCALARS[itype]), 1)
            return None
        items = [_value(f, itype, keep) for _ in range(count)]
        return items if keep else None
    raise GGUFError(f"unknown GGUF value type {vtype}")


def read_metadata(path: str | Path) -> GGUFMetadata:
    """The header's key/values (large arrays other than the token list are skipped)."""
    with open(path, "rb") as f:
        if _read(f, 4) != b"GGUF":
            raise GGUFError(f"{path} is not a GGUF file")
        (version,) = struct.unpack("<I", _read(f, 4))
        if version < 2:
            raise GGUFError(f"{path}: GGUF version {version} is too old")
        _n_tensors, n_kv = struct.unpack("<QQ", _read(f, 16))
        values: dict[str, Any] = {}
        for _ in range(n_kv):
            key = _string(f)
            (vtype,) = struct.unpack("<I", _read(f, 4))
            keep = vtype != _ARRAY or key == "tokenizer.ggml.tokens"
            value = _value(f, vtype, keep)
            if keep:
                values[key] = value
    tokens = values.get("tokenizer.ggml.tokens") or []

    def token(key: str) -> str:
        i = values.get(key)
        return str(tokens[i]) if isinstance(i, int) and 0 <= i < len(tokens) else ""

    return GGUFMetadata(
        architecture=values.get("general.architecture"),
        name=values.get("general.name"),
        chat_template=values.get("tokenizer.chat_template"),
        bos_token=token("tokenizer.ggml.bos_token_id"),
        eos_token=token("tokenizer.ggml.eos_token_id"),
        pre_tokenizer=values.get("tokenizer.ggml.pre"),
        values={k: v for k, v in values.items() if k != "tokenizer.ggml.tokens"},
    )
