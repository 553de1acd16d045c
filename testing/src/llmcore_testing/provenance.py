"""Provenance checker for cassettes: does every file say, truthfully, where its bytes came from?

The rule (the design document, "Tests"): a cassette is a real recording
(made with a key, published by another open-source project and converted with
:mod:`llmcore_testing.cassette_import`, or made against a real local server), or,
only where no recording exists anywhere, a file **authored** from the provider's
API reference, named ``authored__*.yaml`` and labelled as authored in the
directory's ``SOURCES.md``. This module checks, for each cassette directory:

1. **listing** - every file under the directory (any depth, except ``SOURCES.md``
   and dot files) has a row in a ``SOURCES.md`` table whose header has a
   ``file`` column, and every file such a row names exists (otherwise the row is
   *stale*). A row may name several files, and may abbreviate a name as
   ``..._tail.yaml`` / ``…_tail.yaml`` when exactly one file ends that way.
2. **labels** - every ``authored__*`` file is described as authored (its row,
   its table header, or the section it sits in says so), and every row that
   says a file is authored / hand-written / not a recording names an
   ``authored__*`` file; anything else is reported.
3. **content** - every file presented as a converted recording whose source is
   in the shared upstream collection (``upstream-cassettes/<provider>/<source>/``)
   is converted again with :func:`~llmcore_testing.cassette_import.load_upstream`
   and compared with the committed file after the importer's own normalisation
   (:func:`~llmcore_testing.cassette_format.serialize`): interaction count,
   request method / URI / body, response status and body must be identical and
   headers the same set of values. Any difference means the recording was
   edited after conversion.

The upstream file of a cassette is found by name (the importer names files
``<source>__<original stem>.yaml``; the prefix may carry extra words, e.g.
``compat-vllm-openllmetry__`` or ``hf-router__``) or, failing that, by a file
name the row quotes. A recording that cannot be matched to any upstream file
is reported as a *warning* (its source cannot be verified here, which is
expected for recordings made with a key or against a local server).

``python -m llmcore_testing.provenance --table FILE DIR...`` writes a Markdown
page (:func:`table_markdown`): per plugin, how many cassettes are recordings and
how many are authored, where the recordings come from and which scenarios are
authored (the listing and label checks only; no upstream needed). The
repository's ``docs/cassettes.md`` is that page; a test fails when it is stale.

``python -m llmcore_testing.provenance [--upstream DIR] DIR...`` prints one line
per finding and a per-directory summary, and exits 1 if any finding is an
error (0 otherwise, 2 on a usage error). The upstream collection defaults to
``$LLMCORE_UPSTREAM_CASSETTES``, then ``$LLMCORE_SHARED_DIR/upstream-cassettes``,
then a ``shared/upstream-cassettes`` directory next to an ancestor of the first
``DIR``; it is needed only when a directory holds converted recordings
(``<source>__*.yaml``): a plugin outside this repository with only its own
recordings and authored files checks without it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from llmcore_testing import cassette_format
from llmcore_testing.cassette_import import UnsupportedFormat, load_upstream

__all__ = [
    "AUTHORED_PREFIX",
    "DirectoryReport",
    "Finding",
    "Row",
    "UpstreamFile",
    "UpstreamIndex",
    "check_directory",
    "compare_cassettes",
    "find_upstream_dir",
    "iter_cassette_files",
    "main",
    "parse_sources",
    "COUNTS_SPAN",
    "counts_sentence",
    "table_markdown",
]

AUTHORED_PREFIX = "authored__"
"""File-name prefix every authored (not recorded) cassette must carry."""

SOURCES_FILE = "SOURCES.md"

Severity = Literal["error", "warning"]

# Cassette-like names quoted in a SOURCES.md table cell.
_FILE_EXTENSIONS = (".yaml", ".yml", ".json", ".har")
_ABBREVIATION = re.compile(r"^(?:\.\.\.|…)")
# A row, table header or section that says its files are authored.
_AUTHORED_WORD = re.compile(r"\bauthored\b|not a recording|not recordings|not recorded\b", re.IGNORECASE)
# Phrases that, in a row, say the *file itself* is not a clean recording.
_AUTHORED_STRONG = re.compile(
    r"authored from|authored by|\bby hand\b|\bnot a recording\b|\bnot recordings\b|hand-written|hand-edited|"
    r"hand-made|handmade|hand-authored|\bhybrid\b",
    re.IGNORECASE,
)
_BACKTICKED = re.compile(r"`([^`]+)`")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Finding:
    """One problem (``error``) or unverifiable point (``warning``) about one file or row."""

    directory: str
    file: str
    check: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        return f"{self.severity}: {self.directory}/{self.file}: {self.check}: {self.message}"


@dataclass(frozen=True)
class Row:
    """One row of a ``SOURCES.md`` table that has a ``file`` column.

    ``names`` are the backticked cassette names of the file cell, as written
    (abbreviations included); ``text`` is the whole row; ``header`` the table's
    header row; ``section`` the headings above the table (outermost first) and
    ``prose`` the text between the nearest heading and the table.
    """

    line: int
    names: tuple[str, ...]
    text: str
    header: str
    section: tuple[str, ...]
    prose: str

    @property
    def says_authored(self) -> bool:
        """The row itself, its table header or its innermost section says "authored"/"not a recording"."""
        inner = self.section[-1] if self.section else ""
        return any(_AUTHORED_WORD.search(t) for t in (self.text, self.header, inner))

    @property
    def marks_not_recorded(self) -> bool:
        """The row or its innermost section (not the page title) says outright that a file is authored or hand-made.

        The table header is not consulted: mixed tables have an "authored" column.
        """
        inner = self.section[-1] if len(self.section) > 1 else ""
        return bool(
            _AUTHORED_STRONG.search(self.text)
            or _AUTHORED_WORD.search(inner)
            or any(_cell_is_authored(c) for c in _split_row(self.text))
        )

    @property
    def context_says_authored(self) -> bool:
        """Row, header, any enclosing section or the prose before the table says "authored"."""
        return self.says_authored or any(_AUTHORED_WORD.search(t) for t in (*self.section, self.prose))


@dataclass
class DirectoryReport:
    """The outcome of :func:`check_directory` for one cassette directory."""

    directory: Path
    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    authored: list[str] = field(default_factory=list)
    recordings: list[str] = field(default_factory=list)
    verified: dict[str, str] = field(default_factory=dict)
    """Recording -> the upstream file (relative to the collection) it was re-converted from and equals."""

    @property
    def name(self) -> str:
        """Plugin name for ``plugins/<name>/tests/cassettes``, else the directory's own name."""
        return _plugin_name(self.directory)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def summary(self) -> str:
        """One line: file counts, real vs authored, how many recordings equal their upstream source."""
        return (
            f"{self.name}: {len(self.files)} cassette(s): {len(self.recordings)} recording(s) "
            f"({len(self.verified)} equal to their re-converted upstream file), {len(self.authored)} authored; "
            f"{len(self.errors)} error(s), {len(self.findings) - len(self.errors)} warning(s)"
        )


