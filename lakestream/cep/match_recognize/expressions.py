"""DEFINE / MEASURES expressions: Spark SQL text -> Python source over runtime.py (parsed with sqlglot).

Runs at generation time only; the Python it produces needs nothing but runtime.py. Column references
qualified by a variable or subset read that variable's last row so far (running semantics), unqualified
ones the current row; navigation and aggregates compile to runtime calls over the match's labels.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\s+|.", re.S)
_NAV = {"FIRST", "LAST", "PREV", "NEXT"}

_COMPARE = {exp.EQ: "eq", exp.NEQ: "ne", exp.GT: "gt", exp.GTE: "ge", exp.LT: "lt", exp.LTE: "le"}
_ARITH = {exp.Add: "add", exp.Sub: "sub", exp.Mul: "mul", exp.Div: "div", exp.Mod: "mod", exp.IntDiv: "intdiv"}
_SCALAR = {exp.Abs: "abs", exp.Lower: "str.lower", exp.Upper: "str.upper", exp.Length: "len",
           exp.Floor: "_rt_floor", exp.Ceil: "_rt_ceil"}
_AGGREGATES = {exp.Sum: "a_sum", exp.Avg: "a_avg", exp.Min: "a_min", exp.Max: "a_max", exp.ArrayAgg: "a_array",
               exp.LogicalAnd: "a_bool_and", exp.LogicalOr: "a_bool_or", exp.Count: "a_count"}
_CASTS = {"DOUBLE": ("float", "double"), "FLOAT": ("float", "double"), "INT": ("int", "int"),
          "BIGINT": ("int", "bigint"), "STRING": ("str", "string"), "VARCHAR": ("str", "string"),
          "TEXT": ("str", "string")}
_NUMERIC = {"tinyint", "smallint", "int", "bigint", "float", "double", "byte", "short", "integer", "long"}


class ExprError(ValueError):
    """An expression the MATCH_RECOGNIZE compiler cannot accept; the message names the construct."""


def rewrite(text: str) -> str:
    """Make the row-pattern syntax parseable by sqlglot's Spark dialect.

    `RUNNING f(...)` / `FINAL f(...)` become `MR_RUNNING(f(...))`; FIRST/LAST/PREV/NEXT become MR_* calls
    (Spark's own FIRST/LAST take an ignore-nulls flag, not an offset, and sqlglot drops it).
    String literals and quoted identifiers are left alone.
    """
    tokens = _TOKEN.findall(text)
    closing: dict[int, int] = {}
    stack: list[int] = []
    for i, tok in enumerate(tokens):
        if tok == "(":
            stack.append(i)
        elif tok == ")" and stack:
            closing[stack.pop()] = i

    def next_solid(i):
        j = i + 1
        while j < len(tokens) and tokens[j].isspace():
            j += 1
        return j

    out = list(tokens)
    for i, tok in enumerate(tokens):
        word = tok.upper()
        j = next_solid(i)
        if word in ("RUNNING", "FINAL") and j < len(tokens) and re.match(r"[A-Za-z_]", tokens[j]):
            paren = next_solid(j)
            if paren < len(tokens) and tokens[paren] == "(" and paren in closing:
                out[i] = f"MR_{word}("
                out[closing[paren]] += ")"
        elif word in _NAV and j < len(tokens) and tokens[j] == "(":
            before = i - 1
            while before >= 0 and tokens[before].isspace():
                before -= 1
            if before < 0 or tokens[before] != ".":
                out[i] = f"MR_{word}"
    return "".join(out)


def parse(text: str) -> exp.Expression:
    """The sqlglot tree of a DEFINE/MEASURES expression; raise ExprError saying why not."""
    if not text or not text.strip():
        raise ExprError("is empty: write a condition such as price < PREV(price)")
    if ";" in text:
        raise ExprError("must be one expression, not statements")
    try:
        tree = sqlglot.parse_one(rewrite(text), read="spark")
    except sqlglot.errors.SqlglotError as error:  # ParseError, TokenError (an unclosed quote), …
        errors = getattr(error, "errors", None)
        detail = errors[0]["description"] if errors else str(error).splitlines()[0]
        raise ExprError(f"is not a valid expression ({detail})") from None
    if isinstance(tree, (exp.Command, exp.DDL, exp.DML, exp.Query)):
        raise ExprError("must be one expression, not a statement")
    return tree


class _Scope:
    """Where column references point: a fixed row variable (inside navigation/aggregates) or none."""

    def __init__(self, row: str | None, end: str):
        self.row = row
        self.end = end  # 'c' (running) or 'e' (final)
        self.quals: set[str | None] = set()


class Compiler:
    """Compiles expressions of one MATCH_RECOGNIZE over known input columns.

    `columns`: input column names (None: unknown schema, any name accepted); `types`: their Spark types;
    `variables`: pattern variable names (ids are their positions); `subsets`: name -> member variables.
    """

    def __init__(self, columns, types, variables, subsets):
        self.strict = columns is not None
        self.columns = {c.lower(): i for i, c in enumerate(columns or [])}
        self.types = {c.lower(): t for c, t in (types or {}).items()}
        self.var_ids = {v: i for i, v in enumerate(variables)}
        self.sets = {v: frozenset({i}) for v, i in self.var_ids.items()}
        for name, members in subsets.items():
            self.sets[name.upper()] = frozenset(self.var_ids[m.upper()] for m in members)
        self.constants: dict[frozenset, str] = {}
        self.max_prev = 0
        self._n = 0
        self.in_define = True

    # --- public ---

    def compile(self, text: str, *, define: bool) -> tuple[str, str]:
        """Return (python expression source, spark type) of one expression."""
        self.in_define = define
        return self._expr(parse(text), _Scope(None, "c"))

    def constants_source(self) -> str:
        """Module constants the compiled code refers to (the label-id sets of variables/subsets)."""
        return "".join(f"{name} = frozenset({sorted(ids)!r})\n" for ids, name in self.constants.items())

    # --- helpers ---

    def _fresh(self) -> str:
        self._n += 1
        return f"t{self._n}"

    def _vs(self, qual: str | None) -> str:
        if qual is None:
            return "None"
        ids = self.sets[qual]
        if ids not in self.constants:
            self.constants[ids] = f"VS{len(self.constants)}"
        return self.constants[ids]

    def _qualifier(self, node: exp.Column) -> str | None:
        if not node.table:
            return None
        qual = node.table.upper()
        if qual not in self.sets:
            raise ExprError(f"{node.sql('spark')}: {qual} is not a pattern variable or subset")
        return qual

    def _column_index(self, name: str) -> int:
        key = name.lower()
        if key not in self.columns:
            if self.strict:
                known = ", ".join(sorted(self.columns)) or "none"
                raise ExprError(f"column {name!r} is not in the input (columns: {known})")
            self.columns[key] = len(self.columns)
        return self.columns[key]

    def _int(self, node, what: str) -> int:
        if not isinstance(node, exp.Literal) or node.is_string or not node.this.isdigit():
            raise ExprError(f"the offset of {what} must be a whole number ≥ 0, not {node.sql('spark')}")
        return int(node.this)

    # --- the tree walk ---

    def _expr(self, node, scope: _Scope) -> tuple[str, str]:
        handler = getattr(self, f"_on_{type(node).__name__.lower()}", None)
        if handler is not None:
            return handler(node, scope)
        for kind, fn in _COMPARE.items():
            if isinstance(node, kind):
                return self._call(fn, [node.this, node.expression], scope), "boolean"
        for kind, fn in _ARITH.items():
            if isinstance(node, kind):
                a, ta = self._expr(node.this, scope)
                b, tb = self._expr(node.expression, scope)
                return f"_rt.{fn}({a}, {b})", _arith_type(fn, ta, tb)
        for kind, fn in _SCALAR.items():
            if isinstance(node, kind):
                code, typ = self._expr(node.this, scope)
                fn = fn.replace("_rt_", "math.")
                return f"_rt.call({fn}, {code})", "bigint" if kind in (exp.Length, exp.Floor, exp.Ceil) else typ
        if type(node) in _AGGREGATES or isinstance(node, (exp.ArgMax, exp.ArgMin)):
            return self._aggregate(node, scope)
        if isinstance(node, exp.Func):
            raise ExprError(f"the function {node.sql_name().lower()}() is not supported in MATCH_RECOGNIZE "
                            "expressions")
        raise ExprError(f"{node.sql('spark')}: {type(node).__name__} is not supported in MATCH_RECOGNIZE")

    def _call(self, fn, args, scope) -> str:
        return f"_rt.{fn}({', '.join(self._expr(a, scope)[0] for a in args)})"

    def _on_paren(self, node, scope):
        return self._expr(node.this, scope)

    def _on_literal(self, node, scope):
        if node.is_string:
            return repr(str(node.this)), "string"
        text = str(node.this)
        if re.fullmatch(r"\d+", text):
            return text, "int" if int(text) < 2**31 else "bigint"
        return repr(float(text)), "double"

    def _on_boolean(self, node, scope):
        return repr(bool(node.this)), "boolean"

    def _on_null(self, node, scope):
        return "None", "string"

    def _on_neg(self, node, scope):
        code, typ = self._expr(node.this, scope)
        return f"_rt.neg({code})", typ

    def _on_not(self, node, scope):
        return f"_rt.not3({self._expr(node.this, scope)[0]})", "boolean"

    def _on_and(self, node, scope):
        return self._call("and3", [node.this, node.expression], scope), "boolean"

    def _on_or(self, node, scope):
        return self._call("or3", [node.this, node.expression], scope), "boolean"

    def _on_is(self, node, scope):
        if not isinstance(node.expression, exp.Null):
            raise ExprError(f"{node.sql('spark')}: only IS NULL / IS NOT NULL are supported")
        return f"({self._expr(node.this, scope)[0]} is None)", "boolean"

    def _on_in(self, node, scope):
        if node.args.get("query") or not node.expressions:
            raise ExprError(f"{node.sql('spark')}: IN takes a list of values here, not a subquery")
        values = ", ".join(self._expr(v, scope)[0] for v in node.expressions)
        return f"_rt.in3({self._expr(node.this, scope)[0]}, ({values},))", "boolean"

    def _on_between(self, node, scope):
        return self._call("between", [node.this, node.args["low"], node.args["high"]], scope), "boolean"

    def _on_coalesce(self, node, scope):
        args = [node.this, *node.expressions]
        return self._call("coalesce", args, scope), self._expr(node.this, scope)[1]

    def _on_greatest(self, node, scope):
        return self._call("greatest", [node.this, *node.expressions], scope), self._expr(node.this, scope)[1]

    def _on_least(self, node, scope):
        return self._call("least", [node.this, *node.expressions], scope), self._expr(node.this, scope)[1]

    def _on_dpipe(self, node, scope):
        return self._call("concat", [node.this, node.expression], scope), "string"

    def _on_concat(self, node, scope):
        return self._call("concat", node.expressions, scope), "string"

    def _on_case(self, node, scope):
        subject = self._expr(node.this, scope)[0] if node.this else None
        default, typ = self._expr(node.args["default"], scope) if node.args.get("default") else ("None", None)
        code = default
        for branch in reversed(node.args["ifs"]):
            cond = self._expr(branch.this, scope)[0]
            if subject is not None:
                cond = f"_rt.eq({subject}, {cond})"
            value, typ = self._expr(branch.args["true"], scope)
            code = f"({value} if {cond} is True else {code})"
        return code, typ or "string"

    def _on_if(self, node, scope):
        cond = self._expr(node.this, scope)[0]
        value, typ = self._expr(node.args["true"], scope)
        other = self._expr(node.args["false"], scope)[0] if node.args.get("false") else "None"
        return f"({value} if {cond} is True else {other})", typ

    def _on_cast(self, node, scope):
        target = node.to.this.name if hasattr(node.to.this, "name") else str(node.to.this)
        if target not in _CASTS:
            raise ExprError(f"{node.sql('spark')}: CAST to {target.lower()} is not supported here")
        fn, typ = _CASTS[target]
        return f"_rt.call({fn}, {self._expr(node.this, scope)[0]})", typ

    _on_trycast = _on_cast

    def _on_column(self, node: exp.Column, scope: _Scope):
        if isinstance(node.this, exp.Star):
            raise ExprError(f"{node.sql('spark')}: a variable's * is only allowed in count({node.table}.*)")
        qual = self._qualifier(node)
        idx = self._column_index(node.name)
        typ = self.types.get(node.name.lower(), "string")
        if scope.row is not None:
            scope.quals.add(qual)
            return f"_rt.at(R, {scope.row}, {idx})", typ
        if qual is None and self.in_define:
            return f"R[c][{idx}]", typ  # the row being tested
        return f"_rt.at(R, _rt.last(L, s, {scope.end}, {self._vs(qual)}), {idx})", typ

    def _on_anonymous(self, node, scope):
        name = node.name.upper()
        args = node.expressions
        if name in ("MR_RUNNING", "MR_FINAL"):
            return self._semantics(name, args[0], scope)
        if name in ("MR_FIRST", "MR_LAST"):
            return self._logical(name, args, scope, scope.end)
        if name in ("MR_PREV", "MR_NEXT"):
            return self._physical(name, args, scope)
        if name == "CLASSIFIER":
            if args:
                raise ExprError("CLASSIFIER() takes no argument here")
            if scope.row is not None:
                return f"_rt.label(L, s, {scope.row}, NAMES)", "string"
            if self.in_define:
                return "NAMES[L[-1]]", "string"
            return f"_rt.label(L, s, {scope.end}, NAMES)", "string"
        if name == "MATCH_NUMBER":
            if args:
                raise ExprError("MATCH_NUMBER() takes no argument")
            return "mn", "bigint"
        raise ExprError(f"the function {node.name}() is not supported in MATCH_RECOGNIZE expressions")

    def _semantics(self, name, inner, scope):
        word = name[3:]
        if scope.row is not None:
            raise ExprError(f"{word} cannot be used inside navigation or an aggregate")
        if word == "FINAL" and self.in_define:
            raise ExprError("FINAL is not allowed in DEFINE (a row is tested before the match is complete)")
        is_nav = isinstance(inner, exp.Anonymous) and inner.name.upper() in ("MR_FIRST", "MR_LAST")
        if not (is_nav or type(inner) in _AGGREGATES or isinstance(inner, (exp.ArgMax, exp.ArgMin))):
            raise ExprError(f"{word} applies to FIRST, LAST and aggregates only")
        return self._expr(inner, _Scope(None, "e" if word == "FINAL" else "c"))

    def _single_qualifier(self, scope: _Scope, what: str) -> str | None:
        if len(scope.quals) > 1:
            names = ", ".join(sorted(q or "(no variable)" for q in scope.quals))
            raise ExprError(f"{what}: its column references must all use the same variable, not {names}")
        return next(iter(scope.quals), None)

    def _inner(self, arg, what):
        """Compile `arg` against a fixed row variable; return (variable, code, type, qualifier)."""
        var = self._fresh()
        inner = _Scope(var, "c")
        if isinstance(arg, exp.Anonymous) and arg.name.upper().startswith("MR_") or _has_aggregate(arg):
            raise ExprError(f"{what}: navigation and aggregates cannot be nested here")
        code, typ = self._expr(arg, inner)
        return var, code, typ, self._single_qualifier(inner, what)

    def _bind(self, var, code, row_expr):
        # a plain column needs no lambda: read it at the row directly (the hot path of DEFINEs)
        direct = re.fullmatch(rf"_rt\.at\(R, {var}, (\d+)\)", code)
        if direct:
            return f"_rt.at(R, {row_expr}, {direct.group(1)})"
        return f"(lambda {var}: {code})({row_expr})"

    def _logical(self, name, args, scope, end, shift=None):
        word = name[3:]
        if scope.row is not None:
            raise ExprError(f"{word}() cannot be nested inside navigation or an aggregate")
        if not args or len(args) > 2:
            raise ExprError(f"{word}(expression [, offset]) takes one or two arguments")
        offset = self._int(args[1], word) if len(args) == 2 else 0
        var, code, typ, qual = self._inner(args[0], word)
        fn = "first" if word == "FIRST" else "last"
        row = f"_rt.{fn}(L, s, {end}, {self._vs(qual)}, {offset})"
        if shift is not None:
            row = f"_rt.shift(R, {row}, {shift})"
        return self._bind(var, code, row), typ

    def _physical(self, name, args, scope):
        word = name[3:]
        if scope.row is not None:
            raise ExprError(f"{word}() cannot be nested inside navigation or an aggregate")
        if not args or len(args) > 2:
            raise ExprError(f"{word}(expression [, offset]) takes one or two arguments")
        offset = self._int(args[1], word) if len(args) == 2 else 1
        shift = -offset if word == "PREV" else offset
        if word == "PREV":
            self.max_prev = max(self.max_prev, offset)
        target = args[0]
        if isinstance(target, exp.Anonymous) and target.name.upper() in ("MR_FIRST", "MR_LAST"):
            return self._logical(target.name.upper(), target.expressions, scope, scope.end, shift)
        var, code, typ, qual = self._inner(target, word)
        if qual is None and self.in_define:
            anchor = "c"
        else:
            anchor = f"_rt.last(L, s, {scope.end}, {self._vs(qual)})"
        return self._bind(var, code, f"_rt.shift(R, {anchor}, {shift})"), typ

    def _aggregate(self, node, scope):
        if scope.row is not None:
            raise ExprError(f"{node.sql('spark')}: aggregates cannot be nested")
        if node.args.get("distinct") or isinstance(node.this, exp.Distinct):
            raise ExprError(f"{node.sql('spark')}: DISTINCT aggregates are not supported")
        arg = node.this
        if isinstance(node, exp.Count) and (isinstance(arg, exp.Star) or
                                            (isinstance(arg, exp.Column) and isinstance(arg.this, exp.Star))):
            qual = self._qualifier(arg) if isinstance(arg, exp.Column) else None
            return f"len(_rt.rows(L, s, {scope.end}, {self._vs(qual)}))", "bigint"
        var = self._fresh()
        inner = _Scope(var, scope.end)
        if _has_aggregate(arg) or _has_navigation(arg):
            raise ExprError(f"{node.sql('spark')}: navigation and aggregates cannot be nested in an aggregate")
        code, typ = self._expr(arg, inner)
        if isinstance(node, (exp.ArgMax, exp.ArgMin)):
            key = self._expr(node.expression, inner)[0]
            code, fn = f"({code}, {key})", "a_max_by" if isinstance(node, exp.ArgMax) else "a_min_by"
        else:
            fn = _AGGREGATES[type(node)]
        qual = self._single_qualifier(inner, node.sql("spark"))
        source = f"_rt.{fn}([{code} for {var} in _rt.rows(L, s, {scope.end}, {self._vs(qual)})])"
        return source, _aggregate_type(fn, typ)


def _has_aggregate(node) -> bool:
    return any(type(n) in _AGGREGATES or isinstance(n, (exp.ArgMax, exp.ArgMin)) for n in node.walk())


def _has_navigation(node) -> bool:
    return any(isinstance(n, exp.Anonymous) and n.name.upper().startswith("MR_") for n in node.walk())


def _arith_type(fn, a, b):
    if fn == "div":
        return "double"
    if fn == "intdiv":
        return "bigint"
    if a in ("int", "bigint") and b in ("int", "bigint"):
        return "bigint" if "bigint" in (a, b) else "int"
    if a in _NUMERIC or b in _NUMERIC:
        return "double"
    return a or b or "double"


def _aggregate_type(fn, arg_type):
    if fn == "a_count":
        return "bigint"
    if fn in ("a_bool_and", "a_bool_or"):
        return "boolean"
    if fn == "a_avg":
        return "double"
    if fn == "a_sum":
        return "bigint" if arg_type in ("int", "bigint", "tinyint", "smallint") else "double"
    if fn == "a_array":
        return f"array<{arg_type or 'string'}>"
    return arg_type or "string"
