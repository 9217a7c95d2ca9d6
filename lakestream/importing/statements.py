"""SDP SQL text -> statements: split at `;`, the Lakeflow headers (CREATE … TABLE/VIEW, CREATE FLOW,
APPLY CHANGES, constraints) read from sqlglot's tokens; each query body is left for sqlquery to parse."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot.tokens import Token, TokenType

from lakestream.sparksql.query import QueryError, position, tokenize

# "-- <label> (<type name>, node <id>)[: summary]": the comment LakeStream writes above a node's statements
GENERATED_HEADER = re.compile(r"^--\s*(?P<label>.*?) \((?P<type>.+), node (?P<id>[A-Za-z0-9_\-]{1,64})\)(:.*)?$")


@dataclass(frozen=True)
class Constraint:
    name: str
    condition: str
    action: str  # drop | fail | warn


@dataclass
class Statement:
    """One statement: where it is, what it is, and its parts as text (query parsed later)."""

    text: str
    start: int
    line: int
    end_line: int
    comments: list[str] = field(default_factory=list)
    kind: str = "other"  # dataset | flow_insert | flow_cdc | set | other
    dataset: str = ""  # streaming_table | materialized_view | view
    name: str = ""
    constraints: list[Constraint] = field(default_factory=list)
    cluster_by: list[str] = field(default_factory=list)
    partition_by: list[str] = field(default_factory=list)
    has_columns: bool = False  # a column list (schema) beside the constraints
    query: str | None = None
    query_start: int = 0  # offset of the query in the whole text
    cdc: dict = field(default_factory=dict)  # flow_cdc: source, keys, sequence_by, delete_when, except, scd, ...

    @property
    def header(self) -> re.Match | None:
        for text in reversed(self.comments):
            if match := GENERATED_HEADER.match(text.strip()):
                return match
        return None


def unquote(name: str) -> str:
    """`a`.`b` or LIVE.b -> a.b / b (the LIVE schema of classic DLT is the pipeline itself)."""
    parts = [p.strip().strip("`") for p in re.findall(r"`(?:[^`]|``)*`|[^.]+", name.strip())]
    if len(parts) > 1 and parts[0].lower() == "live":
        parts = parts[1:]
    return ".".join(p.replace("``", "`") for p in parts)


def split(text: str) -> list[Statement]:
    """The statements of a file, each with the comment lines above it; raises QueryError."""
    tokens = tokenize(text)
    statements: list[Statement] = []
    current: list[Token] = []
    previous_end = 0
    for token in [*tokens, None]:
        if token is None or token.token_type == TokenType.SEMICOLON:
            if current:
                start, end = current[0].start, current[-1].end + 1
                gap = text[previous_end:start]
                comments = [line.strip() for line in gap.splitlines() if line.strip().startswith("--")]
                statement = Statement(text[start:end], start, position(text, start)[0], position(text, end - 1)[0],
                                      comments)
                _classify(statement, current, text)
                statements.append(statement)
                previous_end = (token.end + 1) if token is not None else end
            elif token is not None:
                previous_end = token.end + 1
            current = []
        else:
            current.append(token)
    return statements


def _words(tokens: list[Token], i: int, *words: str) -> bool:
    return all(i + k < len(tokens) and tokens[i + k].text.upper() == w for k, w in enumerate(words))


def _name(tokens: list[Token], i: int, text: str) -> tuple[str, int]:
    """A dotted name from token i; returns (name, next index)."""
    j = i
    while j + 2 < len(tokens) and tokens[j + 1].token_type == TokenType.DOT:
        j += 2
    return unquote(text[tokens[i].start:tokens[j].end + 1]), j + 1


def _group(tokens: list[Token], i: int) -> int:
    """Index just after the bracketed group that opens at token i."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].token_type == TokenType.L_PAREN:
            depth += 1
        elif tokens[j].token_type == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return j + 1
    raise QueryError("a bracket is not closed")


def _raw(text: str, tokens: list[Token], i: int, j: int) -> str:
    return text[tokens[i].start:tokens[j - 1].end + 1] if j > i else ""


def _names_in(text: str, tokens: list[Token], i: int, j: int) -> list[str]:
    """Comma-separated names inside the bracket group tokens[i:j] (brackets included)."""
    inner = _raw(text, tokens, i + 1, j - 1)
    return [unquote(p) for p in inner.split(",") if p.strip()]


def _error(statement: Statement, token: Token, message: str) -> QueryError:
    return QueryError(message, token.line, token.col - len(token.text) + 1)


