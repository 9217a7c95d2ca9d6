"""Odd PATTERN / DEFINE / MEASURES text never gives an unexpected error: a refusal names its field and
construct (a UserError), and whatever compiles also runs over a few rows without a Python exception."""

from __future__ import annotations

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from lakestream.rowpattern.pattern import PatternError, parse_pattern
from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.errors import UserError

ROWS = [{"id": i, "price": p, "v": v, "ts": f"2026-01-01T00:00:0{i}"}
        for i, (p, v) in enumerate([(10, "a"), (8, "b"), (None, "c"), (12.5, None), (7, "a")])]
EXPR_TOKENS = ["A", "B", "U", "price", "id", "v", "ts", "A.price", "B.v", "U.id", "A.*", "*", "PREV", "NEXT",
               "FIRST", "LAST", "RUNNING", "FINAL", "CLASSIFIER", "MATCH_NUMBER", "count", "sum", "avg", "min",
               "max", "array_agg", "max_by", "bool_and", "median", "DISTINCT", "(", ")", "(", ")", ",", ".", "+",
               "-", "*", "/", "%", "||", "=", "<", ">=", "<>", "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN",
               "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "AS", "INT", "0", "1", "2", "-1", "1.5", "'a'", "''",
               '"A"', "`A`", '"', "`", "'", "true", "coalesce", "abs", "upper", "length", ";", "SELECT", "[", "]",
               "{", "}", "?", "1e400", "99999999999999999999"]
# what a Python exception leaking into a message looks like
PYTHON_LEAKS = ("unexpected error", "Traceback", "NoneType", "object has no attribute", "not subscriptable",
                "unsupported operand", "object is not", "<class", "Error(")
PATTERN_TOKENS = ["A", "B", "C", "U", "(", ")", "()", "|", "*", "+", "?", "*?", "+?", "{", "}", "{2}", "{,}",
                  "{1,}", "{,3}", "{3,1}", "{0}", ",", "^", "$", "{-", "-}", "PERMUTE", '"a"', "`B`", '"', "#", " "]


LEAVES = ["price", "id", "v", "ts", "A.price", "B.price", "U.price", "A.v", "U.id", "A.*", "*", "0", "2", "-1",
          "1.5", "'a'", "NULL", "true", '"A".price', "`U`.id", "B"]
FUNCTIONS = ["PREV", "NEXT", "FIRST", "LAST", "CLASSIFIER", "MATCH_NUMBER", "count", "sum", "avg", "min", "max",
             "array_agg", "max_by", "min_by", "bool_and", "bool_or", "coalesce", "abs", "upper", "length", "round",
             "concat", "greatest", "substring", "median", "size"]
OPERATORS = ["+", "-", "*", "/", "%", "||", "=", "<", ">=", "<>", "AND", "OR", "IS", "IN"]
# expressions that mostly parse: nested calls, operators and prefixes over columns and literals
structured = st.recursive(
    st.sampled_from(LEAVES),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(FUNCTIONS), st.lists(inner, max_size=3)).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        st.tuples(inner, st.sampled_from(OPERATORS), inner).map(" ".join),
        st.tuples(st.sampled_from(["RUNNING", "FINAL", "DISTINCT", "NOT", "-", "CAST(", "("]), inner).map(
            lambda t: f"{t[0]} {t[1]}" + (" AS INT)" if t[0] == "CAST(" else ")" if t[0] == "(" else "")),
    ),
    max_leaves=8)


def phrase(tokens):
    return st.lists(st.sampled_from(tokens), min_size=0, max_size=12).map(" ".join) | st.text(max_size=30)


def run(config):
    """Replay over ROWS: a UserError is a refusal (returned), anything else fails the test."""
    base = {"order_by": [{"column": "id"}], "pattern": "A B* C?", "subset": {"U": ["A", "B"]},
            "define": {"B": "price < PREV(price)"}, "measures": [{"expr": "count(*)", "alias": "n"}]}
    try:
        replay_match_recognize({**base, **config}, ROWS)
    except UserError as error:
        message = str(error)
        assert message and not any(leak in message for leak in PYTHON_LEAKS), message
        event("refused")  # --hypothesis-show-statistics: how many refused vs. ran
        return message
    event("ran")
    return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrase(EXPR_TOKENS), st.booleans())
# inputs that once escaped as Python errors (kept so every run tries them)
@example("ELSE", False)
@example("1e400", True)
@example("NOT price IN -1", False)
@example("max_by(price)", False)
@example("substring(price)", True)
@example("avg(v)", False)
@example("count()", False)
def test_odd_expressions_are_refused_by_name_or_run(text, in_define):
    config = {"define": {"B": text}} if in_define else {"measures": [{"expr": text, "alias": "x"}]}
    message = run(config)
    if message is not None:
        assert ("define" if in_define else "measures") in message


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured, st.booleans())
def test_structured_expressions_are_refused_by_name_or_run(text, in_define):
    test_odd_expressions_are_refused_by_name_or_run.hypothesis.inner_test(text, in_define)


@settings(max_examples=400, deadline=None)
@given(phrase(PATTERN_TOKENS))
def test_odd_patterns_are_refused_with_a_column_or_run(text):
    try:
        parse_pattern(text)
    except PatternError as error:
        assert 1 <= error.column <= len(text) + 1
    message = run({"pattern": text, "define": {}, "subset": {}})
    if message is not None:
        assert "pattern" in message or "config" in message


@settings(max_examples=200, deadline=None)
@given(phrase(EXPR_TOKENS + ["TO", "FIRST", "LAST", "PAST", "ROW", "NEXT"]), phrase(PATTERN_TOKENS))
def test_odd_skip_and_subset_names_are_refused_by_name(skip, name):
    message = run({"after_match_skip": skip, "subset": {name or "U": ["A"]}})
    if message is not None:
        assert "skip" in message or "subset" in message


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["id", "price", "v", "ts"]), st.booleans()), max_size=3),
       st.sampled_from([None, "1 minute", "2 seconds"]), phrase(PATTERN_TOKENS))
def test_any_order_by_and_within_are_refused_by_name_or_run(order, within, pattern):
    config = {"order_by": [{"column": c, "desc": d} for c, d in order], "within": within}
    if pattern.strip():
        config |= {"pattern": pattern, "define": {}, "subset": {}}
    message = run(config)
    if message is not None:
        assert any(field in message for field in ("within", "order_by", "pattern", "config", "WITHIN")), message
