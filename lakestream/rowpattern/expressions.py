"""DEFINE / MEASURES expressions: Spark SQL text -> Python source (parsed with sqlglot, dialect spark).

Scalar semantics come from the shared compiler (lakestream.sparksql.evaluator, helpers in cep/runtime/sqlfuncs and
sqltext); this subclass adds the row-pattern parts: column references qualified by a variable or subset
read that variable's last row so far (running semantics), unqualified ones the current row; PREV/NEXT,
FIRST/LAST, RUNNING/FINAL, CLASSIFIER(), MATCH_NUMBER() and aggregates compile to runtime.py calls over
the match's labels. Runs at generation time only; the Python it produces needs only the runtime files.
"""

from __future__ import annotations

import math
import re

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from lakestream.sparksql import limits
from lakestream.sparksql.evaluator import ExpressionCompiler
from lakestream.rowpattern.pattern import variable_name
from lakestream.sparksql.parse import ExpressionError
from lakestream.sparksql.types import INTEGRAL, NUMERIC, canonical_name, wider_integral

_TOKEN = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|[A-Za-z_][A-Za-z0-9_]*|\s+|.", re.S)
_NAV = {"FIRST", "LAST", "PREV", "NEXT"}
_SPARK = Dialect.get_or_raise("spark")

_AGGREGATES = {exp.Sum: "a_sum", exp.Avg: "a_avg", exp.Min: "a_min", exp.Max: "a_max", exp.ArrayAgg: "a_array",
               exp.LogicalAnd: "a_bool_and", exp.LogicalOr: "a_bool_or", exp.Count: "a_count"}
_SPARK_COMPARE = {"eq": "eq", "ne": "neq", "gt": "gt", "ge": "ge", "lt": "lt", "le": "le"}


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

    def prev_solid(i):
        j = i - 1
        while j >= 0 and tokens[j].isspace():
            j -= 1
        return j

    out = list(tokens)
    for i, tok in enumerate(tokens):
        word = tok.upper()
        j = next_solid(i)
        if tok.startswith('"') and len(tok) > 2 and "`" not in tok:
            # a delimited variable in the standard's double quotes ("a".price, CLASSIFIER("a")) is Spark's `a`
            before = prev_solid(i)
            in_classifier = (before > 0 and tokens[before] == "(" and
                             tokens[prev_solid(before)].upper() == "CLASSIFIER")
            if (j < len(tokens) and tokens[j] == ".") or in_classifier:
                out[i] = f"`{tok[1:-1]}`"
            continue
        if word in ("RUNNING", "FINAL") and j < len(tokens) and re.match(r"[A-Za-z_]", tokens[j]):
            paren = next_solid(j)
            if paren < len(tokens) and tokens[paren] == "(" and paren in closing:
                out[i] = f"MR_{word}("
                out[closing[paren]] += ")"
        elif word in _NAV and j < len(tokens) and tokens[j] == "(":
            before = prev_solid(i)
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
        sql = rewrite(text)
        tokens = _SPARK.tokenize(sql)
        if limits.token_nesting(tokens) > limits.MAX_NESTING:  # before parsing, which recurses per level
            raise ExprError(limits.NESTING_MESSAGE)
        trees = _SPARK.parser().parse(tokens, sql)
        tree = trees[0] if trees else None  # a lone keyword (ELSE) parses to no statement at all
    except sqlglot.errors.SqlglotError as error:  # ParseError, TokenError (an unclosed quote), …
        errors = getattr(error, "errors", None)
        detail = errors[0]["description"] if errors else str(error).splitlines()[0]
        missing = re.match(r"Required keyword: '\w+' missing for <class '[\w.]*\.(\w+)'>", detail)
        if missing:
            detail = f"{missing.group(1).lower()}() is missing an argument"
        raise ExprError(f"is not a valid expression ({detail})") from None
    if tree is None:
        raise ExprError("is not a valid expression (it is empty)")
    if isinstance(tree, (exp.Command, exp.DDL, exp.DML, exp.Query)):
        raise ExprError("must be one expression, not a statement")
    if limits.too_deep(tree, len(tokens)):
        raise ExprError(limits.NESTING_MESSAGE)
    problem = limits.literal_regex_problem(tree, text)
    if problem:
        raise ExprError(problem)
    return tree


