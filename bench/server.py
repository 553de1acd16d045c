"""The fake provider: nginx with the echo module, on loopback, in a temp dir.

nginx answers from memory (the bodies are in its config) so the client is what
gets measured. One server block listens on three free loopback ports:

* ``h1``  — plain HTTP/1.1;
* ``tls`` — TLS with a certificate signed by a test CA, both made at start with ``openssl``;
  ALPN offers ``h2`` and ``http/1.1`` (the client picks);
* ``h2c`` — HTTP/2 over cleartext (prior knowledge).

Paths: ``/<variant>/v1/chat/completions`` (OpenAI) and ``/<variant>/v1/messages``
(Anthropic), where ``variant`` is one of :data:`VARIANTS`. Any method is answered
(the request body is read and discarded). Streams are written one SSE event
per ``echo`` + ``echo_flush``, i.e. one HTTP chunk per event, as the real APIs do.

Embeddings (when started with ``embeddings=True``): ``/<variant>/v1/embeddings``
for each of :data:`EMBEDDING_VARIANTS` — OpenAI's answer with 1 or 1,000 vectors
of 1,536 floats, as JSON numbers or base64 float32 (:func:`fixtures.embeddings_body`).
The bodies (up to 33 MB) are too long for an nginx config string, so they are
written to files and sent by a subrequest (``echo_location``) to an internal
static location.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import fixtures

APT = "apt-get install -y nginx libnginx-mod-http-echo openssl"
ECHO_MODULE_CANDIDATES = (
    "/usr/lib/nginx/modules/ngx_http_echo_module.so",
    "/usr/share/nginx/modules/ngx_http_echo_module.so",
)

#: variant → (kind, events, latency before the first byte (s), gap between events (s))
VARIANTS: dict[str, tuple[str, int, float, float]] = {
    "chat": ("chat", 1, 0.0, 0.0),
    "chat-lat": ("chat", 1, 0.05, 0.0),
    "s20": ("stream", 20, 0.0, 0.0),
    "s500": ("stream", 500, 0.0, 0.0),
    "s20-lat": ("stream", 20, 0.05, 0.0),
    # streams kept open: 20 events 10 ms apart (the RSS scenario holds 256 of them)
    "hold": ("stream", 20, 0.0, 0.01),
}

PATHS = {"openai": "/v1/chat/completions", "anthropic": "/v1/messages"}

#: embeddings variant → (vectors in the answer, encoding: "json" numbers or "base64" float32)
EMBEDDING_VARIANTS: dict[str, tuple[int, str]] = {
    "emb1-json": (1, "json"),
    "emb1-base64": (1, "base64"),
    "emb1k-json": (1000, "json"),
    "emb1k-base64": (1000, "base64"),
}


def missing_tools() -> list[str]:
    """What is missing to run the server (empty when all is there)."""
    missing = []
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        missing.append("nginx")
    if echo_module() is None:
        missing.append("libnginx-mod-http-echo")
    if not shutil.which("openssl"):
        missing.append("openssl")
    return missing


def echo_module() -> str | None:
    return next((p for p in ECHO_MODULE_CANDIDATES if Path(p).exists()), None)


def free_ports(n: int) -> list[int]:
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def _q(s: str) -> str:
    """An nginx single-quoted string whose value is exactly ``s``."""
    s = s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return "'" + s.replace("$", "${dollar}") + "'"


def _location(path: str, body: fixtures.Body, latency: float, gap: float) -> str:
    lines = [f"location = {path} {{", f"    default_type {_q(body.content_type)};"]
    lines += [f"    add_header {k} {_q(v)} always;" for k, v in body.headers.items()]
    lines.append("    echo_read_request_body;")
    if latency:
        lines.append(f"    echo_sleep {latency};")
    for i, ev in enumerate(body.events):
        if gap and i:
            lines.append(f"    echo_sleep {gap};")
        lines.append(f"    echo -n {_q(ev)};")
        if len(body.events) > 1:
            lines.append("    echo_flush;")
    lines.append("}")
    return "\n".join(lines)


def _file_location(path: str, body: fixtures.Body, file_uri: str) -> str:
    """``path`` answered with the body stored at the internal ``file_uri`` (any method)."""
    lines = [f"location = {path} {{", f"    default_type {_q(body.content_type)};"]
    lines += [f"    add_header {k} {_q(v)} always;" for k, v in body.headers.items()]
    lines += ["    echo_read_request_body;", f"    echo_location {file_uri};", "}"]
    return "\n".join(lines)


def make_cert(directory: Path) -> tuple[Path, Path, Path]:
    """A test CA and a leaf certificate for 127.0.0.1/localhost signed by it (EC P-256, both made here,
    valid two days); returns ``(ca, leaf, leaf key)``.

    Not one self-signed certificate: rustls (``pyreqwest``) refuses a CA certificate used as the server's
    own (``CaUsedAsEndEntity``), so the server shows a proper end-entity certificate and every client
    trusts the CA (``SSL_CERT_FILE``)."""
    ca, ca_key = directory / "ca.pem", directory / "ca-key.pem"
    cert, key, csr = directory / "cert.pem", directory / "key.pem", directory / "cert.csr"
    ext = directory / "leaf.ext"
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for cmd in (
        [
            "openssl",
            "req",
            "-x509",
            *ec,
            "-keyout",
            str(ca_key),
            "-out",
            str(ca),
            "-days",
            "2",
            "-subj",
            "/CN=llmcore bench test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
        ["openssl", "req", "-new", *ec, "-keyout", str(key), "-out", str(csr), "-subj", "/CN=127.0.0.1"],
        [
            "openssl",
            "x509",
            "-req",
            "-in",
            str(csr),
            "-CA",
            str(ca),
            "-CAkey",
            str(ca_key),
            "-CAcreateserial",
            "-out",
            str(cert),
            "-days",
            "2",
            "-extfile",
            str(ext),
        ],
    ):
        subprocess.run(cmd, check=True, capture_output=True)
    return ca, cert, key


@dataclass
class Server:
    """A running nginx; :meth:`stop` ends it by its PID."""

    directory: Path
    ports: dict[str, int]
    #: the test CA that signed the server's certificate: what clients trust (``SSL_CERT_FILE``)
    cert: Path
    proc: subprocess.Popen[bytes]

    def url(self, proto: str) -> str:
        """Scheme, host and port for ``proto`` in h1, h1-tls, h2-tls, h2c."""
        if proto == "h1":
            return f"http://127.0.0.1:{self.ports['h1']}"
        if proto in ("h1-tls", "h2-tls"):
            return f"https://127.0.0.1:{self.ports['tls']}"
        if proto == "h2c":
            return f"http://127.0.0.1:{self.ports['h2c']}"
        raise ValueError(proto)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)  # fast shutdown of master and its worker
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def config(directory: Path, ports: dict[str, int], cert: Path, key: Path, embeddings: bool = False) -> str:
    bodies = {
        ("openai", "chat"): lambda n: fixtures.openai_chat(),
        ("openai", "stream"): fixtures.openai_stream,
        ("anthropic", "chat"): lambda n: fixtures.anthropic_chat(),
        ("anthropic", "stream"): fixtures.anthropic_stream,
    }
    locations = []
    for api, path in PATHS.items():
        for variant, (kind, n, latency, gap) in VARIANTS.items():
            locations.append(_location(f"/{variant}{path}", bodies[api, kind](n), latency, gap))
    if embeddings:
        files = directory / "embeddings"
        files.mkdir(exist_ok=True)
        for variant, (n, encoding) in EMBEDDING_VARIANTS.items():
            body = fixtures.embeddings_body(n, encoding)
            (files / f"{variant}.json").write_text(body.events[0])
            locations.append(_file_location(f"/{variant}/v1/embeddings", body, f"/_embeddings/{variant}.json"))
        locations.append(f"location /_embeddings/ {{ internal; alias {files}/; default_type application/json; }}")
    d = directory
    # workers read the embeddings files from our temp dir: as root, nginx would run them as nobody
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""
load_module {echo_module()};
{user}
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile 16384;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 8192; multi_accept on; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    geo $dollar {{ default "$"; }}
    keepalive_requests 10000000;
    keepalive_timeout 300s;
    http2_max_concurrent_streams 256;
    client_body_buffer_size 1m;  # a 1,000-text embeddings request stays in memory
    client_max_body_size 8m;
    server_tokens off;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    ssl_session_cache shared:SSL:1m;
    server {{
        listen 127.0.0.1:{ports["h1"]} reuseport;
        listen 127.0.0.1:{ports["tls"]} ssl http2;
        listen 127.0.0.1:{ports["h2c"]} http2;
{chr(10).join(locations)}
        location / {{ return 404; }}
    }}
}}
"""


