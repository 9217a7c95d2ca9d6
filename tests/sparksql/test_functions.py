"""Spark's function list, the engine's status for each, and docs/functions.md generated from both."""

from __future__ import annotations

import re

import pytest

from lakestream.sparksql import functions
from tests.sparksql.function_cases import SIGNATURES, calls


def _scalar():
    return [f for f in functions.inventory()[1] if f.kind == "scalar"]


def test_every_function_the_engine_evaluates_runs_in_the_differential_test():
    evaluated = {f.name for f in _scalar() if functions.engine_status(f.name)[0]}
    assert evaluated == set(SIGNATURES)


def test_every_call_the_differential_test_makes_compiles():
    from lakestream.sparksql.evaluator import ExpressionCompiler

    for name in SIGNATURES:
        for text in calls(name):
            ExpressionCompiler().source(text)


UNPARSED = {">>>"}  # sqlglot does not read the operator: refused as "not a valid Spark SQL expression"


def test_every_refused_function_is_refused_by_name():
    # by its name, or by the Spark synonym sqlglot reads it as (sha1 -> sha(), date_sub -> date_add())
    names = {f.name for f in functions.inventory()[1]} | {"shiftleft", "shiftright"}
    unnamed = []
    for f in _scalar():
        ok, reason = functions.engine_status(f.name)
        named = re.search(r"(?:function|aggregate|construct '?)\s*([a-z_0-9]+)\(", reason.lower())
        if not ok and f.name not in UNPARSED and f.name not in reason.lower() and (
                named is None or named.group(1) not in names):
            unnamed.append((f.name, reason))
    assert unnamed == []


def test_known_differences_name_evaluated_functions():
    assert all(functions.engine_status(name)[0] for name in functions.KNOWN_DIFFERENCES)


@pytest.mark.parametrize("name, kind", [("abs", "scalar"), ("sum", "aggregate"), ("explode", "generator"),
                                        ("rand", "nondeterministic"), ("current_timestamp", "context"),
                                        ("row_number", "window"), ("+", "scalar"), ("range", "table")])
def test_functions_are_classified_as_spark_declares_them(name, kind):
    assert {f.name: f.kind for f in functions.inventory()[1]}[name] == kind


def test_the_docs_list_every_function_with_its_status():
    assert functions.DOCS.read_text(encoding="utf-8") == functions.render_docs(), (
        "run python -m lakestream.codegen.golden and commit docs/functions.md")
