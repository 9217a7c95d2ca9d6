"""One SDP SQL query (a SELECT over named inputs) parsed with sqlglot and re-rendered from its tree.

sqlglot's Databricks dialect reads Lakeflow's `STREAM(t)`, `STREAM read_files(...)` and named arguments;
the `WATERMARK col DELAY OF INTERVAL …` clause it does not know is lifted out before parsing (kept as a
`Watermark` on the relation it follows) and written back when rendering.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.dialects import Dialect
from sqlglot.tokens import Token, TokenType

from lakestream.sparksql import limits
from lakestream.sparksql.types import name_problem

DIALECT = Dialect.get_or_raise("databricks")
_PLACEHOLDER = "__ls_wm_{}"
_PLACEHOLDER_RE = re.compile(r"__ls_wm_(\d+)")
_WINDOW_FN = "__ls_window"
_WINDOW_RE = re.compile(r"\b__ls_window\(", re.IGNORECASE)


class QueryError(ValueError):
    """Text that is not one SDP SQL query; `line`/`column` are 1-based positions in that text."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class Watermark:
    """`<relation> WATERMARK <column> DELAY OF INTERVAL <delay>` (delay as written, e.g. '10 MINUTES')."""

    relation: str  # the name the clause follows (a table or STREAM(name))
    column: str
    delay: str


@dataclass(frozen=True)
class ParsedQuery:
    tree: exp.Query
    watermarks: tuple[Watermark, ...] = ()

    def relations(self) -> list[str]:
        """Every table name the query reads (dotted, unquoted), in order, without duplicates."""
        names: list[str] = []
        ctes = {c.alias for c in self.tree.find_all(exp.CTE)}
        for table in self.tree.find_all(exp.Table):
            name = table_name(table)
            if name.startswith("__ls_wm_"):
                name = self.watermarks[int(name.removeprefix("__ls_wm_"))].relation
            if name and name not in names and name not in ctes and not isinstance(table.this, exp.Func):
                names.append(name)
        return names


def table_name(table: exp.Table) -> str:
    """`catalog.schema.name` of a sqlglot Table, unquoted ('' for a table function)."""
    if not isinstance(table.this, exp.Identifier):
        return ""
    return ".".join(p.name for p in table.parts)


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def tokenize(text: str) -> list[Token]:
    try:
        tokens = DIALECT.tokenize(text)
    except sqlglot.errors.TokenError as error:
        raise QueryError(f"a quote or comment is not closed ({error})") from None
    if limits.token_nesting(tokens) > limits.MAX_NESTING:
        raise QueryError(limits.NESTING_MESSAGE)
    return tokens


def _lift_watermarks(text: str, tokens: list[Token]) -> tuple[str, list[Watermark]]:
    """Remove each WATERMARK clause, renaming the relation before it to a placeholder."""
    marks: list[Watermark] = []
    pieces: list[str] = []
    cursor = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.text.upper() == "WATERMARK" and i + 4 < len(tokens) and tokens[i + 2].text.upper() == "DELAY":
            # the relation: `name`, `a.b.c` or STREAM(name) just before
            j = i - 1
            closing = tokens[j].token_type == TokenType.R_PAREN
            if closing:
                j -= 1
            end = j
            while j - 2 >= 0 and tokens[j - 1].token_type == TokenType.DOT:
                j -= 2
            relation = ".".join(t.text for t in tokens[j:end + 1] if t.token_type != TokenType.DOT)
            if tokens[i + 3].text.upper() != "OF" or tokens[i + 4].token_type != TokenType.INTERVAL:
                line, column = position(text, token.start)
                raise QueryError("WATERMARK needs `<column> DELAY OF INTERVAL <amount> <unit>`", line, column)
            k = i + 5
            delay_tokens = []
            while k < len(tokens) and len(delay_tokens) < 2 and tokens[k].token_type not in (
                    TokenType.R_PAREN, TokenType.SEMICOLON, TokenType.COMMA):
                delay_tokens.append(tokens[k])
                k += 1
            delay = " ".join(_raw(text, t) for t in delay_tokens)
            marks.append(Watermark(relation, tokens[i + 1].text, delay))
            pieces.append(text[cursor:tokens[j].start])
            pieces.append(_PLACEHOLDER.format(len(marks) - 1))
            cursor = tokens[k - 1].end + 1
            if closing:  # keep STREAM( ... ) around the placeholder
                pieces[-1] = _PLACEHOLDER.format(len(marks) - 1) + ")"
            i = k
            continue
        if token.text.lower() == "window" and i + 1 < len(tokens) and tokens[i + 1].token_type == TokenType.L_PAREN:
            # sqlglot reads WINDOW( as a window clause: the function goes under another name and back
            pieces.append(text[cursor:token.start] + _WINDOW_FN)
            cursor = token.end + 1
        i += 1
    pieces.append(text[cursor:])
    return "".join(pieces), marks