def start(directory: Path, embeddings: bool = False) -> Server:
    """Write the config, make the certificate, start nginx and wait until every
    port answers. ``embeddings``: serve the embeddings answers too (generating
    them takes a few seconds)."""
    directory.mkdir(parents=True, exist_ok=True)
    ca, cert, key = make_cert(directory)
    ports = dict(zip(("h1", "tls", "h2c"), free_ports(3), strict=True))
    conf = directory / "nginx.conf"
    conf.write_text(config(directory, ports, cert, key, embeddings))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    log = open(directory / "nginx.out", "wb")  # noqa: SIM115
    proc = subprocess.Popen([nginx, "-p", str(directory), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT)
    srv = Server(directory, ports, ca, proc)
    deadline = time.monotonic() + 15
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited: {(directory / 'nginx.out').read_text()[-2000:]}")
        try:
            for port in ports.values():
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                srv.stop()
                raise RuntimeError("nginx did not start listening") from None
            time.sleep(0.05)
    # answers what we expect (POST with a body, like the clients); nginx is stopped if not
    checks = [("/chat/v1/chat/completions", b"chat.completion")]
    if embeddings:
        checks.append(("/emb1-base64/v1/embeddings", b'"embedding": "'))
    try:
        for path, want in checks:
            req = urllib.request.Request(srv.url("h1") + path, data=b'{"x":1}', method="POST")
            with urllib.request.urlopen(req, timeout=5) as r:
                body = r.read()
            if r.status != 200 or want not in body:
                raise RuntimeError(f"nginx answered {path} with {r.status}: {body[:200]!r}")
    except BaseException:
        srv.stop()
        raise
    return srv
