"""Backtest a pipeline's pattern nodes over historical event files in the engine: detections per hour or
day, top keys, sample detections.

Each file is one micro-batch (files in name order, one file of each source per batch, as the local profile's
code reads them with `maxFilesPerTrigger` 1), then the final no-data batch `availableNow` runs: so the Spark
backtest (`lakestream.spark_backtest`) finds exactly the same detections. A pattern fed by one source through
filters and watermarks takes the fast path: JSON lines decoded by msgspec into typed columns (only the
columns the pattern reads), event times parsed once, no per-event dict; anything else runs through the
replayer's micro-batch mode.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from lakestream.cep.engine import EPOCH, PatternRun, from_micros, to_micros
from sqlglot import exp

from lakestream.sparksql.evaluator import ExpressionCompiler
from lakestream.cep.replay import NodeReplayError, Replayer, check_types, coerce, jsonable, read_events
from lakestream.sparksql.runtime.javaregex import RegexError, RegexTimeout
from lakestream.errors import UserError
from lakestream.gc_pause import gc_paused
from lakestream.graph import PipelineGraph
from lakestream.nodes.base import Category
from lakestream.sparksql.parse import ExpressionError
from lakestream.sparksql.types import FRACTIONAL, INTEGRAL, NUMERIC
from lakestream.pipeline import Pipeline

EVENT_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv")
BUCKETS = {"hour": 3_600_000_000, "day": 86_400_000_000}
CHUNK = 8 * 2**20  # bytes decoded at a time: a file is streamed, not held twice
_ONE_US = timedelta(microseconds=1)
_FAST_TYPES = {"string": str, "boolean": bool, **dict.fromkeys(FRACTIONAL, float), **dict.fromkeys(INTEGRAL, int)}


class Cancelled(UserError):
    """The backtest was cancelled (the UI's Cancel button)."""


def event_files(paths: list[str | Path]) -> list[Path]:
    """The event files named (a folder: its JSON-lines and CSV files in name order); UserError if none."""
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in EVENT_SUFFIXES)
            if not found:
                raise UserError(f"no event files (*.jsonl, *.json, *.csv) in the folder {path}")
            out += found
        elif path.is_file():
            out.append(path)
        else:
            raise UserError(f"no such events file or folder: {path}")
    return out


def fast_micros(text):
    """Epoch microseconds of a timestamp text, as to_timestamp reads it (its common ISO shapes without a
    regular expression; any other text through to_timestamp itself); None when it is not a timestamp."""
    if text.__class__ is str and (len(text) == 19 or (len(text) == 20 and text[19] == "Z")) \
            and text[10] in "T " and text[4] == "-" and text[7] == "-" and text[13] == ":" and text[16] == ":":
        try:
            return (datetime.fromisoformat(text[:19]) - EPOCH) // _ONE_US
        except ValueError:
            pass  # e.g. hour 24: to_timestamp decides
    return to_micros(text)


_CACHE: dict = {}


def cached_micros(text):
    """fast_micros with a bounded cache: historical events come in bursts of equal event times."""
    micros = _CACHE.get(text)
    if micros is None:
        if len(_CACHE) > 100_000:
            _CACHE.clear()
        micros = _CACHE[text] = fast_micros(text)
    return micros


def _fast_timestamp(text):
    micros = cached_micros(text)
    return None if micros is None else EPOCH + timedelta(microseconds=micros)


_NUMERIC = set(NUMERIC)
_SWAPPED = {exp.GT: exp.LT, exp.LT: exp.GT, exp.GTE: exp.LTE, exp.LTE: exp.GTE, exp.EQ: exp.EQ, exp.NEQ: exp.NEQ}
_PYTHON_OP = {exp.GT: ">", exp.LT: "<", exp.GTE: ">=", exp.LTE: "<=", exp.EQ: "==", exp.NEQ: "!="}
_NAN_IS = {exp.GT: True, exp.GTE: True, exp.LT: False, exp.LTE: False, exp.EQ: False, exp.NEQ: True}  # NaN > all


