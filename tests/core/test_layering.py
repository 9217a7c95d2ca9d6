"""Imports run downward: the package's import graph (module- and function-level imports alike) against its layers.

Function-level imports count as imports here, so one cannot hide a cycle; those that remain only defer an
expensive dependency (databricks-sdk, nicegui, pyspark) to the command that needs it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lakestream"

# Lowest first: a module may import its own layer and the layers below it, never one above.
LAYERS = [
    ("lakestream.sparksql",),  # Spark SQL: parsing, types, evaluator, escaping (imports nothing else of lakestream)
    ("lakestream.errors", "lakestream.durations", "lakestream.gc_pause", "lakestream.spark_local",
     "lakestream.labels",
     "lakestream.cep.runtime.params"),  # stdlib dataclasses shipped in lakestream_cep: the typed config `bind` builds
    ("lakestream.rowpattern",),  # MATCH_RECOGNIZE's SQL (PATTERN, DEFINE/MEASURES, spec): node checks use it
    ("lakestream.nodes",),  # node declarations: config models, ports, facets
    ("lakestream.references", "lakestream.schemas", "lakestream.pipeline", "lakestream.graph",
     "lakestream.change_feeds", "lakestream.catalogue", "lakestream.gallery",
     "lakestream.node_reference"),
    ("lakestream.cep", "lakestream.changes_runtime", "lakestream.connectors"),  # engines and runtimes
    ("lakestream.validate", "lakestream.editing", "lakestream.schema_inference"),
    ("lakestream.codegen", "lakestream.node_examples", "lakestream.cep.timeline", "lakestream.pattern_tests"),
    ("lakestream.store", "lakestream.deploy", "lakestream.code_edit", "lakestream.importing"),
    ("lakestream.ui",),
    ("lakestream.commands", "lakestream.cli", "lakestream.__main__", "lakestream.real_io"),  # the fronts
]
CORE = [name for layer in LAYERS[:-2] for name in layer]
NOT_YET: dict[tuple[str, str], str] = {}  # imports that still run upward, each with its reason: none


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _exists(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(path: Path, name: str | None = None) -> list[tuple[str, bool]]:
    """(imported lakestream module, whether inside a function) for every import of one module."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if _type_checking(child):
                continue  # annotations only
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend((a.name, inner) for a in child.names if a.name.startswith("lakestream"))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    parts = package.split(".")
                    base = ".".join(parts[:len(parts) - child.level + 1] + ([child.module] if child.module else []))
                else:
                    base = child.module or ""
                if base.startswith("lakestream"):
                    # `from package import module` depends on that module (its package runs first anyway)
                    subs = [f"{base}.{a.name}" for a in child.names if _exists(f"{base}.{a.name}")]
                    found.extend((sub, inner) for sub in subs or [base])
            visit(child, inner)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for path in PACKAGE.rglob("*.py"):
        if "node_modules" in path.parts:
            continue
        source = module_name(path)
        g.add_node(source)
        for target, in_function in imports(path):
            g.add_edge(source, target, in_function=in_function)
    return g


def layer(module: str) -> int:
    if module == "lakestream":
        return 0  # the package's own __init__
    best = max(((len(p), i) for i, names in enumerate(LAYERS) for p in names
                if module == p or module.startswith(p + ".")), default=None)
    if best is None:
        raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")
    return best[1]


GRAPH = graph()


def test_every_module_has_a_layer():
    for module in GRAPH:
        layer(module)


def test_imports_run_downward():
    upward = [f"{a} -> {b}" + (" (in a function)" if GRAPH.edges[a, b]["in_function"] else "")
              for a, b in GRAPH.edges if layer(b) > layer(a) and (a, b) not in NOT_YET]
    assert upward == []
    assert all(GRAPH.has_edge(*edge) for edge in NOT_YET), "an exception that no longer exists: remove it"


def test_no_import_cycle_even_through_function_level_imports():
    assert sorted(nx.simple_cycles(GRAPH)) == []


@pytest.mark.parametrize("forbidden", ["lakestream.cep", "lakestream.codegen"])
def test_nodes_import_neither_the_engine_nor_codegen(forbidden):
    # cep/runtime/params.py is declared below the nodes (LAYERS): standard-library dataclasses that ship in the
    # runtime package beside generated code, the typed config a node's `bind` builds; not the engine
    nodes = layer("lakestream.nodes")
    found = [f"{a} -> {b}" for a, b in GRAPH.edges
             if a.startswith("lakestream.nodes") and (b == forbidden or b.startswith(forbidden + "."))
             and layer(b) >= nodes and (a, b) not in NOT_YET]
    assert found == []


def test_the_core_never_imports_the_ui():
    core = [m for m in GRAPH if any(m == p or m.startswith(p + ".") for p in CORE)]
    assert [f"{a} -> {b}" for a in core for b in GRAPH.successors(a) if b.startswith("lakestream.ui")] == []


def test_the_checker_sees_function_level_and_relative_imports_but_not_type_checking_ones(tmp_path):
    source = tmp_path / "x.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from . import engine\n"
        "if TYPE_CHECKING:\n    from lakestream.ui import page\n"
        "def f():\n    from lakestream.codegen import generator\n"
    )
    assert imports(source, "lakestream.cep.x") == [("lakestream.cep.engine", False), ("lakestream.codegen.generator", True)]
