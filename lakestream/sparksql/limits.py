"""Limits on what users write, stated in their errors: expression nesting and regular expressions in literals."""

from __future__ import annotations

import re

from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from lakestream.sparksql.runtime.javaregex import RegexError, compile_pattern, shown

MAX_NESTING = 100  # levels of parentheses, calls and chained operators: far past any real condition, and
# well inside the recursion the parser, the code generators and Python's own compiler allow
NESTING_MESSAGE = (f"is nested too deeply: at most {MAX_NESTING} levels of parentheses, function calls and "
                   "chained operators; split it into several fields or nodes")
_OPEN = {TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE}
_CLOSE = {TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE}
# the functions whose second argument (`expression` in sqlglot) is a Java regular expression in Spark
_REGEX_FUNCTIONS = (exp.RegexpLike, exp.RegexpExtract, exp.RegexpExtractAll, exp.RegexpReplace, exp.RegexpSplit,
                    exp.RegexpCount, exp.RegexpSubstr, exp.RegexpInstr, exp.RegexpILike)
_REGEX_WORDS = re.compile(r"rlike|regexp|split", re.IGNORECASE)  # every spelling of those functions


def token_nesting(tokens: list[Token]) -> int:
    """The deepest bracket nesting of a token list (checked before parsing, which recurses per level)."""
    depth = deepest = 0
    for token in tokens:
        if token.token_type in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif token.token_type in _CLOSE:
            depth -= 1
    return deepest


def tree_depth(tree: exp.Expression) -> int:
    """The depth of a parsed tree, counted without recursion (`a + a + … + a` nests without brackets)."""
    deepest, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        deepest = max(deepest, depth)
        pending += [(child, depth + 1) for child in node.iter_expressions()]
    return deepest


def too_deep(tree: exp.Expression, tokens: int | None = None) -> bool:
    """Whether the tree nests past the limit; `tokens` (the text's token count) skips the walk when too few
    to nest that deep (each token adds at most two levels)."""
    if tokens is not None and 2 * tokens + 2 <= MAX_NESTING + 2:
        return False
    return tree_depth(tree) > MAX_NESTING + 2  # a column is Column > Identifier: leaves are not levels


def literal_regex_problem(tree: exp.Expression, text: str) -> str | None:
    """Why a regular expression written as a literal in the tree (parsed from `text`) is invalid (None: all
    valid or none literal)."""
    if not _REGEX_WORDS.search(text):  # most expressions call no regex function: skip the walk
        return None
    for node in tree.find_all(*_REGEX_FUNCTIONS):
        pattern = node.expression
        if isinstance(pattern, exp.Literal) and pattern.is_string:
            try:
                compile_pattern(pattern.this)
            except RegexError as error:
                return f"has an invalid regular expression {shown(error.pattern)} ({error.reason})"
    return None