class _Scope:
    """Where column references point: a fixed row variable (inside navigation/aggregates) or none."""

    def __init__(self, row: str | None, end: str):
        self.row = row
        self.end = end  # 'c' (running) or 'e' (final)
        self.quals: set[str | None] = set()


_AGG_NODES = tuple(_AGGREGATES) + (exp.ArgMax, exp.ArgMin)
_BOOLEAN = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.And, exp.Or, exp.Not, exp.Is,
            exp.In, exp.Between, exp.Like, exp.ILike, exp.RegexpLike, exp.StartsWith, exp.EndsWith, exp.Contains,
            exp.ArrayContains, exp.Boolean)
_ARITH = {exp.Add: "add", exp.Sub: "sub", exp.Mul: "mul", exp.Div: "div", exp.Mod: "mod", exp.IntDiv: "intdiv",
          exp.Pow: "div"}
_STRING = (exp.DPipe, exp.Concat, exp.ConcatWs, exp.Lower, exp.Upper, exp.Trim, exp.Substring, exp.Replace,
           exp.Initcap, exp.Pad, exp.Left, exp.Right, exp.Reverse)
_INT = (exp.Length, exp.StrPosition, exp.Hour, exp.Minute, exp.Second, exp.Year, exp.Month, exp.Day,
        exp.DayOfMonth, exp.DayOfWeek, exp.ArraySize)
_SAME_AS_FIRST = (exp.Neg, exp.Paren, exp.Abs, exp.Round, exp.Coalesce, exp.Greatest, exp.Least, exp.Nullif)


