"""Per-token completion of expression fields: the partial word at the cursor and what completes it (no nicegui)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_PARTIAL = re.compile(r"(`?)([A-Za-z_][A-Za-z0-9_]*)?$")
_ENDS_WORD = re.compile(r"[A-Za-z0-9_)`'\"]$")
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_WORD_REST = re.compile(r"^[A-Za-z0-9_]*`?")
KEYWORDS = ("AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "RLIKE", "BETWEEN", "CASE", "WHEN", "THEN", "ELSE",
            "END", "TRUE", "FALSE", "INTERVAL", "DISTINCT", "AS")
FUNCTIONS = ("abs", "avg", "cast", "coalesce", "concat", "count", "current_timestamp", "date_trunc", "greatest",
             "least", "length", "lower", "max", "min", "nullif", "regexp_extract", "round", "split", "substring",
             "sum", "to_timestamp", "trim", "upper")


@dataclass(frozen=True)
class Completion:
    label: str  # what the suggestion shows: a column, a keyword, a function
    value: str  # the field's whole text with the partial token replaced by it
    kind: str  # column | keyword | function
    cursor: int = -1  # where the caret goes after accepting it (-1: the end of value)


def in_string(text: str) -> bool:
    """True when the text ends inside a '...' or "..." literal (nothing to complete there)."""
    quote = None
    for char in text:
        if quote is None and char in "'\"":
            quote = char
        elif char == quote:
            quote = None  # a doubled quote ('') closes and reopens: still balanced
    return quote is not None


def partial_token(text: str) -> tuple[int, str]:
    """(start, partial) of the word being typed at the end of `text`: an identifier, with its opening
    backtick if it has one; ("", end of text) after a space, an operator or a parenthesis."""
    match = _PARTIAL.search(text)
    if match is None or in_string(text):
        return len(text), ""
    return match.start(), match.group(0)


def quoted(column: str) -> str:
    return column if _PLAIN.match(column) else "`" + column.replace("`", "``") + "`"


def complete(text: str, columns: Sequence[str], *, keywords: bool = True, limit: int = 12) -> list[Completion]:
    """What may complete the word at the end of `text`: the columns starting with it (case-insensitive), then
    SQL keywords and functions (not after a qualifier such as `STRT.`). An empty word (after a space or an
    operator) is completed by columns only."""
    if in_string(text):
        return []
    start, partial = partial_token(text)
    if not partial and _ENDS_WORD.search(text):
        return []  # right after a number, a literal or `)`: a column needs a space or an operator first
    word = partial.lstrip("`").lower()
    before = text[:start]
    found: list[Completion] = []

    def offer(label: str, insert: str, kind: str) -> None:
        if insert.lower() != partial.lower() and len(found) < limit:
            found.append(Completion(label, before + insert, kind))

    for column in columns:
        if column.lower().startswith(word):
            offer(column, quoted(column) if not partial.startswith("`") else f"`{column}`", "column")
    if keywords and word and not partial.startswith("`") and not before.endswith("."):  # not after STRT.
        for keyword in _starting(KEYWORDS, word):
            offer(keyword, keyword, "keyword")
        for function in _starting(FUNCTIONS, word):
            offer(f"{function}()", f"{function}(", "function")
    return found


def _starting(words: Iterable[str], prefix: str) -> list[str]:
    return [w for w in words if w.lower().startswith(prefix)]


def complete_at(text: str, cursor: int, columns: Sequence[str], **options) -> list[Completion]:
    """`complete` for the word before `cursor`: accepting a completion replaces that whole word (also its
    part after the cursor), keeps the rest of the text, and puts the caret right after the inserted word."""
    cursor = max(0, min(cursor, len(text)))
    tail = text[cursor:]
    tail = tail[_WORD_REST.match(tail).end():] if _PARTIAL.search(text[:cursor]).group(0) else tail
    return [Completion(c.label, c.value + tail, c.kind, len(c.value))
            for c in complete(text[:cursor], columns, **options) if c.value + tail != text]
