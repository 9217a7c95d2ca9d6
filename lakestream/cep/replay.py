"""Replay a pipeline's filters, projections and pattern nodes over sample events with the local engine.

Events are rows (dicts) fed to the source nodes in file order, each as its own micro-batch (the
streaming ideal: the watermark moves after every event), then a final no-data batch as Spark's
availableNow runs. Only the nodes that lead to a pattern node (or to the node asked for) run.
"""

from __future__ import annotations

import csv
import io
import json
from bisect import bisect_left
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from lakestream.cep.engine import PatternRun
from lakestream.cep.explain import ExplainRun, Trace, missing_explain
from lakestream.cep.explain_rows import explain_match_recognize
from lakestream.sparksql.evaluator import ExpressionCompiler, compile_condition
from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.sparksql.runtime.javaregex import RegexError, RegexTimeout
from lakestream.sparksql.runtime.sqlfuncs import to_bool, to_double, to_int, to_str, to_timestamp
from lakestream.sparksql.types import FRACTIONAL, INTEGRAL, NUMERIC, TIMESTAMPS
from lakestream.errors import UserError
from lakestream.graph import CycleError, PipelineGraph
from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category
from lakestream.sparksql.parse import ExpressionError
from lakestream.pipeline import Pipeline
from lakestream.schemas import propagate

PASS_THROUGH = {"watermark"}
ROW_TRANSFORMS = {"filter", "map_select", "rename_cast", "split_router", "union_merge"}
_ARRIVAL = itemgetter(0)
_CASTS = {"boolean": to_bool, "string": to_str, **dict.fromkeys(FRACTIONAL, to_double),
          **dict.fromkeys(TIMESTAMPS, to_timestamp)}


def check_explain() -> None:
    """At import: every pattern node the engine replays can explain itself (its runtime's explain facet)."""
    missing = [f"{spec.type} ({lack})" for spec in REGISTRY.values()
               if spec.pattern is not None and spec.pattern.replay != "spark"
               and (lack := missing_explain(spec.pattern.replay, spec.type)) is not None]
    if missing:
        raise TypeError(f"pattern nodes without an explain facet: {', '.join(missing)}")


check_explain()


@dataclass
class NodeOutput:
    node_id: str
    columns: list[str]
    rows: list[dict]
    late_events: int = 0
    ports: dict[str, list[dict]] = field(default_factory=dict)  # rows per output port (a split's routes)


@dataclass
class Fed:
    """One row that reached the node asked for: its input port, the row, and whether it was late (dropped)."""

    port: str
    row: dict
    late: bool = False


@dataclass
class ReplayResult:
    outputs: dict[str, NodeOutput] = field(default_factory=dict)  # pattern nodes (or the one asked for)
    fed: dict[str, list[Fed]] = field(default_factory=dict)  # the rows each of those nodes received, in arrival order
    traces: dict[str, Trace] = field(default_factory=dict)  # asked for (Replayer(explain=True)): per pattern node

    @property
    def late_events(self) -> int:
        return sum(o.late_events for o in self.outputs.values())