class TypedCompiler(ExpressionCompiler):
    """The engine's expression compiler for rows whose columns have known Python types (the fast path's typed
    structs): a numeric column compared with a number literal and COALESCE become inline Python, with
    sqlfuncs' results for every value (NULL, NaN above every number); everything else is the engine's code."""

    def __init__(self, types: dict[str, str], resolve: bool, prefix: str):
        super().__init__(types if resolve else None)  # resolve: column names case-insensitively (filters do)
        self.fields = dict(types)
        self.types = {name: kind.lower() for name, kind in types.items()}
        self.prefix = prefix
        self._names = 0

    def _name(self, node: exp.Column) -> str:
        return self.columns[node.name.lower()] if self.columns is not None else node.name

    def column(self, node: exp.Column) -> str:
        text = super().column(node)
        name = self._name(node)
        return f"row.{name}" if name in self.fields else text  # row.get(): a struct answers None, as a dict

    def _temp(self) -> str:
        self._names += 1
        return f"{self.prefix}{self._names}"

    def visit(self, node: exp.Expression) -> str:
        kind = type(node)
        if kind in _PYTHON_OP:
            left, right = node.this, node.expression
            while isinstance(left, exp.Paren):
                left = left.this
            while isinstance(right, exp.Paren):
                right = right.this
            if isinstance(left, exp.Literal) and isinstance(right, exp.Column):
                left, right, kind = right, left, _SWAPPED[kind]
            if isinstance(left, exp.Column) and not left.table and isinstance(right, exp.Literal) \
                    and not right.is_string and self.types.get(self._name(left)) in _NUMERIC:
                value, literal, v = self.visit(left), self.visit(right), self._temp()
                return (f"(None if ({v} := {value}) is None else "
                        f"({v} {_PYTHON_OP[kind]} {literal} if {v} == {v} else {_NAN_IS[kind]}))")
        return super().visit(node)

    def visit_coalesce(self, node: exp.Coalesce) -> str:
        args = self.args(node)
        if len(args) != 2:
            return super().visit_coalesce(node)
        v = self._temp()
        return f"({v} if ({v} := {args[0]}) is not None else {args[1]})"


@dataclass
class NodeBacktest:
    """One pattern node's backtest: detections, per bucket, top keys, samples."""

    node_id: str
    title: str
    type: str
    columns: list[str]
    detections: int = 0
    late_events: int | None = 0  # None: not counted (a Spark backtest)
    time_column: str | None = None  # the output column bucketed (the last timestamp: when a detection completes)
    buckets: dict[str, int] = field(default_factory=dict)  # bucket start (ISO) -> detections, in time order
    top_keys: list[tuple[str, int]] = field(default_factory=list)
    samples: list[dict] = field(default_factory=list)  # JSON-able rows

    def to_json(self) -> dict:
        return {"node_id": self.node_id, "title": self.title, "type": self.type, "columns": self.columns,
                "detections": self.detections, "late_events": self.late_events, "time_column": self.time_column,
                "buckets": self.buckets, "top_keys": [list(k) for k in self.top_keys], "samples": self.samples}


@dataclass
class BacktestResult:
    events: int
    seconds: float
    by: str
    nodes: dict[str, NodeBacktest]
    fast: bool = False  # every node ran the fast path

    def to_json(self) -> dict:
        return {"events": self.events, "seconds": round(self.seconds, 3), "by": self.by, "fast": self.fast,
                "nodes": {nid: n.to_json() for nid, n in self.nodes.items()}}


def _bound(value: str | None, name: str) -> int | None:
    if value is None or value == "":
        return None
    micros = to_micros(value)
    if micros is None:
        raise UserError(f"{name} {value!r} is not a timestamp (write e.g. 2026-03-01 or 2026-03-01T08:00:00)")
    return micros


