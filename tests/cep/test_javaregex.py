"""Regular expressions in the pattern engine: Java's syntax and meaning, a time bound per match, clear errors."""

from __future__ import annotations

import threading
import time

import pytest

from lakestream.sparksql.runtime import javaregex, sqltext
from lakestream.sparksql.runtime.javaregex import RegexError, RegexTimeout

# (pattern, text, what Java's Matcher.find() answers): tests/cep/test_javaregex_spark.py runs each on Spark
JAVA_CASES = [
    (r"\d+", "abc123", True), (r"\d", "\u0663", False), (r"\w", "é", False), (r"\s", "\u00a0", False),
    (r"[^\d]", "5", False), (r"[\D]", "x", True), (r"\W", "é", True),
    (r"\p{Alpha}", "é", False), (r"\p{Alpha}", "e", True), (r"\P{Digit}", "7", False), (r"[\p{Punct}]", "!", True),
    (r"\p{L}", "é", True), (r"\p{IsL}", "é", True), (r"\p{Lu}", "É", True), (r"\p{javaLowerCase}", "é", True),
    (r"\QA.B\E", "A.B", True), (r"\QA.B\E", "AxB", False), (r"\Q(a\E", "(a", True),
    (r"\x{41}", "A", True), (r"\0101", "A", True), (r"\e", "\x1b", True), (r"\cA", "\x01", True),
    (r"(?<n>x)\k<n>", "xx", True), (r"(?<n>x)\k<n>", "xy", False),
    (r"^[a-z&&[^aeiou]]+$", "xyz", True), (r"^[a-z&&[^aeiou]]+$", "xaz", False), (r"[a-d[m-p]]", "n", True),
    (r"a(?i)bc", "aBC", True), (r"a(?i)bc", "ABC", False), (r"(?i)straße", "STRASSE", False),
    (r"^a*+a", "aaa", False), (r"^(?>a|ab)c", "abc", False), (r"(?<=a)b", "ab", True),
    (r"a\Z", "a\n", True), (r"a\z", "a\n", False), (r"a$", "a\n", True),
    (r"\h", "\t", True), (r"\h", "\n", False), (r"\R", "\r\n", True), (r"\v", "\x0b", True),
    (r"a.c", "a\nc", False), (r"(?s)a.c", "a\nc", True), (r"(?m)^b", "a\nb", True),
    (r"\bt\b", "don't", True), (r"^(a+)+$", "a" * 16 + "b", False), ("", "x", True), ("x", "", False),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), JAVA_CASES, ids=[repr(c[0]) for c in JAVA_CASES])
def test_patterns_mean_what_they_mean_in_java(pattern, text, expected):
    assert sqltext.rlike(text, pattern) is expected


def test_the_issues_pattern_answers_at_once():
    started = time.process_time()
    assert sqltext.rlike("aaaaaaaaaaaaaaaaaaaaaaaaaaab", "^(a+)+$") is False
    assert time.process_time() - started < javaregex.TIMEOUT_S  # the regex module does not backtrack here


def test_a_catastrophic_match_stops_at_the_bound_with_a_clear_error():
    with pytest.raises(RegexTimeout) as caught:
        sqltext.rlike("c" * 45 + "x", "^(c|cc)+$")
    assert str(caught.value).startswith("the regular expression '^(c|cc)+$' took longer than 1 s on a value of 46 "
                                        "characters (catastrophic backtracking)")


def test_a_catastrophic_match_releases_the_gil():
    # another thread keeps running while the match backtracks (the server answers other clients meanwhile)
    ticks, done = [], threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.01)

    other = threading.Thread(target=count)
    other.start()
    started = time.perf_counter()
    try:
        with pytest.raises(RegexTimeout):
            sqltext.rlike("c" * 45 + "x", "^(c|cc)+$")
    finally:
        done.set()
        other.join()
    during = [t for t in ticks if t > started + 0.2]
    assert len(during) >= 10, f"the other thread ran only {len(during)} times while the match ran"
    assert max(b - a for a, b in zip(during, during[1:])) < 0.5  # never held up for long


def test_like_never_backtracks_far():
    assert sqltext.like("abc", "a%c") is True and sqltext.ilike("ABC", "a_c") is True
    assert sqltext.like("a%c", "a\\%c") is True and sqltext.like("abc", "a\\%c") is False
    assert sqltext.like("x" * 100_000, "%x%x%x%x%x%x%y") is False  # no regex: at most len(s) x len(pattern) steps


@pytest.mark.parametrize(("pattern", "reason"), [
    ("([", "unterminated character set"), ("(", "missing )"), ("a**", "multiple repeat"),
    (r"\p{NoSuchProperty}", "unknown property"),
])
def test_invalid_patterns_say_why(pattern, reason):
    with pytest.raises(RegexError) as caught:
        sqltext.rlike("x", pattern)
    assert str(caught.value) == f"the regular expression {pattern!r} is invalid ({reason})"


def test_long_patterns_are_shortened_in_messages():
    pattern = "(" + "a" * 200
    with pytest.raises(RegexError) as caught:
        javaregex.compile_pattern(pattern)
    assert repr(pattern[:60] + "…") in str(caught.value)


def test_null_pattern_or_value_is_null():
    assert sqltext.rlike(None, "x") is None and sqltext.rlike("x", None) is None
