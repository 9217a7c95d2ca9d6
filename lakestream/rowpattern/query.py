"""A pasted MATCH_RECOGNIZE query (Oracle, Trino, Snowflake, Databricks or Flink) → the match_recognize
node's config, the source table it reads, and the columns it references with the types they show.

sqlglot parses the query when it can (it knows MATCH_RECOGNIZE for Oracle, Snowflake, Trino and Databricks,
not SUBSET or Flink's WITHIN); otherwise the clauses are split here (quotes, comments and parentheses
respected) and each expression is checked by the row-pattern compiler's own parser (`expressions.parse`).
Vendor spellings become the node's: Snowflake's LAG/LEAD in DEFINE are PREV/NEXT, Flink's MATCH_ROWTIME()
is the last row's event time, `WITHIN INTERVAL '1' HOUR` is `1 hour`; a delimited identifier keeps its case.
What cannot be mapped is listed in `unmapped`, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot import exp

from lakestream.rowpattern.expressions import ExprError
from lakestream.rowpattern.expressions import parse as parse_expression

# Clause heads inside MATCH_RECOGNIZE ( … ), in the order the standard writes them.
_CLAUSES = (
    ("partition", r"PARTITION\s+BY"), ("order", r"ORDER\s+BY"), ("measures", r"MEASURES"),
    ("rows", r"(?:ONE\s+ROW|ALL\s+ROWS)\s+PER\s+MATCH"), ("after", r"AFTER\s+MATCH\s+SKIP"),
    ("pattern", r"PATTERN"), ("within", r"WITHIN"), ("subset", r"SUBSET"), ("define", r"DEFINE"),
)
_UNITS = {"millisecond": "milliseconds", "second": "seconds", "minute": "minutes", "hour": "hours",
          "day": "days", "week": "weeks"}
_NUMERIC_FUNCTIONS = {"sum", "avg", "stddev", "variance", "abs", "round"}


class QueryError(ValueError):
    """Text that is not a MATCH_RECOGNIZE query; the message says what is missing or where it breaks."""


@dataclass
class PastedQuery:
    source: str  # the table (or view) the query reads, as written; "" for a subquery
    config: dict[str, Any]  # the match_recognize node's config
    columns: dict[str, str] = field(default_factory=dict)  # referenced column -> Spark type ("string" if unknown)
    unmapped: list[str] = field(default_factory=list)  # what could not be mapped, as sentences
    parser: str = ""  # "sqlglot (<dialect>)" or "clauses" (how the query was read)


# --- scanning: top-level structure with quotes and comments respected ----------------------------------

def _mask(text: str) -> str:
    """`text` with string literals, quoted identifiers and comments blanked (same length): keywords and
    parentheses found in the mask are real ones."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"`":
            j = i + 1
            while j < n:
                if text[j] == c:
                    if j + 1 < n and text[j + 1] == c:  # a doubled quote escapes itself
                        j += 2
                        continue
                    break
                j += 1
            for k in range(i + 1, min(j, n)):
                out[k] = " " if text[k] != "\n" else "\n"
            i = j + 1
        elif text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                out[k] = " " if text[k] != "\n" else "\n"
            i = j
        else:
            i += 1
    return "".join(out)


def _closing(mask: str, start: int) -> int:
    """Index of the parenthesis closing the one at `start`."""
    depth = 0
    for i in range(start, len(mask)):
        if mask[i] == "(":
            depth += 1
        elif mask[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    raise QueryError("A parenthesis opened after MATCH_RECOGNIZE is never closed")


def _top_level(mask: str, start: int, end: int) -> list[int]:
    """Offsets in [start, end) at parenthesis depth 0 (relative to start)."""
    depth, out = 0, []
    for i in range(start, end):
        if mask[i] in "([{":
            depth += 1
        elif mask[i] in ")]}":
            depth -= 1
        elif depth == 0:
            out.append(i)
    return out


def _split(text: str, mask: str, start: int, end: int, sep: str = ",") -> list[str]:
    """Pieces of text[start:end] between top-level separators."""
    cuts = [i for i in _top_level(mask, start, end) if mask[i] == sep]
    bounds = [start, *[c + 1 for c in cuts]]
    ends = [*cuts, end]
    return [text[a:b].strip() for a, b in zip(bounds, ends) if text[a:b].strip()]


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _clauses(text: str, mask: str, start: int, end: int) -> dict[str, tuple[int, int, str]]:
    """clause name -> (start, end, head text) inside the MATCH_RECOGNIZE parentheses."""
    level = set(_top_level(mask, start, end))
    heads = []
    for name, pattern in _CLAUSES:
        for m in re.finditer(rf"(?i)(?<![\w$]){pattern}(?![\w$])", mask[start:end]):
            if start + m.start() in level:
                heads.append((start + m.start(), start + m.end(), name, text[start + m.start():start + m.end()]))
    heads.sort()
    out: dict[str, tuple[int, int, str]] = {}
    for k, (a, b, name, head) in enumerate(heads):
        if name in out:
            raise QueryError(f"Line {_line(text, a)}: {head.upper()} appears twice")
        out[name] = (b, heads[k + 1][0] if k + 1 < len(heads) else end, " ".join(head.upper().split()))
    first = min((h[0] for h in heads), default=end)
    if text[start:first].strip():
        raise QueryError(f"Line {_line(text, start)}: {text[start:first].strip()[:40]!r} is not a "
                         "MATCH_RECOGNIZE clause")
    return out


# --- identifiers, expressions and dialect spellings --------------------------------------------------

def _ident(name: str) -> str:
    """An identifier as the node keeps it: quotes removed (a delimited name keeps its case)."""
    name = name.strip()
    if len(name) >= 2 and name[0] == name[-1] and name[0] in "\"`":
        return name[1:-1].replace(name[0] * 2, name[0])
    return name


