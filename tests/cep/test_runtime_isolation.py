"""The per-key runtime ships beside generated code: its modules import only the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import lakestream.cep.runtime

RUNTIME = Path(lakestream.cep.runtime.__file__).parent
SPARK_SIDE = {"spark_processor.py"}  # the one module that drives the algorithms inside Spark


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_algorithms_import_only_the_standard_library():
    offenders = {
        path.name: sorted(m for m in _imports(path) if m not in sys.stdlib_module_names)
        for path in RUNTIME.glob("*.py")
        if path.name not in SPARK_SIDE
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_spark_side_needs_only_what_databricks_has():
    assert _imports(RUNTIME / "spark_processor.py") - sys.stdlib_module_names <= {"pandas", "pyspark"}
