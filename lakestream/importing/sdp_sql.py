"""Map SDP SQL statements onto pipeline nodes: catalogue nodes where a statement has their shape,
a `sql_transform` node (the query as written) where it has none, sinks for streaming tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlglot import exp

from lakestream.codegen import CodegenError, generate
from lakestream.codegen.naming import assign_names
from lakestream.editing import auto_layout
from lakestream.importing.result import ImportError_, ImportResult, StatementMapping
from lakestream.importing.statements import Statement, select_texts, split, unquote
from lakestream.nodes import REGISTRY
from lakestream.sparksql.parse import ExpressionError, parse_expression
from lakestream.sparksql.types import parse_columns
from lakestream.sparksql.query import ParsedQuery, QueryError, parse_query, position, table_name
from lakestream.pipeline import Pipeline, Settings, load_pipeline

_TYPES_BY_NAME: dict[str, list[str]] = {}
for _type_id, _spec in REGISTRY.items():  # names repeat across categories (Kafka topic: source and sink)
    _TYPES_BY_NAME.setdefault(_spec.name, []).append(_type_id)


def _header_type(name: str, table: bool) -> str | None:
    """The node type a generated header names: of two types with one name (Delta table: source and sink), the
    sink for a statement that creates a table, the other one for a view."""
    types = sorted(_TYPES_BY_NAME.get(name, ()), key=lambda t: (REGISTRY[t].category.value == "sink") != table)
    return types[0] if types else None
_SOURCE_FUNCTIONS = {"read_files", "cloud_files", "read_kafka"}


@dataclass
class _Builder:
    """The document under construction: nodes, edges, what each dataset name resolves to."""

    nodes: list[dict] = field(default_factory=list)
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)
    datasets: dict[str, str] = field(default_factory=dict)  # dataset name -> node id whose output it is
    sinks: dict[str, str] = field(default_factory=dict)  # streaming table name -> its sink node id
    used: set[str] = field(default_factory=set)
    mappings: list[StatementMapping] = field(default_factory=list)
    errors: list[ImportError_] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    external: dict[str, str] = field(default_factory=dict)  # external streaming table -> its source node id
    flows: dict[str, list[str]] = field(default_factory=dict)  # table -> last node of each INSERT INTO flow
    pending_tables: dict[str, Statement] = field(default_factory=dict)  # CREATE STREAMING TABLE t; (flows fill t)
    kept: set[int] = field(default_factory=set)  # id() of the statements of unchanged base nodes
    kept_edges: list = field(default_factory=list)  # base edges into unchanged nodes

    def node_id(self, wanted: str) -> str:
        base = "".join(c if c.isalnum() or c in "_-" else "_" for c in wanted)[:60] or "node"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}_{n}"
        self.used.add(candidate)
        return candidate

    def add(self, type_id: str, label: str, config: dict, inputs: list[str] = (), wanted_id: str = "") -> str:
        node_id = self.node_id(wanted_id or label)
        self.nodes.append({"id": node_id, "type": type_id, "label": label, "config": config})
        ports = REGISTRY[type_id].inputs
        for upstream in inputs:  # "id" or "id#port" (an output port other than out)
            source, _, port = upstream.partition("#")
            self.edges.append((source, port or "out", node_id, ports[0].name if ports else "in"))
        return node_id


def import_sdp_sql(text: str, *, base: Pipeline | None = None, name: str | None = None,
                   file: str | None = None) -> ImportResult:
    """Import one SDP SQL text (see lakestream.importing). Nothing is changed on an error: `document`
    is then `base`."""
    return import_sdp_sql_files({file or "pipeline.sql": text}, base=base, name=name)


def import_sdp_sql_files(files: dict[str, str], *, base: Pipeline | None = None,
                         name: str | None = None) -> ImportResult:
    """Import several SQL files of one pipeline (a transformations folder): datasets may read across files."""
    builder = _Builder()
    statements: list[tuple[str, Statement]] = []
    for path, text in files.items():
        try:
            statements += [(path, s) for s in split(text)]
        except QueryError as error:
            builder.errors.append(ImportError_(str(error), error.line, error.column, _shown(path, files)))
    if builder.errors:
        return ImportResult(base, (), tuple(builder.errors))
    defined = {s.name for _, s in statements if s.kind == "dataset"}
    if base is not None:
        _keep_unchanged(builder, base, statements)
    for path, statement in _in_dependency_order(statements, files):
        if id(statement) in builder.kept:
            continue
        try:
            _map(builder, statement, defined)
        except QueryError as error:
            line, column = _absolute(statement, files[path], error)
            builder.errors.append(ImportError_(str(error), line, column, _shown(path, files)))
    if builder.errors:
        return ImportResult(base, tuple(builder.mappings), tuple(builder.errors), tuple(builder.warnings))
    _flows(builder)
    document = _document(builder, base, name)
    mappings = _verify(document, sorted(builder.mappings, key=lambda m: m.line) if len(files) == 1
                       else builder.mappings, statements)
    return ImportResult(document, tuple(mappings), (), tuple(builder.warnings))


def _groups(statements: list[tuple[str, Statement]]) -> list[tuple[re.Match, list[Statement]]]:
    """LakeStream's fragments: a statement under a generated header and the header-less ones after it."""
    groups: list[tuple[re.Match, list[Statement]]] = []
    for _, statement in statements:
        header = statement.header
        if header is not None:
            groups.append((header, [statement]))
        elif groups and not statement.comments:
            groups[-1][1].append(statement)
    return groups


