"""A match_recognize config -> a runnable spec (a JSON-able dict with the compiled Python); errors name the field."""

from __future__ import annotations

import re

from lakestream.rowpattern.expressions import Compiler, ExprError
from lakestream.rowpattern.pattern import PatternError, parse_pattern, variable_name, variables
from lakestream.durations import duration_seconds

SKIP_MODES = ("PAST LAST ROW", "TO NEXT ROW", "TO FIRST", "TO LAST")
ROWS_PER_MATCH = ("ONE", "ALL", "ALL SHOW EMPTY MATCHES", "ALL OMIT EMPTY MATCHES", "ALL WITH UNMATCHED ROWS")


class SpecError(ValueError):
    """A config that cannot be compiled; `field` is its path in the config (e.g. 'define.B')."""

    def __init__(self, message: str, field: str):
        self.field = field
        super().__init__(message)


_SKIP = re.compile(r'\s*(?:AFTER\s+MATCH\s+SKIP\s+)?(?:(PAST\s+LAST\s+ROW|TO\s+NEXT\s+ROW)|TO\s+(?:(FIRST|LAST)\s+)?'
                   r'([A-Za-z_][A-Za-z0-9_]*|"[^"]+"|`[^`]+`))\s*', re.IGNORECASE)


def parse_skip(text: str) -> tuple[str, str | None]:
    """'TO LAST B' -> ('TO LAST', 'B'); 'TO B' means TO LAST B; 'TO "b"' keeps the delimited name's case.

    Raise ValueError for anything else.
    """
    match = _SKIP.fullmatch(text or "")
    if match and match.group(1):
        return " ".join(match.group(1).upper().split()), None
    if match and not (match.group(2) is None and match.group(3).upper() in ("FIRST", "LAST", "NEXT")):
        return f"TO {(match.group(2) or 'LAST').upper()}", variable_name(match.group(3))
    raise ValueError(f"{text!r} is not a skip mode: write PAST LAST ROW, TO NEXT ROW, TO FIRST v, TO LAST v or TO v")


def compile_spec(config, columns: list[str] | None, types: dict[str, str] | None = None) -> dict:
    """Compile a validated config over the input `columns` (None: not known yet); raise SpecError."""
    try:
        tree = parse_pattern(config.pattern)
    except PatternError as error:
        raise SpecError(f"PATTERN syntax error at {error}", "pattern") from None
    names = variables(tree)
    subsets = _subsets(config, names)
    defines = _defines(config, names)
    mode, target = parse_skip(config.after_match_skip)
    skip_vars = None
    if target is not None:
        if target not in names and target not in subsets:
            raise SpecError(f"AFTER MATCH SKIP {mode} {target}: {target} is not a pattern variable or subset",
                            "after_match_skip")
        members = subsets.get(target, [target])
        skip_vars = sorted(names.index(m) for m in members)
    _check_columns(config, columns)
    if config.within and not config.order_by:
        raise SpecError("WITHIN bounds a match in the time of the first ORDER BY column: add ORDER BY, or "
                        "remove WITHIN to replay in input order", "within")

    compiler = Compiler(columns, types, names, subsets)
    functions, define_refs = [], []
    for name in names:
        if name not in defines:
            define_refs.append("None")  # an undefined variable matches every row
            continue
        field, text = defines[name]
        try:
            code, _ = compiler.compile(text, define=True)
        except ExprError as error:
            raise SpecError(f"DEFINE {name}: {error}", field) from None
        functions.append(_function(f"d{len(define_refs)}", code, field, f"DEFINE {name}", text))
        define_refs.append(f"d{len(define_refs)}")
    aliases, measure_types = [], []
    taken = {c.lower() for c in (_output_head(config, columns) or [])}
    for i, measure in enumerate(config.measures):
        try:
            code, typ = compiler.compile(measure.expr, define=False)
        except ExprError as error:
            raise SpecError(f"MEASURES {measure.alias}: the expression {error}", f"measures[{i}].expr") from None
        if measure.alias.lower() in taken:
            raise SpecError(f"MEASURES: the name {measure.alias!r} is already an output column", f"measures[{i}].alias")
        taken.add(measure.alias.lower())
        aliases.append(measure.alias)
        measure_types.append(typ)
        functions.append(_function(f"m{i}", code, f"measures[{i}].expr", f"MEASURES {measure.alias}", measure.expr))
    source = (f"NAMES = {tuple(names)!r}\n" + compiler.constants_source() + "".join(functions)
              + f"DEFINES = [{', '.join(define_refs)}]\n"
              + f"MEASURES = [{', '.join(f'm{i}' for i in range(len(aliases)))}]\n")
    try:
        compile(source, "<match_recognize>", "exec")
    except (SyntaxError, RecursionError, MemoryError):  # Python's nesting limits (a CASE of hundreds of WHENs)
        raise SpecError("DEFINE and MEASURES nest too deeply for Python: simplify the longest expression",
                        "define") from None
    index = {c.lower(): i for i, c in enumerate(columns or [])}
    return {
        "columns": list(columns or []),
        "partition_by": [index[c.lower()] for c in config.partition_by] if columns is not None else [],
        "order_by": [[index[o.column.lower()], o.desc] for o in config.order_by] if columns is not None else [],
        "variables": names,
        "pattern": config.pattern,
        "skip": [mode, skip_vars, config.after_match_skip.strip()],
        "rows_per_match": " ".join(config.rows_per_match.upper().split()),
        "measure_aliases": aliases,
        "measure_types": measure_types,
        "within": duration_seconds(config.within) if config.within else None,
        "history": compiler.max_prev,
        "source": source,
    }