class Compiler(ExpressionCompiler):
    """Compiles expressions of one MATCH_RECOGNIZE over known input columns.

    `columns`: input column names (None: unknown schema, any name accepted); `types`: their Spark types;
    `variables`: pattern variable names (ids are their positions); `subsets`: name -> member variables.
    """

    def __init__(self, columns, types, variables, subsets):
        super().__init__(columns)
        self.strict = columns is not None
        self.index = {c.lower(): i for i, c in enumerate(columns or [])}
        self.types = {c.lower(): str(t).strip().lower() for c, t in (types or {}).items()}
        self.var_ids = {v: i for i, v in enumerate(variables)}
        self.sets = {v: frozenset({i}) for v, i in self.var_ids.items()}
        for name, members in subsets.items():  # names as program.py normalised them (variable_name)
            self.sets[name] = frozenset(self.var_ids[m] for m in members)
        self.constants: dict[frozenset, str] = {}
        self.max_prev = 0
        self._n = 0
        self.in_define = True
        self.scope = _Scope(None, "c")

    # --- public ---

    def compile(self, text: str, *, define: bool) -> tuple[str, str]:
        """Return (python expression source, spark type) of one expression; raise ExprError."""
        self.in_define = define
        self.scope = _Scope(None, "c")
        tree = parse(text)
        try:
            return self.visit(tree), self.type_of(tree)
        except ExpressionError as error:
            raise ExprError(str(error)) from None

    def constants_source(self) -> str:
        """Module constants the compiled code refers to (the label-id sets of variables/subsets)."""
        return "".join(f"{name} = frozenset({sorted(ids)!r})\n" for ids, name in self.constants.items())

    # --- extension points of ExpressionCompiler ---

    def column(self, node: exp.Column) -> str:
        if isinstance(node.this, exp.Star):
            raise ExprError(f"{node.sql('spark')}: a variable's * is only allowed in count({node.table}.*)")
        qual = self._qualifier(node)
        idx = self._column_index(node.name)
        scope = self.scope
        if scope.row is not None:
            scope.quals.add(qual)
            return f"_rt.at(R, {scope.row}, {idx})"
        if qual is None and self.in_define:
            return f"R[c][{idx}]"  # the row being tested
        return f"_rt.at(R, _rt.last(L, s, {scope.end}, {self._vs(qual)}), {idx})"

    def call(self, name: str, node: exp.Expression) -> str | None:
        if isinstance(node, exp.Anonymous) and (name.startswith("mr_") or name in ("classifier", "match_number")):
            return self._row_pattern_call(name.upper(), node.expressions)
        if isinstance(node, _AGG_NODES):
            return self._aggregate(node)
        if isinstance(node, exp.AggFunc):
            raise ExprError(f"the aggregate {name}() is not supported in MATCH_RECOGNIZE (use count, sum, avg, min, "
                            "max, array_agg, max_by, min_by, bool_and or bool_or)")
        return None  # a scalar function: the shared compiler's

    def visit(self, node):
        if node is None:  # sqlglot leaves a required argument out of some calls, e.g. max_by(x)
            raise ExprError("a function is missing an argument")
        if isinstance(node, exp.In) and not node.expressions:
            raise ExprError(f"{_sql(node)}: IN takes a list in parentheses, e.g. v IN ('a', 'b')")
        try:
            return super().visit(node)
        except (KeyError, AttributeError, TypeError, IndexError):
            # the innermost node whose arguments the compiler could not read (e.g. substring(x) without a start)
            raise ExprError(f"{_sql(node)}: an argument is missing or of the wrong kind") from None

    def visit_literal(self, node):
        # Spark refuses a number literal beyond the double range; Python would print it as `inf`
        if not node.is_string and not math.isfinite(float(node.this)):
            raise ExprError(f"the number {node.this} is out of the range of a double")
        return super().visit_literal(node)

    # numbers compare without Spark's implicit casts: the same answer, a quarter of the time (DEFINE is hot)
    def _compare(self, node, fn: str) -> str:
        left, right = self.visit(node.this), self.visit(node.expression)
        numeric = self.type_of(node.this) in NUMERIC and self.type_of(node.expression) in NUMERIC
        return f"{'_rt.' + fn if numeric else '_f.' + _SPARK_COMPARE[fn]}({left}, {right})"

    def visit_eq(self, node):
        return self._compare(node, "eq")

    def visit_neq(self, node):
        return self._compare(node, "ne")

    def visit_gt(self, node):
        return self._compare(node, "gt")

    def visit_gte(self, node):
        return self._compare(node, "ge")

    def visit_lt(self, node):
        return self._compare(node, "lt")

    def visit_lte(self, node):
        return self._compare(node, "le")

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
        ident = node.args["table"]
        qual = ident.name if ident.quoted else ident.name.upper()
        if qual not in self.sets:
            raise ExprError(f"{node.sql('spark')}: {qual} is not a pattern variable or subset")
        return qual

    def _column_index(self, name: str) -> int:
        key = name.lower()
        if key not in self.index:
            if self.strict:
                known = ", ".join(sorted(self.index)) or "none"
                raise ExprError(f"column {name!r} is not in the input (columns: {known})")
            self.index[key] = len(self.index)
        return self.index[key]

    def _int(self, node, what: str) -> int:
        if not isinstance(node, exp.Literal) or node.is_string or not node.this.isdigit():
            raise ExprError(f"the offset of {what} must be a whole number ≥ 0, not {node.sql('spark')}")
        return int(node.this)

    def _visit_in(self, node, scope: _Scope) -> str:
        outer, self.scope = self.scope, scope
        try:
            return self.visit(node)
        finally:
            self.scope = outer

    # --- row pattern functions ---

    def _row_pattern_call(self, name: str, args) -> str:
        if name in ("MR_RUNNING", "MR_FINAL"):
            return self._semantics(name[3:], args[0])
        if name in ("MR_FIRST", "MR_LAST"):
            return self._logical(name[3:], args, self.scope.end)
        if name in ("MR_PREV", "MR_NEXT"):
            return self._physical(name[3:], args)
        if name == "CLASSIFIER" and args:
            return self._classifier_of(args)
        if args:
            raise ExprError(f"{name}() takes no argument")
        if name == "MATCH_NUMBER":
            return "mn"
        if self.scope.row is not None:
            return f"_rt.label(L, s, {self.scope.row}, NAMES)"
        if self.in_define:
            return "NAMES[L[-1]]"  # CLASSIFIER() of the row being tested: the variable it is tested for
        return f"_rt.label(L, s, {self.scope.end}, NAMES)"

    def _classifier_of(self, args) -> str:
        """CLASSIFIER(v): the variable of the row v's column references would read (v's last row so far)."""
        arg = args[0]
        if len(args) > 1 or not isinstance(arg, exp.Column) or arg.table or isinstance(arg.this, exp.Star):
            raise ExprError("CLASSIFIER takes no argument or one pattern variable or subset, e.g. CLASSIFIER(U)")
        ident = arg.this
        qual = ident.name if ident.quoted else ident.name.upper()
        if qual not in self.sets:
            raise ExprError(f"CLASSIFIER({arg.sql('spark')}): {qual} is not a pattern variable or subset")
        scope = self.scope
        if scope.row is not None:  # inside navigation it qualifies the row set, as a column reference would
            scope.quals.add(qual)
            return f"_rt.label(L, s, {scope.row}, NAMES)"
        return f"_rt.label(L, s, _rt.last(L, s, {scope.end}, {self._vs(qual)}), NAMES)"

    def _semantics(self, word, inner) -> str:
        if self.scope.row is not None:
            raise ExprError(f"{word} cannot be used inside navigation or an aggregate")
        if word == "FINAL" and self.in_define:
            raise ExprError("FINAL is not allowed in DEFINE (a row is tested before the match is complete)")
        is_nav = isinstance(inner, exp.Anonymous) and inner.name.upper() in ("MR_FIRST", "MR_LAST")
        if not (is_nav or isinstance(inner, _AGG_NODES)):
            raise ExprError(f"{word} applies to FIRST, LAST and aggregates only")
        return self._visit_in(inner, _Scope(None, "e" if word == "FINAL" else "c"))

    def _single_qualifier(self, scope: _Scope, what: str) -> str | None:
        if len(scope.quals) > 1:
            names = ", ".join(sorted(q or "(no variable)" for q in scope.quals))
            raise ExprError(f"{what}: its column references must all use the same variable, not {names}")
        return next(iter(scope.quals), None)

    def _inner(self, arg, what):
        """Compile `arg` against a fixed row variable; return (variable, code, qualifier)."""
        _refuse_nesting(arg, what)
        var = self._fresh()
        inner = _Scope(var, "c")
        code = self._visit_in(arg, inner)
        return var, code, self._single_qualifier(inner, what)

    @staticmethod
    def _bind(var, code, row_expr) -> str:
        # a plain column needs no lambda: read it at the row directly (the hot path of DEFINEs)
        direct = re.fullmatch(rf"_rt\.at\(R, {var}, (\d+)\)", code)
        if direct:
            return f"_rt.at(R, {row_expr}, {direct.group(1)})"
        return f"(lambda {var}: {code})({row_expr})"

    def _logical(self, word, args, end, shift=None) -> str:
        if self.scope.row is not None:
            raise ExprError(f"{word}() cannot be nested inside navigation or an aggregate")
        if not args or len(args) > 2:
            raise ExprError(f"{word}(expression [, offset]) takes one or two arguments")
        offset = self._int(args[1], word) if len(args) == 2 else 0
        var, code, qual = self._inner(args[0], word)
        row = f"_rt.{word.lower()}(L, s, {end}, {self._vs(qual)}, {offset})"
        if shift is not None:
            row = f"_rt.shift(R, {row}, {shift})"
        return self._bind(var, code, row)

    def _physical(self, word, args) -> str:
        if self.scope.row is not None:
            raise ExprError(f"{word}() cannot be nested inside navigation or an aggregate")
        if not args or len(args) > 2:
            raise ExprError(f"{word}(expression [, offset]) takes one or two arguments")
        offset = self._int(args[1], word) if len(args) == 2 else 1
        shift = -offset if word == "PREV" else offset
        if word == "PREV":
            self.max_prev = max(self.max_prev, offset)  # streaming keeps this many rows before a start
        target, end = args[0], self.scope.end
        if isinstance(target, exp.Anonymous) and target.name.upper() in ("MR_RUNNING", "MR_FINAL") \
                and target.expressions:  # PREV(FINAL LAST(A.price)): the semantics of the inner FIRST/LAST
            semantics, target = target.name.upper()[3:], target.expressions[0]
            if semantics == "FINAL" and self.in_define:
                raise ExprError("FINAL is not allowed in DEFINE (a row is tested before the match is complete)")
            if not (isinstance(target, exp.Anonymous) and target.name.upper() in ("MR_FIRST", "MR_LAST")):
                raise ExprError(f"{word}({semantics} …): inside {word}, {semantics} applies to FIRST or LAST only")
            end = "e" if semantics == "FINAL" else "c"
        if isinstance(target, exp.Anonymous) and target.name.upper() in ("MR_FIRST", "MR_LAST"):
            return self._logical(target.name.upper()[3:], target.expressions, end, shift)
        var, code, qual = self._inner(target, word)
        anchor = "c" if qual is None and self.in_define else f"_rt.last(L, s, {self.scope.end}, {self._vs(qual)})"
        direct = re.fullmatch(rf"_rt\.at\(R, {var}, (\d+)\)", code)
        if anchor == "c" and word == "PREV" and direct:  # PREV(col) in DEFINE, the hot path: inline it
            return f"(R[c - {offset}][{direct.group(1)}] if c >= {offset} else None)"
        return self._bind(var, code, f"_rt.shift(R, {anchor}, {shift})")

    def _aggregate(self, node) -> str:
        if self.scope.row is not None:
            raise ExprError(f"{node.sql('spark')}: aggregates cannot be nested")
        arg, end = node.this, self.scope.end
        if arg is None:
            raise ExprError(f"{node.sql('spark')}: count needs an argument: count(*), count(A.*) or count(expr)")
        if isinstance(node, (exp.ArgMax, exp.ArgMin)) and node.expression is None:
            name = "max_by" if isinstance(node, exp.ArgMax) else "min_by"
            raise ExprError(f"{name} takes two arguments: {name}(value, ordering)")
        distinct = isinstance(arg, exp.Distinct)
        if distinct:
            if isinstance(node, (exp.ArgMax, exp.ArgMin)) or len(arg.expressions) != 1:
                raise ExprError(f"{node.sql('spark')}: DISTINCT takes one argument, in count, sum, avg, min, max, "
                                "array_agg, bool_and or bool_or")
            arg = arg.expressions[0]
            if isinstance(arg, exp.Star) or (isinstance(arg, exp.Column) and isinstance(arg.this, exp.Star)):
                raise ExprError(f"{node.sql('spark')}: DISTINCT needs an expression, not *")
        if isinstance(node, exp.Count) and (isinstance(arg, exp.Star) or
                                            (isinstance(arg, exp.Column) and isinstance(arg.this, exp.Star))):
            qual = self._qualifier(arg) if isinstance(arg, exp.Column) else None
            return f"len(_rt.rows(L, s, {end}, {self._vs(qual)}))"
        if _has_aggregate(arg) or _has_navigation(arg):
            raise ExprError(f"{node.sql('spark')}: navigation and aggregates cannot be nested in an aggregate")
        var = self._fresh()
        inner = _Scope(var, end)
        code = self._visit_in(arg, inner)
        if isinstance(node, (exp.ArgMax, exp.ArgMin)):
            code = f"({code}, {self._visit_in(node.expression, inner)})"
            fn = "a_max_by" if isinstance(node, exp.ArgMax) else "a_min_by"
        else:
            fn = _AGGREGATES[type(node)]
        qual = self._single_qualifier(inner, node.sql("spark"))
        values = f"[{code} for {var} in _rt.rows(L, s, {end}, {self._vs(qual)})]"
        return f"_rt.{fn}(_rt.distinct({values}))" if distinct else f"_rt.{fn}({values})"

    # --- output types (for the node's output schema and the Spark output DDL) ---

    def type_of(self, node) -> str:
        """The Spark type of an expression's value (string when it cannot tell)."""
        if isinstance(node, exp.Column):
            found = self.types.get(node.name.lower(), "string")
            return canonical_name(found)  # long -> bigint, …
        if isinstance(node, exp.Literal):
            if node.is_string:
                return "string"
            return "int" if re.fullmatch(r"\d+", str(node.this)) and int(node.this) < 2**31 else (
                "bigint" if re.fullmatch(r"\d+", str(node.this)) else "double")
        if isinstance(node, _BOOLEAN):
            return "boolean"
        if type(node) in _ARITH:
            return _arith_type(_ARITH[type(node)], self.type_of(node.this), self.type_of(node.expression))
        if isinstance(node, _SAME_AS_FIRST):
            return self.type_of(node.this)
        if isinstance(node, exp.Case):
            branches = node.args.get("ifs") or []
            return self.type_of(branches[0].args["true"]) if branches else "string"
        if isinstance(node, exp.If):
            return self.type_of(node.args["true"])
        if isinstance(node, exp.Cast):
            return node.to.sql("spark").lower()
        if isinstance(node, _STRING):
            return "string"
        if isinstance(node, (exp.Floor, exp.Ceil)):
            return "bigint"
        if isinstance(node, _INT):
            return "int"
        if isinstance(node, (exp.Sqrt, exp.Exp, exp.Ln, exp.Log)):
            return "double"
        if isinstance(node, exp.Anonymous):
            name = node.name.upper()
            if name.startswith("MR_") and node.expressions:
                return self.type_of(node.expressions[0])
            return "bigint" if name == "MATCH_NUMBER" else "string"
        if isinstance(node, (exp.ArgMax, exp.ArgMin)):
            return self.type_of(node.this)
        if type(node) in _AGGREGATES:
            arg = node.this.expressions[0] if isinstance(node.this, exp.Distinct) else node.this
            star = arg is None or isinstance(arg, exp.Star) or isinstance(getattr(arg, "this", None), exp.Star)
            return _aggregate_type(_AGGREGATES[type(node)], None if star else self.type_of(arg))
        return "string"