def _fragments(base: Pipeline) -> dict[str, list[str]]:
    """Node id -> the statement texts LakeStream generates for it (SDP SQL, either profile)."""
    out: dict[str, list[str]] = {}
    for profile in ("databricks", "local"):
        try:
            generated = generate(base, "sdp-sql", profile).files["transformations/pipeline.sql"]
        except (CodegenError, KeyError):
            continue
        lines = generated.text.splitlines()
        for span in generated.spans:
            try:
                texts = [s.text.strip() for s in split("\n".join(lines[span.start - 1:span.end]))]
            except QueryError:
                continue
            out.setdefault(f"{span.node_id}@{profile}", texts)
    return out


def _keep_unchanged(builder: _Builder, base: Pipeline, statements: list[tuple[str, Statement]]) -> None:
    """Nodes of `base` whose generated statements are in the text word for word stay exactly as they are."""
    fragments = _fragments(base)
    names = assign_names(base.nodes)
    for header, group in _groups(statements):
        node_id = header["id"]
        node = base.node_by_id.get(node_id)
        if node is None or node.type not in _TYPES_BY_NAME.get(header["type"], ()):
            continue
        texts = [s.text.strip() for s in group]
        if texts not in (fragments.get(f"{node_id}@databricks"), fragments.get(f"{node_id}@local")):
            continue
        builder.used.add(node_id)
        builder.nodes.append({"id": node.id, "type": node.type, "label": node.label, "config": node.config})
        builder.kept_edges += [e for e in base.edges if e.target == node_id]
        code = str(names[node_id])
        ports = {p.name for p in node.spec.output_ports(node.parsed_or_none())}
        for statement in group:
            builder.kept.add(id(statement))
            if statement.kind == "dataset" and statement.name:
                port = statement.name.removeprefix(code + "_") if statement.name != code else "out"
                target = node_id if port == "out" or port not in ports else f"{node_id}#{port}"
                if node.spec.category.value == "sink":
                    builder.sinks[statement.name] = node_id
                else:
                    builder.datasets[statement.name] = target
            builder.mappings.append(StatementMapping(statement.line, statement.end_line, statement.name, "node",
                                                     node_id, node.type, "unchanged LakeStream statement: the node "
                                                     "is kept as it is"))
        for statement in group:
            if statement.kind == "flow_cdc":
                builder.sinks[statement.name] = node_id


def _shown(path: str, files: dict[str, str]) -> str | None:
    return path if len(files) > 1 or path != "pipeline.sql" else None


def _absolute(statement: Statement, text: str, error: QueryError) -> tuple[int, int]:
    """An error's position in a query -> its position in the file."""
    if statement.query is None or error.line < 1:
        return statement.line, 1
    line, column = position(text, statement.query_start)
    return (line + error.line - 1, column + error.column - 1 if error.line == 1 else error.column)


def _reads(statement: Statement) -> set[str]:
    names = set()
    if statement.query:
        try:
            names = set(parse_query(statement.query).relations())
        except QueryError:
            pass
    if statement.cdc.get("source"):
        names.add(statement.cdc["source"])
    return {unquote(n) for n in names}


def _in_dependency_order(statements, files) -> list[tuple[str, Statement]]:
    """Datasets before their readers (SDP allows any order); ties keep the text's order."""
    producers: dict[str, int] = {}
    for index, (_, statement) in enumerate(statements):
        if statement.kind == "dataset":
            producers.setdefault(statement.name, index)
    done: list[int] = []
    state: dict[int, int] = {}

    def visit(index: int) -> None:
        if state.get(index) == 2:
            return
        if state.get(index) == 1:
            return  # a cycle: left in text order, reported when a read cannot resolve
        state[index] = 1
        for name in sorted(_reads(statements[index][1])):
            if name in producers and producers[name] != index:
                visit(producers[name])
        # a table's flows come after the table
        statement = statements[index][1]
        if statement.kind.startswith("flow") and statement.name in producers:
            visit(producers[statement.name])
        state[index] = 2
        done.append(index)

    for index in range(len(statements)):
        visit(index)
    return [statements[i] for i in done]


