"""The per-key runtime ships beside generated code: its modules import only the standard library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import lakestream.cep.runtime
import lakestream.sparksql.runtime

RUNTIME = Path(lakestream.cep.runtime.__file__).parent
SQL_RUNTIME = Path(lakestream.sparksql.runtime.__file__).parent  # shipped into the same package
SPARK_SIDE = {"spark_processor.py"}  # the one module that drives the algorithms inside Spark
OPTIONAL = {"javaregex.py": {"regex"}}  # imported when installed (bounded matches), else the standard `re`


def _fallbacks(tree: ast.AST) -> set[ast.AST]:
    """Imports in `except ImportError:` handlers: lakestream's own path to a module shipped as a sibling."""
    return {n for t in ast.walk(tree) if isinstance(t, ast.Try) for h in t.handlers
            if isinstance(h.type, ast.Name) and h.type.id == "ImportError" for n in ast.walk(h)}


def _imports(path: Path) -> set[str]:
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    fallbacks = _fallbacks(tree)
    for node in ast.walk(tree):
        if node in fallbacks and isinstance(node, ast.ImportFrom) and node.module.startswith("lakestream."):
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_algorithms_import_only_the_standard_library():
    offenders = {
        path.name: sorted(m for m in _imports(path) if m not in sys.stdlib_module_names | OPTIONAL.get(path.name, set()))
        for path in [*RUNTIME.glob("*.py"), *SQL_RUNTIME.glob("*.py")]
        if path.name not in SPARK_SIDE
    }
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_spark_side_needs_only_what_databricks_has():
    assert _imports(RUNTIME / "spark_processor.py") - sys.stdlib_module_names <= {"pandas", "pyspark"}


def test_regular_expressions_fall_back_to_the_standard_module_without_regex():
    # a cluster without `regex`: the shipped runtime still evaluates RLIKE and LIKE, with `re`, unbounded
    script = (
        "import sys; sys.modules['regex'] = None\n"
        "from lakestream.sparksql.runtime import javaregex, sqltext\n"
        "assert javaregex.BOUNDED is False\n"
        "assert sqltext.rlike('card-42', '[0-9]+$') is True and sqltext.rlike('card', '^x') is False\n"
        "assert sqltext.like('abc', 'a%') is True and sqltext.ilike('ABC', 'a_c') is True\n"
        "try:\n    sqltext.rlike('a', '([')\nexcept javaregex.RegexError as error:\n    print(error)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=SQL_RUNTIME.parents[2])
    assert done.returncode == 0, done.stderr
    assert "the regular expression '([' is invalid" in done.stdout
