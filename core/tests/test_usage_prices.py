"""Prices: file format, lookups (dated names), overrides, cost arithmetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from llmcore.errors import ConfigurationError
from llmcore.spec import ProviderSpec
from llmcore.types import Usage
from llmcore.usage import Price, PriceTable, clear_prices, load_prices, price_for, set_prices

SPEC = ProviderSpec(name="shaped-schema", factory="x:y", prices="shaped_prices:prices.json")
NO_PRICES = ProviderSpec(name="bare", factory="x:y")


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LLMCORE_PRICES", raising=False)
    clear_prices()
    yield
    clear_prices()


def u(i: int | None, o: int | None, read: int | None = None, write: int | None = None) -> Usage:
    return Usage(input_tokens=i, output_tokens=o, cache_read_tokens=read, cache_write_tokens=write)


def test_cost_arithmetic() -> None:
    p = Price(input=2.0, output=8.0, cached_input=0.5, cache_write=2.5, batch_input=1.0, batch_output=4.0)
    assert p.cost(u(1_000_000, 0)) == pytest.approx(2.0)
    assert p.cost(u(0, 1_000_000)) == pytest.approx(8.0)
    # 1000 input of which 400 cache reads and 100 cache writes: 500 fresh
    assert p.cost(u(1000, 100, read=400, write=100)) == pytest.approx((500 * 2 + 400 * 0.5 + 100 * 2.5 + 100 * 8) / 1e6)
    assert p.cost(u(1000, 100), batch=True) == pytest.approx((1000 * 1 + 100 * 4) / 1e6)
    assert p.cost(u(None, 5)) is None and p.cost(u(5, None)) is None  # unknown tokens → unknown cost
    plain = Price(input=1.0, output=2.0)  # no cache rates: cached tokens at the input rate
    assert plain.cost(u(100, 10, read=50)) == pytest.approx((100 * 1 + 10 * 2) / 1e6)


def test_long_context_rates() -> None:
    table = load_prices("shaped_prices:prices.json")
    p = table.lookup("shaped-long")
    assert p is not None
    assert p.cost(u(1000, 100)) == pytest.approx((1000 * 1 + 100 * 10) / 1e6)
    assert p.cost(u(1001, 100)) == pytest.approx((1001 * 2 + 100 * 15) / 1e6)


def test_dated_and_aliased_names() -> None:
    table = load_prices("shaped_prices:prices.json")
    one = table.lookup("shaped-1")
    assert one is not None
    for name in (
        "shaped-1-2025-01-01",
        "shaped-1-20250101",
        "shaped-1-latest",
        "shaped-1@2025-01-01",
        "shaped-latest",
        "models/shaped-1",
        "shaped-1-0613",
        "shaped-1-002",
        "shaped-1-preview-05-20",
    ):
        assert table.lookup(name) is one, name
    mini = table.lookup("shaped-1-mini-2025-01-01")
    assert mini is not None and mini is not one and mini.input == 0.2
    for name in ("shaped-1-audio", "shaped-10", "shaped-1x", "other"):
        assert table.lookup(name) is None, name


def test_price_for_reads_the_plugin_file_lazily_and_overrides_win(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert price_for(NO_PRICES, "anything") is None
    p = price_for(SPEC, "shaped-1")
    assert p is not None and p.input == 2.0
    assert price_for(SPEC, "unknown-model", response_model="shaped-1-2025-01-01") is p  # the snapshot name
    assert price_for(SPEC, "unknown-model") is None
    env_file = tmp_path / "prices.json"
    env_file.write_text(json.dumps({"shaped-schema": {"shaped-1": {"input": 3.0, "output": 9.0}}}))
    monkeypatch.setenv("LLMCORE_PRICES", str(env_file))
    assert price_for(SPEC, "shaped-1").input == 3.0  # type: ignore[union-attr]
    assert price_for(SPEC, "shaped-1-mini").input == 0.2  # type: ignore[union-attr]  # the rest from the plugin
    set_prices("shaped-schema", {"shaped-1": {"input": 4.0, "output": 10.0}})
    assert price_for(SPEC, "shaped-1-2025-02-02").input == 4.0  # type: ignore[union-attr]
    assert price_for("shaped-schema", "shaped-1").input == 4.0  # type: ignore[union-attr]  # by provider name


def test_bad_price_data_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="needs 'output'"):
        Price.from_dict({"input": 1})
    with pytest.raises(ConfigurationError, match="non-negative"):
        Price.from_dict({"input": -1, "output": 1})
    with pytest.raises(ConfigurationError, match="unknown field"):
        Price.from_dict({"input": 1, "output": 1, "inptu_cached": 1})
    with pytest.raises(ConfigurationError, match="alias"):
        PriceTable.from_json({"models": {"a": {"input": 1, "output": 1}}, "aliases": {"b": "c"}})
    with pytest.raises(ConfigurationError, match="format"):
        PriceTable.from_json({"format": "v9", "models": {}})
    with pytest.raises(ConfigurationError, match="cannot read"):
        load_prices("shaped_prices:missing.json")
    broken = ProviderSpec(name="b", factory="x:y", prices="shaped_prices:missing.json")
    assert price_for(broken, "m") is None  # a broken price file never blocks a call


def test_price_for_sees_llmcore_prices_set_changed_and_unset_after_a_cached_lookup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup cache is keyed on the variable's current value (read cheaply
    from os.environ's own store), so setting, changing or removing it after a
    lookup takes effect on the next call."""
    assert price_for(SPEC, "shaped-1").input == 2.0  # type: ignore[union-attr]  # cached, no variable
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"shaped-schema": {"shaped-1": {"input": 3.0, "output": 9.0}}}))
    b.write_text(json.dumps({"shaped-schema": {"shaped-1": {"input": 5.0, "output": 9.0}}}))
    monkeypatch.setenv("LLMCORE_PRICES", str(a))
    assert price_for(SPEC, "shaped-1").input == 3.0  # type: ignore[union-attr]
    monkeypatch.setenv("LLMCORE_PRICES", str(b))
    assert price_for(SPEC, "shaped-1").input == 5.0  # type: ignore[union-attr]
    monkeypatch.delenv("LLMCORE_PRICES")
    assert price_for(SPEC, "shaped-1").input == 2.0  # type: ignore[union-attr]
    import os

    os.environ["LLMCORE_PRICES"] = str(a)  # a plain assignment too, not only monkeypatch
    try:
        assert price_for(SPEC, "shaped-1").input == 3.0  # type: ignore[union-attr]
    finally:
        del os.environ["LLMCORE_PRICES"]
    assert price_for(SPEC, "shaped-1").input == 2.0  # type: ignore[union-attr]