# --- mapping one statement ---------------------------------------------------------------------------------

def _map(builder: _Builder, st: Statement, defined: set[str]) -> None:
    header = st.header
    wanted_id = header["id"] if header else ""
    label = header["label"] if header else st.name
    makes_table = st.kind.startswith("flow") or st.dataset == "streaming_table"
    header_type = _header_type(header["type"], makes_table) if header else None
    if st.kind == "set":
        builder.mappings.append(_mapping(st, "ignored", None, None,
                                         "a SET statement configures the run, not the graph"))
        return
    if st.kind == "flow_cdc":
        _map_cdc(builder, st, wanted_id, label)
        return
    if st.kind == "flow_insert":
        _map_insert(builder, st, defined)
        return
    if st.kind != "dataset":
        raise QueryError(f"is not an SDP dataset or flow statement: {st.text.split()[0:3]}", 1, 1)
    if st.query is None:
        if st.dataset != "streaming_table":
            raise QueryError(f"{st.name} has no AS query", 1, 1)
        builder.mappings.append(_mapping(st, "merged", None, None,
                                         "a streaming table without a query: its flows (below) fill it"))
        builder.sinks.setdefault(st.name, "")
        builder.pending_tables[st.name] = st
        return
    parsed = parse_query(st.query)
    # a LakeStream sink: CREATE STREAMING TABLE t AS SELECT * FROM STREAM(x)
    upstream = _plain_read(parsed, builder, defined)
    is_sink_type = header_type in ("delta_table_sink", "unity_catalog_table_sink", "dead_letter_queue")
    if st.dataset == "streaming_table" and upstream and not st.constraints and (
            header_type in (None, "delta_table_sink", "unity_catalog_table_sink")):
        sink_type = header_type or "delta_table_sink"
        config: dict[str, Any] = {"table": st.name}
        if st.cluster_by and sink_type == "delta_table_sink":
            config["cluster_by"] = st.cluster_by
        if st.partition_by and sink_type == "delta_table_sink":
            config["partition_by"] = st.partition_by
        node_id = builder.add(sink_type, label if header else st.name, config, [upstream], wanted_id)
        builder.sinks[st.name] = node_id
        builder.datasets[st.name] = upstream
        builder.mappings.append(_mapping(st, "node", node_id, sink_type,
                                         "a streaming table filled from one dataset: a table sink"))
        return
    if st.dataset == "materialized_view":
        inputs = _inputs(parsed, builder, defined)
        node_id = builder.add("sql_transform", label if header else f"{st.name} mv", {
            "query": st.query, "inputs": [n for n, _ in inputs], "materialized_view": st.name},
            [i for _, i in inputs], wanted_id)
        builder.datasets[st.name] = node_id
        builder.mappings.append(_mapping(st, "sql_transform", node_id, "sql_transform",
                                         "a materialized view is recomputed in batch: kept as a SQL query"))
        return
    chain_label = f"{st.name} query" if st.constraints and not header else label
    if st.dataset == "streaming_table" and not header:  # the table's name belongs to its sink
        label = f"{st.name} view"
        chain_label = f"{st.name} query" if st.constraints else label
    last, kind, reason, type_id = _chain(builder, st, parsed, defined, chain_label, wanted_id, header_type)
    if st.constraints:
        last = builder.add("data_quality", label, {
            "expectations": [{"name": _constraint_name(builder, c.name), "condition": c.condition, "action": c.action}
                             for c in st.constraints]},
            [last], wanted_id if header_type == "data_quality" else "")
        reason += "; its expectations: a data quality node"
        if header_type == "data_quality" or kind == "merged":
            kind, type_id = "node", "data_quality"
    if st.dataset == "streaming_table" and not is_sink_type:
        sink = builder.add("delta_table_sink", f"{st.name} table", {"table": st.name}, [last])
        builder.sinks[st.name] = sink
        reason += "; a streaming table: a Delta table sink"
    builder.datasets[st.name] = last
    builder.mappings.append(_mapping(st, kind, last, type_id, reason))


def _constraint_name(builder: _Builder, name: str) -> str:
    """A constraint name as the data quality node takes it (letters, digits, underscores)."""
    clean = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "expectation"
    if not clean[0].isalpha():
        clean = f"e_{clean}"
    if clean != name:
        builder.warnings.append(f"expectation {name!r} is named {clean!r} (a data quality node names each one "
                                "with letters, digits and underscores)")
    return clean