def _classify(st: Statement, tokens: list[Token], text: str) -> None:
    first = tokens[0].text.upper()
    if first == "SET":
        st.kind = "set"
        return
    if _words(tokens, 0, "APPLY", "CHANGES", "INTO"):
        target, i = _name(tokens, 3, text)
        st.kind, st.name = "flow_cdc", target
        _cdc(st, tokens, i, text)
        return
    if first != "CREATE":
        return
    i = 1
    if _words(tokens, i, "OR", "REFRESH") or _words(tokens, i, "OR", "REPLACE"):
        i += 2
    if _words(tokens, i, "FLOW"):
        st.name, i = _name(tokens, i + 1, text)
        if not _words(tokens, i, "AS"):
            raise _error(st, tokens[min(i, len(tokens) - 1)],
                         "CREATE FLOW needs AS AUTO CDC INTO … or AS INSERT INTO …")
        i += 1
        if _words(tokens, i, "AUTO", "CDC", "INTO") or _words(tokens, i, "APPLY", "CHANGES", "INTO"):
            target, i = _name(tokens, i + 3, text)
            st.kind = "flow_cdc"
            st.cdc["flow"] = st.name
            st.name = target
            _cdc(st, tokens, i, text)
            return
        if _words(tokens, i, "INSERT", "INTO"):
            target, i = _name(tokens, i + 2, text)
            if _words(tokens, i, "BY", "NAME"):
                i += 2
            st.kind, st.cdc["flow"], st.name = "flow_insert", st.name, target
            st.query, st.query_start = text[tokens[i].start:tokens[-1].end + 1], tokens[i].start
            return
        raise _error(st, tokens[i], "CREATE FLOW needs AS AUTO CDC INTO … or AS INSERT INTO …")
    kind = None
    while i < len(tokens) and tokens[i].text.upper() in ("TEMPORARY", "TEMP", "PRIVATE", "STREAMING", "LIVE",
                                                         "MATERIALIZED"):
        word = tokens[i].text.upper()
        if word in ("TEMPORARY", "TEMP", "PRIVATE"):
            kind = "view"
        elif word == "STREAMING":
            kind = "streaming_table"
        elif word == "MATERIALIZED":
            kind = "materialized_view"
        elif kind is None:
            kind = "live"
        i += 1
    if i >= len(tokens) or tokens[i].text.upper() not in ("TABLE", "VIEW"):
        return  # some other CREATE (a function, a schema…): reported as not importable
    is_view = tokens[i].text.upper() == "VIEW"
    if kind == "live":
        kind = "view" if is_view else "materialized_view"  # CREATE LIVE TABLE: classic DLT's materialized view
    st.dataset = kind or ("view" if is_view else "materialized_view")
    st.kind = "dataset"
    st.name, i = _name(tokens, i + 1, text)
    if i < len(tokens) and tokens[i].token_type == TokenType.L_PAREN:
        end = _group(tokens, i)
        _columns(st, tokens[i + 1:end - 1], text)
        i = end
    while i < len(tokens) and not _words(tokens, i, "AS"):
        if tokens[i].text.upper() == "CLUSTER BY" and tokens[i + 1].token_type == TokenType.L_PAREN:
            end = _group(tokens, i + 1)  # sqlglot reads CLUSTER BY as one token
            st.cluster_by = _names_in(text, tokens, i + 1, end)
            i = end
        elif _words(tokens, i, "CLUSTER", "BY") and tokens[i + 2].token_type == TokenType.L_PAREN:
            end = _group(tokens, i + 2)
            st.cluster_by = _names_in(text, tokens, i + 2, end)
            i = end
        elif _words(tokens, i, "PARTITIONED", "BY") and tokens[i + 2].token_type == TokenType.L_PAREN:
            end = _group(tokens, i + 2)
            st.partition_by = _names_in(text, tokens, i + 2, end)
            i = end
        elif tokens[i].token_type == TokenType.L_PAREN:
            i = _group(tokens, i)
        else:
            i += 1
    if i < len(tokens):
        st.query, st.query_start = text[tokens[i + 1].start:tokens[-1].end + 1], tokens[i + 1].start