class Backtester:
    """Runs the pattern nodes of one pipeline over event files, one file of each source per micro-batch."""

    def __init__(self, pipeline: Pipeline, node_ids: list[str] | None = None):
        self.pipeline = pipeline
        self.replayer = Replayer(pipeline)
        self.graph: PipelineGraph = self.replayer.graph
        if node_ids:
            for nid in node_ids:
                node = pipeline.node_by_id.get(nid)
                if node is None or node.spec.category is not Category.PATTERN:
                    patterns = ", ".join(n.id for n in pipeline.nodes if n.spec.category is Category.PATTERN)
                    raise UserError(f"{nid!r} is not a pattern node of this pipeline (pattern nodes: {patterns})")
            self.node_ids = list(node_ids)
        else:
            self.node_ids = [n.id for n in pipeline.nodes if n.spec.category is Category.PATTERN]
        if not self.node_ids:
            raise UserError("this pipeline has no pattern node to backtest")
        for nid in self.node_ids:
            if pipeline.node(nid).parsed_or_none() is None:
                raise UserError(f"node {nid} ({pipeline.node(nid).title}) has an invalid config; run lakestream validate")

    def sources(self) -> list[str]:
        return self.replayer.sources()

    def run(self, files: dict[str, list[Path]], by: str = "hour", start: str | None = None, end: str | None = None,
            top: int = 10, samples: int = 5, progress: Callable[[float], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> BacktestResult:
        """Detections of each pattern node over `files` per source id (each list in micro-batch order)."""
        if by not in BUCKETS:
            raise UserError(f"--by must be hour or day, not {by!r}")
        window = (_bound(start, "--from"), _bound(end, "--to"))
        with gc_paused():  # millions of events stay alive per batch: collections would walk them again and again
            return self._run(files, by, window, top, samples, progress, cancelled)

    def _run(self, files, by, window, top, samples, progress, cancelled) -> BacktestResult:
        began = time.perf_counter()
        outputs: dict[str, tuple[list[str], list[dict], int]] = {}
        slow = []
        events = 0
        for nid in self.node_ids:
            chain = self._chain(nid)
            if chain is None or len(files.get(chain[0], [])) == 0:
                slow.append(nid)
                continue
            columns, rows, late, count = self._fast(nid, chain, files[chain[0]], window, progress, cancelled)
            outputs[nid] = (columns, rows, late)
            events = max(events, count)
        if slow:
            count, result = self._slow(slow, files, window, cancelled)
            events = max(events, count)
            for nid in slow:
                out = result.outputs[nid]
                outputs[nid] = (out.columns, out.rows, out.late_events)
        if progress:
            progress(1.0)
        nodes = {nid: self.summary(nid, *outputs[nid], by, top, samples) for nid in self.node_ids}
        return BacktestResult(events, time.perf_counter() - began, by, nodes, fast=not slow)

    # --- the fast path: source -> filters/watermarks -> one single-input pattern ---------------------------

    def _chain(self, nid: str) -> list[str] | None:
        """[source, filter or watermark…] feeding the pattern through its one input, or None (slow path)."""
        node = self.pipeline.node(nid)
        if node.type == "match_recognize":
            return None
        run = PatternRun(node.type, node.parsed, {})
        if run.binding.passthrough or set(run.binding.fields) != {"in"}:
            return None
        chain: list[str] = []
        current = nid
        while True:
            edges = self.graph.in_edges(current)
            if len(edges) != 1 or edges[0].source_port != "out":
                return None
            upstream = self.pipeline.node(edges[0].source)
            if upstream.spec.category is Category.SOURCE:
                return [upstream.id] + chain[::-1]
            if upstream.type not in ("filter", "watermark") or upstream.parsed_or_none() is None:
                return None
            chain.append(upstream.id)
            current = upstream.id

    def _fast(self, nid, chain, files, window, progress, cancelled):
        node = self.pipeline.node(nid)
        source_schema = self.replayer.schemas.get(chain[0]) or ()
        run = PatternRun(node.type, node.parsed, {"in": self.replayer.schemas.get(chain[-1]) or ()})
        binding = run.binding
        filters = [self.pipeline.node(f) for f in chain[1:] if self.pipeline.node(f).type == "filter"]
        decoder = _decoder(source_schema)
        typed = _event_function(binding, filters, source_schema, True) if decoder else None
        plain = _event_function(binding, filters, source_schema, False)
        texts = [*binding.fields["in"], *(f.parsed.condition for f in filters)]
        # timestamp columns an expression or key may read (a name in its text): parsed to datetimes per event
        timestamps = [c.name for c in source_schema if c.type.lower().startswith("timestamp") and
                      (c.name in binding.key_columns or any(c.name.lower() in t.lower() for t in texts))]
        time_column = binding.time_column
        low, high = window
        sim, seq, count, out = run.sim, 0, 0, []
        total = sum(f.stat().st_size for f in files) or 1
        done = 0
        for path in files:
            if cancelled and cancelled():
                raise Cancelled("the backtest was cancelled")
            batch = []
            append, cache = batch.append, _CACHE.get
            for rows, is_typed in _decoded(path, decoder, source_schema):
                event = typed if is_typed else plain
                first = count
                count += len(rows)
                try:
                    for row in rows:
                        if is_typed:
                            raw_ts = getattr(row, time_column)
                            ts = cache(raw_ts) if raw_ts is not None else None
                            if ts is None and raw_ts is not None:
                                ts = cached_micros(raw_ts)
                            for name in timestamps:  # the expressions see timestamps, as coerce() gives them
                                value = getattr(row, name)
                                if value is not None:
                                    setattr(row, name, _fast_timestamp(value))
                        else:
                            ts = to_micros(row.get(time_column))
                        if ts is None or (low is not None and ts < low) or (high is not None and ts >= high):
                            first += 1
                            continue
                        made = event(row, ts, seq + 1)
                        first += 1
                        if made is not None:
                            seq += 1
                            append(made)
                except (RegexError, RegexTimeout) as error:
                    raise NodeReplayError(nid, node.title, first, str(error)) from None
            out += run._rows(sim.batch(batch))
            done += path.stat().st_size
            if progress:
                progress(done / total)
        out += run.finish()
        return run.columns, out, run.late_events, count

    # --- the slow path: the replayer's micro-batch mode ----------------------------------------------------

    def _slow(self, nids, files, window, cancelled):
        sources = self.sources()
        depth = max((len(files.get(s, [])) for s in sources), default=0)
        batches, count = [], 0
        for index in range(depth):
            if cancelled and cancelled():
                raise Cancelled("the backtest was cancelled")
            batch = {}
            for source in sources:
                paths = files.get(source, [])
                if index < len(paths):
                    rows = read_events(paths[index])
                    count += len(rows)
                    batch[source] = self._within(rows, window)
            batches.append(batch)
        result = None
        for nid in nids:  # one run per node: each runs only its own upstream
            one = self.replayer.run_batches(batches, nid)
            result = one if result is None else result
            result.outputs.update(one.outputs)
        return count, result

    def _within(self, rows, window):
        low, high = window
        if low is None and high is None:
            return rows
        times = {self.pipeline.node(n).parsed.event_time_column for n in self.node_ids}
        kept = []
        for row in rows:
            stamps = [to_micros(row.get(c)) for c in times if row.get(c) is not None]
            if all((low is None or t >= low) and (high is None or t < high) for t in stamps):
                kept.append(row)
        return kept

    # --- summary -------------------------------------------------------------------------------------------

    def summary(self, nid, columns, rows, late, by, top, samples) -> NodeBacktest:
        node = self.pipeline.node(nid)
        schema = self.replayer.schemas.get(nid) or ()
        stamps = [c.name for c in schema if c.type.lower().startswith("timestamp")]
        result = NodeBacktest(nid, node.title, node.type, columns, len(rows), late,
                              stamps[-1] if stamps else None)
        size = BUCKETS[by]
        if result.time_column:
            counts: Counter = Counter()
            for row in rows:
                micros = to_micros(row.get(result.time_column))
                if micros is not None:
                    counts[micros - micros % size] += 1
            result.buckets = {jsonable(from_micros(b)): n for b, n in sorted(counts.items())}
        keys = list(node.parsed.key_columns) if hasattr(node.parsed, "key_columns") else []
        keys = [k for k in keys if k in columns]
        if keys:
            per_key = Counter("|".join("" if r.get(k) is None else str(jsonable(r.get(k))) for k in keys)
                              for r in rows)
            result.top_keys = per_key.most_common(top)
        result.samples = [{c: jsonable(r.get(c)) for c in columns} for r in rows[:samples]]
        return result


def _event_function(binding, filters, schema, typed: bool):
    """One compiled function (row, ts, seq) -> (key tuple, engine event), or None when a filter drops the row: the
    filters' conditions (TRUE keeps a row, as WHERE), the key and the pattern's fields in one Python lambda."""
    types = {c.name: c.type for c in schema}
    names = list(types)
    if typed:
        fields_compiler, filter_compiler = TypedCompiler(types, False, "_f"), TypedCompiler(types, True, "_w")
    else:
        fields_compiler, filter_compiler = ExpressionCompiler(), ExpressionCompiler(names)
    conditions = []
    for node in filters:
        try:
            conditions.append(f"({filter_compiler.source(node.parsed.condition)}) is True")
        except ExpressionError as error:
            raise NodeReplayError(node.id, node.title, None, f"the expression {error}") from None
    fields = [fields_compiler.source(text) for text in binding.fields["in"]]
    keys = [f"row.{k}" if typed and k in types else f"row.get({k!r})" for k in binding.key_columns]
    made = f"(({', '.join(keys)}{',' if keys else ''}), [ts, seq, {', '.join(fields)}])"  # (key, engine event)
    code = f"lambda row, ts, seq: {made}"
    if conditions:
        code += f" if {' and '.join(conditions)} else None"
    return eval(compile(code, "<backtest event>", "eval"), fields_compiler.namespace())  # noqa: S307 - our own


def _decoder(schema):
    """A msgspec decoder of the source's typed columns (timestamps as text, parsed once), or None when a
    column's type has no exact msgspec form (the file is then read as the replayer reads it)."""
    fields = []
    for column in schema:
        kind = column.type.lower()
        if kind.startswith("timestamp"):
            fields.append((column.name, str | None, None))
        elif kind in _FAST_TYPES:
            fields.append((column.name, _FAST_TYPES[kind] | None, None))
        else:
            return None
    if len({name.lower() for name, _, _ in fields}) != len(fields) or \
            any(not name.isidentifier() or name == "get" for name, _, _ in fields):
        return None  # a column msgspec cannot hold as an attribute
    row = msgspec.defstruct("Row", fields, namespace={"get": _get}, gc=False)  # scalars only: no cycles
    return msgspec.json.Decoder(row)


def _get(self, name, default=None):
    return getattr(self, name, default)


def _decoded(path: Path, decoder, schema):
    """Rows of one events file and whether they are typed structs: structs when every line decodes strictly
    (exactly the values coerce() would give), otherwise the replayer's own reading and coercion (dicts)."""
    if decoder is not None and path.suffix.lower() != ".csv":
        chunks, rest = [], b""
        try:
            with path.open("rb") as handle:
                while data := handle.read(CHUNK):  # streamed: decoded a chunk of whole lines at a time
                    data = rest + data
                    cut = data.rfind(b"\n") + 1
                    rest = data[cut:]
                    if cut:
                        chunks.append(decoder.decode_lines(data[:cut]))
            if rest.strip():
                chunks.append(decoder.decode_lines(rest))
            return [(rows, True) for rows in chunks]
        except (msgspec.ValidationError, msgspec.DecodeError):
            pass  # a value of another type, or not JSON: the exact reading below (which names the line)
        except OSError as error:
            raise UserError(f"cannot read events file {path}: {error.strerror or error}") from None
    rows = read_events(path)
    check_types(rows, schema, f"{path}:")
    return [(coerce(rows, schema), False)]


_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)")


def with_overrides(pipeline: Pipeline, assignments: list[str]) -> Pipeline:
    """The pipeline with `NODE.FIELD=VALUE` config overrides (FIELD may be a path: `steps[1].condition`;
    VALUE read as JSON when it is JSON, else as text); UserError naming a bad node, path or value."""
    import json

    from lakestream.pipeline import DocumentError, load_pipeline

    data = pipeline.to_dict()
    nodes = {n["id"]: n for n in data["nodes"]}
    for assignment in assignments:
        target, sep, text = assignment.partition("=")
        node_id, dot, path = target.strip().partition(".")
        if not sep or not dot or not path:
            raise UserError(f"--set {assignment!r}: write NODE.FIELD=VALUE, e.g. burst.threshold=5")
        if node_id not in nodes:
            raise UserError(f"--set {assignment!r}: no node {node_id!r} (nodes: {', '.join(nodes)})")
        try:
            value = json.loads(text)
        except ValueError:
            value = text
        holder, key = nodes[node_id]["config"], None
        parts = path.split(".")
        for i, part in enumerate(parts):
            match = _STEP.fullmatch(part)
            if match is None:
                raise UserError(f"--set {assignment!r}: {path!r} is not a field path (e.g. steps[1].condition)")
            steps = [match.group(1)] + [int(x) for x in re.findall(r"\d+", match.group(2))]
            for j, step in enumerate(steps):
                last = i == len(parts) - 1 and j == len(steps) - 1
                if last:
                    holder, key = holder, step
                    break
                try:
                    holder = holder[step]
                except (KeyError, IndexError, TypeError):
                    raise UserError(f"--set {assignment!r}: node {node_id} has no {path!r}") from None
        try:
            holder[key] = value
        except (IndexError, TypeError):
            raise UserError(f"--set {assignment!r}: node {node_id} has no {path!r}") from None
    try:
        changed = load_pipeline(json.dumps(data))
    except DocumentError as error:
        raise UserError(f"--set: {error}") from None
    for node_id in {a.partition(".")[0].strip() for a in assignments}:
        problems = changed.node(node_id).config_errors
        if problems:
            where = [".".join(str(part) for part in e["loc"]) for e in problems]
            raise UserError(f"--set makes node {node_id} invalid: " +
                            "; ".join(f"{w}: {e['msg']}" for w, e in zip(where, problems)))
    return changed


# --- versions side by side (the builder's Backtest dialog) -------------------------------------------------


def variants(pipeline: Pipeline, store, mode: str, value: str) -> list[tuple[str, Pipeline]]:
    """[(label, document)]: the current document, and the one to compare with (a saved version or an override)."""
    out = [("current", pipeline)]
    value = (value or "").strip()
    if mode == "version":
        if store is None or not value.lstrip("v").isdigit():
            raise UserError("Write the number of a saved version of this pipeline, e.g. 3")
        out.append((f"version {value.lstrip('v')}", store.get_version(pipeline.id, int(value.lstrip("v")))))
    elif mode == "override":
        assignments = [a.strip() for a in value.split(";") if a.strip()]
        if not assignments:
            raise UserError("Write a change as NODE.FIELD=VALUE, e.g. burst.threshold=5")
        out.append(("; ".join(assignments), with_overrides(pipeline, assignments)))
    return out


def run_backtests(docs: list[tuple[str, Pipeline]], paths: list[str], by: str, progress, cancelled
                  ) -> list[tuple[str, BacktestResult]]:
    """Every version over the same files (worker thread); progress in [0, 1] over all of them."""
    files = event_files(paths)
    out = []
    for index, (label, doc) in enumerate(docs):
        backtester = Backtester(doc)
        sources = backtester.sources()
        if len(sources) != 1:
            raise UserError(f"the Backtest dialog feeds one source; this pipeline has {len(sources)}: use "
                            "lakestream backtest --events SOURCE_ID=FILES")
        step = (lambda share, i=index: progress((i + share) / len(docs)))
        out.append((label, backtester.run({sources[0]: files}, by, progress=step, cancelled=cancelled)))
    return out