def _mapping(st: Statement, kind: str, node_id, type_id, reason: str) -> StatementMapping:
    return StatementMapping(st.line, st.end_line, st.name, kind, node_id, type_id, reason)


def _plain_read(parsed: ParsedQuery, builder: _Builder, defined: set[str]) -> str | None:
    """The node a `SELECT * FROM [STREAM](x)` reads (None for any other query)."""
    tree = parsed.tree
    if not isinstance(tree, exp.Select) or parsed.watermarks or len(tree.expressions) != 1:
        return None
    if not isinstance(tree.expressions[0], exp.Star) or any(tree.args.get(k) for k in (
            "where", "group", "having", "joins", "order", "limit", "distinct", "qualify", "with")):
        return None
    relation = _single_relation(tree)
    if relation is None or isinstance(relation, exp.Func):
        return None
    return _resolve(builder, relation, defined)


def _single_relation(select: exp.Select) -> exp.Expression | None:
    """The one relation of FROM (a Table, or the function of STREAM read_files(...)), unwrapped."""
    source = select.args.get("from_") or select.args.get("from")
    if source is None:
        return None
    node = source.this
    while isinstance(node, (exp.Stream, exp.Subquery, exp.Paren)) and not isinstance(getattr(node, "this", None),
                                                                                       exp.Select):
        node = node.this
    if isinstance(node, exp.Table) and isinstance(node.this, exp.Func):
        return node.this
    return node if isinstance(node, (exp.Table, exp.Func)) else None


def _resolve(builder: _Builder, table: exp.Table, defined: set[str], parsed: ParsedQuery | None = None) -> str | None:
    name = table_name(table)
    if parsed is not None and name.startswith("__ls_wm_"):
        name = parsed.watermarks[int(name.removeprefix("__ls_wm_"))].relation
    name = unquote(name)
    if name in builder.datasets:
        return builder.datasets[name]
    if name in defined:
        return None
    return _external(builder, name)


def _external(builder: _Builder, name: str) -> str:
    """A table the text reads but does not define: a Delta table source."""
    if name not in builder.external:
        builder.external[name] = builder.add("delta_table_source", name, {"table": name})
        builder.warnings.append(f"{name} is read but not defined here: a Delta table source node reads it")
    return builder.external[name]


def _inputs(parsed: ParsedQuery, builder: _Builder, defined: set[str]) -> list[tuple[str, str]]:
    """(name as the query reads it, upstream node id) for each dataset of this pipeline the query reads,
    and for each other table it reads as a stream. A batch read of a streaming table stays a read of that
    table by name (its rows as stored, not the stream before it): no edge; other outside tables likewise."""
    streamed = set()
    for stream in parsed.tree.find_all(exp.Stream):
        for table in stream.find_all(exp.Table):
            streamed.add(unquote(table_name(table)))
    marks = {f"__ls_wm_{i}": m.relation for i, m in enumerate(parsed.watermarks)}
    streamed |= {unquote(m) for m in marks.values()}
    out = []
    for raw in parsed.relations():
        name = unquote(marks.get(raw, raw))
        if name in builder.sinks and name not in streamed:
            continue
        if name in builder.datasets:
            out.append((name, builder.datasets[name]))
        elif name in defined:
            raise QueryError(f"reads {name}, which is defined in a cycle of datasets", 1, 1)
        elif name in streamed:
            out.append((name, _external(builder, name)))
    return out


def _chain(builder: _Builder, st: Statement, parsed: ParsedQuery, defined: set[str], label: str,
           wanted_id: str, header_type: str | None) -> tuple[str, str, str, str]:
    """The nodes of one dataset's query; returns (last node id, kind, reason, node type)."""
    tree = parsed.tree
    relation = _single_relation(tree) if isinstance(tree, exp.Select) else None
    kafka = _generated_kafka(tree)
    if kafka is not None:
        node_id = builder.add("kafka_source", label, kafka, (), wanted_id)
        return node_id, "node", "LakeStream's Kafka reading shape: a Kafka topic source", "kafka_source"
    if isinstance(relation, exp.Func) and relation.name.lower() in _SOURCE_FUNCTIONS | {"read_files"}:
        mapped = _source(builder, st, tree, relation, label, wanted_id)
        if mapped:
            return mapped
    if isinstance(tree, exp.Select) and tree.args.get("match") is not None and isinstance(relation, exp.Table):
        mapped = _match_recognize(builder, st, tree, parsed, relation, defined, label, wanted_id)
        if mapped:
            return mapped
    simple = _simple(tree, parsed)
    if simple is not None and isinstance(relation, exp.Table):
        upstream = _resolve(builder, relation, defined, parsed)
        if upstream is not None:
            nodes = _simple_nodes(simple, parsed, st.query)
            if nodes is not None:
                last = upstream
                for i, (type_id, config) in enumerate(nodes):
                    final = i == len(nodes) - 1
                    last = builder.add(type_id, label if final else f"{st.name} {type_id}", config, [last],
                                       wanted_id if final else "")
                if not nodes:
                    return upstream, "merged", "reads its input unchanged: no node of its own", None
                kinds = " then ".join(REGISTRY[t].name.lower() for t, _ in nodes)
                return last, "node", f"a query of the {kinds} shape", nodes[-1][0]
    inputs = _inputs(parsed, builder, defined)
    node_id = builder.add("sql_transform", label, {"query": st.query, "inputs": [n for n, _ in inputs]},
                          [i for _, i in inputs], wanted_id)
    return node_id, "sql_transform", _why(tree, parsed), "sql_transform"


