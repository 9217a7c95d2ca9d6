"""Per-token completion of expression fields (the core the config form's expression fields use)."""

from __future__ import annotations

from lakestream.ui.completion import complete, complete_at, in_string, partial_token

COLUMNS = ["card_id", "category", "amount", "ts", "order date"]


def values(text, **options):
    return [c.value for c in complete(text, COLUMNS, **options)]


def test_the_partial_token_is_the_word_at_the_end():
    assert partial_token("amount > 10 AND ca") == (16, "ca")
    assert partial_token("amount > 10 AND ") == (16, "")
    assert partial_token("round(am") == (6, "am")
    assert partial_token("x = `ord") == (4, "`ord")
    assert partial_token("x = 'ca") == (7, "")  # inside a string literal: nothing to complete


def test_columns_complete_the_token_in_place_then_keywords_and_functions():
    completions = complete("amount > 10 AND ca", COLUMNS)
    assert [(c.label, c.kind) for c in completions] == [
        ("card_id", "column"), ("category", "column"), ("CASE", "keyword"), ("cast()", "function")]
    assert completions[0].value == "amount > 10 AND card_id"
    assert completions[3].value == "amount > 10 AND cast("
    assert values("amount > 10 AND CA", keywords=False) == ["amount > 10 AND card_id", "amount > 10 AND category"]


def test_an_empty_token_offers_every_column_and_odd_names_are_quoted():
    assert values("amount >= ") == ["amount >= card_id", "amount >= category", "amount >= amount", "amount >= ts",
                                    "amount >= `order date`"]
    assert values("`ord") == ["`order date`"]


def test_no_completion_inside_strings_after_a_complete_word_or_of_keywords_after_a_qualifier():
    assert values("merchant = 'ca") == [] and in_string("a = 'it''s") and not in_string("a = 'x' AND b")
    assert values("card_id") == [] and values("amount > 1") == [] and values("lower(x)") == []
    assert values("STRT.t") == ["STRT.ts"]
    assert len(complete("", COLUMNS, limit=3)) == 3


def test_completion_at_the_cursor_replaces_the_word_there_and_keeps_the_rest():
    at = complete_at("a AND ca OR b", 8, COLUMNS)
    assert (at[0].label, at[0].value, at[0].cursor) == ("card_id", "a AND card_id OR b", 13)
    # inside a word: the whole word is replaced, and a completion that changes nothing is not offered
    assert [c.value for c in complete_at("cat_x > 1", 3, COLUMNS) if c.kind == "column"] == ["category > 1"]
    assert all(c.value != "category > 1" for c in complete_at("category > 1", 3, COLUMNS))
    # after an operator in the middle: every column, inserted before the rest
    assert complete_at("x +  > 1", 4, COLUMNS)[0].value == f"x + {COLUMNS[0]} > 1"
    # at the end it is `complete`, with the caret at the end; inside a string, nothing
    assert [c.value for c in complete_at("amount > 10 AND ca", 18, COLUMNS)] == values("amount > 10 AND ca")
    assert complete_at("x = 'ca' AND y", 7, COLUMNS) == []
    assert complete_at("ab", 99, COLUMNS) == complete_at("ab", 2, COLUMNS)  # a cursor past the end is the end