def read_events(path: str | Path) -> list[dict]:
    """Rows of a JSON-lines file (one object per line) or a CSV file with a header; UserError if neither."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read events file {path}: {getattr(error, 'strerror', None) or error}") from None
    return parse_events(text, as_csv=path.suffix.lower() == ".csv", name=str(path))


MAX_DIGITS = 4300  # digits of one integer (Python's own limit of int(); no Spark type holds more than 39)
MAX_DEPTH = 64  # nesting of arrays and objects in one event (Spark structs nest a few levels)
MAX_FIELD = 16 * 2**20  # characters of one CSV field (the csv module's default is 128 KiB)


class _TooManyDigits(ValueError):
    def __init__(self, text: str):
        self.text = text


def _integer(text: str) -> int:
    if len(text) > MAX_DIGITS + 1:
        raise _TooManyDigits(text)
    return int(text)


def _depth(value) -> int:
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            pending += [(v, depth + 1) for v in (item.values() if isinstance(item, dict) else item)]
    return deepest


def parse_events(text: str, as_csv: bool = False, name: str = "the events") -> list[dict]:
    """Rows of JSON-lines text (one object per line) or CSV text with a header; UserError naming the line."""
    if as_csv:
        return _parse_csv(text, name)
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line, parse_int=_integer)
        except _TooManyDigits as error:
            raise UserError(f"{name} line {number}: the number {error.text[:20]}… has {len(error.text):,} digits; "
                            f"a number may have at most {MAX_DIGITS:,}") from None
        except RecursionError:
            raise UserError(f"{name} line {number} is nested too deeply: at most {MAX_DEPTH} levels of arrays "
                            "and objects") from None
        except ValueError as error:
            reason = getattr(error, "msg", None) or str(error)
            raise UserError(f"{name} line {number} is not JSON ({reason}); write one JSON object per line") from None
        if not isinstance(row, dict):
            raise UserError(f"{name} line {number} is not a JSON object; write one object per line")
        if line.count("[") + line.count("{") > MAX_DEPTH and _depth(row) > MAX_DEPTH:
            raise UserError(f"{name} line {number} is nested too deeply: at most {MAX_DEPTH} levels of arrays "
                            "and objects")
        rows.append(row)
    return rows


def _parse_csv(text: str, name: str) -> list[dict]:
    if csv.field_size_limit() < MAX_FIELD:
        csv.field_size_limit(MAX_FIELD)  # process-wide, only ever raised: a long payload column is data
    reader = csv.DictReader(io.StringIO(text))
    try:
        return [dict(r) for r in reader]
    except csv.Error as error:
        reason = str(error).replace(f"({MAX_FIELD})", f"of {MAX_FIELD:,} characters")
        raise UserError(f"{name} line {reader.line_num + 1}: not CSV ({reason})") from None  # the line being read


def coerce(rows: list[dict], schema) -> list[dict]:
    """Rows with the source's declared types (timestamps from text, numbers from CSV text)."""
    out = []
    for row in rows:
        typed = dict(row)
        for column in schema:
            kind = column.type.lower()
            value = row.get(column.name)
            if value is None:
                typed[column.name] = None
            elif kind in INTEGRAL:
                typed[column.name] = to_int(value)
            elif kind in _CASTS:
                typed[column.name] = _CASTS[kind](value)
        out.append(typed)
    return out


def check_types(rows: list[dict], schema, name: str) -> None:
    """UserError naming the first event whose timestamp or number does not read as its column's type."""
    for number, (raw, typed) in enumerate(zip(rows, coerce(rows, schema)), 1):
        for column in schema:
            kind = column.type.lower()
            if raw.get(column.name) is not None and typed.get(column.name) is None and \
                    (kind.startswith("timestamp") or kind in NUMERIC):
                value = repr(raw[column.name])
                value = value if len(value) <= 40 else value[:40] + "…"
                raise UserError(f"{name} event {number}: {column.name} = {value} is not a {kind}")


class NodeReplayError(UserError):
    """A node that could not run on the events: "node ID (title)[, event N]: detail"."""

    def __init__(self, node_id: str, title: str, arrival: int | None, detail: str):
        self.event = None if arrival is None else arrival + 1  # 1-based, in arrival order
        self.detail = detail
        where = "" if self.event is None else f", event {self.event}"
        super().__init__(f"node {node_id} ({title}){where}: {detail}")


