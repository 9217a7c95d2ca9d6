"""Spark SQL expressions evaluated in Python: NULL logic, casts, arithmetic, strings, and clear refusals."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

import pytest

from lakestream.sparksql.evaluator import (
    ExpressionCompiler,
    UnknownColumn,
    UnsupportedExpression,
    check_expression,
    compile_condition,
)

ROW = {"a": 7, "b": None, "d": 2.5, "s": "Hello", "t": datetime(2024, 3, 1, 12, 30), "z": 0, "n": "42", "flag": True}

CASES = [
    # three-valued logic
    ("NULL AND FALSE", False), ("NULL AND TRUE", None), ("NULL OR TRUE", True), ("NULL OR FALSE", None),
    ("NOT NULL", None), ("b > 1", None), ("b = b", None), ("b <=> NULL", True), ("a <=> b", False),
    ("b IS NULL", True), ("a IS NOT NULL", True), ("flag IS TRUE", True), ("b IS NOT TRUE", True),
    ("a IN (1, 7)", True), ("a IN (1, NULL)", None), ("a NOT IN (1, NULL)", None), ("a NOT IN (1, 2)", True),
    ("a BETWEEN 1 AND 7", True), ("a BETWEEN b AND 9", None), ("a NOT BETWEEN 8 AND 9", True),
    # arithmetic: integers stay integers, / is fractional, zero divisors give NULL, decimals are exact
    ("a + 1", 8), ("a / 2", 3.5), ("a div 2", 3), ("-7 div 2", -3), ("a % 3", 1), ("-7 % 3", -1),
    ("pmod(-7, 3)", 2), ("a / z", None), ("a % z", None), ("a div z", None), ("0.1 + 0.2 = 0.3", True),
    ("d * 2", 5.0), ("a + d", 9.5), ("a + b", None), ("2 * 3 + 4", 10), ("power(2, 10)", 1024.0),
    ("abs(-3)", 3), ("round(2.5)", Decimal(3)), ("round(d)", 3.0), ("round(-2.5)", Decimal(-3)),
    ("bround(2.5)", Decimal(2)),
    ("floor(d)", 2), ("ceil(d)", 3), ("sqrt(16)", 4.0), ("sign(-2)", -1.0), ("ln(0)", None),
    ("greatest(1, b, 3)", 3), ("least(b, 5, 2)", 2), ("greatest(b, NULL)", None),
    # comparisons with implicit casts
    ("n = 42", True), ("n > 5", True), ("'abc' < 'abd'", True), ("t > '2024-03-01'", True),
    ("t < '2024-03-01 12:30:00'", False), ("t = timestamp'2024-03-01 12:30:00'", True),
    # casts (non-ANSI: bad input is NULL)
    ("CAST(n AS INT) + 1", 43), ("CAST('x' AS INT)", None), ("CAST('1.9' AS INT)", 1), ("CAST(d AS INT)", 2),
    ("CAST(a AS STRING)", "7"), ("CAST(d AS STRING)", "2.5"), ("CAST(flag AS STRING)", "true"),
    ("CAST('yes' AS BOOLEAN)", True), ("CAST('maybe' AS BOOLEAN)", None), ("CAST(a AS DOUBLE)", 7.0),
    ("CAST('3.14159' AS DECIMAL(5,2))", Decimal("3.14")), ("CAST(t AS STRING)", "2024-03-01 12:30:00"),
    ("CAST('2024-01-02' AS DATE) < t", True),
    # strings
    ("upper(s)", "HELLO"), ("lower(s)", "hello"), ("length(s)", 5), ("s || '!'", "Hello!"),
    ("concat(s, b)", None), ("concat_ws('-', s, b, 'x')", "Hello-x"), ("substring(s, 2, 3)", "ell"),
    ("substr(s, -3)", "llo"), ("substring(s, 0, 2)", "He"), ("left(s, 2)", "He"), ("right(s, 2)", "lo"),
    ("instr(s, 'l')", 3), ("instr(s, 'z')", 0), ("trim('  x ')", "x"), ("startswith(s, 'He')", True),
    ("contains(s, 'ell')", True), ("replace(s, 'l', 'L')", "HeLLo"), ("lpad(s, 7, '*')", "**Hello"),
    ("rpad(s, 3)", "Hel"), ("s LIKE 'H%o'", True), ("s LIKE 'h%'", False), ("s ILIKE 'h%'", True),
    ("s LIKE 'H_llo'", True), ("'50%' LIKE '50!%' ESCAPE '!'", True), ("s NOT LIKE 'x%'", True),
    ("b LIKE 'x'", None), ("s RLIKE 'el+'", True), ("regexp_like(s, '^x')", False),
    # conditionals
    ("CASE WHEN a > 5 THEN 'big' WHEN a > 1 THEN 'mid' ELSE 'small' END", "big"),
    ("CASE WHEN b > 5 THEN 'big' END", None), ("CASE a WHEN 7 THEN 'seven' ELSE 'other' END", "seven"),
    ("if(b > 1, 'y', 'n')", "n"), ("coalesce(b, a, 1)", 7), ("nvl(b, 0)", 0), ("nullif(a, 7)", None),
    ("nvl2(b, 1, 2)", 2), ("isnull(b)", True), ("isnotnull(b)", False),
    # time
    ("hour(t)", 12), ("minute(t)", 30), ("year(t)", 2024), ("month(t)", 3), ("dayofweek(t)", 6),
    ("t + INTERVAL 30 MINUTES = timestamp'2024-03-01 13:00:00'", True), ("unix_seconds(t)", 1709296200),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_value_matches_spark(text, expected):
    value = ExpressionCompiler().function(text)(ROW)
    assert value == expected and type(value) is type(expected), (text, value)


def test_nan_sorts_above_numbers_and_equals_itself():
    f = ExpressionCompiler().function("x > 1e300 AND x = x")
    assert f({"x": math.nan}) is True


def test_condition_holds_only_when_true():
    holds = compile_condition("b > 1")
    assert holds(ROW) is False and compile_condition("a > 1")(ROW) is True


def test_columns_resolve_case_insensitively_and_unknown_ones_are_named():
    f = ExpressionCompiler(columns=["Amount"]).function("amount > 10")
    assert f({"Amount": 11}) is True
    with pytest.raises(UnknownColumn, match="'price'"):
        ExpressionCompiler(columns=["Amount"]).source("price > 1")


@pytest.mark.parametrize(
    ("text", "construct"),
    [
        ("my_udf(a)", "the function my_udf()"),
        ("current_timestamp() > t", "current_timestamp() is not deterministic"),
        ("rand() > 0.5", "rand() is not deterministic"),
        ("sum(a) > 1", "the aggregate sum()"),
        ("x.y = 1", "the qualified column x.y"),
        ("to_date(s, 'yyyy')", "to_date with a format"),
    ],
)
def test_unsupported_constructs_are_named(text, construct):
    with pytest.raises(UnsupportedExpression) as raised:
        ExpressionCompiler().source(text)
    assert construct in str(raised.value)
    assert construct in check_expression(text)


def test_a_subquery_is_refused_before_the_engine_sees_it():
    assert "contains a subquery" in check_expression("a IN (SELECT 1)")


def test_check_expression_accepts_supported_text():
    assert check_expression("a > 1 AND s LIKE 'x%'") is None
    assert "not a valid Spark SQL expression" in check_expression("a >")


def test_extension_points_let_a_subclass_read_navigation_functions():
    """What MATCH_RECOGNIZE does: PREV(col) reads the previous row, A.col a variable's row."""

    class Navigating(ExpressionCompiler):
        def column(self, node):
            if node.table:
                return f"rows[{node.table!r}].get({node.name!r})"
            return super().column(node)

        def call(self, name, node):
            if name == "prev":
                return f"prev.get({node.expressions[0].name!r})"
            return None

    f = Navigating().function("price > PREV(price) AND A.price < price", params="row, prev, rows")
    assert f({"price": 5}, {"price": 4}, {"A": {"price": 3}}) is True
    assert f({"price": 5}, {"price": 6}, {"A": {"price": 3}}) is False
