"""Spark SQL expressions parsed with sqlglot's spark dialect: one expression, never a statement or a variable."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from lakestream.sparksql import limits
from lakestream.sparksql.types import name_problem

logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallback warnings would reach users' logs

_SPARK = Dialect.get_or_raise("spark")
_SPARK_READERS = threading.local()  # one tokenizer and parser per thread: both reset at each use


def _parse_spark(text: str) -> list[exp.Expression | None]:
    """`_SPARK.parse(text)` without building a new tokenizer and parser each time (half its cost)."""
    readers = getattr(_SPARK_READERS, "pair", None)
    if readers is None:
        readers = _SPARK_READERS.pair = (_SPARK.tokenizer(), _SPARK.parser())
    tokenizer, parser = readers
    tokens = tokenizer.tokenize(text)
    if limits.token_nesting(tokens) > limits.MAX_NESTING:  # before parsing, which recurses per level
        raise ExpressionError(limits.NESTING_MESSAGE)
    trees = parser.parse(tokens, text)
    if any(t is not None and limits.too_deep(t, len(tokens)) for t in trees):
        raise ExpressionError(limits.NESTING_MESSAGE)
    return trees


class ExpressionError(ValueError):
    """A string that is not one Spark SQL expression."""


@lru_cache(maxsize=8192)
def parse_expression(text: str) -> exp.Expression:
    """Return the sqlglot tree of one Spark SQL expression; raise ExpressionError saying why not."""
    if not text or not text.strip():
        raise ExpressionError("is empty: write a Spark SQL expression such as amount > 100")
    try:
        trees = [t for t in _parse_spark(text) if t is not None]
    except sqlglot.errors.TokenError:
        raise ExpressionError(
            "is not a valid Spark SQL expression (a quote or bracket is not closed); "
            "write something like amount > 100 AND country = 'US'"
        ) from None
    except sqlglot.errors.ParseError as error:
        first = error.errors[0] if error.errors else {}
        detail = str(first.get("description", error))
        if "Required keyword" in detail or "Expected" in detail and "got" not in detail:
            detail = "it is incomplete"
        elif first.get("col"):
            detail = f"{detail.rstrip('.')} near column {first['col']}"
        raise ExpressionError(
            f"is not a valid Spark SQL expression ({detail}); "
            "write something like amount > 100 AND country = 'US'"
        ) from None
    except ExpressionError:
        raise  # the nesting limit, already worded
    except (ValueError, IndexError, TypeError, AttributeError):  # sqlglot's builders on a wrong argument count
        raise ExpressionError(
            "is not a valid Spark SQL expression (a function has the wrong number of arguments); "
            "write something like amount > 100 AND country = 'US'"
        ) from None
    if len(trees) != 1:
        raise ExpressionError("must be a single expression, not several statements; write something like amount > 100")
    tree = trees[0]
    statement = type(tree).__module__.rsplit(".", 1)[-1] in ("ddl", "dml")
    if statement or isinstance(tree, (exp.Query, exp.Alias, exp.Cache, exp.Command, exp.Star)):
        raise ExpressionError("must be a single expression, not a statement; write something like amount > 100")
    _refuse_variables(tree)
    return tree


_PARAMETERS = tuple(getattr(exp, n) for n in ("Parameter", "Placeholder", "SessionParameter") if hasattr(exp, n))


def _refuse_variables(tree: exp.Expression) -> None:
    """Spark substitutes ${…} in SQL text before parsing: no parameter, and no `${` inside a quoted name.
    No subquery either: an expression reads its node's input, never another table."""
    for node in tree.walk():
        if isinstance(node, exp.Query):
            raise ExpressionError(
                "contains a subquery (SELECT …): an expression reads only its node's input columns; "
                "bring another table in with a join node (stream-static join) instead"
            )
        if isinstance(node, _PARAMETERS):
            raise ExpressionError(
                "contains a parameter or variable (${…}, $1, @name, ? or :name): Spark would substitute it; "
                "write the value itself (text in quotes: '…')"
            )
        if isinstance(node, exp.Identifier) and (problem := name_problem(str(node.this))):
            raise ExpressionError(f"contains the name {str(node.this)!r}, which {problem}")


def expression_columns(text: str) -> frozenset[str]:
    """Return the unqualified column names an expression reads (lambda parameters excluded)."""
    columns: list[exp.Column] = []
    bound: set[str] = set()
    for node in parse_expression(text).bfs():  # one traversal finds both
        if isinstance(node, exp.Column):
            columns.append(node)
        elif isinstance(node, exp.Lambda):
            bound.update(str(p.name) for p in node.expressions)
    return frozenset(col.name for col in columns if not col.table and col.name and col.name not in bound)
