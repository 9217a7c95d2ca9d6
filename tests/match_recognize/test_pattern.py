"""PATTERN parsing: the tree of each construct, and syntax errors that point at the column."""

from __future__ import annotations

import pytest

from lakestream.rowpattern.pattern import (
    Alt, Anchor, Empty, Exclude, PatternError, Permute, Quant, Seq, Var, parse_pattern, variables,
)

A, B, C = Var("A"), Var("B"), Var("C")


@pytest.mark.parametrize("text, tree", [
    ("a b+ c", Seq((A, Quant(B, 1, None), C))),
    ("A* B? C+?", Seq((Quant(A, 0, None), Quant(B, 0, 1), Quant(C, 1, None, greedy=False)))),
    ("A{2} B{2,} C{,3}", Seq((Quant(A, 2, 2), Quant(B, 2, None), Quant(C, 0, 3)))),
    ("A{1,3}?", Quant(A, 1, 3, greedy=False)),
    ("A | B C", Alt((A, Seq((B, C))))),
    ("(A | B)+ C", Seq((Quant(Alt((A, B)), 1, None), C))),
    ("PERMUTE(A, B, C)", Permute((A, B, C))),
    ("^ A $", Seq((Anchor("^"), A, Anchor("$")))),
    ("A {- B+ -} C", Seq((A, Exclude(Quant(B, 1, None)), C))),
    ("()", Empty()),
    ("() | A", Alt((Empty(), A))),
    ("permute_x", Var("PERMUTE_X")),
])
def test_trees(text, tree):
    assert parse_pattern(text) == tree


def test_permute_expands_in_lexicographic_order():
    alt = Permute((A, B, C)).expand()
    assert [tuple(v.name for v in s.items) for s in alt.options] == [
        ("A", "B", "C"), ("A", "C", "B"), ("B", "A", "C"), ("B", "C", "A"), ("C", "A", "B"), ("C", "B", "A")]


def test_variables_in_order_of_appearance():
    assert variables(parse_pattern("B (A | B)+ PERMUTE(C, A)")) == ["B", "A", "C"]


@pytest.mark.parametrize("text, column, fragment", [
    ("", 1, "empty"),
    ("A (B", 5, "expected ')'"),
    ("A B)", 4, "unexpected ')'"),
    ("A {- B", 7, "'-}'"),
    ("A{3,1}", 2, "minimum 3 is larger than its maximum 1"),
    ("A{x}", 2, "quantifier is {n}"),
    ("A++", 3, "cannot follow another quantifier"),
    ("A{,", 2, "a quantifier is"),
    ('A "b""c"', 5, "cannot contain its own quote character"),
    ('A "b', 3, "is not closed"),
    ('A ""', 3, "cannot be empty"),
    ("A | | B", 5, "expected a variable"),
    ("A #", 3, "unexpected '#'"),
    ("PERMUTE(A B", 12, "')' or ','"),
])
def test_errors_point_at_the_column(text, column, fragment):
    with pytest.raises(PatternError) as caught:
        parse_pattern(text)
    assert caught.value.column == column, str(caught.value)
    assert fragment in str(caught.value)
