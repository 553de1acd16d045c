"""The chat codec's set of message fields it reads is built once per dialect
shape (issue 16): each dialect still sees its own fields as known."""

from __future__ import annotations

from dataclasses import replace

from llmcore_openai.chat.dialect import ChatDialect
from llmcore_openai.chat.extras import unknown_fields

MSG = {"role": "assistant", "content": "hi", "reasoning_details": [{"x": 1}], "citations_x": ["u"], "channel": "c"}


def test_each_dialect_keeps_its_own_known_fields() -> None:
    plain = ChatDialect()
    with_data = replace(plain, reasoning_data_field="reasoning_details")
    with_meta = replace(plain, message_metadata_fields=("citations_x",))
    for _ in range(2):  # the second round reads the memoised sets
        assert unknown_fields(MSG, plain) == [("reasoning_details", [{"x": 1}]), ("citations_x", ["u"])]
        assert unknown_fields(MSG, with_data) == [("citations_x", ["u"])]
        assert unknown_fields(MSG, with_meta) == [("reasoning_details", [{"x": 1}])]