# --------------------------------------------------------------------------- SOURCES.md


def _split_row(line: str) -> list[str]:
    """Cells of a markdown table row; ``|`` inside backticks does not split."""
    cells: list[str] = []
    current: list[str] = []
    in_code = False
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    for char in body:
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    return cells


def _cell_is_authored(cell: str) -> bool:
    return cell.strip().strip("*").strip().lower() in {"authored", "hybrid"}


def _is_separator(line: str) -> bool:
    cells = _split_row(line)
    return bool(cells) and all(re.fullmatch(r":?-{3,}:?", c.strip()) for c in cells)


def _looks_like_file(token: str) -> bool:
    return token.lower().endswith(_FILE_EXTENSIONS) and " " not in token


def parse_sources(text: str) -> list[Row]:
    """Every row of every table in ``text`` whose header has a ``file`` column.

    The file column is the one headed ``file`` (case-insensitive); its
    backticked tokens ending in ``.yaml``/``.yml``/``.json``/``.har`` are the
    names the row documents.
    """
    rows: list[Row] = []
    lines = text.splitlines()
    headings: list[tuple[int, str]] = []
    prose: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _HEADING.match(line)
        if match:
            level = len(match.group(1))
            headings = [(lvl, title) for lvl, title in headings if lvl < level] + [(level, match.group(2).strip())]
            prose = []
            index += 1
            continue
        is_table = line.lstrip().startswith("|") and index + 1 < len(lines) and _is_separator(lines[index + 1])
        if not is_table:
            if line.strip():
                prose.append(line.strip())
            index += 1
            continue
        header = line.strip()
        columns = [c.strip().strip("*").lower() for c in _split_row(header)]
        file_col = columns.index("file") if "file" in columns else None
        index += 2
        while index < len(lines) and lines[index].lstrip().startswith("|"):
            row_line = lines[index].strip()
            if file_col is not None:
                cells = _split_row(row_line)
                cell = cells[file_col] if file_col < len(cells) else ""
                names = tuple(t.strip() for t in _BACKTICKED.findall(cell) if _looks_like_file(t.strip()))
                rows.append(
                    Row(
                        line=index + 1,
                        names=names,
                        text=row_line,
                        header=header,
                        section=tuple(title for _, title in headings),
                        prose=" ".join(prose),
                    )
                )
            index += 1
        prose = []
    return rows


