"""The one GGUF metadata value the provider needs before loading a model: its pooling type.

llama.cpp's embeddings endpoint refuses a model whose pooling is ``none`` (a chat model such as
SmolLM2 says nothing, which llama.cpp reads as ``none``), so the provider loads such a model for
embeddings with mean pooling and an embedding model (nomic-embed, bge, ...) with its own. This
reads the file's header (GGUF v2/v3: magic, version, tensor and key counts, then typed key/value
pairs) without loading anything; it stops at the tensors' descriptions.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

__all__ = ["pooling_type"]

#: GGUF value types: the sizes of the fixed-size ones (uint8..float64, bool)
_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
_STRING, _ARRAY = 8, 9
_INTS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 10: "<Q", 11: "<q"}


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise ValueError("truncated GGUF header")
    return data


def _u64(f: BinaryIO) -> int:
    return int(struct.unpack("<Q", _read(f, 8))[0])


def _string(f: BinaryIO) -> bytes:
    return _read(f, _u64(f))


def _skip(f: BinaryIO, kind: int) -> None:
    if kind in _SIZES:
        f.seek(_SIZES[kind], 1)
    elif kind == _STRING:
        f.seek(_u64(f), 1)
    elif kind == _ARRAY:
        item = int(struct.unpack("<I", _read(f, 4))[0])
        count = _u64(f)
        if item in _SIZES:
            f.seek(_SIZES[item] * count, 1)
        else:
            for _ in range(count):
                _skip(f, item)
    else:
        raise ValueError(f"unknown GGUF value type {kind}")


def pooling_type(path: Path) -> int | None:
    """The ``<architecture>.pooling_type`` of the GGUF file at ``path`` (llama.cpp's
    ``llama_pooling_type`` number), or ``None`` when the file does not say or is not a GGUF
    file this reader understands (llama.cpp then reports what is wrong when it loads it)."""
    try:
        with open(path, "rb") as f:
            if _read(f, 4) != b"GGUF" or struct.unpack("<I", _read(f, 4))[0] < 2:
                return None
            _u64(f)  # tensors
            for _ in range(_u64(f)):
                key = _string(f)
                kind = int(struct.unpack("<I", _read(f, 4))[0])
                if key.endswith(b".pooling_type") and kind in _INTS:
                    fmt = _INTS[kind]
                    return int(struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0])
                _skip(f, kind)
    except (OSError, ValueError, struct.error, OverflowError, MemoryError):
        return None
    return None
