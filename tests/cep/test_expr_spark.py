"""The expression cases of test_expr.py evaluated by Spark itself give the same values (one batch query)."""

from __future__ import annotations

import math

import pytest

from tests.cep.test_expr import CASES, ROW
from tests.conftest import session_conf

pytestmark = pytest.mark.spark


def _same(python_value, spark_value):
    if isinstance(python_value, float) and isinstance(spark_value, float) and math.isnan(python_value):
        return math.isnan(spark_value)
    return python_value == spark_value


def test_spark_agrees_with_the_engine(spark):
    from lakestream.sparksql.evaluator import ExpressionCompiler

    # the engine follows non-ANSI Spark (NULL, not errors)
    with session_conf(spark, "spark.sql.ansi.enabled", "false"):
        frame = spark.createDataFrame(
            [tuple(ROW.values())],
            "a int, b int, d double, s string, t timestamp, z int, n string, flag boolean",
        )
        columns = [f"({text}) AS c{i}" for i, (text, _) in enumerate(CASES)]
        row = frame.selectExpr(*columns).collect()[0]
    mismatches = []
    for i, (text, _) in enumerate(CASES):
        ours = ExpressionCompiler().function(text)(ROW)
        if not _same(ours, row[f"c{i}"]):
            mismatches.append((text, ours, row[f"c{i}"]))
    assert mismatches == []