# --------------------------------------------------------------------------- files


def iter_cassette_files(directory: Path) -> Iterator[str]:
    """Paths (relative, ``/``-separated, sorted) of every file under ``directory`` but ``SOURCES.md``.

    Dot files and ``__pycache__`` are skipped.
    """
    found = []
    for path in directory.rglob("*"):
        rel = path.relative_to(directory)
        if not path.is_file() or any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
            continue
        if rel.as_posix() == SOURCES_FILE:
            continue
        found.append(rel.as_posix())
    yield from sorted(found)


def _resolve_name(token: str, files: Sequence[str]) -> list[str]:
    """Files a row token names: an exact relative path or base name, or a unique ``...tail`` abbreviation."""
    if _ABBREVIATION.match(token):
        tail = _ABBREVIATION.sub("", token)
        return [f for f in files if f.endswith(tail) or Path(f).name.endswith(tail)]
    exact = [f for f in files if f == token]
    return exact or [f for f in files if Path(f).name == token]


def _plugin_name(directory: Path) -> str:
    """``<name>`` for ``.../<name>/tests/cassettes``, else the directory's own name (of its
    absolute path: ``.`` is named, so findings never read ``/basic.yaml``)."""
    parts = directory.resolve().parts
    if len(parts) >= 3 and parts[-2:] == ("tests", "cassettes"):
        return parts[-3]
    return directory.resolve().name or str(directory.resolve())


# --------------------------------------------------------------------------- upstream