def _function(name: str, code: str, field: str, what: str, text: str) -> str:
    """The Python of one compiled expression; a failure on a row names its field (try costs nothing in 3.11)."""
    try:  # the compiler renders every node itself; this catches a combination it renders wrongly
        compile(code, "<expression>", "eval")
    except SyntaxError:
        raise SpecError(f"{what}: {text} cannot be compiled (a construct in it is not supported here)",
                        field) from None
    return (f"def {name}(R, L, s, c, e, mn):\n    try:\n        return {code}\n"
            f"    except _rt.EVAL_ERRORS as error:\n"
            f"        raise _rt.EvalError({field!r}, {what!r}, {text!r}, error) from None\n")


def _subsets(config, names: list[str]) -> dict[str, list[str]]:
    subsets: dict[str, list[str]] = {}
    for i, item in enumerate(config.subset):
        upper = variable_name(item.name)
        if upper in names:
            raise SpecError(f"SUBSET {item.name}: the name is already a pattern variable", f"subset[{i}].name")
        if upper in subsets:
            raise SpecError(f"SUBSET {item.name} is declared twice", f"subset[{i}].name")
        for member in item.variables:
            if variable_name(member) not in names:
                raise SpecError(f"SUBSET {item.name}: {member} is not a variable of the PATTERN "
                                f"(variables: {', '.join(names)})", f"subset[{i}].variables")
        subsets[upper] = [variable_name(m) for m in item.variables]
    return subsets


def _defines(config, names: list[str]) -> dict[str, tuple[str, str]]:
    """Variable -> (field path of its condition, condition text)."""
    defines: dict[str, tuple[str, str]] = {}
    for i, item in enumerate(config.define):
        upper = variable_name(item.variable)
        if upper not in names:
            raise SpecError(f"DEFINE {item.variable}: {item.variable} is not a variable of the PATTERN "
                            f"(variables: {', '.join(names)})", f"define[{i}].variable")
        if upper in defines:
            raise SpecError(f"DEFINE {item.variable} is defined twice", f"define[{i}].variable")
        defines[upper] = (f"define[{i}].condition", item.condition)
    return defines


def _check_columns(config, columns):
    if columns is None:
        return
    known = {c.lower() for c in columns}
    listing = ", ".join(columns) or "none"
    for i, column in enumerate(config.partition_by):
        if column.lower() not in known:
            raise SpecError(f"PARTITION BY {column}: no such input column (columns: {listing})", f"partition_by[{i}]")
    for i, item in enumerate(config.order_by):
        if item.column.lower() not in known:
            raise SpecError(f"ORDER BY {item.column}: no such input column (columns: {listing})",
                            f"order_by[{i}].column")


def _output_head(config, columns):
    if " ".join(config.rows_per_match.upper().split()) == "ONE":
        return list(config.partition_by)
    return columns
