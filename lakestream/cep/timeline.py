"""A node's timeline over sample events: per key, its input events in event time and its detections (JSON-able).

The replay (`lakestream.cep.replay`) runs the pipeline up to the node; this module places what it saw
on a time axis. A detection (an output row) is placed at the latest timestamp in its row: `last_ts`
of a sequence, `deadline_ts` of an absence, `window_end` of a count threshold or velocity alert,
`session_end`, `detected_ts` of a heartbeat, the later of `a_ts`/`b_ts` of a correlation, `ts` of a
geofence, outlier, state machine or deduplicated row, `end_ts` of a trend or row pattern. Rows
without a timestamp are listed but not placed. Nothing here raises: problems become `Timeline.message`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from lakestream.cep.bindings import bind
from lakestream.cep.engine import from_micros, to_micros
from lakestream.cep.explain import KeyTrace, Trace
from lakestream.cep.replay import NodeReplayError, Replayer, check_types, jsonable, parse_events
from lakestream.errors import UserError
from lakestream.graph import PipelineGraph
from lakestream.node_examples import ENGINE_INPUTS
from lakestream.node_examples.pipeline import NODE_ID, example_pipeline, source_id
from lakestream.nodes.base import Category
from lakestream.sparksql.parse import ExpressionError
from lakestream.pipeline import MAX_SAMPLE_EVENTS, Pipeline
from lakestream.schemas import propagate

MAX_EVENTS = MAX_SAMPLE_EVENTS  # per source: a timeline is for looking at; lakestream replay takes any number
LABEL_COLUMNS = ("status", "event", "direction", "to_state")  # the word a detection marker shows, if any


@dataclass
class Point:
    """An input event of the node: event time (epoch seconds and Spark text), port, late flag, row; and from the
    node's trace: held (never processed: the watermark has not passed it), the step numbers it filled, its fate."""

    t: float
    ts: str
    port: str
    late: bool
    row: dict
    held: bool = False
    steps: list[str] = field(default_factory=list)  # "2 big_purchase" per partial match step it filled
    notes: list[str] = field(default_factory=list)  # its fate, as the trace says it ("filled step 2 ...")


@dataclass
class Detection:
    t: float | None  # None: the row has no timestamp, so it is not placed
    ts: str | None
    label: str
    row: dict


@dataclass
class PartialMatchView:
    """A partial match of a lane: the times of the events that filled its steps, and how it ended."""

    number: int
    status: str  # open | matched | expired | broken | superseded | answered
    steps: list[tuple[int, str | None, float]]  # (step, label, event time)
    reason: str = ""


@dataclass
class Why:
    """The lane's "why no match?": the kind of reason, its text, the step it stopped at."""

    kind: str
    text: str
    step: int | None = None


@dataclass
class Lane:
    key: str
    events: list[Point] = field(default_factory=list)
    detections: list[Detection] = field(default_factory=list)
    partials: list[PartialMatchView] = field(default_factory=list)
    why: Why | None = None


@dataclass
class WatermarkMark:
    """Where the watermark moved to (epoch seconds and Spark text) after the micro-batch of arrival `arrival`."""

    arrival: int
    t: float
    ts: str


