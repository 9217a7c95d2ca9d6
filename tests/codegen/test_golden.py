"""Golden files and static checks of every node type x target x profile (Spark's parser for SQL)."""

from __future__ import annotations

import difflib

import pytest

from lakestream.codegen import generate
from lakestream.codegen.golden import (GOLDEN_ROOT, TEMPLATE_ROOT, cases, golden_path, render_case,
                                     render_template_case, template_cases, template_golden_path)
from lakestream.codegen.registry import CONTEXTS, coverage_problems
from lakestream.codegen.samples import sample_pipeline
from lakestream.nodes import REGISTRY
from tests.codegen.helpers import python_problems, sql_statements

CASES = cases()
IDS = [f"{t}-{target}-{profile}" for t, target, profile in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_matches_golden(case):
    assert_golden(golden_path(*case), render_case(*case))


def assert_golden(path, actual: str) -> None:
    assert path.exists(), f"missing golden {path}: run python -m lakestream.codegen.golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, "".join(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True), "golden", "generated"))[:4000] + \
        "\nIf the change is intended: python -m lakestream.codegen.golden"


def test_no_stale_goldens():
    wanted = {golden_path(*case) for case in CASES}
    assert sorted(p for p in GOLDEN_ROOT.glob("*/*.txt") if p not in wanted) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_python_files_compile_cleanly(case):
    code = generate(sample_pipeline(case[0]), case[1], case[2])
    for path, generated in code.files.items():
        if generated.language == "python":
            assert python_problems(generated.text, path) == []


@pytest.mark.spark
def test_every_sql_statement_passes_sparks_parser(spark):
    parser = spark._jsparkSession.sessionState().sqlParser()
    checked = 0
    for type_id, target, profile in CASES:
        if target != "sdp-sql" or profile != "local":
            continue  # the Databricks rendering uses Databricks-only syntax (EXPECT, read_kafka named args)
        code = generate(sample_pipeline(type_id), target, profile)
        for path, generated in code.files.items():
            if generated.language != "sql":
                continue
            for statement in sql_statements(generated.text):
                try:
                    parser.parsePlan(statement)
                except Exception as error:  # py4j wraps the ParseException
                    raise AssertionError(f"{type_id} {profile} {path}:\n{statement}\n{error}") from None
                checked += 1
    assert checked >= len([c for c in CASES if c[1] == "sdp-sql" and c[2] == "local"])


def test_every_node_type_generates_every_target_it_claims():
    # A node type without a context function, or without a template for a target it claims, fails here.
    assert coverage_problems() == []
    assert len(CONTEXTS) == len(REGISTRY)


TEMPLATE_CASES = template_cases()
TEMPLATE_IDS = [f"{path.parent.name}-{target}-{profile}" for path, target, profile in TEMPLATE_CASES]


@pytest.mark.parametrize("case", TEMPLATE_CASES, ids=TEMPLATE_IDS)
def test_gallery_template_matches_golden(case):
    assert_golden(template_golden_path(*case), render_template_case(*case))


def test_no_stale_template_goldens():
    wanted = {template_golden_path(*case) for case in TEMPLATE_CASES}
    assert TEMPLATE_CASES and sorted(p for p in TEMPLATE_ROOT.glob("*/*.txt") if p not in wanted) == []
