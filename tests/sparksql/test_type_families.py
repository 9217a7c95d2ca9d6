"""Spark's type families have one home (lakestream/sparksql/runtime/typenames.py): no module keeps its own list."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lakestream.sparksql.runtime import typenames
from lakestream.sparksql.types import parse_type

ROOT = Path(__file__).resolve().parents[2] / "lakestream"
HOME = ROOT / "sparksql"
TYPE_NAMES = set(typenames.PRIMITIVES) | set(typenames.ALIASES)
NUMERIC_NAMES = set(typenames.NUMERIC) - {"float", "double"}  # the integral spellings


def _literals(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            yield node, [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        elif isinstance(node, ast.Dict) and not all(isinstance(v, ast.Constant) for v in node.values):
            # (a dict of constants translates Spark's types into another system's: PostgreSQL's, Avro's)
            yield node, [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]


def test_no_module_outside_sparksql_lists_a_type_family():
    # a family: two or more integral spellings, or both timestamp types, written out in a literal
    found = []
    for path in ROOT.rglob("*.py"):
        if HOME in path.parents or "node_modules" in path.parts:
            continue
        for node, names in _literals(ast.parse(path.read_text(encoding="utf-8"))):
            if len(set(names) & NUMERIC_NAMES) >= 2 or {"timestamp", "timestamp_ntz"} <= set(names):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert found == []


def test_the_checker_finds_a_family(tmp_path):
    tree = ast.parse('_INTS = {"int", "bigint"}\nTIME = ("timestamp", "timestamp_ntz")\nOK = ("int", "x")\n'
                     'CASTS = {"int": int, "long": int}\nPG = {"int": "integer", "bigint": "bigint"}\n')
    hits = [n for n, names in _literals(tree)
            if len(set(names) & NUMERIC_NAMES) >= 2 or {"timestamp", "timestamp_ntz"} <= set(names)]
    assert len(hits) == 3


@pytest.mark.parametrize("name", sorted(TYPE_NAMES))
def test_every_name_of_the_families_is_a_type_the_grammar_reads(name):
    assert parse_type(name).simple() == typenames.canonical_name(name)


def test_families_cover_every_spelling():
    assert set(typenames.INTEGRAL) == {"tinyint", "smallint", "int", "bigint", "byte", "short", "integer", "long"}
    assert set(typenames.FRACTIONAL) == {"float", "double", "real"}
    assert set(typenames.TIMESTAMPS) == {"timestamp", "timestamp_ntz", "timestamp_ltz"}
    assert typenames.wider_integral("byte", "long") == "bigint" and typenames.wider_integral("int", "double") is None
    assert typenames.is_numeric("decimal(10,2)") and not typenames.is_numeric("string")