def _columns(st: Statement, tokens: list[Token], text: str) -> None:
    """The bracket after a dataset name: constraints (CONSTRAINT n EXPECT (c) [ON VIOLATION …]) and columns."""
    items: list[list[Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.COMMA and depth == 0:
            items.append([])
            continue
        depth += token.token_type == TokenType.L_PAREN
        depth -= token.token_type == TokenType.R_PAREN
        items[-1].append(token)
    for item in (i for i in items if i):
        if _words(item, 0, "CONSTRAINT") and len(item) > 3 and item[2].text.upper() == "EXPECT":
            end = _group(item, 3)
            condition = _raw(text, item, 4, end - 1)
            action = "warn"
            if _words(item, end, "ON", "VIOLATION", "DROP"):
                action = "drop"
            elif _words(item, end, "ON", "VIOLATION", "FAIL"):
                action = "fail"
            st.constraints.append(Constraint(unquote(item[1].text), condition, action))
        else:
            st.has_columns = True


def _cdc(st: Statement, tokens: list[Token], i: int, text: str) -> None:
    """AUTO CDC / APPLY CHANGES clauses after the target name."""
    cdc = st.cdc
    while i < len(tokens):
        if _words(tokens, i, "FROM"):
            j = i + 1
            if _words(tokens, j, "STREAM"):
                j += 1
                if tokens[j].token_type == TokenType.L_PAREN:
                    end = _group(tokens, j)
                    cdc["source"] = unquote(_raw(text, tokens, j + 1, end - 1))
                    i = end
                    continue
            cdc["source"], i = _name(tokens, j, text)
        elif _words(tokens, i, "KEYS"):
            end = _group(tokens, i + 1)
            cdc["keys"] = _names_in(text, tokens, i + 1, end)
            i = end
        elif _words(tokens, i, "SEQUENCE", "BY"):
            cdc["sequence_by"], i = _name(tokens, i + 2, text)
        elif _words(tokens, i, "APPLY", "AS", "DELETE", "WHEN"):
            j = i + 4
            start = j
            while j < len(tokens) and not (_words(tokens, j, "SEQUENCE", "BY") or _words(tokens, j, "COLUMNS")
                                           or _words(tokens, j, "STORED") or _words(tokens, j, "APPLY")):
                j += 1
            cdc["delete_when"] = _raw(text, tokens, start, j)
            i = j
        elif _words(tokens, i, "COLUMNS"):
            j = i + 1
            start = j
            while j < len(tokens) and not _words(tokens, j, "STORED"):
                j += 1
            cdc["columns"] = _raw(text, tokens, start, j)
            i = j
        elif _words(tokens, i, "STORED", "AS", "SCD", "TYPE"):
            cdc["scd"] = tokens[i + 4].text
            i += 5
        elif _words(tokens, i, "IGNORE", "NULL", "UPDATES"):
            cdc["ignore_null_updates"] = True
            i += 3
        elif _words(tokens, i, "APPLY", "AS", "TRUNCATE", "WHEN"):
            cdc["truncate"] = True
            i += 4
        else:
            i += 1


@dataclass(frozen=True)
class SelectTexts:
    """The words of a simple SELECT as written: each projection (expression, alias) and the WHERE condition."""

    items: list[tuple[str, str | None]]
    where: str | None


_ENDS_WHERE = {"GROUP BY", "GROUP", "HAVING", "ORDER BY", "ORDER", "LIMIT", "WINDOW", "QUALIFY", "UNION",
               "CLUSTER BY", "DISTRIBUTE BY", "SORT BY"}


def select_texts(query: str) -> SelectTexts | None:
    """Slice a `SELECT a, b AS c FROM … WHERE …` at depth 0 (None when the shape is not that)."""
    try:
        tokens = tokenize(query)
    except QueryError:
        return None
    depth, select_at, from_at, where_at, end_at = 0, None, None, None, len(tokens)
    commas: list[int] = []
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0:
            word = token.text.upper()
            if word == "SELECT" and select_at is None:
                select_at = i
            elif word == "FROM" and from_at is None and select_at is not None:
                from_at = i
            elif word == "WHERE" and from_at is not None and where_at is None:
                where_at = i
            elif where_at is not None and word in _ENDS_WHERE:
                end_at = min(end_at, i)
            elif token.token_type == TokenType.COMMA and from_at is None:
                commas.append(i)
    if select_at is None or from_at is None:
        return None
    bounds = [select_at, *commas, from_at]
    items = []
    for a, b in zip(bounds, bounds[1:]):
        part = tokens[a + 1:b]
        if len(part) >= 3 and part[-2].text.upper() == "AS":
            items.append((_raw(query, part, 0, len(part) - 2), unquote(part[-1].text)))
        else:
            items.append((_raw(query, part, 0, len(part)), None))
    where = _raw(query, tokens, where_at + 1, end_at).rstrip().rstrip(";") if where_at is not None else None
    return SelectTexts(items, where)