def _variable(name: str) -> str:
    """A pattern variable: a delimited one stays delimited ("up trend"), as the node's field wants it."""
    name = name.strip()
    return f'"{name[1:-1]}"' if len(name) >= 2 and name[0] == name[-1] == "`" else name


def _vendor(expr: str, order_column: str | None) -> str:
    """Vendor spellings the compiler does not know, rewritten outside quotes: Snowflake's LAG/LEAD (in
    MATCH_RECOGNIZE the previous/next row of the match) are PREV/NEXT; Flink's MATCH_ROWTIME() is the
    event time of the match's last row."""
    mask = _mask(expr)
    out, last = [], 0
    for m in re.finditer(r"(?i)\b(LAG|LEAD|MATCH_ROWTIME)\s*\(", mask):
        word = m.group(1).upper()
        if word == "MATCH_ROWTIME":
            close = _closing(mask, m.end() - 1)
            if order_column is None or expr[m.end():close].strip():
                continue
            out += [expr[last:m.start()], f"LAST({order_column})"]
            last = close + 1
        else:
            out += [expr[last:m.start()], "PREV(" if word == "LAG" else "NEXT("]
            last = m.end()
    return "".join(out) + expr[last:]


def _measure(piece: str) -> tuple[str, str]:
    """`expr [AS] alias` -> (expr, alias)."""
    mask = _mask(piece)
    level = _top_level(mask, 0, len(mask))
    spots = [m.start() for m in re.finditer(r"(?i)(?<![\w$])AS(?![\w$])", mask) if m.start() in level]
    if spots:
        return piece[:spots[-1]].strip(), _ident(piece[spots[-1] + 2:])
    m = re.search(r"(\s+)([\w$]+|\"[^\"]+\"|`[^`]+`)\s*$", piece)
    if not m:
        raise QueryError(f"The measure {piece[:60]!r} has no name: write expr AS name")
    return piece[:m.start()].strip(), _ident(m.group(2))


def _duration(text: str) -> str:
    """WITHIN INTERVAL '1' HOUR / INTERVAL '60' DAYS / 3000 milliseconds -> '1 hour' / '60 days' / '3 seconds'."""
    m = re.fullmatch(r"(?is)\s*(?:INTERVAL\s*)?'?\s*(\d+)\s*'?\s*([A-Za-z]+?)S?\s*", text)
    unit = m and _UNITS.get(m.group(2).lower())
    if not m or not unit:
        raise QueryError(f"WITHIN {text.strip()!r} is not an interval such as INTERVAL '10' MINUTE")
    number = int(m.group(1))
    if unit == "milliseconds" and number % 1000 == 0:
        number, unit = number // 1000, "seconds"
    return f"{number} {unit[:-1] if number == 1 else unit}"


# --- the two readers ---------------------------------------------------------------------------------

def _locate(text: str) -> tuple[str, int, int, str]:
    """(mask, the offset of MATCH_RECOGNIZE's opening parenthesis, of its closing one, the source)."""
    mask = _mask(text)
    m = re.search(r"(?i)(?<![\w$])MATCH_RECOGNIZE\s*\(", mask)
    if not m:
        raise QueryError("This is not a MATCH_RECOGNIZE query: no MATCH_RECOGNIZE ( … ) clause found")
    open_at = m.end() - 1
    close = _closing(mask, open_at)
    before = re.search(r"(?is)FROM\s+(.*?)\s*$", mask[:m.start()])
    source = ""
    if before:
        words = text[before.start(1):m.start()].strip()
        if words and not words.startswith("("):
            source = words.split()[0]
    return mask, open_at, close, source