def _match_recognize(builder, st, tree, parsed, relation, defined, label, wanted_id):
    """`SELECT * FROM [STREAM](x) [WATERMARK …] MATCH_RECOGNIZE (…)`: a match_recognize node, every clause in
    its fields (None when a clause has no field, or the node refuses a value: then a SQL transform)."""
    match = tree.args["match"]
    if len(tree.expressions) != 1 or not isinstance(tree.expressions[0], exp.Star) or any(
            tree.args.get(k) for k in ("where", "group", "joins", "order", "limit", "distinct", "with")):
        return None
    upstream = _resolve(builder, relation, defined, parsed)
    if upstream is None:
        return None
    rows = (match.args.get("rows").name if match.args.get("rows") else "ONE ROW PER MATCH").upper()
    after = (match.args.get("after").name if match.args.get("after") else "AFTER MATCH SKIP PAST LAST ROW").upper()
    config: dict[str, Any] = {
        "partition_by": [p.sql("spark") for p in match.args.get("partition_by") or []],
        "order_by": [{"column": o.this.sql("spark"), "desc": bool(o.args.get("desc"))}
                     for o in (match.args["order"].expressions if match.args.get("order") else [])],
        "measures": [{"expr": m.this.this.sql("spark"), "alias": m.this.alias} for m in match.args.get("measures") or []
                     if isinstance(m.this, exp.Alias)],
        "rows_per_match": "ONE" if rows.startswith("ONE") else rows.replace("ALL ROWS PER MATCH", "ALL").strip(),
        "after_match_skip": after.removeprefix("AFTER MATCH SKIP").strip(),
        "pattern": match.args["pattern"].name if match.args.get("pattern") else "",
        "define": {d.alias: d.this.sql("spark") for d in match.args.get("define") or []},
    }
    if parsed.watermarks:
        config["watermark_delay"] = _delay(parsed.watermarks[0].delay)
    try:
        REGISTRY["match_recognize"].config.model_validate(config)
    except ValueError as error:
        builder.warnings.append(f"{st.name}: MATCH_RECOGNIZE kept as a SQL transform: {error}".splitlines()[0])
        return None
    node_id = builder.add("match_recognize", label, config, [upstream], wanted_id)
    return node_id, "node", "MATCH_RECOGNIZE: a row pattern node, every clause in its fields", "match_recognize"


def _why(tree: exp.Expression, parsed: ParsedQuery) -> str:
    """Why a query maps to no catalogue node, in a few words."""
    if not isinstance(tree, exp.Select):
        return f"a {tree.key.upper()} query: kept as a SQL transform"
    parts = [w for k, w in (("joins", "a join"), ("group", "a GROUP BY"), ("distinct", "DISTINCT"),
                            ("order", "ORDER BY"), ("limit", "LIMIT"), ("with", "a WITH clause"),
                            ("having", "HAVING"), ("qualify", "QUALIFY")) if tree.args.get(k)]
    if tree.find(exp.MatchRecognize):
        parts.append("MATCH_RECOGNIZE")
    if tree.find(exp.Window):
        parts.append("a window function")
    return ("has " + ", ".join(parts) if parts else "has a shape no catalogue node generates") + \
        ": kept as a SQL transform"


def _simple(tree: exp.Expression, parsed: ParsedQuery) -> exp.Select | None:
    """A Select over one relation with at most WHERE: a filter / map / watermark chain."""
    if not isinstance(tree, exp.Select):
        return None
    if any(tree.args.get(k) for k in ("group", "having", "joins", "order", "limit", "distinct", "qualify", "with",
                                      "laterals", "windows")):
        return None
    if tree.find(exp.Window, exp.MatchRecognize, exp.AggFunc) or any(
            isinstance(n, exp.Select) for n in tree.walk() if n is not tree):
        return None
    return tree


