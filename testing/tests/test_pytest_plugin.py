"""llmcore-testing's pytest plugin, loaded through its ``pytest11`` entry point in a real pytest run
(pytester runs pytest in process on a temporary folder, with the installed plugins)."""

from __future__ import annotations

from importlib.metadata import entry_points, version

import pytest

pytest_plugins = ["pytester"]


def test_the_entry_point_names_the_plugin_module() -> None:
    eps = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert eps.get("llmcore") == "llmcore_testing.pytest_plugin"


def test_header_names_versions_and_installed_providers(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")  # its own, empty: no ini of a folder above (a -q there hides the header)
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    header = f"llmcore: llmcore-core {version('llmcore-core')}, llmcore-testing {version('llmcore-testing')}; "
    line = next((ln for ln in result.outlines if ln.startswith(header)), None)
    assert line is not None, result.outlines[:10]
    # the plugins are the installed entry points, not an imported registry
    names = sorted({ep.name for ep in entry_points(group="llmcore")})
    assert line.endswith(", ".join(names) if names else "none (install a plugin, e.g. llmcore-openai)")


@pytest.mark.parametrize(("option", "expected"), [([], "none"), (["--record-mode=new_episodes"], "new_episodes")])
def test_record_mode_option_is_the_kits_mode(pytester: pytest.Pytester, option: list[str], expected: str) -> None:
    pytester.makepyfile(
        f"""
        from llmcore_testing.cassettes import record_mode

        def test_mode():
            assert record_mode() == {expected!r}
        """
    )
    result = pytester.runpytest_subprocess(*option)
    result.assert_outcomes(passed=1)