def _stem(name: str) -> str:
    """The importer's naming of an upstream file, without the ``<source>__`` prefix or extension."""
    stem = Path(name).name
    for suffix in (".yaml", ".yml", ".har", ".json"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    for char in "[] ":
        stem = stem.replace(char, "_")
    return stem


@dataclass(frozen=True)
class UpstreamFile:
    """One file of the upstream collection: ``<provider>/<source>/<name>``."""

    provider: str
    source: str
    path: Path

    @property
    def relative(self) -> str:
        return f"{self.provider}/{self.source}/{self.path.name}"


class UpstreamIndex:
    """The shared upstream collection, indexed by the importer's file-name stem."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.by_stem: dict[str, list[UpstreamFile]] = {}
        self.by_name: dict[str, list[UpstreamFile]] = {}
        for path in sorted(root.glob("*/*/*")):
            if not path.is_file():
                continue
            item = UpstreamFile(provider=path.parent.parent.name, source=path.parent.name, path=path)
            self.by_stem.setdefault(_stem(path.name), []).append(item)
            self.by_name.setdefault(path.name, []).append(item)
        self._converted: dict[Path, dict[str, Any] | str] = {}

    def candidates(self, plugin: str, cassette: str, row_text: str) -> list[UpstreamFile]:
        """Upstream files ``cassette`` (a file name in plugin ``plugin``) can have been converted from."""
        name = Path(cassette).name
        prefix, sep, rest = _stem(name).partition("__")
        found: list[UpstreamFile] = list(self.by_stem.get(rest, [])) if sep else []
        if not found:  # fall back to an upstream file name the row quotes (``...tail`` matches by its end)
            for token in (t.strip() for t in _BACKTICKED.findall(row_text)):
                if _ABBREVIATION.match(token):
                    tail = _ABBREVIATION.sub("", token)
                    found.extend(u for items in self.by_name.values() for u in items if u.path.name.endswith(tail))
                else:
                    found.extend(self.by_name.get(Path(token).name, []))
        if len(found) > 1:
            by_source = [u for u in found if prefix == u.source or prefix.endswith("-" + u.source)]
            found = by_source or found
        if len(found) > 1:
            by_provider = [
                u
                for u in found
                if u.provider == plugin or f"-{u.provider}-" in f"-{prefix}-" or f"{u.provider}/{u.source}/" in row_text
            ]
            found = by_provider or found
        return list(dict.fromkeys(found))

    def converted(self, item: UpstreamFile) -> dict[str, Any] | str:
        """The importer's output for ``item``, normalised as written to disk; a message if it cannot convert."""
        if item.path not in self._converted:
            try:
                data = load_upstream(item.path)
                self._converted[item.path] = cassette_format.deserialize(cassette_format.serialize(data))
            except (UnsupportedFormat, ValueError, KeyError, TypeError) as exc:
                self._converted[item.path] = f"{type(exc).__name__}: {exc}"
        return self._converted[item.path]


def find_upstream_dir(start: Path | None = None) -> Path | None:
    """The upstream collection: from the environment, else ``shared/upstream-cassettes`` beside an ancestor."""
    env = os.environ.get("LLMCORE_UPSTREAM_CASSETTES")
    if env:
        return Path(env)
    shared = os.environ.get("LLMCORE_SHARED_DIR")
    if shared:
        return Path(shared) / "upstream-cassettes"
    if start is not None:
        for parent in [start.resolve(), *start.resolve().parents]:
            candidate = parent / "shared" / "upstream-cassettes"
            if candidate.is_dir():
                return candidate
    return None


# --------------------------------------------------------------------------- comparison


def _excerpt(text: Any, at: int, width: int = 40) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text is None:
        return "None"
    text = str(text)
    start = max(0, at - width // 2)
    return repr(text[start : start + width])


def _first_difference(a: Sequence[Any], b: Sequence[Any]) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _describe_body(kind: str, expected: Any, actual: Any) -> str:
    if isinstance(expected, str | bytes) and isinstance(actual, str | bytes) and type(expected) is type(actual):
        at = _first_difference(expected, actual)
        return (
            f"{kind} differs (upstream {len(expected)} chars, committed {len(actual)}; first difference at "
            f"{at}: upstream {_excerpt(expected, at)} vs committed {_excerpt(actual, at)})"
        )
    return f"{kind} differs (upstream {_excerpt(expected, 0)} vs committed {_excerpt(actual, 0)})"


def _headers(raw: Any) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for name, value in (raw or {}).items():
        values = value if isinstance(value, list) else [value]
        result.setdefault(str(name).lower(), []).extend(str(v) for v in values)
    return result


def _compare_headers(side: str, expected: Any, actual: Any) -> list[str]:
    exp, act = _headers(expected), _headers(actual)
    out = []
    for name in sorted(set(exp) | set(act)):
        if name not in act:
            out.append(f"{side} header {name!r} removed")
        elif name not in exp:
            out.append(f"{side} header {name!r} added ({act[name]!r})")
        elif exp[name] != act[name]:
            out.append(f"{side} header {name!r} changed: upstream {exp[name]!r} vs committed {act[name]!r}")
    return out


def _status(response: Mapping[str, Any]) -> tuple[Any, Any]:
    status = response.get("status") or {}
    return status.get("code"), status.get("message")


def compare_cassettes(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> list[str]:
    """Differences between the importer's output (``expected``) and a committed cassette (``actual``).

    Both are parsed cassette dicts. Compared per interaction: request method, URI
    and body; response status code and body; request and response headers (as
    case-insensitive name -> values). An empty list means identical content.
    """
    exp_items = list(expected.get("interactions") or [])
    act_items = list(actual.get("interactions") or [])
    out: list[str] = []
    if len(exp_items) != len(act_items):
        out.append(f"{len(act_items)} interaction(s) committed, {len(exp_items)} in the upstream file")
    for i, (exp, act) in enumerate(zip(exp_items, act_items, strict=False)):
        ereq, areq = exp.get("request") or {}, act.get("request") or {}
        eresp, aresp = exp.get("response") or {}, act.get("response") or {}
        where = f"interaction {i}"
        for key in ("method", "uri"):
            if ereq.get(key) != areq.get(key):
                out.append(f"{where}: request {key} upstream {ereq.get(key)!r} vs committed {areq.get(key)!r}")
        if ereq.get("body") != areq.get("body"):
            out.append(f"{where}: " + _describe_body("request body", ereq.get("body"), areq.get("body")))
        ecode, emsg = _status(eresp)
        acode, amsg = _status(aresp)
        if ecode != acode:
            out.append(f"{where}: response status upstream {ecode} vs committed {acode}")
        elif emsg != amsg:
            out.append(f"{where}: response status message upstream {emsg!r} vs committed {amsg!r}")
        ebody = (eresp.get("body") or {}).get("string")
        abody = (aresp.get("body") or {}).get("string")
        if ebody != abody:
            out.append(f"{where}: " + _describe_body("response body", ebody, abody))
        out += [f"{where}: {d}" for d in _compare_headers("request", ereq.get("headers"), areq.get("headers"))]
        out += [f"{where}: {d}" for d in _compare_headers("response", eresp.get("headers"), aresp.get("headers"))]
    return out


# --------------------------------------------------------------------------- the check


def check_directory(directory: str | os.PathLike[str], upstream: UpstreamIndex | None) -> DirectoryReport:
    """Run the three checks (listing, labels, content) over one cassette directory."""
    directory = Path(directory)
    report = DirectoryReport(directory=directory)
    label = report.name
    report.files = list(iter_cassette_files(directory))
    sources_path = directory / SOURCES_FILE

    def add(file: str, check: str, message: str, severity: Severity = "error") -> None:
        report.findings.append(Finding(label, file, check, message, severity))

    if not sources_path.is_file():
        add(SOURCES_FILE, "listing", f"missing: {len(report.files)} cassette(s) have no stated source")
        for file in report.files:
            (report.authored if Path(file).name.startswith(AUTHORED_PREFIX) else report.recordings).append(file)
        return report
    text = sources_path.read_text(encoding="utf-8")
    rows = parse_sources(text)

    rows_of: dict[str, list[Row]] = {}
    for row in rows:
        for token in row.names:
            matches = _resolve_name(token, report.files)
            if not matches:
                add(SOURCES_FILE, "listing", f"line {row.line}: stale row: `{token}` names no file in this directory")
            elif len(matches) > 1:
                add(SOURCES_FILE, "listing", f"line {row.line}: `{token}` is ambiguous: {', '.join(matches)}")
            else:
                rows_of.setdefault(matches[0], []).append(row)

    for file in report.files:
        name = Path(file).name
        own = rows_of.get(file, [])
        is_authored_name = name.startswith(AUTHORED_PREFIX)
        if is_authored_name:
            report.authored.append(file)
        if not own:
            where = "mentioned only in prose, with no table row" if f"`{name}`" in text else "not named"
            add(file, "listing", f"{where} in {SOURCES_FILE}: its source is not stated")
            if not is_authored_name:
                report.recordings.append(file)
            continue
        if is_authored_name:
            if not any(r.context_says_authored for r in own):
                add(file, "labels", f"authored file described as a recording (line {own[0].line})")
            continue
        report.recordings.append(file)
        marked = [r for r in own if r.marks_not_recorded]
        if marked:
            add(
                file,
                "labels",
                f"line {marked[0].line} says it is authored / hand-made / not a clean recording, "
                f"but the name does not start with {AUTHORED_PREFIX!r}",
            )
        if upstream is None:
            continue
        row_text = " ".join(r.text for r in own)
        candidates = upstream.candidates(label, file, row_text)
        if not candidates:
            add(file, "content", "no upstream file in the collection matches; source not verifiable here", "warning")
            continue
        committed = cassette_format.deserialize((directory / file).read_text(encoding="utf-8"))
        best: tuple[UpstreamFile, list[str]] | None = None
        for item in candidates:
            converted = upstream.converted(item)
            diffs = (
                [f"the importer cannot convert {item.relative} ({converted})"]
                if isinstance(converted, str)
                else compare_cassettes(converted, committed)
            )
            if best is None or len(diffs) < len(best[1]):
                best = (item, diffs)
            if not diffs:
                break
        assert best is not None
        item, diffs = best
        if diffs:
            head = f"differs from the importer's conversion of upstream {item.relative}: "
            add(file, "content", head + "; ".join(diffs[:6]) + (f"; … {len(diffs) - 6} more" if len(diffs) > 6 else ""))
        else:
            report.verified[file] = item.relative
    return report


def _looks_converted(file: str, plugin: str) -> bool:
    """A recording named by the importer (``<source>__<stem>``, the source not this plugin): its
    content check needs the upstream collection. Recordings made here have other names."""
    label = _source_label(file, plugin)
    return label not in ("unnamed source", "this project")


def _source_label(file: str, plugin: str) -> str:
    """Where a recording's bytes come from, as its name says: the importer's ``<source>__``
    prefix; a prefix that is the plugin's own name marks a recording made by this project."""
    name = Path(file).name
    prefix = name.split("__", 1)[0] if "__" in name else ""
    if not prefix:
        return "unnamed source"
    return "this project" if prefix.startswith(plugin) else prefix


#: where the README quotes :func:`counts_sentence` (``--readme`` rewrites the middle)
COUNTS_SPAN = re.compile(r"(<!-- cassette-counts -->)(.*?)(<!-- /cassette-counts -->)", re.S)


def counts_sentence(reports: Sequence[DirectoryReport]) -> str:
    """One sentence with the overall counts (the README quotes it; a test keeps it current)."""
    files = sum(len(r.files) for r in reports)
    recorded = sum(len(r.recordings) for r in reports)
    authored = sum(len(r.authored) for r in reports)
    none = sorted(r.name for r in reports if not r.recordings)
    text = f"{len(reports)} plugins, {files} cassettes: {recorded} recordings, {authored} authored."
    if none:
        have = "plugins have" if len(none) != 1 else "plugin has"
        names = ", ".join(f"`{n}`" for n in none)
        text += f" {len(none)} {have} no recording at all, only authored cassettes: {names}."
    return text


def _authored_scenario(file: str) -> str:
    name = Path(file).name.removeprefix(AUTHORED_PREFIX)
    return name.rsplit(".", 1)[0]


def table_markdown(reports: Sequence[DirectoryReport], link_base: str = "../") -> str:
    """A Markdown page: per cassette directory, recordings vs authored files, the
    recordings' sources (counted by file-name prefix) and the authored scenarios.

    ``link_base`` is the path from the page to the repository root (links to
    each ``SOURCES.md``). Deterministic: the same directories give the same text."""
    ordered = sorted(reports, key=lambda r: r.name)
    out = [
        "# Cassettes: what is recorded and what is authored",
        "",
        "<!-- Generated by `python -m llmcore_testing.provenance --table docs/cassettes.md --readme README.md",
        "     plugins/*/tests/cassettes`; do not edit by hand: tests/test_cassettes_page.py fails when stale. -->",
        "",
        "Every plugin's conformance tests replay cassettes. A **recording** holds bytes a real provider sent: "
        "converted from another open-source project's published recordings (the file-name prefix names the "
        "project), or recorded by this project against a real server. An **authored** cassette "
        "(`authored__*.yaml`) was written from the provider's API reference where no recording exists "
        "anywhere (errors such as 429/5xx, some features); it proves that llmcore parses what the documentation "
        "describes, not what the provider sends. Each plugin's `SOURCES.md` names the source of every file; "
        "`python -m llmcore_testing.provenance plugins/*/tests/cassettes` re-converts each converted recording "
        "from the upstream collection and checks it is unchanged.",
        "",
        counts_sentence(ordered),
        "",
        "| plugin | cassettes | recorded | authored | recordings from | sources |",
        "|---|---:|---:|---:|---|---|",
    ]
    for r in ordered:
        counts: dict[str, int] = {}
        for f in r.recordings:
            label = _source_label(f, r.name)
            counts[label] = counts.get(label, 0) + 1
        origin = ", ".join(f"{k} ({v})" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "—"
        sources = f"{link_base}plugins/{r.name}/tests/cassettes/SOURCES.md"
        out.append(
            f"| `{r.name}` | {len(r.files)} | {len(r.recordings)} | {len(r.authored)} | {origin} "
            f"| [SOURCES.md]({sources}) |"
        )
    out += ["", "## Authored scenarios, per plugin", ""]
    for r in ordered:
        if r.authored:
            names = ", ".join(f"`{_authored_scenario(f)}`" for f in sorted(r.authored))
            out.append(f"* `{r.name}` ({len(r.authored)}): {names}")
    out.append("")
    return "\n".join(out)


def _format_reports(reports: Sequence[DirectoryReport]) -> Iterator[str]:
    for report in reports:
        for finding in report.findings:
            yield str(finding)
    for report in reports:
        yield report.summary()


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; see the module docstring."""
    parser = argparse.ArgumentParser(
        prog="python -m llmcore_testing.provenance",
        description="Check that every cassette says, truthfully, where its bytes came from.",
    )
    parser.add_argument("dirs", nargs="+", metavar="DIR", help="cassette directories (e.g. plugins/*/tests/cassettes)")
    parser.add_argument("--upstream", metavar="DIR", help="the shared upstream-cassettes collection")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors and the totals only")
    parser.add_argument(
        "--table", metavar="FILE", help="write the recorded/authored page (Markdown) to FILE ('-': stdout) and exit"
    )
    parser.add_argument(
        "--readme",
        metavar="FILE",
        help="with --table: also put the counts sentence between the <!-- cassette-counts --> markers of FILE",
    )
    args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    dirs = [Path(d) for d in args.dirs]
    missing = [str(d) for d in dirs if not d.is_dir()]
    if missing:
        print(f"provenance: not a directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.table:
        reports = [check_directory(d, None) for d in dirs]
        page = table_markdown(reports)
        if args.table == "-":
            sys.stdout.write(page)
        else:
            Path(args.table).write_text(page, encoding="utf-8")
        if args.readme:
            readme = Path(args.readme)
            text, n = COUNTS_SPAN.subn(
                lambda m: m.group(1) + counts_sentence(reports) + m.group(3), readme.read_text(encoding="utf-8")
            )
            if n != 1:
                print(f"provenance: {readme} has no <!-- cassette-counts --> span", file=sys.stderr)
                return 2
            readme.write_text(text, encoding="utf-8")
        return 0
    root = Path(args.upstream) if args.upstream else find_upstream_dir(dirs[0])
    upstream = UpstreamIndex(root) if root is not None and root.is_dir() else None
    reports = [check_directory(d, upstream) for d in dirs]
    for line in _format_reports(reports):
        if args.quiet and not line.startswith("error:"):
            continue
        print(line)
    errors = sum(len(r.errors) for r in reports)
    converted = [f"{r.name}/{f}" for r in reports for f in r.recordings if _looks_converted(f, r.name)]
    if upstream is None and converted:
        errors += 1
        where = (
            f"{root} is not a directory"
            if root is not None
            else (
                "looked for $LLMCORE_UPSTREAM_CASSETTES, $LLMCORE_SHARED_DIR/upstream-cassettes and a "
                "shared/upstream-cassettes directory above the first DIR"
            )
        )
        print(
            f"error: upstream collection not found ({where}); {len(converted)} converted recording(s) "
            f"(e.g. {converted[0]}) were not compared (pass --upstream DIR or set LLMCORE_UPSTREAM_CASSETTES)"
        )
    elif upstream is None and not args.quiet:
        print("provenance: no converted recording (<source>__*.yaml), so no upstream collection is needed")
    files = sum(len(r.files) for r in reports)
    recorded = sum(len(r.recordings) for r in reports)
    verified = sum(len(r.verified) for r in reports)
    print(
        f"provenance: {len(reports)} director(ies), {files} cassette(s): {recorded} recording(s) "
        f"({verified} equal to their re-converted upstream file), {files - recorded} authored; {errors} error(s)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