@dataclass
class Timeline:
    node_id: str | None
    message: str = ""  # why there is nothing to show (an error or what to do); empty when lanes are valid
    error: bool = False
    sample: str = ""  # "example": the node type's example events; "loaded": the pipeline's sample events
    sample_sources: dict[str, int] = field(default_factory=dict)  # "loaded": events per source title replayed
    sample_columns: list[str] = field(default_factory=list)  # the example events' columns
    is_pattern: bool = True
    key_columns: list[str] = field(default_factory=list)
    time_column: str | None = None
    watermark_delay: str | None = None
    ports: list[str] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    late_events: int = 0
    ignored: int = 0  # events without an event time (the engine ignores them)
    watermarks: list[WatermarkMark] = field(default_factory=list)  # the watermark over time (pattern nodes)
    final_watermark: str | None = None

    @property
    def held_events(self) -> int:
        return sum(p.held for lane in self.lanes for p in lane.events)

    @property
    def detections(self) -> int:
        return len(self.rows)

    @property
    def summary(self) -> str:
        """'3 detections, 1 late event dropped'."""
        noun = "detection" if self.is_pattern else "output row"
        parts = [_count(self.detections, noun), _count(self.late_events, "late event") + " dropped"]
        if self.held_events:
            parts.append(_count(self.held_events, "event") + " held: waiting for the watermark")
        if self.ignored:
            parts.append(_count(self.ignored, "event") + " without event time ignored")
        return ", ".join(parts)

    def to_dict(self) -> dict:
        return {**asdict(self), "summary": self.summary}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def delay_text(micros: int) -> str:
    seconds = micros / 1_000_000
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            return _count(int(seconds // size), unit)
    return _count(int(seconds), "second") if seconds == int(seconds) else f"{seconds:g} seconds"


def upstream_sources(pipeline: Pipeline, node_id: str) -> list[str]:
    """The source nodes whose events reach `node_id`, in document order."""
    upstream = PipelineGraph(pipeline).upstream(node_id)
    return [n.id for n in pipeline.nodes if n.id in upstream and n.spec.category is Category.SOURCE]


def load_sample(pipeline: Pipeline, source_id: str, text: str, as_csv: bool = False) -> list[dict]:
    """A source's sample events from JSON-lines or CSV text, checked against its schema; UserError if unusable."""
    name = pipeline.node(source_id).title if source_id in pipeline.node_by_id else source_id
    rows = parse_events(text, as_csv=as_csv, name=f"the sample for {name},")
    if not rows:
        raise UserError(f"the sample for {name} has no events: paste one JSON object per line")
    if len(rows) > MAX_EVENTS:
        raise UserError(f"the sample for {name} has {len(rows):,} events; the timeline takes at most {MAX_EVENTS:,} "
                        "per source (lakestream replay takes any number)")
    check_types(rows, propagate(pipeline).get(source_id) or (), f"the sample for {name},")
    return rows


def example_events(pipeline: Pipeline, node_id: str) -> tuple[Pipeline, str, dict[str, list[dict]]] | None:
    """The node alone with its type's example input rows: (pipeline, node id in it, events per source)."""
    node = pipeline.node(node_id)
    inputs = ENGINE_INPUTS.get(node.type)
    if inputs is None:
        return None
    doc = example_pipeline(node.type, inputs)
    nodes = [n.model_copy(update={"config": dict(node.config)}) if n.id == NODE_ID else n for n in doc.nodes]
    doc = doc.model_copy(update={"nodes": nodes})
    return doc, NODE_ID, {source_id(port, i): rows.dicts() for i, (port, rows) in enumerate(inputs)}


def build_timeline(pipeline: Pipeline, node_id: str | None, samples: dict[str, list[dict]] | None = None) -> Timeline:
    """The timeline of `node_id` over sample events per source id (by default the pipeline's own `samples`).

    Only when no source feeding the node has samples does it replay the node type's example events.
    """
    if samples is None:
        samples = pipeline.samples
    if node_id is None or node_id not in pipeline.node_by_id:
        return Timeline(None, "Select a pattern node to test it on sample events.")
    node = pipeline.node(node_id)
    if node.spec.category in (Category.SOURCE, Category.SINK):
        return Timeline(node_id, f"{node.spec.name} nodes have no timeline: select a pattern node to test it "
                                 "on sample events.")
    if node.parsed_or_none() is None:
        return Timeline(node_id, "Fix this node's settings first (see Problems); then its timeline runs.", error=True)
    loaded: dict[str, list[dict]] = {}
    try:
        loaded = {s: rows for s, rows in (samples or {}).items() if s in upstream_sources(pipeline, node_id)}
        if loaded:
            timeline = _timeline(pipeline, node_id, loaded, "loaded")
            timeline.sample_sources = {pipeline.node(s).title: len(rows) for s, rows in loaded.items()}
            return timeline
        example = example_events(pipeline, node_id)
        if example is None:
            return Timeline(node_id, f"{node.spec.name} has no example events: load sample events for a source "
                                     "to test it.")
        doc, inner, events = example
        timeline = _timeline(doc, inner, events, "example")
        timeline.node_id = node_id
        timeline.sample_columns = list(dict.fromkeys(c for rows in events.values() for row in rows for c in row))
        return timeline
    except (UserError, ExpressionError) as error:
        hint = "" if loaded else " (on the node type's example events: load your own sample for a source)"
        if isinstance(error, NodeReplayError) and not loaded:  # the example's own node ids mean nothing here
            error = f"event {error.event}: {error.detail}" if error.event else error.detail
        return Timeline(node_id, f"Cannot replay this node: {error}{hint}", error=True)


def _timeline(pipeline: Pipeline, node_id: str, events: dict[str, list[dict]], sample: str) -> Timeline:
    replayer = Replayer(pipeline, explain=True)
    result = replayer.run(events, node_id)
    output, fed = result.outputs[node_id], result.fed[node_id]
    trace = result.traces.get(node_id)
    node = pipeline.node(node_id)
    timeline = Timeline(node_id, sample=sample, is_pattern=node.spec.category is Category.PATTERN,
                        columns=list(output.columns), late_events=output.late_events)
    keys, time_column = _key_and_time(replayer, node)
    timeline.key_columns, timeline.time_column = list(keys), time_column
    if timeline.is_pattern and node.type != "match_recognize":
        timeline.watermark_delay = delay_text(bind(node.type, node.parsed_or_none()).delay_us)
    lanes: dict[str, Lane] = {}
    seq = 0
    by_seq: dict[int, Point] = {}
    for item in fed:
        if item.port not in timeline.ports:
            timeline.ports.append(item.port)
        if time_column is None:
            continue
        micros = to_micros(item.row.get(time_column))
        if micros is None:
            timeline.ignored += 1
            continue
        point = Point(micros / 1e6, jsonable(from_micros(micros)), item.port, item.late, _event_row(item.row))
        seq += 1
        by_seq[seq] = point
        lanes.setdefault(_key(item.row, keys), Lane(_key(item.row, keys))).events.append(point)
    for row in output.rows:
        detection = _detection(row)
        timeline.rows.append(detection.row)
        lanes.setdefault(_key(row, keys), Lane(_key(row, keys))).detections.append(detection)
    for lane in lanes.values():
        lane.events.sort(key=lambda p: p.t)  # stable: ties keep arrival order
    if trace is not None:
        _explained(timeline, lanes, trace, by_seq, node.type == "match_recognize")
    timeline.lanes = sorted(lanes.values(), key=_first_time)
    if not fed:
        timeline.message = "No events reached this node: check the sample and the filters before it."
    elif time_column is None:
        timeline.message = "This node's input has no timestamp column to place events on: its output rows are below."
    return timeline


def _explained(timeline: Timeline, lanes: dict[str, Lane], trace: Trace, by_seq: dict[int, Point],
               by_order: bool) -> None:
    """Put the node's trace on the lanes: each event's fate and steps, partial matches, the watermark, why."""
    timeline.watermarks = [WatermarkMark(w.arrival, w.t, w.ts) for w in trace.watermarks if w.t is not None]
    timeline.final_watermark = trace.final_watermark
    for key, kt in trace.keys.items():
        lane = lanes.get(key)
        if lane is None:
            continue
        points = _points(lane, kt, by_seq, by_order)
        for event in kt.events:
            point = points.get(event.seq)
            if point is None:
                continue
            point.held = event.fate == "held"
            point.notes = [n.line for n in event.notes] or (
                ["held: waiting for the watermark to pass it (it is " + (trace.final_watermark or "not set") + ")"]
                if point.held else [])
        for p in kt.partials:
            steps = [(s.step, s.label, points[s.seq].t) for s in p.steps if s.seq in points]
            lane.partials.append(PartialMatchView(p.number, p.status, steps, p.reason))
            for s in p.steps:
                if s.seq in points:
                    points[s.seq].steps.append(f"{s.step}" + (f" {s.label}" if s.label else ""))
        why = trace.why(key)
        lane.why = Why(why.kind, why.text, why.step)


def _points(lane: Lane, kt: KeyTrace, by_seq: dict[int, Point], by_order: bool) -> dict[int, Point]:
    """The lane's points by trace seq: the arrival number, or for MATCH_RECOGNIZE the order in its partition."""
    if by_order:
        return {event.seq: point for event, point in zip(kt.events, lane.events)}
    return {event.seq: by_seq[event.seq] for event in kt.events if event.seq in by_seq}


def _key_and_time(replayer: Replayer, node) -> tuple[tuple[str, ...], str | None]:
    """The node's grouping key and event-time column; a row transform: no key, its input's first timestamp."""
    config = node.parsed_or_none()
    if node.spec.category is Category.PATTERN and node.type != "match_recognize":
        binding = bind(node.type, config)
        return binding.key_columns, binding.time_column
    keys = tuple(getattr(config, "partition_by", None) or ())
    inputs = [replayer.schemas.get(e.source) or () for e in replayer.graph.in_edges(node.id)]
    time = next((c.name for schema in inputs for c in schema if c.type.lower().startswith("timestamp")), None)
    return keys, time


def _key(row: dict, keys: tuple[str, ...]) -> str:
    if not keys:
        return "all events"
    return " | ".join("NULL" if row.get(k) is None else str(jsonable(row.get(k))) for k in keys)


def _plain(row: dict) -> dict:
    return {k: jsonable(v) for k, v in row.items()}


def _event_row(row: dict) -> dict:
    """An input row without the source's empty metadata columns (`_kafka_key`… NULL in samples)."""
    return {k: v for k, v in _plain(row).items() if not (k.startswith("_") and v is None)}


def _detection(row: dict) -> Detection:
    times = [to_micros(v) for v in row.values() if isinstance(v, datetime)]
    label = next((str(row[c]) for c in LABEL_COLUMNS if row.get(c) is not None), "")
    if not times:
        return Detection(None, None, label, _plain(row))
    latest = max(times)
    return Detection(latest / 1e6, jsonable(from_micros(latest)), label, _plain(row))


def _first_time(lane: Lane) -> float:
    times = [p.t for p in lane.events] + [d.t for d in lane.detections if d.t is not None]
    return min(times, default=float("inf"))
