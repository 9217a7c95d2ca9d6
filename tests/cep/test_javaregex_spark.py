"""Spark's own RLIKE, LIKE and ILIKE (Java's regex engine) answer every case of test_javaregex.py as the engine does."""

from __future__ import annotations

import pytest

from lakestream.sparksql.runtime import sqltext
from tests.cep.test_javaregex import JAVA_CASES

pytestmark = pytest.mark.spark

LIKE_CASES = [("abc", "a%c"), ("abc", "a_c"), ("a%c", "a\\%c"), ("abc", "a\\%c"), ("x" * 500, "%x%x%x%y"),
              ("ÉCOLE", "é%"), ("banana", "%an%an%"), ("", "%"), ("", "_"), ("a\nb", "a_b")]


def test_java_agrees_with_the_engine(spark):
    # values and patterns as columns: no SQL string-literal escaping between the two sides
    frame = spark.createDataFrame([(t, p) for p, t, _ in JAVA_CASES], "s string, p string")
    spark_answers = [r[0] for r in frame.selectExpr("s RLIKE p").collect()]
    engine_answers = [sqltext.rlike(t, p) for p, t, _ in JAVA_CASES]
    written = [expected for _, _, expected in JAVA_CASES]
    assert [(c[0], s) for c, s in zip(JAVA_CASES, spark_answers) if s != c[2]] == []  # the expectations are Java's
    assert engine_answers == spark_answers == written


def test_like_and_ilike_agree_with_spark(spark):
    frame = spark.createDataFrame(LIKE_CASES, "s string, p string")
    rows = frame.selectExpr("s LIKE p", "s ILIKE p").collect()
    assert [(sqltext.like(s, p), sqltext.ilike(s, p)) for s, p in LIKE_CASES] == [tuple(r) for r in rows]