class Replayer:
    """Runs the needed nodes of one pipeline, in graph order, over the given source events."""

    def __init__(self, pipeline: Pipeline, explain: bool = False):
        self.pipeline = pipeline
        self.explain = explain  # record each pattern node's trace (lakestream/cep/explain.py): off, it costs nothing
        self.traces: dict[str, Trace] = {}
        self.graph = PipelineGraph(pipeline)
        self.schemas = propagate(pipeline, self.graph)
        self.arrival: int | None = None  # the event being evaluated (0-based arrival), for error messages
        self._ends: list[int] | None = None  # micro-batch ends (arrival numbers) when run_batches runs

    def sources(self) -> list[str]:
        return [n.id for n in self.pipeline.nodes if n.spec.category is Category.SOURCE]

    def run(self, events: dict[str, list[dict]], node_id: str | None = None) -> ReplayResult:
        produced: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        arrival = 0
        for source_id, rows in events.items():  # arrival order: files in the order given
            schema = self.schemas.get(source_id) or ()
            produced[(source_id, "out")] = [(arrival + i, r) for i, r in enumerate(coerce(rows, schema))]
            arrival += len(rows)
        return self._run(produced, node_id)

    def run_batches(self, batches: list[dict[str, list[dict]]], node_id: str | None = None) -> ReplayResult:
        """Run over micro-batches (events per source in each) instead of one batch per event: a backtest
        over files, one file of each source per batch as Spark's maxFilesPerTrigger=1 reads them."""
        produced: dict[tuple[str, str], list[tuple[int, dict]]] = {}
        arrival, self._ends = 0, []
        for batch in batches:
            for source_id, rows in batch.items():
                schema = self.schemas.get(source_id) or ()
                produced.setdefault((source_id, "out"), []).extend(
                    (arrival + i, r) for i, r in enumerate(coerce(rows, schema)))
                arrival += len(rows)
            self._ends.append(arrival)
        try:
            return self._run(produced, node_id)
        finally:
            self._ends = None

    def _run(self, produced, node_id: str | None) -> ReplayResult:
        wanted = self._wanted(node_id)
        needed = set(wanted)
        for target in wanted:
            needed |= self.graph.upstream(target)
        result = ReplayResult()
        try:
            order = self.graph.topological_order()
        except CycleError as error:
            raise UserError(f"cannot replay a pipeline with a cycle ({error})") from None
        for nid in order:
            if nid not in needed or self.pipeline.node(nid).spec.category is Category.SOURCE:
                continue
            fed: list[Fed] = []
            output = self._run_node(nid, produced, fed)
            if nid in wanted:
                result.outputs[nid] = output
                result.fed[nid] = fed
                if nid in self.traces:
                    result.traces[nid] = self.traces[nid]
        return result

    def _wanted(self, node_id: str | None) -> list[str]:
        if node_id is not None:
            if node_id not in self.pipeline.node_by_id:
                known = ", ".join(n.id for n in self.pipeline.nodes)
                raise UserError(f"no node {node_id!r} in this pipeline (nodes: {known})")
            return [node_id]
        found = [n.id for n in self.pipeline.nodes if n.spec.category is Category.PATTERN]
        if not found:
            raise UserError("this pipeline has no pattern node to replay; name a node with --node")
        return found

    def _inputs(self, nid: str, produced) -> dict[str, list[tuple[int, dict]]]:
        by_port: dict[str, list[tuple[int, dict]]] = {}
        for edge in self.graph.in_edges(nid):
            rows = produced.get((edge.source, edge.source_port), [])
            by_port.setdefault(edge.target_port, []).extend(rows)
        for rows in by_port.values():
            rows.sort(key=lambda item: item[0])  # several edges into a port: merge by arrival
        return by_port

    def _run_node(self, nid: str, produced, fed: list[Fed]) -> NodeOutput:
        node = self.pipeline.node(nid)
        config = node.parsed_or_none()
        if config is None:
            raise UserError(f"node {nid} ({node.title}) has an invalid config; run lakestream validate")
        inputs = self._inputs(nid, produced)
        schema = self.schemas.get(nid) or ()
        columns = [c.name for c in schema]
        type_id = node.type
        fed += [Fed(port, row) for _, port, row in _merged(inputs)]
        try:
            if node.spec.category is Category.PATTERN:
                rows, late = self._pattern(node, config, inputs, columns, fed)
                produced[(nid, "out")] = rows
                return NodeOutput(nid, columns, [r for _, r in rows], late)
            if type_id in PASS_THROUGH:
                rows = inputs.get("in", [])
            elif type_id in ROW_TRANSFORMS:
                rows = self._transform(nid, type_id, config, inputs, produced)
            elif type_id == "sql_transform":
                raise UserError(f"replay cannot run node {nid} ({node.title}): a SQL transform's query runs on "
                                "Spark only (lakestream run); replay runs filters, projections and pattern nodes")
            else:
                raise UserError(
                    f"replay cannot run node {nid} ({node.spec.name}); it runs filters, projections, "
                    "rename/cast, split, union, watermarks and pattern nodes"
                )
        except ExpressionError as error:
            raise NodeReplayError(nid, node.title, None, f"the expression {error}") from None
        except (RegexError, RegexTimeout) as error:  # a pattern read from the data, or one too slow for a value
            raise NodeReplayError(nid, node.title, self.arrival, str(error)) from None
        finally:
            self.arrival = None
        produced.setdefault((nid, "out"), rows)
        ports = {port: [r for _, r in routed] for (source, port), routed in produced.items() if source == nid}
        return NodeOutput(nid, columns, [r for _, r in rows], ports=ports)

    def _pattern(self, node, config, inputs, columns, fed):
        if node.type == "match_recognize":
            names, tuples = replay_match_recognize(config, [r for _, r in inputs.get("in", [])])
            if self.explain:
                self.traces[node.id] = explain_match_recognize(config, [r for _, r in inputs.get("in", [])])
            last = max((a for a, _ in inputs.get("in", [])), default=0) + 1
            return [(last, dict(zip(names, t))) for t in tuples], 0
        schemas = {p: self.schemas.get(e.source) or () for p in inputs for e in self.graph.in_edges(node.id)
                   if e.target_port == p}
        run = (ExplainRun if self.explain else PatternRun)(node.type, config, schemas)
        merged = _merged(inputs)
        if self._ends is not None:
            return self._pattern_batches(run, merged, fed)
        out = []
        for index, (arrival, port, row) in enumerate(merged):
            self.arrival, late = arrival, run.late_events
            out += [(arrival, r) for r in run.batch([(port, row)])]
            fed[index].late = run.late_events > late
        final, self.arrival = (merged[-1][0] + 1) if merged else 0, None
        out += [(final, r) for r in run.finish()]
        if self.explain:
            self.traces[node.id] = run.trace()
        return out, run.late_events

    def _pattern_batches(self, run, merged, fed):
        out, start = [], 0
        for end in self._ends:
            stop = bisect_left(merged, end, lo=start, key=_ARRIVAL)
            self.arrival = merged[start][0] if start < stop else None
            out += [(end - 1, r) for r in run.batch([(port, row) for _, port, row in merged[start:stop]])]
            start = stop
        out += [(self._ends[-1] if self._ends else 0, r) for r in run.finish()]
        self.arrival = None
        return out, run.late_events

    def _transform(self, nid, type_id, config, inputs, produced):
        rows = inputs.get("in", [])
        names = [c.name for c in (self.schemas.get(self.graph.in_edges(nid)[0].source) or ())] if rows else None
        if type_id == "filter":
            keep = compile_condition(config.condition, names)
            return [(a, r) for a, r in self._tracked(rows) if keep(r)]
        if type_id == "map_select":
            compiler = ExpressionCompiler(names)
            projections = [(p.name, compiler.function(p.expr)) for p in config.columns]
            out = []
            for a, r in self._tracked(rows):
                new = dict(r) if config.keep_existing else {}
                for name, fn in projections:
                    new[name] = fn(r)
                out.append((a, new))
            return out
        if type_id == "rename_cast":
            casts = {}
            for m in config.mappings:
                cast = ExpressionCompiler().function(f"CAST(`{m.column}` AS {m.cast_to})") if m.cast_to else None
                casts[m.column] = (m.rename_to or m.column, cast)
            out = []
            for a, r in self._tracked(rows):
                new = {}
                for key, value in r.items():
                    target, cast = casts.get(key, (key, None))
                    new[target] = cast(r) if cast else value
                out.append((a, new))
            return out
        if type_id == "union_merge":
            return self._union(nid, config, inputs)
        return self._split(nid, config, rows, names, produced)

    def _tracked(self, rows):
        """The (arrival, row) pairs, noting each arrival while its row is evaluated."""
        for arrival, row in rows:
            self.arrival = arrival
            yield arrival, row
        self.arrival = None

    def _union(self, nid, config, inputs):
        merged = sorted((item for rows in inputs.values() for item in rows), key=lambda t: t[0])
        columns = [c.name for c in (self.schemas.get(nid) or ())]
        out, seen = [], set()
        for a, r in merged:
            row = {c: r.get(c) for c in columns} if config.by_name else dict(zip(columns, r.values()))
            if config.distinct:
                marker = json.dumps(row, default=str, sort_keys=True)
                if marker in seen:
                    continue
                seen.add(marker)
            out.append((a, row))
        return out

    def _split(self, nid, config, rows, names, produced):
        routes = [(route.name, compile_condition(route.condition, names)) for route in config.routes]
        by_port: dict[str, list] = {}
        for a, r in self._tracked(rows):
            port = next((name for name, holds in routes if holds(r)), config.default_route)
            if port is not None:
                by_port.setdefault(port, []).append((a, r))
        for port, routed in by_port.items():
            produced[(nid, port)] = routed
        return [item for routed in by_port.values() for item in routed]


def _merged(inputs: dict[str, list[tuple[int, dict]]]) -> list[tuple[int, str, dict]]:
    """(arrival, port, row) of every input port, in arrival order."""
    return sorted(((a, port, row) for port, rows in inputs.items() for a, row in rows), key=lambda t: t[0])


def replay(pipeline: Pipeline, events: dict[str, list[dict]], node_id: str | None = None) -> ReplayResult:
    """Run the pipeline's pattern nodes (or `node_id`) over events per source node id."""
    return Replayer(pipeline).run(events, node_id)


def jsonable(value):
    """A value for JSON output: timestamps as Spark prints them, decimals as numbers."""
    if hasattr(value, "isoformat") or isinstance(value, bool):
        return to_str(value) if not isinstance(value, bool) else value
    if hasattr(value, "as_tuple"):
        return float(value)
    return value
