"""Compile Spark SQL expressions (sqlglot, dialect spark) to Python source with Spark's semantics.

`ExpressionCompiler().function("amount > 100 AND country = 'US'")` returns a callable taking a row
(a mapping of column name to value, NULL = None) and returning the value, evaluated with Spark's
three-valued logic and implicit casts by the helpers in `runtime/sqlfuncs.py` and
`runtime/sqltext.py` (standard library only). Anything the engine cannot evaluate exactly raises
UnsupportedExpression naming the construct, so validation can report it instead of replaying a
wrong answer.

Extension points (MATCH_RECOGNIZE reuses this for DEFINE and MEASURES): subclass and override
- `column(node)`: the source text that reads a column (e.g. variable-qualified `A.price`);
- `call(name, node)`: the source text of a function call by lower-case name, before the built-in
  table (e.g. PREV/NEXT/FIRST/LAST, aggregates); return None to fall back to the built-ins;
- `namespace()`: extra names the generated source may use (your own helper objects).
`source(text)` returns the Python expression text; `function(text, params="row")` builds it into a
lambda with those parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlglot import exp

from lakestream.sparksql.runtime import sqlfuncs, sqltext
from lakestream.sparksql.parse import ExpressionError, parse_expression


class UnsupportedExpression(ExpressionError):
    """A construct the pattern engine cannot evaluate; `construct` names it."""

    def __init__(self, construct: str, reason: str = "is not supported by the pattern engine"):
        self.construct = construct
        super().__init__(f"{construct} {reason}")


class UnknownColumn(ExpressionError):
    def __init__(self, name: str, known: Iterable[str]):
        self.name = name
        super().__init__(f"refers to column {name!r}, which is not in the input ({', '.join(sorted(known)) or 'none'})")


_BINARY = {
    exp.EQ: "_f.eq", exp.NEQ: "_f.neq", exp.GT: "_f.gt", exp.GTE: "_f.ge", exp.LT: "_f.lt", exp.LTE: "_f.le",
    exp.NullSafeEQ: "_f.null_safe_eq", exp.And: "_f.and_", exp.Or: "_f.or_", exp.Add: "_f.add", exp.Sub: "_f.sub",
    exp.Mul: "_f.mul", exp.Div: "_f.div", exp.IntDiv: "_f.int_div", exp.Mod: "_f.mod", exp.DPipe: "_t.concat",
    exp.Pow: "_f.power", exp.StartsWith: "_t.startswith", exp.EndsWith: "_t.endswith", exp.Contains: "_t.contains",
    exp.RegexpLike: "_t.rlike", exp.Left: "_t.left", exp.Right: "_t.right", exp.ArrayContains: "_t.array_contains",
}
# Functions whose arguments are this(, expression...) in order: class -> helper
_UNARY = {
    exp.Not: "_f.not_", exp.Neg: "_f.neg", exp.Abs: "_f.abs_", exp.Floor: "_f.floor_", exp.Ceil: "_f.ceil_",
    exp.Sqrt: "_f.sqrt", exp.Exp: "_f.exp", exp.Ln: "_f.ln", exp.Sign: "_f.sign", exp.Upper: "_t.upper",
    exp.Lower: "_t.lower", exp.Length: "_t.length", exp.Reverse: "_t.reverse", exp.Hour: "_t.hour",
    exp.Minute: "_t.minute", exp.Second: "_t.second", exp.Year: "_t.year", exp.Month: "_t.month", exp.Day: "_t.day",
    exp.DayOfMonth: "_t.day", exp.DayOfWeek: "_t.dayofweek", exp.UnixSeconds: "_t.unix_seconds",
    exp.ArraySize: "_t.size",
}
# Anonymous (sqlglot does not model them) by name: helper and allowed argument counts
_NAMED = {
    "isnull": ("_f.is_null", (1,)), "isnotnull": ("_f.is_not_null", (1,)), "pmod": ("_f.pmod", (2,)),
    "bround": ("_f.bround", (1, 2)), "power": ("_f.power", (2,)), "ltrim": ("_t.trim", (1,)),
    "element_at": ("_t.element_at", (2,)), "date": ("_f.to_date", (1,)),
}
_CASTS = {
    "INT": "_f.to_integral", "BIGINT": "_f.to_int64", "SMALLINT": "_f.to_int16", "TINYINT": "_f.to_int8",
    "DOUBLE": "_f.to_double", "FLOAT": "_f.to_float", "TEXT": "_f.to_str", "VARCHAR": "_f.to_str",
    "BOOLEAN": "_f.to_bool", "TIMESTAMP": "_f.to_timestamp", "TIMESTAMPTZ": "_f.to_timestamp",
    "TIMESTAMPNTZ": "_f.to_timestamp", "TIMESTAMPLTZ": "_f.to_timestamp", "DATE": "_f.to_date",
}
_INTERVAL_SECONDS = {
    "MICROSECOND": 1e-6, "MILLISECOND": 1e-3, "SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400, "WEEK": 604800,
}
_NONDETERMINISTIC = (exp.CurrentTimestamp, exp.CurrentDate, exp.Rand)


class ExpressionCompiler:
    """Translate one sqlglot expression tree into Python source over the sqlfuncs helpers."""

    def __init__(self, columns: Iterable[str] | None = None):
        # Spark resolves column names case-insensitively; keep the input's own spelling
        self.columns = None if columns is None else {c.lower(): c for c in columns}

    # --- public API ------------------------------------------------------------------------

    def source(self, text: str | exp.Expression) -> str:
        """The Python expression text of a Spark SQL expression; raises ExpressionError subclasses."""
        tree = parse_expression(text) if isinstance(text, str) else text
        return self.visit(tree)

    def function(self, text: str | exp.Expression, params: str = "row") -> Callable[..., Any]:
        """A callable evaluating the expression (parameters `params`, a row mapping by default)."""
        try:
            code = f"lambda {params}: {self.source(text)}"
            return eval(compile(code, "<expression>", "eval"), self.namespace())  # noqa: S307 - our own source
        except (SyntaxError, RecursionError, MemoryError):  # Python's nesting limits (a CASE of hundreds of WHENs)
            raise ExpressionError("nests too deeply for the pattern engine (Python's own limits): simplify it to "
                                  "replay it") from None

    def namespace(self) -> dict[str, Any]:
        return {"_f": sqlfuncs, "_t": sqltext, "_D": Decimal}

    # --- extension points ------------------------------------------------------------------

    def column(self, node: exp.Column) -> str:
        if node.table:
            raise UnsupportedExpression(f"the qualified column {node.sql(dialect='spark')}")
        name = node.name
        if self.columns is not None:
            if name.lower() not in self.columns:
                raise UnknownColumn(name, self.columns.values())
            name = self.columns[name.lower()]
        return f"row.get({name!r})"

    def call(self, name: str, node: exp.Expression) -> str | None:
        """Source for a function by name before the built-ins; None means "not mine"."""
        return None

    # --- dispatch --------------------------------------------------------------------------

    def visit(self, node: exp.Expression) -> str:
        try:
            return self._dispatch(node)
        except (KeyError, AttributeError, TypeError, IndexError) as error:  # a call sqlglot built without an argument
            if isinstance(error, ExpressionError):
                raise
            raise UnsupportedExpression(f"{_shown(node)}:", "an argument is missing or of the wrong kind") from None

    def _dispatch(self, node: exp.Expression) -> str:
        name = _function_name(node)
        if name is not None:
            custom = self.call(name, node)
            if custom is not None:
                return custom
        method = getattr(self, f"visit_{type(node).__name__.lower()}", None)
        if method is not None:
            return method(node)
        if type(node) in _BINARY:
            return f"{_BINARY[type(node)]}({self.visit(node.this)}, {self.visit(node.expression)})"
        if type(node) in _UNARY:
            return f"{_UNARY[type(node)]}({self.visit(node.this)})"
        shown = _spark_name(node) or name  # as Spark spells it (sqlglot's own names differ: ts_or_ds_add)
        if isinstance(node, _NONDETERMINISTIC):
            raise UnsupportedExpression(f"{shown}()", "is not deterministic, so a replay could not reproduce it")
        if isinstance(node, exp.AggFunc):
            raise UnsupportedExpression(f"the aggregate {shown}()", "is not allowed in a per-event condition")
        if isinstance(node, exp.Func):
            raise UnsupportedExpression(f"the function {shown}()")
        raise UnsupportedExpression(f"the construct {node.sql(dialect='spark')!r}")

    def args(self, node: exp.Expression) -> list[str]:
        return [self.visit(a) for a in ([node.this] if node.this is not None else []) + list(node.expressions)]

    # --- leaves ------------------------------------------------------------------------------

    def visit_column(self, node: exp.Column) -> str:
        return self.column(node)

    def visit_literal(self, node: exp.Literal) -> str:
        text = node.this
        if node.is_string:
            return repr(text)
        if "e" in text.lower():
            return repr(float(text))
        if "." in text:  # Spark reads 1.5 as a DECIMAL literal, so 0.1 + 0.2 = 0.3 exactly
            return f"_D({text!r})"
        return repr(int(text))

    def visit_boolean(self, node: exp.Boolean) -> str:
        return "True" if node.this else "False"

    def visit_null(self, node: exp.Null) -> str:
        return "None"

    def visit_paren(self, node: exp.Paren) -> str:
        return self.visit(node.this)

    # --- logic and comparison ----------------------------------------------------------------

    def visit_is(self, node: exp.Is) -> str:
        value = self.visit(node.this)
        target = node.expression
        if isinstance(target, exp.Null):
            return f"({value} is None)"
        if isinstance(target, exp.Boolean):
            return f"({value} is {'True' if target.this else 'False'})"
        raise UnsupportedExpression(f"IS {target.sql(dialect='spark')}")

    def visit_in(self, node: exp.In) -> str:
        if node.args.get("query") or node.args.get("unnest") or node.args.get("field"):
            raise UnsupportedExpression("IN with a subquery")
        options = ", ".join(self.visit(e) for e in node.expressions)
        return f"_f.in_({self.visit(node.this)}, ({options},))"

    def visit_between(self, node: exp.Between) -> str:
        low, high = self.visit(node.args["low"]), self.visit(node.args["high"])
        return f"_f.between({self.visit(node.this)}, {low}, {high})"

    def _like(self, node: exp.Expression, escape: str = "\\") -> str:
        if isinstance(node.expression, (exp.Any, exp.All)):
            raise UnsupportedExpression("LIKE ANY / LIKE ALL")
        helper = "_t.ilike" if isinstance(node, exp.ILike) else "_t.like"
        text = f"{helper}({self.visit(node.this)}, {self.visit(node.expression)}, {escape!r})"
        return f"_f.not_({text})" if node.args.get("negate") else text

    def visit_like(self, node: exp.Like) -> str:
        return self._like(node)

    def visit_ilike(self, node: exp.ILike) -> str:
        return self._like(node)

    def visit_escape(self, node: exp.Escape) -> str:
        if not isinstance(node.this, (exp.Like, exp.ILike)) or not isinstance(node.expression, exp.Literal):
            raise UnsupportedExpression(f"the construct {node.sql(dialect='spark')!r}")
        return self._like(node.this, node.expression.this)

    def visit_case(self, node: exp.Case) -> str:
        subject = node.this
        text = self.visit(node.args["default"]) if node.args.get("default") else "None"
        for branch in reversed(node.args["ifs"]):
            test = self.visit(branch.this)
            if subject is not None:
                test = f"_f.eq({self.visit(subject)}, {test})"
            text = f"({self.visit(branch.args['true'])} if {test} is True else {text})"
        return text

    def visit_if(self, node: exp.If) -> str:
        otherwise = self.visit(node.args["false"]) if node.args.get("false") else "None"
        return f"({self.visit(node.args['true'])} if {self.visit(node.this)} is True else {otherwise})"

    def visit_coalesce(self, node: exp.Coalesce) -> str:
        return f"_f.coalesce({', '.join(self.args(node))})"

    def visit_nullif(self, node: exp.Nullif) -> str:
        return f"_f.nullif({self.visit(node.this)}, {self.visit(node.expression)})"

    def visit_nvl2(self, node: exp.Nvl2) -> str:
        otherwise = self.visit(node.args["false"]) if node.args.get("false") else "None"
        return f"({self.visit(node.args['true'])} if {self.visit(node.this)} is not None else {otherwise})"

    def visit_greatest(self, node: exp.Greatest) -> str:
        return f"_f.greatest({', '.join(self.args(node))})"

    def visit_least(self, node: exp.Least) -> str:
        return f"_f.least({', '.join(self.args(node))})"

    # --- casts, numbers, strings, time ----------------------------------------------------------

    def visit_cast(self, node: exp.Cast) -> str:
        if node.args.get("format"):
            raise UnsupportedExpression("a cast with a format")
        to = node.to
        kind = to.this.name if hasattr(to.this, "name") else str(to.this)
        value = self.visit(node.this)
        if kind == "DECIMAL":
            params = [int(p.this.this) for p in to.expressions] or [10, 0]
            precision, scale = (params + [0])[:2]
            return f"_f.to_decimal({value}, {precision}, {scale})"
        if kind not in _CASTS:
            raise UnsupportedExpression(f"a cast to {to.sql(dialect='spark')}")
        return f"{_CASTS[kind]}({value})"

    visit_trycast = visit_cast

    def visit_tsordstodate(self, node: exp.TsOrDsToDate) -> str:
        if node.args.get("format"):
            raise UnsupportedExpression("to_date with a format")
        return f"_f.to_date({self.visit(node.this)})"

    def visit_round(self, node: exp.Round) -> str:
        scale = self.visit(node.args["decimals"]) if node.args.get("decimals") else "0"
        return f"_f.round_({self.visit(node.this)}, {scale})"

    def visit_log(self, node: exp.Log) -> str:
        if node.expression is None:
            return f"_f.ln({self.visit(node.this)})"
        return f"_f.log({self.visit(node.this)}, {self.visit(node.expression)})"

    def visit_trim(self, node: exp.Trim) -> str:
        chars = self.visit(node.expression) if node.expression is not None else "' '"
        where = str(node.args.get("position") or "BOTH").lower()
        return f"_t.trim({self.visit(node.this)}, {chars}, {where!r})"

    def visit_substring(self, node: exp.Substring) -> str:
        length = self.visit(node.args["length"]) if node.args.get("length") else "None"
        return f"_t.substring({self.visit(node.this)}, {self.visit(node.args['start'])}, {length})"

    def visit_strposition(self, node: exp.StrPosition) -> str:
        start = self.visit(node.args["position"]) if node.args.get("position") else "1"
        return f"_t.instr({self.visit(node.this)}, {self.visit(node.args['substr'])}, {start})"

    def visit_replace(self, node: exp.Replace) -> str:
        replacement = self.visit(node.args["replacement"]) if node.args.get("replacement") else "''"
        return f"_t.replace({self.visit(node.this)}, {self.visit(node.expression)}, {replacement})"

    def visit_pad(self, node: exp.Pad) -> str:
        fill = self.visit(node.args["fill_pattern"]) if node.args.get("fill_pattern") else "' '"
        side = bool(node.args.get("is_left"))
        return f"_t.pad({self.visit(node.this)}, {self.visit(node.expression)}, {fill}, {side})"

    def visit_regexpextract(self, node: exp.RegexpExtract) -> str:
        if node.args.get("parameters"):
            raise UnsupportedExpression(f"the call {_shown(node)}")
        group = self.visit(node.args["group"]) if node.args.get("group") else "1"
        return f"_t.regexp_extract({self.visit(node.this)}, {self.visit(node.expression)}, {group})"

    def visit_regexpreplace(self, node: exp.RegexpReplace) -> str:
        if any(node.args.get(k) for k in ("occurrence", "modifiers", "single_replace")):
            raise UnsupportedExpression(f"the call {_shown(node)}")
        position = self.visit(node.args["position"]) if node.args.get("position") else "1"
        replacement = self.visit(node.args["replacement"]) if node.args.get("replacement") else "''"
        return f"_t.regexp_replace({self.visit(node.this)}, {self.visit(node.expression)}, {replacement}, {position})"

    def visit_regexpsplit(self, node: exp.RegexpSplit) -> str:
        limit = self.visit(node.args["limit"]) if node.args.get("limit") else "-1"
        return f"_t.split({self.visit(node.this)}, {self.visit(node.expression)}, {limit})"

    def visit_initcap(self, node: exp.Initcap) -> str:
        return f"_t.initcap({self.visit(node.this)})"

    def visit_concat(self, node: exp.Concat) -> str:
        return f"_t.concat({', '.join(self.args(node))})"

    def visit_concatws(self, node: exp.ConcatWs) -> str:
        return f"_t.concat_ws({', '.join(self.args(node))})"

    def visit_bracket(self, node: exp.Bracket) -> str:
        if len(node.expressions) != 1:
            raise UnsupportedExpression(f"the subscript {node.sql(dialect='spark')!r}")
        helper = "_t.element_at_1" if node.args.get("offset") == 1 else "_t.element_at"  # element_at(): 1-based
        return f"{helper}({self.visit(node.this)}, {self.visit(node.expressions[0])})"

    def visit_array(self, node: exp.Array) -> str:
        return f"[{', '.join(self.args(node))}]"

    def visit_interval(self, node: exp.Interval) -> str:
        unit = str(node.args.get("unit").name if node.args.get("unit") else "SECOND").upper().rstrip("S")
        amount = node.this
        if unit not in _INTERVAL_SECONDS or not isinstance(amount, exp.Literal):
            raise UnsupportedExpression(f"the interval {node.sql(dialect='spark')!r}")
        return f"_t.interval({float(amount.this) * _INTERVAL_SECONDS[unit]!r})"

    def visit_anonymous(self, node: exp.Anonymous) -> str:
        name = str(node.this).lower()
        if name not in _NAMED:
            raise UnsupportedExpression(f"the function {name}()")
        helper, counts = _NAMED[name]
        args = [self.visit(a) for a in node.expressions]
        if len(args) not in counts:
            raise UnsupportedExpression(f"{name}() with {len(args)} arguments")
        if name == "ltrim":
            return f"_t.trim({args[0]}, ' ', 'leading')"
        return f"{helper}({', '.join(args)})"


def _spark_name(node: exp.Expression) -> str | None:
    """The function name Spark SQL text gives a call (what the user wrote, or its Spark synonym)."""
    try:
        found = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(", node.sql(dialect="spark"))
    except Exception:  # noqa: BLE001 - a malformed node may not print
        return None
    return found.group(1).lower() if found else None


def _shown(node: exp.Expression) -> str:
    try:
        text = node.sql(dialect="spark")
    except Exception:  # noqa: BLE001 - a malformed node may not print; name its kind instead
        text = type(node).__name__.lower()
    return text if len(text) <= 60 else text[:57] + "…"


def _function_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return None


def compile_condition(text: str, columns: Iterable[str] | None = None) -> Callable[[Any], bool]:
    """A predicate row -> bool that holds only when the condition is TRUE (NULL fails, as in WHERE)."""
    evaluate = ExpressionCompiler(columns).function(text)
    return lambda row: evaluate(row) is True


def check_expression(text: str, columns: Iterable[str] | None = None) -> str | None:
    """The reason the engine cannot evaluate `text` (None when it can): for validation messages."""
    return _check(text, None if columns is None else tuple(columns))


@lru_cache(maxsize=8192)
def _check(text: str, columns: tuple[str, ...] | None) -> str | None:
    try:
        ExpressionCompiler(columns).source(text)
    except ExpressionError as error:
        return str(error)
    return None


def clear_caches() -> None:
    """Forget every parsed expression and engine check, process-wide (for measuring cold validation)."""
    parse_expression.cache_clear()
    _check.cache_clear()
