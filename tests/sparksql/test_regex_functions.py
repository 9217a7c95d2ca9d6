"""regexp_extract, regexp_replace and split in the engine: Java's semantics, each match bounded in time."""

from __future__ import annotations

import pytest

from lakestream.sparksql.evaluator import ExpressionCompiler
from lakestream.sparksql.runtime.javaregex import RegexError, RegexTimeout


def _value(text, row=None):
    return ExpressionCompiler().function(text)(row or {})


@pytest.mark.parametrize("text, expected", [
    ("regexp_extract('ab12cd', '([a-z]+)([0-9]+)', 2)", "12"),
    ("regexp_extract('ab12cd', '([a-z]+)([0-9]+)')", "ab"),  # group 1 by default
    ("regexp_extract('ab12cd', '([a-z]+)([0-9]+)', 0)", "ab12"),
    ("regexp_extract('xyz', '([0-9]+)', 1)", ""),  # no match: empty, not NULL
    ("regexp_extract('a', '(a)|(b)', 2)", ""),  # a group that took no part
    ("regexp_extract(NULL, 'a', 1)", None),
    ("regexp_replace('a1b22', '[0-9]+', '<$0>')", "a<1>b<22>"),
    ("regexp_replace('2024-03-10', '(\\\\d+)-(\\\\d+)-(\\\\d+)', '$3/$2/$1')", "10/03/2024"),
    ("regexp_replace('a.b', '\\\\.', '\\\\$')", "a$b"),  # \\$ is a literal $ in Java's replacement
    ("regexp_replace('aaa', 'a', 'b', 2)", "abb"),  # from the 1-based position on
    ("split('a,b,,', ',')", ["a", "b", "", ""]),  # Spark keeps trailing empty pieces
    ("split('a,b,c', ',', 2)", ["a", "b,c"]),
    ("split('', ',')", [""]),
    ("split('abc', '')", ["a", "b", "c", ""]),
    ("split(NULL, ',')", None),
])
def test_java_semantics(text, expected):
    assert _value(text) == expected


def test_an_invalid_pattern_from_the_data_names_it():
    with pytest.raises(RegexError, match=r"\(\["):
        _value("regexp_replace(s, p, 'x')", {"s": "abc", "p": "(["})


def test_a_catastrophic_pattern_stops_in_bounded_time():
    with pytest.raises(RegexTimeout):
        _value("regexp_replace(s, '^(c|cc)+$', 'x')", {"s": "c" * 45 + "x"})
