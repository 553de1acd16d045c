"""``llmcore providers list`` tells the truth and fits the terminal (issue 18 #20).

Run as a person runs it: the installed script in a subprocess, with a home
folder of its own (no ~/.aws, no gcloud credentials, no models)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import run_cli

CLEAN = {  # variables a developer's shell may hold that would make a provider ready
    "AZURE_OPENAI_ENDPOINT": "",
    "AZURE_OPENAI_AD_TOKEN": "",
    "GOOGLE_APPLICATION_CREDENTIALS": "",
    "GOOGLE_CLOUD_PROJECT": "",
    "GCLOUD_PROJECT": "",
    "CLOUDFLARE_API_TOKEN": "",
    "CLOUDFLARE_ACCOUNT_ID": "",
    "DATABRICKS_TOKEN": "",
    "DATABRICKS_HOST": "",
    "OLLAMA_HOST": "",
    "AWS_ACCESS_KEY_ID": "",
    "AWS_PROFILE": "",
    "AWS_BEARER_TOKEN_BEDROCK": "",
    "OPENAI_COMPATIBLE_BASE_URL": "",
    "LLAMACPP_MODELS": "",
}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "home"
    (empty / "models").mkdir(parents=True)
    return {
        **CLEAN,
        "HOME": str(empty),
        "GPT4ALL_MODEL_PATH": str(empty / "models"),
        "HF_HOME": str(empty / "hf"),
        "CLOUDSDK_CONFIG": str(empty / "gcloud"),
        "OLLAMA_HOST": f"127.0.0.1:{_closed_port()}",
    }


def _rows(env: dict[str, str]) -> dict[str, dict]:  # type: ignore[type-arg]
    r = run_cli("providers", "list", "--json", env=env)
    assert r.returncode == 0, r.stderr
    return {row["name"]: row for row in json.loads(r.stdout)}


@pytest.mark.parametrize("columns", [100, 80])
def test_the_table_fits_the_terminal_and_breaks_no_word(home: dict[str, str], columns: int) -> None:
    r = run_cli("providers", "list", env={**home, "COLUMNS": str(columns)})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns, max(lines, key=len)
    words = r.stdout.split()
    for whole in ("AWS_BEARER_TOKEN_BEDROCK", "AZURE_OPENAI_ENDPOINT", "CLOUDFLARE_ACCOUNT_ID", "OLLAMA_HOST"):
        assert any(whole in w for w in words), f"{whole} broken across lines:\n{r.stdout}"
    assert lines[0].split()[0] == "NAME" and "STATUS" in lines[0]


def test_piped_output_without_columns_is_one_line_per_provider(home: dict[str, str]) -> None:
    r = run_cli("providers", "list", env=home)
    rows = _rows(home)
    assert len(r.stdout.splitlines()) == len(rows) + 2  # header, rule, one line each: grep-able


def test_every_status_names_what_is_missing(home: dict[str, str]) -> None:
    rows = _rows(home)
    azure = rows["azure"]["status"]
    assert azure.startswith("needs") and "AZURE_OPENAI_API_KEY" in azure and "AZURE_OPENAI_ENDPOINT" in azure
    vertex = rows["vertexai"]["status"]
    assert (
        vertex.startswith("needs") and "GOOGLE_APPLICATION_CREDENTIALS" in vertex and "GOOGLE_CLOUD_PROJECT" in vertex
    )
    llama = rows["llamacpp"]["status"]
    assert llama.startswith("needs") and ("llama-cpp-python" in llama or ".gguf" in llama), llama
    gpt4all = rows["gpt4all"]["status"]
    assert gpt4all.startswith("needs") and ".gguf" in gpt4all and home["GPT4ALL_MODEL_PATH"] in gpt4all
    ollama = rows["ollama"]["status"]
    assert ollama.startswith("no server at http://127.0.0.1:") and "OLLAMA_HOST" in ollama, ollama
    assert rows["cloudflare"]["status"] == "needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID"
    assert rows["databricks"]["status"] == "needs DATABRICKS_TOKEN and DATABRICKS_HOST"
    assert rows["openai_compatible"]["status"] == "needs OPENAI_COMPATIBLE_BASE_URL"
    for name in ("azure", "vertexai", "llamacpp", "gpt4all", "ollama", "cloudflare", "databricks"):
        assert rows[name]["ready"] is False, rows[name]


def test_one_of_two_variables_is_still_not_ready(home: dict[str, str]) -> None:
    token = "t" * 12
    rows = _rows({**home, "CLOUDFLARE_API_TOKEN": token, "DATABRICKS_TOKEN": token, "AZURE_OPENAI_API_KEY": token})
    assert rows["cloudflare"]["status"] == "needs CLOUDFLARE_ACCOUNT_ID"
    assert rows["databricks"]["status"] == "needs DATABRICKS_HOST"
    assert rows["azure"]["status"] == "needs AZURE_OPENAI_ENDPOINT"
    rows = _rows({**home, "CLOUDFLARE_API_TOKEN": token, "CLOUDFLARE_ACCOUNT_ID": "acct"})
    assert rows["cloudflare"]["status"] == "ready" and rows["cloudflare"]["ready"] is True


class _FakeOllama(BaseHTTPRequestHandler):
    models: list[dict[str, str]] = []

    def do_GET(self) -> None:
        body = json.dumps({"models": self.models}).encode()
        self.send_response(200 if self.path == "/api/tags" else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ollama_server() -> Iterator[tuple[str, type[_FakeOllama]]]:
    handler = type("Handler", (_FakeOllama,), {"models": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


def test_ollama_needs_a_running_server_with_a_model(home: dict[str, str], ollama_server) -> None:  # type: ignore[no-untyped-def]
    host, handler = ollama_server
    status = _rows({**home, "OLLAMA_HOST": host})["ollama"]["status"]
    assert status.startswith("needs a model") and "ollama pull" in status, status
    handler.models = [{"name": "llama3.2:1b"}]
    row = _rows({**home, "OLLAMA_HOST": host})["ollama"]
    assert row["status"].startswith("ready") and row["ready"] is True, row


def test_a_remote_server_is_not_probed_and_says_so(home: dict[str, str]) -> None:
    row = _rows({**home, "OLLAMA_HOST": "https://ollama.example.invalid"})["ollama"]
    assert row["status"] == "not checked: server at https://ollama.example.invalid" and row["ready"] is None


def test_capabilities_list_tools_once(home: dict[str, str]) -> None:
    rows = _rows(home)
    for name in ("anthropic", "bedrock"):
        caps = rows[name]["capabilities"]
        assert caps.count("tools") == 1 and "tool" not in caps, caps
        assert "json:tool" in caps and "json:schema" in caps


def test_json_keeps_its_shape(home: dict[str, str]) -> None:
    row = _rows(home)["openai"]
    assert {
        "name",
        "aliases",
        "package",
        "version",
        "status",
        "ready",
        "capabilities",
        "env_keys",
        "model_prefixes",
        "base_url",
        "docs_url",
        "description",
    } <= set(row)
    assert row["status"] == "needs OPENAI_API_KEY" and row["ready"] is False