def _sql(node) -> str:
    try:
        return node.sql("spark")
    except Exception:  # noqa: BLE001 - a malformed node may not print; name its kind instead
        return type(node).__name__.lower()


def _refuse_nesting(arg, what: str) -> None:
    """The standard's nesting rules, each refusal naming the construct (SQL:2016 5.6.2)."""
    for node in arg.walk():
        inner = node.name.upper() if isinstance(node, exp.Anonymous) else ""
        if inner in ("MR_PREV", "MR_NEXT"):
            if what in ("FIRST", "LAST"):
                raise ExprError(f"{what}({inner[3:]}(…)): physical navigation (PREV, NEXT) cannot be nested "
                                f"inside logical navigation (FIRST, LAST); the standard allows the reverse, "
                                f"e.g. PREV(LAST(A.price), 1)")
            raise ExprError(f"{what}({inner[3:]}(…)): PREV and NEXT cannot be nested in each other; "
                            f"give one offset instead, e.g. PREV(price, 2)")
        if inner in ("MR_FIRST", "MR_LAST"):
            if what in ("FIRST", "LAST"):
                raise ExprError(f"{what}({inner[3:]}(…)): FIRST and LAST cannot be nested in each other")
            raise ExprError(f"{what}(… {inner[3:]}(…) …): FIRST or LAST inside {what} must be its whole first "
                            f"argument, e.g. {what}(LAST(A.price), 1)")
        if inner in ("MR_RUNNING", "MR_FINAL"):
            raise ExprError(f"{what}: RUNNING and FINAL go before FIRST, LAST or an aggregate, "
                            f"e.g. {what}(FINAL LAST(A.price))" if what in ("PREV", "NEXT") else
                            f"{what}: RUNNING and FINAL cannot be used inside {what}")
        if isinstance(node, _AGG_NODES) or isinstance(node, exp.AggFunc):
            raise ExprError(f"{what}: an aggregate ({node.sql('spark')}) cannot be an argument of navigation")


def _has_aggregate(node) -> bool:
    return any(isinstance(n, _AGG_NODES) for n in node.walk())


def _has_navigation(node) -> bool:
    return any(isinstance(n, exp.Anonymous) and n.name.upper().startswith("MR_") for n in node.walk())


def _arith_type(fn, a, b):
    if fn == "div":
        return "double"
    if fn == "intdiv":
        return "bigint"
    return wider_integral(a, b) or "double"  # Spark widens to the wider operand (byte + int is int)


def _aggregate_type(fn, arg_type):
    if fn == "a_count":
        return "bigint"
    if fn in ("a_bool_and", "a_bool_or"):
        return "boolean"
    if fn == "a_avg":
        return "double"
    if fn == "a_sum":
        return "bigint" if arg_type in INTEGRAL else "double"
    if fn == "a_array":
        return f"array<{arg_type or 'string'}>"
    return arg_type or "string"