def _read_clauses(text: str) -> tuple[dict[str, Any], str]:
    """Raw clause texts split here: {clause: text or list of texts}, and the source name."""
    mask, open_at, close, source = _locate(text)
    found = _clauses(text, mask, open_at + 1, close)
    raw: dict[str, Any] = {}
    for name, (a, b, head) in found.items():
        body = text[a:b].strip()
        if name in ("partition", "order", "measures", "define", "subset"):
            raw[name] = _split(text, mask, a, b)
        elif name == "pattern":
            inner = mask.find("(", a, b)
            if inner < 0:
                raise QueryError(f"Line {_line(text, a)}: PATTERN needs its pattern in parentheses: PATTERN (A B+)")
            end = _closing(mask, inner)
            raw["pattern"] = text[inner + 1:end].strip()
            rest = text[end + 1:b].strip()
            if rest:  # Flink writes WITHIN right after the pattern; anything else is unknown
                within = re.match(r"(?is)WITHIN\s+(.*)$", rest)
                if not within:
                    raise QueryError(f"Line {_line(text, end)}: {rest[:40]!r} after PATTERN ( … ) is not a clause")
                raw["within"] = within.group(1)
        elif name == "rows":
            raw["rows"] = " ".join((head + " " + body).split())
        elif name == "after":
            raw["after"] = " ".join(body.split())
        elif name == "within":
            raw["within"] = body
    if "pattern" not in raw:
        raise QueryError("The MATCH_RECOGNIZE clause has no PATTERN ( … )")
    return raw, _ident(source) if source else ""


_DIALECTS = ("oracle", "snowflake", "trino", "databricks")


def _read_sqlglot(text: str) -> tuple[dict[str, Any], str, str] | None:
    """The clauses from sqlglot's tree, for the first dialect that parses the query; None when none does."""
    for dialect in _DIALECTS:
        try:
            tree = sqlglot.parse_one(text, read=dialect)
        except (sqlglot.errors.SqlglotError, ValueError, RecursionError):
            continue
        node = tree.find(exp.MatchRecognize) if tree is not None else None
        if node is None or node.args.get("pattern") is None:
            continue
        raw: dict[str, Any] = {
            "partition": [p.sql(dialect=dialect) for p in node.args.get("partition_by") or []],
            "order": [o.sql(dialect=dialect) for o in (node.args.get("order").expressions
                                                       if node.args.get("order") else [])],
            "measures": [],
            "define": [f"{d.alias_or_name if not isinstance(d, exp.Alias) else d.args['alias'].sql(dialect=dialect)}"
                       f" AS {d.this.sql(dialect=dialect)}" for d in node.args.get("define") or []],
            "pattern": node.args["pattern"].name,
        }
        for m in node.args.get("measures") or []:
            frame = m.args.get("window_frame")
            body = m.this
            prefix = f"{frame} " if frame else ""
            raw["measures"].append(f"{prefix}{body.this.sql(dialect=dialect)} AS {body.args['alias'].sql(dialect=dialect)}"
                                   if isinstance(body, exp.Alias) else prefix + body.sql(dialect=dialect))
        if node.args.get("rows") is not None:
            raw["rows"] = node.args["rows"].name
        if node.args.get("after") is not None:
            raw["after"] = node.args["after"].name.upper().removeprefix("AFTER MATCH SKIP").strip()
        table = node.parent if isinstance(node.parent, exp.Table) else tree.find(exp.Table)
        source = ".".join(p.name for p in table.parts) if table is not None else ""
        return raw, source, f"sqlglot ({dialect})"
    return None


def _raw_texts(raw: dict[str, Any], text: str) -> dict[str, Any]:
    """sqlglot renders a clause in its own words; the node keeps the user's own text where the clause splitter
    can find it (quoted identifiers, RUNNING/FINAL, vendor functions)."""
    try:
        mine, _ = _read_clauses(text)
    except QueryError:
        return raw
    for key in ("measures", "define", "order", "partition"):
        if key in mine and len(mine[key]) == len(raw.get(key, [])):
            raw[key] = mine[key]
    for key in ("pattern", "rows", "after"):  # sqlglot upper-cases the variable of AFTER MATCH SKIP TO LAST v
        if key in mine and key in raw and " ".join(mine[key].split()).upper() == " ".join(raw[key].split()).upper():
            raw[key] = mine[key]
    return raw


# --- from clause texts to the node's config ----------------------------------------------------------