def _simple_nodes(tree: exp.Select, parsed: ParsedQuery, text: str) -> list[tuple[str, dict]] | None:
    """Watermark, filter and map nodes of a simple Select; expressions keep the words of `text`."""
    written = select_texts(text)
    nodes: list[tuple[str, dict]] = []
    for mark in parsed.watermarks:
        nodes.append(("watermark", {"event_time_column": mark.column, "delay": _delay(mark.delay)}))
    where = tree.args.get("where")
    if where is not None:
        condition = _expression(where.this, written.where if written else None)
        if condition is None:
            return None
        nodes.append(("filter", {"condition": condition}))
    projections = tree.expressions
    if not (len(projections) == 1 and isinstance(projections[0], exp.Star)):
        columns = []
        items = written.items if written and len(written.items) == len(projections) else [None] * len(projections)
        for p, item in zip(projections, items, strict=True):
            if isinstance(p, exp.Star) or isinstance(p, exp.Column) and isinstance(p.this, exp.Star):
                return None
            inner = p.this if isinstance(p, exp.Alias) else p
            text = _expression(inner, item[0] if item else None)
            if text is None:
                return None
            if isinstance(p, exp.Alias) and isinstance(inner, exp.Column) and not inner.table and p.alias == inner.name:
                columns.append({"expr": text})  # `x AS x`: a bare column
            elif isinstance(p, exp.Alias):
                columns.append({"expr": text, "alias": p.alias})
            elif isinstance(p, exp.Column):
                columns.append({"expr": text})
            else:
                return None
        nodes.append(("map_select", {"columns": columns}))
    return nodes


def _expression(node: exp.Expression, written: str | None = None) -> str | None:
    """An expression as the form holds it: the words as written when they parse to the same tree, else
    sqlglot's Spark rendering; None when Spark's expression parser refuses it."""
    text = node.sql(dialect="spark")
    if written:
        try:
            if parse_expression(written).sql(dialect="spark") == parse_expression(text).sql(dialect="spark"):
                return written
        except ExpressionError:
            pass
    try:
        parse_expression(text)
    except ExpressionError:
        return None
    return text


def _delay(text: str) -> str:
    """'10 MINUTES' -> '10 minutes'."""
    return text.strip().strip("'").lower()


def _options(call: exp.Func) -> tuple[list[exp.Expression], dict[str, str]]:
    """Positional arguments and named (`name => value`) string options of a table function."""
    positional, named = [], {}
    args = call.expressions if isinstance(call, exp.Anonymous) else [call.this, *call.expressions]
    for arg in args:
        if arg is None:
            continue
        if isinstance(arg, exp.Kwarg):
            value = arg.expression
            named[arg.this.name] = value.this if isinstance(value, exp.Literal) else value.sql("spark")
        elif isinstance(arg, (exp.VarMap, exp.Map)) or isinstance(arg, exp.Anonymous) and arg.name.lower() == "map":
            named.update(_map_options(arg))  # cloud_files(path, format, map('key', 'value', …))
        else:
            positional.append(arg)
    return positional, named


def _map_options(node: exp.Expression) -> dict[str, str]:
    """The string pairs of map('k', 'v', …)."""
    if isinstance(node, exp.VarMap):
        keys, values = node.args["keys"].expressions, node.args["values"].expressions
    else:
        items = node.expressions
        keys, values = items[0::2], items[1::2]
    return {k.this: v.this for k, v in zip(keys, values, strict=False)
            if isinstance(k, exp.Literal) and isinstance(v, exp.Literal)}


def _generated_kafka(tree: exp.Expression) -> dict | None:
    """The kafka_source config of `SELECT value.*, _kafka_… FROM (SELECT from_json(CAST(value AS STRING), '…')
    AS value, … FROM STREAM read_kafka(…))` (JSON values, as LakeStream writes it), else None."""
    if not isinstance(tree, exp.Select) or not tree.expressions:
        return None
    first = tree.expressions[0]
    if not (isinstance(first, exp.Column) and first.table == "value" and isinstance(first.this, exp.Star)):
        return None
    calls = [f for f in tree.find_all(exp.Anonymous, exp.Func) if f.name.lower() == "read_kafka"]
    if len(calls) != 1:
        return None
    _, named = _options(calls[0])
    servers, topics = named.get("bootstrapServers"), named.get("subscribe")
    schema_text = None
    for node in tree.find_all(exp.Func):
        if node.name.lower() == "from_json" or type(node).__name__ in ("JSONToStruct", "ParseJSON", "FromJson"):
            literal = [a for a in node.iter_expressions() if isinstance(a, exp.Literal) and a.is_string]
            schema_text = literal[0].this if literal else None
    if not servers or not topics or schema_text is None:
        return None
    try:
        schema = [{"name": ".".join(n), "type": t.ddl()} for n, t in parse_columns(schema_text)]
    except Exception:  # noqa: BLE001 - not a schema we can read
        return None
    config: dict[str, Any] = {"bootstrap_servers": servers, "topics": topics.split(","), "schema": schema}
    if named.get("startingOffsets") in ("earliest",):
        config["starting_offsets"] = "earliest"
    if named.get("kafka.group.id"):
        config["consumer_group"] = named["kafka.group.id"]
    return config


