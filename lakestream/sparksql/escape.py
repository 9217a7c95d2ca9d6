"""Escaping filters: the only way a user value reaches generated code (Python, SQL, identifiers, expressions)."""

from __future__ import annotations

import re
from functools import lru_cache

from sqlglot import exp

from lakestream.sparksql import types as spark_types
from lakestream.sparksql.parse import parse_expression


class Code(str):
    """Text that is already code (escaped, or built by the generator): templates print it as is."""


_PY_SCALARS = (str, int, float, bool, type(None))


def _check_py(value: object) -> None:
    if isinstance(value, _PY_SCALARS):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            _check_py(item)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            _check_py(key)
            _check_py(item)
        return
    raise TypeError(f"cannot write {type(value).__name__} as a Python literal")


def py(value: object) -> Code:
    """A Python literal for a str/number/bool/None or a list/tuple/dict of them (repr never breaks out)."""
    if type(value) is str or type(value) is Code:
        return Code(repr(str(value)))
    _check_py(value)
    if isinstance(value, tuple):
        value = list(value)
    return Code(repr(value))


# Spark's parser unescapes backslash sequences inside '...'; `$` is written as \u0024 because Spark
# substitutes ${var} anywhere in the SQL text, string literals included.
_SQL_ESCAPES = {"\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "$": "\\u0024"}


def sql(value: object) -> Code:
    """A Spark SQL literal: a string in single quotes with every special character escaped, or a number."""
    if isinstance(value, bool):
        return Code("true" if value else "false")
    if isinstance(value, (int, float)):
        return Code(repr(value))
    if value is None:
        return Code("NULL")
    if not isinstance(value, str):
        raise TypeError(f"cannot write {type(value).__name__} as a SQL literal")
    out = []
    for char in value:
        if char in _SQL_ESCAPES:
            out.append(_SQL_ESCAPES[char])
        elif ord(char) < 32 or 0x7F <= ord(char) <= 0x9F or char in "\u2028\u2029":  # line breaks of any kind
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return Code("'" + "".join(out) + "'")


@lru_cache(maxsize=65536)
def ident(name: str) -> Code:
    """A quoted Spark SQL identifier: `name` with backticks doubled (the name cannot end the quote)."""
    if not isinstance(name, str) or not name:
        raise TypeError("an identifier must be a non-empty string")
    problem = spark_types.name_problem(name)  # `${` too: backticks have no escape for it
    if problem:
        raise ValueError(f"identifier {name!r} {problem}")
    return Code(spark_types.quote_name(name))


def table(name: str) -> Code:
    """A quoted table name, each dotted part quoted on its own (`main`.`sales`.`orders`)."""
    parts = _split_table(name)
    return Code(".".join(ident(p) for p in parts))


def _split_table(name: str) -> list[str]:
    parts, current, quoted, i = [], "", False, 0
    while i < len(name):
        char = name[i]
        if char == "`":
            if quoted and name[i + 1 : i + 2] == "`":
                current += "`"
                i += 1
            else:
                quoted = not quoted
        elif char == "." and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
        i += 1
    parts.append(current)
    if quoted or not all(parts):
        raise ValueError(f"{name!r} is not a table name")
    return parts


@lru_cache(maxsize=16384)
def expr(text: str) -> Code:
    """One Spark SQL expression, re-rendered from its sqlglot parse tree (so no statement can ride along).

    Comments are dropped, and a string literal holding `$` or an unprintable character is written by `sql`
    (`$` as \\u0024, so Spark's ${…} substitution finds nothing); other literals keep sqlglot's rendering."""
    tree = parse_expression(text)
    return Code(tree.transform(_literal).sql(dialect="spark", comments=False))


def _literal(node: exp.Expression) -> exp.Expression:
    if isinstance(node, (exp.RawString, exp.National)) or isinstance(node, exp.Literal) and node.is_string:
        value = str(node.this)
        if "$" in value or not value.isprintable() or not isinstance(node, exp.Literal):
            return exp.Var(this=sql(value))
    return node


@lru_cache(maxsize=4096)
def spark_type(text: str) -> Code:
    """A Spark data type re-rendered from its parse tree (`decimal(12,2)`, ``struct<`a`:int>``): never the text."""
    return Code(spark_types.ddl(text))


_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def comment(text: str) -> Code:
    """Text safe inside a one-line # or -- comment: line breaks and other control characters become spaces,
    and `${` becomes `$ {` (Spark substitutes variables in SQL text before it drops comments)."""
    return Code(_BREAKS.sub(" ", str(text)).replace("${", "$ {"))


FILTERS = {"py": py, "sql": sql, "ident": ident, "table": table, "expr": expr, "comment": comment,
           "spark_type": spark_type}
