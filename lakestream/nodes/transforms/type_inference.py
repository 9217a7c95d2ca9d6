"""The Spark type of a SQL expression over a schema, inferred with sqlglot and corrected to Spark's rules."""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types
from sqlglot.optimizer.qualify import qualify

from lakestream.nodes.base import Schema
from lakestream.sparksql.parse import parse_expression
from lakestream.sparksql.types import INTEGRAL, INTEGRAL_DIGITS, NUMERIC, canonical_name, map_types
from lakestream.nodes.transforms.common import types_of, widen

# Spark result types sqlglot gets wrong or does not know, by (lower-case) function name.
_FUNCTION_TYPES = {
    **dict.fromkeys(("year", "month", "day", "dayofmonth", "dayofweek", "dayofyear", "hour", "minute", "second",
                     "quarter", "weekofyear", "cardinality", "size", "length", "datediff"), "int"),
    **{name: canonical_name(name) for name in NUMERIC},  # the cast functions: bigint(x), double(x)…
    **dict.fromkeys(("unix_timestamp", "unix_seconds", "unix_millis"), "bigint"),
    **dict.fromkeys(("sqrt", "log", "ln", "exp", "pow", "power"), "double"),
    **dict.fromkeys(("string", "md5", "sha1", "sha2", "to_json", "date_format", "format_number"), "string"),
    **dict.fromkeys(("isnull", "isnotnull", "array_contains", "rlike", "startswith", "endswith"), "boolean"),
    **dict.fromkeys(("date_trunc", "timestamp_seconds", "timestamp_millis", "to_timestamp"), "timestamp"),
    **dict.fromkeys(("make_date", "to_date", "date_add", "date_sub", "current_date"), "date"),
}


def _int_literals(node: exp.Expression) -> exp.Expression:
    # Spark types a whole-number literal that fits 32 bits as int; sqlglot would say bigint.
    if (isinstance(node, exp.Literal) and not node.is_string and re.fullmatch(r"\d+", node.this)
            and int(node.this) < 2**31 and node.find_ancestor(exp.Interval, exp.DataType) is None):
        return exp.Cast(this=node.copy(), to=exp.DataType.build("INT"))
    return node


def _spark_spelling(type_sql: str) -> str:
    return type_sql.lower().replace(" ", "").replace("`", "")


_DECIMAL = re.compile(r"^decimal\((\d+),(\d+)\)$")


def _operand(node: exp.Expression, schema: Schema) -> tuple[int, int, bool] | None:
    """(precision, scale, is a decimal) of a decimal-compatible operand as Spark sees it; None otherwise."""
    if isinstance(node, exp.Column):
        found = types_of(schema).get(node.name, "").replace(" ", "")
    elif isinstance(node, exp.Cast):
        found = _spark_spelling(node.to.sql("spark"))
    elif isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return len(node.this), 0, False  # Spark narrows an integer literal to the digits it has
    else:
        return None
    m = _DECIMAL.match(found)
    if m:
        return int(m.group(1)), int(m.group(2)), True
    return (INTEGRAL_DIGITS[found], 0, False) if found in INTEGRAL_DIGITS else None


def _decimal_of(node: exp.Expression, schema: Schema) -> tuple[int, int] | None:
    found = _operand(node, schema)
    return found[:2] if found else None


def _decimal_arithmetic(tree: exp.Binary, schema: Schema) -> str | None:
    """Spark's DecimalPrecision rule for + - * when a decimal takes part (None otherwise)."""
    left, right = _operand(tree.left, schema), _operand(tree.right, schema)
    if left is None or right is None or not (left[2] or right[2]):
        return None
    (p1, s1, _), (p2, s2, _) = left, right
    if isinstance(tree, exp.Mul):
        precision, scale = p1 + p2 + 1, s1 + s2
    else:
        scale = max(s1, s2)
        precision = max(p1 - s1, p2 - s2) + scale + 1
    return f"decimal({min(38, precision)},{min(scale, 38)})"