def _source(builder, st, tree, call, label, wanted_id):
    positional, named = _options(call)
    function = call.name.lower()
    if function in ("read_files", "cloud_files"):
        if not positional or not isinstance(positional[0], exp.Literal):
            return None
        config: dict[str, Any] = {"path": positional[0].this}
        second = positional[1] if len(positional) > 1 else None
        fmt = named.get("format") or (second.this if isinstance(second, exp.Literal) else None)
        if fmt not in ("json", "csv", "parquet", "avro", "text"):
            return None
        config["format"] = fmt
        if "schema" in named:
            try:
                config["schema"] = [{"name": ".".join(n), "type": t.ddl()} for n, t in parse_columns(named["schema"])]
            except Exception:  # noqa: BLE001 - a schema text we cannot read: the node infers nothing
                return None
        if "header" in named:
            config["header"] = named["header"].lower() == "true"
        if "schemaHints" in named:
            config["schema_hints"] = named["schemaHints"]
        node_type = "auto_loader"
    elif function == "read_kafka":
        servers = named.get("bootstrapServers")
        topics = named.get("subscribe")
        if not servers or not topics:
            return None
        config = {"bootstrap_servers": servers, "topics": topics.split(","), "value_format": "text"}
        if named.get("startingOffsets") in ("earliest", "latest"):
            config["starting_offsets"] = named["startingOffsets"]
        node_type = "kafka_source"
    else:
        return None
    star_only = len(tree.expressions) == 1 and isinstance(tree.expressions[0], exp.Star) and not tree.args.get("where")
    if star_only:
        node_id = builder.add(node_type, label, config, (), wanted_id)
        return node_id, "node", f"reads {function}(…): a {REGISTRY[node_type].name} source", node_type
    source_id = builder.add(node_type, f"{st.name} source", config)
    source_name = f"{st.name}_source".replace(".", "_")
    query = _replace_call(st.query, tree, call, source_name)
    node_id = builder.add("sql_transform", label, {"query": query, "inputs": [source_name]}, [source_id], wanted_id)
    return node_id, "sql_transform", (f"reads {function}(…) (a {REGISTRY[node_type].name} source node) and "
                                      "transforms it: the query is kept as a SQL transform over that source"), \
        "sql_transform"


def _replace_call(query: str, tree: exp.Select, call: exp.Func, name: str) -> str:
    """The query with its source function replaced by STREAM(name): re-rendered from the tree."""
    copy = tree.copy()
    for node in copy.find_all(type(call)):
        if node == call:
            table = node.parent if isinstance(node.parent, exp.Table) else node
            table.replace(exp.to_table(name))
            break
    stream = copy.find(exp.Stream)
    if stream is None:
        source = copy.args.get("from_") or copy.args.get("from")
        source.set("this", exp.Stream(this=source.this))
    return copy.sql(dialect="databricks")


def _map_cdc(builder: _Builder, st: Statement, wanted_id: str, label: str) -> None:
    cdc = st.cdc
    clauses = (("SCD TYPE 2", cdc.get("scd") == "2"), ("APPLY AS TRUNCATE", cdc.get("truncate")),
               ("IGNORE NULL UPDATES", cdc.get("ignore_null_updates")))
    unsupported = [w for w, present in clauses if present]
    if unsupported:
        raise QueryError(f"AUTO CDC into {st.name} uses {', '.join(unsupported)}, which no LakeStream node expresses "
                         "(a table sink in merge mode keeps the latest row per key, SCD type 1)", 1, 1)
    source = cdc.get("source")
    upstream = builder.datasets.get(source) or _external(builder, source)
    config: dict[str, Any] = {"table": st.name, "mode": "merge", "merge_keys": cdc.get("keys", [])}
    if cdc.get("sequence_by"):
        config["sequence_by"] = cdc["sequence_by"]
    table = builder.pending_tables.get(st.name)
    if table is not None and table.cluster_by:
        config["cluster_by"] = table.cluster_by
    header = (table.header if table is not None else None) or st.header
    node_id = builder.add("delta_table_sink", header["label"] if header else st.name, config, [upstream],
                          header["id"] if header else "")
    builder.sinks[st.name] = node_id
    if cdc.get("delete_when") or cdc.get("columns"):
        builder.warnings.append(f"AUTO CDC into {st.name}: APPLY AS DELETE WHEN / COLUMNS are regenerated from the "
                                "upstream's change columns, not kept as written")
    builder.mappings.append(_mapping(st, "node", node_id, "delta_table_sink",
                                     "AUTO CDC / APPLY CHANGES: a Delta table sink in merge mode"))


