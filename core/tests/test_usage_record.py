"""``make_record`` builds its :class:`UsageRecord` without the dataclass's ``__init__`` (hot path):
the record must be the very one ``UsageRecord(...)`` gives."""

from __future__ import annotations

import dataclasses

import pytest
from llmcore.types import ChatResponse, Message, Usage
from llmcore.usage import Price, make_record
from llmcore.usage.record import UsageRecord
from lossy_provider import SPEC


@pytest.mark.parametrize("cached", [False, True])
def test_make_record_is_a_normal_record(cached: bool) -> None:
    spec, model_id = SPEC, "gpt-4o-mini"  # a core test spec: tests-core installs no plugin
    resp = ChatResponse(
        id="r1",
        model="gpt-4o-mini-2024-07-18",
        message=Message(role="assistant", content="hi"),
        finish_reason="stop",
        usage=Usage(input_tokens=10, output_tokens=5, cache_read_tokens=2, reasoning_tokens=1),
    )
    rec = make_record(
        spec,
        model_id,
        resp,
        started=0.0,
        stream=True,
        cached=cached,
        key_id="sha256:ab",
        price=Price(input=1.0, output=2.0),
    )
    fields = {f.name: getattr(rec, f.name) for f in dataclasses.fields(UsageRecord)}
    assert set(rec.__dict__) == set(fields)
    same = UsageRecord(**fields)
    assert rec == same and hash(rec) == hash(same) and repr(rec) == repr(same)
    assert rec.to_dict() == same.to_dict()
    assert rec.cost == (0.0 if cached else (8 * 1.0 + 2 * 1.0 + 5 * 2.0) / 1e6)
    assert rec.input_tokens == 10 and rec.stream and rec.finish_reason == "stop" and rec.key_id == "sha256:ab"
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.cost = 1.0  # type: ignore[misc]


def test_cost_with_hour_long_cache_writes() -> None:
    """The 1-hour cache-write tier is read only when there are cache writes (and still read then)."""

    class TierUsage(Usage):
        cache_write_1h_tokens: int | None = None

    p = Price(input=1.0, output=2.0, cache_write=4.0, cache_write_1h=8.0)
    u = TierUsage(input_tokens=10, output_tokens=0, cache_write_tokens=4, cache_write_1h_tokens=3)
    assert p.cost(u) == pytest.approx((6 * 1.0 + 1 * 4.0 + 3 * 8.0) / 1e6)
    assert p.cost(Usage(input_tokens=10, output_tokens=0)) == pytest.approx(10 / 1e6)