def _raw(text: str, token: Token) -> str:
    return text[token.start:token.end + 1]


def parse_query(text: str) -> ParsedQuery:
    """Parse one SELECT (or set operation, WITH …) of SDP SQL; raise QueryError saying why not."""
    if not text or not text.strip():
        raise QueryError("is empty: write a query such as SELECT * FROM STREAM(events) WHERE amount > 100")
    tokens = tokenize(text)
    if any(t.token_type == TokenType.SEMICOLON for t in tokens[:-1]):  # one trailing `;` is fine
        first = next(t for t in tokens if t.token_type == TokenType.SEMICOLON)
        raise QueryError("holds several statements: a SQL transform is one query", *position(text, first.start))
    lifted, marks = _lift_watermarks(text, tokens)
    lifted = lifted.rstrip().rstrip(";")
    try:
        trees = [t for t in sqlglot.parse(lifted, read=DIALECT) if t is not None]
    except sqlglot.errors.ParseError as error:
        first = error.errors[0] if error.errors else {}
        raise QueryError(f"is not valid SDP SQL: {first.get('description', error)}",
                         first.get("line") or 1, first.get("col") or 1) from None
    if len(trees) != 1:
        raise QueryError("holds several statements: a SQL transform is one query")
    tree = trees[0]
    if not isinstance(tree, exp.Query):
        raise QueryError(f"is a {tree.key.upper()} statement, not a query: write a SELECT")
    for node in tree.walk():
        if isinstance(node, (exp.Parameter, exp.Placeholder, exp.SessionParameter)):
            raise QueryError("contains a parameter or variable (${…}, ?, :name): Spark would substitute it; "
                             "write the value itself")
        if isinstance(node, exp.Identifier) and (problem := name_problem(str(node.this))):
            raise QueryError(f"contains the name {str(node.this)!r}, which {problem}")
        if isinstance(node, (exp.Command, exp.DDL, exp.DML)) and node is not tree:
            raise QueryError("contains a statement inside the query: a SQL transform only reads")
        if isinstance(node, exp.Literal) and node.is_string and "${" in node.this:
            raise QueryError("contains `${` in a string: Spark would substitute it")
    return ParsedQuery(tree, tuple(marks))


def render(parsed: ParsedQuery, names: dict[str, str] | None = None, *, stream: bool | None = None,
           transform: Callable[[exp.Expression], exp.Expression] | None = None) -> str:
    """The query as Spark SQL from its tree, each input renamed by `names` (original -> new code name).

    `stream=False` drops STREAM(...) around inputs (Structured Streaming reads temporary views of
    streaming DataFrames); `stream=None` keeps what the query says."""
    names = names or {}
    tree = parsed.tree.copy()
    for table in list(tree.find_all(exp.Table)):
        name = table_name(table)
        if name.startswith("__ls_wm_"):
            continue
        if name in names:
            table.set("this", exp.to_identifier(names[name], quoted=True))
            table.set("db", None)
            table.set("catalog", None)
    if stream is False:
        for stream_node in list(tree.find_all(exp.Stream)):
            inner, alias = stream_node.this, None
            while isinstance(inner, (exp.Paren, exp.Subquery)) and isinstance(inner.this, exp.Table):
                alias = inner.args.get("alias") or alias
                inner = inner.this
            if alias is not None:
                inner.set("alias", alias)
            stream_node.replace(inner)
    if transform is not None:
        tree = tree.transform(transform)
    sql = tree.sql(dialect=DIALECT, comments=False)

    def watermark(match: re.Match, closing: str) -> str:
        mark = parsed.watermarks[int(match.group(1))]
        relation = names.get(mark.relation)
        relation = f"`{relation}`" if relation else ".".join(f"`{p}`" for p in mark.relation.split("."))
        return f"{relation}{closing} WATERMARK `{mark.column}` DELAY OF INTERVAL {mark.delay}"

    # the placeholder is written inside STREAM(...) or bare; the clause goes after the closing bracket
    if stream is False:
        sql = _PLACEHOLDER_RE.sub(lambda m: watermark(m, ""), sql)
    sql = re.sub(r"STREAM \(__ls_wm_(\d+)\)", lambda m: "STREAM(" + watermark(m, ")"), sql)
    sql = _PLACEHOLDER_RE.sub(lambda m: watermark(m, ""), sql)
    sql = _WINDOW_RE.sub("window(", sql)
    return re.sub(r"\bSTREAM \(", "STREAM(", sql)