def _map_insert(builder: _Builder, st: Statement, defined: set[str]) -> None:
    """An append flow: its query's nodes; the table's sink is placed once every flow is known (_flows)."""
    parsed = parse_query(st.query)
    upstream = _plain_read(parsed, builder, defined)
    if upstream is None:
        last, kind, reason, type_id = _chain(builder, st, parsed, defined, st.cdc["flow"], "", None)
    else:
        last, kind, reason, type_id = upstream, "merged", "an append flow of one dataset", None
    builder.flows.setdefault(st.name, []).append(last)
    builder.mappings.append(_mapping(st, kind, last, type_id, reason + f"; INSERT INTO flow into {st.name}"))


def _flows(builder: _Builder) -> None:
    """One sink per table filled by INSERT INTO flows; several flows meet in a union first."""
    for table, lasts in builder.flows.items():
        statement = builder.pending_tables.get(table)
        config: dict[str, Any] = {"table": table}
        if statement is not None and statement.cluster_by:
            config["cluster_by"] = statement.cluster_by
        upstream = lasts[0]
        if len(lasts) > 1:
            upstream = builder.add("union_merge", f"{table} flows", {"distinct": False, "by_name": True}, lasts)
            builder.warnings.append(f"{table} is filled by {len(lasts)} flows: a union node feeds its one sink")
        builder.sinks[table] = builder.add("delta_table_sink", f"{table} table", config, [upstream])


# --- the document ------------------------------------------------------------------------------------------

def _document(builder: _Builder, base: Pipeline | None, name: str | None) -> Pipeline:
    """Nodes and edges as a document, ids and positions of `base` kept where the node still exists."""
    kept = {n.id: n for n in base.nodes} if base else {}
    nodes = []
    for data in builder.nodes:
        old = kept.get(data["id"])
        if old is not None and old.type == data["type"]:
            data = {**data, "position": old.position.model_dump()}
        nodes.append(data)
    ids = {n["id"] for n in nodes}
    links = list(builder.edges) + [(e.source, e.source_port, e.target, e.target_port) for e in builder.kept_edges
                                   if e.source in ids and e.target in ids]
    links = list(dict.fromkeys(links))
    edges = [{"id": f"e{i + 1}", "source": s, "source_port": sp, "target": t, "target_port": tp}
             for i, (s, sp, t, tp) in enumerate(links)]
    document: dict[str, Any] = {"name": name or (base.name if base else "Imported pipeline"), "nodes": nodes,
                                "edges": edges, "code_target": "auto"}
    if base is not None:
        document.update(id=base.id, description=base.description, code_target=base.code_target,
                        settings=base.settings.model_dump(by_alias=True), samples={
                            k: v for k, v in base.samples.items() if any(n["id"] == k for n in nodes)})
    else:
        document["settings"] = Settings(catalog=None).model_dump(by_alias=True)
    pipeline = load_pipeline(document)
    if base is None or any(n.id not in kept for n in pipeline.nodes):
        laid = auto_layout(pipeline)
        if base is not None:  # keep where the user put the nodes that were already there
            positions = {n.id: n.position for n in base.nodes}
            laid = laid.model_copy(update={"nodes": tuple(
                n.model_copy(update={"position": positions[n.id]}) if n.id in positions else n for n in laid.nodes)})
        pipeline = laid
    return pipeline


def _verify(document: Pipeline, mappings: list[StatementMapping], statements) -> list[StatementMapping]:
    """Mark the statements whose node regenerates the very same SQL text (LakeStream's own, mapped back)."""
    try:
        code = generate(document, "sdp-sql", "databricks")
    except CodegenError:
        return mappings
    generated = code.files.get("transformations/pipeline.sql")
    if generated is None:
        return mappings
    fragments: dict[str, str] = {}
    lines = generated.text.splitlines()
    for span in generated.spans:
        fragments[span.node_id] = "\n".join(lines[span.start - 1:span.end])
    out = []
    for mapping in mappings:
        original = next((s for _, s in statements if s.line == mapping.line), None)
        exact = bool(mapping.node_id and original is not None and original.text.strip() in fragments.get(
            mapping.node_id, ""))
        out.append(StatementMapping(**{**mapping.__dict__, "exact": exact}))
    return out