def parse_match_recognize(text: str) -> PastedQuery:
    """Read a MATCH_RECOGNIZE query; QueryError when it is not one (the message says why)."""
    if not text or not text.strip():
        raise QueryError("Paste a query with a MATCH_RECOGNIZE clause")
    via = _read_sqlglot(text)
    if via is not None:
        raw, source, parser = via
        raw = _raw_texts(raw, text)
        if not source:
            source = _read_clauses(text)[1]
    else:
        raw, source = _read_clauses(text)
        parser = "clauses"
    unmapped: list[str] = []
    config: dict[str, Any] = {}
    config["partition_by"] = [_ident(p) for p in raw.get("partition", [])]
    order = []
    for item in raw.get("order", []):
        m = re.fullmatch(r"(?is)(.+?)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(?:FIRST|LAST))?", item.strip())
        order.append({"column": _ident(m.group(1)), "desc": (m.group(2) or "").upper() == "DESC"})
        if re.search(r"(?i)\s+NULLS\s+(FIRST|LAST)\s*$", item):
            unmapped.append(f"ORDER BY {item}: NULLS FIRST/LAST is not kept (nulls sort first ascending)")
    config["order_by"] = order
    time_column = order[0]["column"] if order else None
    measures = []
    for piece in raw.get("measures", []):
        expr, alias = _measure(piece)
        measures.append({"expr": _vendor(expr, time_column), "alias": alias})
    config["measures"] = measures
    if raw.get("rows"):
        config["rows_per_match"] = raw["rows"]
    if raw.get("after"):
        config["after_match_skip"] = " ".join(raw["after"].split())
    config["pattern"] = " ".join(raw["pattern"].split())
    subsets = []
    for piece in raw.get("subset", []):
        m = re.fullmatch(r"(?s)\s*(.+?)\s*=\s*\((.*)\)\s*", piece)
        if not m:
            unmapped.append(f"SUBSET {piece}: write name = (A, B)")
            continue
        subsets.append({"name": _variable(m.group(1)), "variables": [_variable(v) for v in m.group(2).split(",")]})
    if subsets:
        config["subset"] = subsets
    defines = []
    for piece in raw.get("define", []):
        m = re.fullmatch(r"(?is)\s*(\"[^\"]+\"|`[^`]+`|[\w$]+)\s+AS\s+(.+)", piece)
        if not m:
            unmapped.append(f"DEFINE {piece[:60]}: write VARIABLE AS condition")
            continue
        defines.append({"variable": _variable(m.group(1)), "condition": _vendor(m.group(2).strip(), time_column)})
    config["define"] = defines
    if raw.get("within"):
        config["within"] = _duration(raw["within"])
    columns = _columns(config, unmapped)
    return PastedQuery(source, config, columns, unmapped, parser)


def _columns(config: dict[str, Any], unmapped: list[str]) -> dict[str, str]:
    """The input columns the query references, typed where the query shows it: the first ORDER BY column is
    the event time; a column compared with a number, in arithmetic or summed is a double; one compared with
    a string literal a string; the others strings."""
    names: dict[str, str] = {}
    variables = {d["variable"].strip('"').lower() for d in config["define"]}
    variables |= {s["name"].strip('"').lower() for s in config.get("subset", [])}
    variables |= set(re.findall(r"[A-Za-z_][\w$]*", config["pattern"].lower()))
    for column in config["partition_by"]:
        names.setdefault(column, "string")
    for item in config["order_by"]:
        names.setdefault(item["column"], "timestamp")
    texts = [(f"MEASURES {m['alias']}", m["expr"]) for m in config["measures"]]
    texts += [(f"DEFINE {d['variable']}", d["condition"]) for d in config["define"]]
    for where, text in texts:
        try:
            tree = parse_expression(text)
        except ExprError as error:
            unmapped.append(f"{where}: {text[:80]!r} {error}")
            continue
        for column in tree.find_all(exp.Column):
            if not column.name or column.name == "*" or (not column.table and column.name.lower() in variables):
                continue
            names.setdefault(column.name, "string")
            names[column.name] = _refine(names[column.name], column)
    return names


def _refine(current: str, column: exp.Column) -> str:
    if current == "timestamp":
        return current
    node: exp.Expression | None = column.parent
    while isinstance(node, (exp.Anonymous, exp.Func, exp.Paren)) and not isinstance(node, exp.AggFunc):
        if isinstance(node, exp.Anonymous) and node.name.lower() in _NUMERIC_FUNCTIONS:
            return "double"
        node = node.parent
    if isinstance(node, (exp.Sum, exp.Avg, exp.Stddev, exp.Variance)):
        return "double"
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div)):
        return "double"
    if isinstance(node, (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)):
        other = node.expression if node.this is column or column in node.this.find_all(exp.Column) else node.this
        if isinstance(other, exp.Literal):
            return "string" if other.is_string else "double"
        if isinstance(node, (exp.GT, exp.GTE, exp.LT, exp.LTE)) and current == "string":
            return "double"  # an ordering comparison between rows (price < PREV(price)): a number
    return current
