"""Core's module structure: no import cycles, and middleware never imports the facade.

The import graph is read from the source (``ast``), not by importing: an edge ``a -> b``
is an ``import``/``from ... import`` of ``b`` in ``a``. Imports under
``if TYPE_CHECKING:`` never run and do not count. Two graphs:

* module level (what runs when a module is imported): no cycle at all — a cycle there
  is an import-order bug waiting for the next edit;
* every import, also those deferred into functions (how core keeps ``import llmcore``
  cheap): no cycle through the facade or the pipeline, no middleware module importing
  the facade, and no cycle beyond the known ones listed below (a ratchet: the list
  only shrinks).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import llmcore

SRC = Path(llmcore.__file__).parent  # core/src/llmcore
MIDDLEWARE = ("llmcore.reliability", "llmcore.cache", "llmcore.usage", "llmcore.pipeline")

#: deferred-import cycles that exist today (each a small job of its own), as sorted members
KNOWN_DEFERRED_CYCLES = {
    # the foreign-`llmcore` check reads the version; the version's error names the foreign package
    ("llmcore._version", "llmcore.foreign"),
    # catalogue entries carry prices; a price lookup falls back to the catalogue
    ("llmcore.catalogue", "llmcore.usage", "llmcore.usage.prices"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in SRC.rglob("*.py")}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, deferred: bool) -> set[str]:
    """The core modules ``module`` imports (at module level, or anywhere when ``deferred``)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()

    def visit(body: Iterable[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If):
                if not _is_type_checking(node.test):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, (ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While)):
                visit(node.body)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if deferred:
                    visit(node.body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body)  # a class body runs at import time; its methods only when deferred
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.split(".")[0] == "llmcore")
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join([*base, *([node.module] if node.module else [])])
                else:
                    target = node.module or ""
                if target.split(".")[0] != "llmcore":
                    continue
                for alias in node.names:  # `from . import submodule` imports the submodule
                    sub = f"{target}.{alias.name}"
                    targets.add(sub if sub in MODULES else target)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    edges: set[str] = set()
    for target in targets:
        # importing a.b.c runs a and a.b first, except the packages `module` is itself inside
        # (already imported before it)
        parts = target.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            inside = module.startswith(name + ".") and i < len(parts)
            if name in MODULES and name != module and not inside:
                edges.add(name)
    return edges


def _graph(deferred: bool) -> dict[str, set[str]]:
    return {m: _imports(m, deferred) for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(tuple(sorted(component)))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return found


def _describe(cycle: tuple[str, ...], graph: dict[str, set[str]]) -> str:
    return "; ".join(f"{m} -> {', '.join(sorted(graph[m] & set(cycle)))}" for m in cycle)


def test_the_graph_reader_sees_imports() -> None:
    """The reader itself: module-level, deferred and TYPE_CHECKING imports of a known module."""
    top = _imports("llmcore.facade", deferred=False)
    assert "llmcore.pipeline" in top and "llmcore.errors" in top
    assert "llmcore.types" not in top  # under TYPE_CHECKING, or deferred
    assert "llmcore.reliability.stack" in _imports("llmcore.facade", deferred=True)
    assert "llmcore.facade" not in _imports("llmcore.pipeline", deferred=True)  # TYPE_CHECKING only


def test_no_import_cycle_at_module_level() -> None:
    graph = _graph(deferred=False)
    cycles = _cycles(graph)
    assert not cycles, "import cycles at module level: " + " | ".join(_describe(c, graph) for c in cycles)


def test_middleware_never_imports_the_facade() -> None:
    graph = _graph(deferred=True)
    offenders = sorted(m for m in graph if m.startswith(MIDDLEWARE) and "llmcore.facade" in graph[m])
    assert not offenders, f"middleware importing llmcore.facade (move what it needs below the facade): {offenders}"


def test_no_new_import_cycle_counting_deferred_imports() -> None:
    graph = _graph(deferred=True)
    cycles = set(_cycles(graph))
    through_facade = [c for c in cycles if "llmcore.facade" in c or "llmcore.pipeline" in c]
    assert not through_facade, " | ".join(_describe(c, graph) for c in through_facade)
    new = cycles - KNOWN_DEFERRED_CYCLES
    assert not new, "new import cycles: " + " | ".join(_describe(c, graph) for c in sorted(new))
    gone = KNOWN_DEFERRED_CYCLES - cycles
    assert not gone, f"cycles fixed: take them out of KNOWN_DEFERRED_CYCLES: {sorted(gone)}"
