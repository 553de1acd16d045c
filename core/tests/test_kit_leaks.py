"""The kit's leak checks: assert_not_leaked and test_api_key_not_in_reprs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from llmcore.errors import AuthenticationError
from llmcore.provider import ProviderConfig
from llmcore_testing import TEST_API_KEY, Case, ProviderConformance
from llmcore_testing.conformance import assert_not_leaked


class _Leaky:
    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"_Leaky(key={self.key!r})"


def test_assert_not_leaked_looks_at_str_repr_raw_and_args() -> None:
    assert_not_leaked("s3cret", "nothing here", AuthenticationError("bad key", provider="p", raw='{"e": 1}'))
    for leaky in (_Leaky("s3cret"), ValueError("s3cret"), AuthenticationError("x", provider="p", raw="key s3cret")):
        with pytest.raises(AssertionError, match="leaked into a"):
            assert_not_leaked("s3cret", leaky)
    with pytest.raises(AssertionError) as info:
        assert_not_leaked("s3cret", _Leaky("s3cret"))
    assert "s3cret" not in str(info.value)  # the message does not repeat the secret


def test_the_kit_checks_provider_reprs() -> None:
    import toy_provider

    class Good(ProviderConformance):
        provider = "toy"
        cassette_dir = Path(".")
        chat_case = Case("unused.yaml", {"model": "toy-1", "messages": ["hi"]})

        def make_provider(self, client: Any, case: Case) -> Any:
            return toy_provider.ToyProvider(ProviderConfig(api_key=TEST_API_KEY, http_client=client))

    class Leaky(Good):
        def make_provider(self, client: Any, case: Case) -> Any:
            p = super().make_provider(client, case)
            p.__class__ = type("LeakyToy", (type(p),), {"__repr__": lambda self: f"<toy {TEST_API_KEY}>"})
            return p

    Good().test_api_key_not_in_reprs()
    with pytest.raises(AssertionError, match="leaked into a LeakyToy"):
        Leaky().test_api_key_not_in_reprs()