def _round_type(tree: exp.Expression, schema: Schema) -> str | None:
    """round/bround keep integral and double types; a decimal gets the requested scale."""
    args = tree.expressions if isinstance(tree, exp.Anonymous) else [tree.this, tree.args.get("decimals")]
    column = args[0] if args and isinstance(args[0], exp.Column) else None
    source = types_of(schema).get(column.name) if column is not None else None
    if source is None:
        return None
    decimal = _decimal_of(column, schema)
    if source.startswith("decimal") and decimal:
        digits = args[1] if len(args) > 1 and args[1] is not None else None
        scale = int(digits.this) if isinstance(digits, exp.Literal) and digits.this.isdigit() else 0
        return f"decimal({min(38, decimal[0] - decimal[1] + scale + 1)},{scale})"
    return "double" if source in ("float", "double") else (source if source in INTEGRAL else None)


_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def _top_level_rule(expression: str, tree: exp.Expression, schema: Schema) -> str | None:
    """Spark's type for the outermost call, where sqlglot is known to differ."""
    call = _CALL.match(expression) if isinstance(tree, exp.Func) else None
    name = call.group(1).lower() if call else ""
    if name in ("round", "bround"):
        return _round_type(tree, schema)
    if isinstance(tree, (exp.Add, exp.Sub, exp.Mul)):
        return _decimal_arithmetic(tree, schema)
    if isinstance(tree, exp.Bracket) and isinstance(tree.this, exp.Column):
        entry = map_types(types_of(schema).get(tree.this.name, ""))
        return entry[1] if entry else None
    return _FUNCTION_TYPES.get(name)


def _branches(node: exp.Expression) -> list[exp.Expression] | None:
    """The value branches of a conditional (sqlglot promotes them to bigint/double; Spark widens them)."""
    if isinstance(node, (exp.Coalesce, exp.Greatest, exp.Least)):
        return [node.this, *node.expressions]
    if isinstance(node, exp.If):
        return [node.args["true"], node.args.get("false")]
    if isinstance(node, exp.Case):
        return [i.args["true"] for i in node.args.get("ifs", [])] + [node.args.get("default")]
    return None


def _spelled(node: exp.Expression) -> str | None:
    found = node.type
    if found is None or found.this in (exp.DataType.Type.UNKNOWN, exp.DataType.Type.NULL):
        return None
    return _spark_spelling(found.sql("spark"))


def _widened(branches: list[exp.Expression | None]) -> str | None:
    types = [t for t in (_spelled(b) for b in branches if b is not None) if t is not None]
    common = types[0] if types else None
    for other in types[1:]:
        common = widen(common, other) if common else None
    return common


@lru_cache(maxsize=4096)
def _infer(expression: str, schema: Schema) -> str:
    tree = parse_expression(expression)
    rule = _top_level_rule(expression, tree, schema)
    if rule is not None:
        return rule
    tables = {"t": {c.name: c.type for c in schema}} if schema else {"t": {"_": "string"}}
    select = sqlglot.select(tree.copy().transform(_int_literals).as_("_result")).from_("t")
    select = qualify(select, schema=tables, dialect="spark", validate_qualify_columns=False)
    select = annotate_types(select, schema=tables, dialect="spark")
    result = select.selects[0]
    branches = _branches(result.this)
    return (_widened(branches) if branches is not None else _spelled(result)) or "string"


def infer_type(expression: str, schema: Schema) -> str:
    """The Spark type of an expression over `schema`: exact for a bare column, sqlglot's inference
    (with Spark's rules for literals and common functions) otherwise, "string" when it cannot tell."""
    parse_expression(expression)
    bare = expression.strip().strip("`")
    types = types_of(schema)
    if bare in types:
        return types[bare]
    try:
        return _infer(expression, schema)
    except Exception:  # noqa: BLE001 - sqlglot's optimizer raises many kinds; an unknown type is "string"
        return "string"
