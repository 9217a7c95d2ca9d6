"""Explain: a pattern node's trace per key (each event's fate, partial matches, the watermark) and "why no match?".

Off by default: `ExplainRun` is a `PatternRun` whose simulation records; the plain engine never calls the
algorithms' `explain` facet. Each runtime algorithm states its own reasons (`explain(before, after, event,
rows)` and `explain_time(before, after, now, rows)`, in reasons.py beside the shipped runtime); this module adds what
every pattern shares (late, held until the watermark passes, the watermark over time) and writes the notes
out with the condition texts and the values the event had.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime

import sqlglot
from sqlglot import exp

from lakestream.cep.engine import PatternRun, from_micros
from lakestream.cep.runtime.driver import Simulation
from lakestream.cep.reasons import REASONS, span
from lakestream.sparksql.runtime.sqlfuncs import to_str

# the kinds of a note that end a partial match without a detection, strongest reason first
ENDINGS = ("expired", "broken", "superseded", "answered")
KINDS = ("filled", "started", "matched", "broken", "skipped", "discarded", "expired", "superseded", "suppressed",
         "answered", "waiting", "updated", "duplicate", "backtracked", "late", "held")
_FLAG = re.compile(r"^coalesce\(\((.*)\n\), false\)$", re.S)


@dataclass
class Note:
    """One reason: its kind (KINDS), the text a user reads, the step and partial match it concerns."""

    kind: str
    text: str
    step: int | None = None
    label: str | None = None  # the step's name (a sequence step, a state machine transition), if it has one
    partial: int | None = None  # the partial match's number on its key (1, 2, ...)
    t: float | None = None  # a deadline note's time (epoch seconds); an event's notes have the event's

    @property
    def line(self) -> str:
        """The note as a line of the trace: its text and the partial match it concerns."""
        return self.text + (f" (partial match {self.partial})" if self.partial is not None else "")


@dataclass
class EventTrace:
    """One input event of the key and its fate: processed (with notes), late, or held (never processed)."""

    seq: int
    t: float
    ts: str
    port: str
    row: dict
    fate: str = "held"  # processed | late | held
    released: str | None = None  # the watermark that let it be processed
    notes: list[Note] = field(default_factory=list)


@dataclass
class PartialStep:
    step: int
    label: str | None
    seq: int
    ts: str
    t_seconds: float = 0.0


@dataclass
class PartialMatch:
    """A partial match of the key: the events that filled its steps, and how it ended (open while waiting)."""

    number: int
    steps: list[PartialStep] = field(default_factory=list)
    status: str = "open"
    reason: str = ""


@dataclass
class Reason:
    """The answer to "why no match?" for one key."""

    kind: str  # matched | held | late | one of the note kinds | none
    text: str
    step: int | None = None
    label: str | None = None


@dataclass
class KeyTrace:
    key: str
    events: list[EventTrace] = field(default_factory=list)
    time_notes: list[Note] = field(default_factory=list)  # deadlines the watermark passed (expiries, alerts)
    partials: list[PartialMatch] = field(default_factory=list)
    detections: int = 0
    why: Reason | None = None


@dataclass
class WatermarkPoint:
    """The watermark after the micro-batch of one arrival (epoch seconds; None before any event)."""

    arrival: int
    t: float | None
    ts: str | None


@dataclass
class Trace:
    """A pattern node's trace: per key, in order of first event; the watermark over time."""

    type_id: str
    delay: str
    keys: dict[str, KeyTrace] = field(default_factory=dict)
    watermarks: list[WatermarkPoint] = field(default_factory=list)
    final_watermark: str | None = None

    def why(self, key: str) -> Reason:
        kt = self.keys.get(key)
        if kt is None:
            return Reason("none", f"no event of key {key!r} reached this node")
        return kt.why or Reason("none", "nothing recorded")

    def to_dict(self) -> dict:
        return asdict(self)

    def text(self, key: str) -> str:
        """The trace of one key as lines of text (`lakestream replay --explain KEY`)."""
        kt = self.keys.get(key)
        if kt is None:
            known = ", ".join(list(self.keys)[:10])
            return f"no event of key {key!r} reached this node (keys: {known or 'none'})"
        lines = [f"key {key}: {kt.detections} detection(s); watermark delay {self.delay}; "
                 f"final watermark {self.final_watermark or 'none'}"]
        items = [(e.t, 0, e) for e in kt.events] + [(n.t, 1, n) for n in kt.time_notes]
        for _, _, item in sorted(items, key=lambda i: (i[0], i[1])):
            if isinstance(item, Note):
                lines.append(f"  {_time(item.t)}  [watermark] {item.line}")
                continue
            values = ", ".join(f"{k}={v}" for k, v in item.row.items())
            lines.append(f"  {item.ts}  #{item.seq} {item.fate}: {values}")
            lines += [f"      - [{n.kind}] {n.line}" for n in item.notes]
        for p in kt.partials:
            steps = ", ".join(f"{s.step}{' ' + repr(s.label) if s.label else ''}=#{s.seq}" for s in p.steps)
            lines.append(f"  partial match {p.number}: {steps} -> {p.status}{': ' + p.reason if p.reason else ''}")
        lines.append(f"why no match: [{kt.why.kind}] {kt.why.text}")
        return "\n".join(lines)


def _time(t: float | None) -> str:
    return "-" if t is None else to_str(from_micros(round(t * 1e6)))


def _plain(value):
    if isinstance(value, datetime):
        return to_str(value)
    if hasattr(value, "as_tuple"):
        return float(value)
    return value


def shown_row(row: dict) -> dict:
    """An event's values as a trace shows them: plain, without a source's empty metadata (`_kafka_key`…)."""
    return {k: _plain(v) for k, v in row.items() if not (k.startswith("_") and v is None)}


def key_text(values) -> str:
    """A key as the Timeline shows it: values ' | '-joined, NULL named."""
    if not values:
        return "all events"
    return " | ".join("NULL" if v is None else str(_plain(v)) for v in values)


class Condition:
    """An event field as the user wrote it: its label, its Spark SQL text, the columns it reads."""

    def __init__(self, text: str, label: str | None = None, flag: bool = False):
        match = _FLAG.match(text)
        self.flag = flag or match is not None
        self.text = match.group(1).strip() if match else text
        self.label = label
        try:
            self.columns = list(dict.fromkeys(c.name for c in sqlglot.parse_one(self.text, read="spark")
                                              .find_all(exp.Column)))
        except sqlglot.errors.SqlglotError:  # not parseable here: show the text without values
            self.columns = []

    def describe(self, row: dict) -> str:
        values = ", ".join(f"{c} = {_shown(row.get(c))}" for c in self.columns if c in row)
        if not self.flag:  # a value field (a CAST of a column): the values say it all
            return values or self.text
        return f"{self.text} was false ({values})" if values else f"{self.text} was false"


def _shown(value) -> str:
    if value is None:
        return "NULL"
    value = _plain(value)
    return repr(value) if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)


def conditions(type_id: str, config, fields: dict[str, tuple[str, ...]]) -> dict[str, list[Condition]]:
    """Each port's event fields as conditions, labelled by the config's step or transition names."""
    labels: list[str | None] = []
    if getattr(config, "steps", None):
        labels = [s.name for s in config.steps]
    elif getattr(config, "transitions", None):
        labels = [f"{t.from_state} -> {t.to}" for t in config.transitions]
    elif type_id == "absence_detector":
        labels = ["trigger", "expected"]
    out = {}
    for port, texts in fields.items():
        out[port] = [Condition(t, labels[i] if i < len(labels) else None) for i, t in enumerate(texts)]
    return out


class Recorder:
    """What the traced simulation reports, per key; `trace()` turns it into a Trace."""

    def __init__(self, type_id: str, delay_us: int, conds: dict[str, list[Condition]], passthrough: bool,
                 step_labels: list[str] | None):
        self.type_id, self.delay_us, self.conds = type_id, delay_us, conds
        self.first_field = 3 if passthrough else 2
        self.step_labels = step_labels
        self.keys: dict[str, KeyTrace] = {}
        self.events: dict[int, tuple] = {}  # seq -> (its trace, its KeyTrace, its fields, its key tuple)
        self.rows: dict[int, tuple[str, dict]] = {}  # seq -> (port, row), set by ExplainRun
        self.watermarks: list[WatermarkPoint] = []
        self._partials: dict[tuple[str, object], PartialMatch] = {}
        self._expired: dict[str, list[tuple[dict, Note]]] = {}  # key -> expiries waiting for their step's event

    def _key(self, key) -> KeyTrace:
        text = key_text(key)
        kt = self.keys.get(text)
        if kt is None:
            kt = self.keys[text] = KeyTrace(text)
        return kt

    def arrive(self, key, event) -> EventTrace:
        seq = event[1]
        found = self.events.get(seq)
        if found:
            return found[0]
        port, row = self.rows.get(seq, ("in", {}))
        micros = event[0]
        trace = EventTrace(seq, micros / 1e6, to_str(from_micros(micros)), port, shown_row(row))
        kt = self._key(key)
        kt.events.append(trace)
        self.events[seq] = (trace, kt, list(event[self.first_field:]), key)
        return trace

    def late(self, key, event, judged, previous) -> None:
        trace = self.arrive(key, event)
        trace.fate = "late"
        judged_by = "its event time" if judged == event[0] else f"its window end {to_str(from_micros(judged))}"
        trace.notes.append(Note("late", f"late: {judged_by} is at or before the watermark "
                                        f"{to_str(from_micros(previous))} the previous micro-batch ran with "
                                        f"(watermark delay {span(self.delay_us)}): dropped", t=trace.t))

    def notes(self, key, event, raw: list[dict], released=None) -> None:
        trace = self.arrive(key, event)
        trace.fate = "processed"
        trace.released = None if released is None else to_str(from_micros(released))
        kt = self._key(key)
        for n in raw:
            trace.notes.append(self._note(kt, n, trace))
        self._late_step(kt, trace)

    def time_notes(self, key, now, raw: list[dict]) -> None:
        kt = self._key(key)
        for n in raw:
            shown = self._note(kt, n, None, now)
            kt.time_notes.append(shown)
            if "needs" in n:
                self._expired.setdefault(kt.key, []).append((n, shown))

    def _late_step(self, kt: KeyTrace, trace: EventTrace) -> None:
        """An event that is the step an expired partial match waited for: say by how much `within` was exceeded."""
        fields = self.events[trace.seq][2]
        for raw, shown in self._expired.pop(kt.key, []):
            needs = raw["needs"]
            if needs < len(fields) and fields[needs] is True:
                late_by = round(trace.t * 1e6) - raw["deadline"]
                shown.text += f"; step {needs + 1} came at {trace.ts}, {span(late_by)} too late"

    def _note(self, kt: KeyTrace, raw: dict, trace: EventTrace | None, now=None) -> Note:
        step = raw.get("step")
        label = None
        if step is not None and self.step_labels and step <= len(self.step_labels):
            label = self.step_labels[step - 1]
        times = {k: to_str(from_micros(v)) for k, v in raw.get("times", {}).items()}
        text = re.sub(r"\{t:(\w+)\}", lambda m: times.get(m.group(1), "?"), raw["text"])
        if trace is not None and raw.get("cond"):
            conds = self.conds.get(trace.port, [])
            said = [conds[i].describe(self.rows.get(trace.seq, ("", {}))[1]) for i in raw["cond"] if i < len(conds)]
            if said:
                text += " — " + "; ".join(said)
        if label is not None:
            text = f"step {step} '{label}': {text}"
        at = trace.t if trace is not None else (raw.get("deadline", now) or 0) / 1e6
        note = Note(raw["kind"], text, step, label, None, at)
        if "partial" in raw:
            note.partial = self._partial(kt, raw, note, trace)
        return note

    def _partial(self, kt: KeyTrace, raw: dict, note: Note, trace: EventTrace | None) -> int:
        ident = (kt.key, raw["partial"])
        partial = self._partials.get(ident)
        if partial is None or (raw["kind"] == "started" and partial.status != "open"):
            partial = self._partials[ident] = PartialMatch(len(kt.partials) + 1)
            kt.partials.append(partial)
        if trace is not None and raw["kind"] in ("started", "filled", "matched") and note.step is not None:
            partial.steps.append(PartialStep(note.step, note.label, trace.seq, trace.ts, trace.t))
        if raw["kind"] == "matched":
            partial.status, partial.reason = "matched", ""
        elif raw["kind"] in ENDINGS:
            partial.status, partial.reason = raw["kind"], note.text
        elif raw["kind"] in ("skipped", "waiting") and partial.status == "open":
            partial.reason = note.text
        return partial.number

    def watermark(self, arrival: int, micros) -> None:
        t = None if micros is None else micros / 1e6
        if not self.watermarks or self.watermarks[-1].t != t:
            self.watermarks.append(WatermarkPoint(arrival, t, None if micros is None else to_str(from_micros(micros))))

    def detected(self, rows) -> None:
        for row in rows:
            self._key(row[0]).detections += 1

    def trace(self, final_watermark) -> Trace:
        trace = Trace(self.type_id, span(self.delay_us), self.keys, self.watermarks,
                      None if final_watermark is None else to_str(from_micros(final_watermark)))
        for kt in self.keys.values():
            kt.why = why_no_match(kt, trace.final_watermark)
        return trace


def why_no_match(kt: KeyTrace, watermark: str | None) -> Reason:
    """The step the key stopped at and the exact reason (see docs/patterns.md, "Explain")."""
    held = [e for e in kt.events if e.fate == "held"]
    processed = _why_processed(kt, watermark)
    if held:
        first = min(held, key=lambda e: e.t)
        before = f". Before them: {processed.text}" if processed.kind != "none" else ""
        return Reason("held", f"still waiting for the watermark: {len(held)} event(s) from {first.ts} on are held "
                              f"until the watermark passes them (it is {watermark or 'not set yet'}; it moves "
                              f"only when later events arrive){before}", processed.step, processed.label)
    return processed


def _why_processed(kt: KeyTrace, watermark: str | None) -> Reason:
    notes = sorted([n for e in kt.events for n in e.notes] + kt.time_notes, key=lambda n: n.t or 0)
    if any(n.kind == "matched" for n in notes):  # a sequence's TIMEOUT rows are detections, not matches
        return Reason("matched", f"{kt.detections} detection(s) for this key")
    furthest = max(kt.partials, key=lambda p: (len(p.steps), p.number), default=None)
    late = [n for n in notes if n.kind == "late"]
    if furthest is not None:
        waiting = furthest.status == "open" and furthest.steps
        dropped = [n for n in late if waiting and n.t is not None and n.t >= furthest.steps[0].t_seconds]
        if dropped:  # an event that could have been the next step came too late
            return Reason("late", f"{dropped[-1].text}; partial match {furthest.number} was waiting for step "
                                  f"{furthest.steps[-1].step + 1}", furthest.steps[-1].step + 1)
        mine = [n for n in notes if n.partial == furthest.number and n.kind != "filled"]
        ending = next((n for n in reversed(mine) if n.kind in ENDINGS), None)
        last = ending or (mine[-1] if mine else None)
        if last is not None and last.kind not in ("started", "updated"):
            return Reason(last.kind, last.text, last.step, last.label)
        done = furthest.steps[-1] if furthest.steps else None
        if done is not None and done.label is not None:  # named steps: say which one it waits for
            return Reason("waiting", f"partial match {furthest.number} waits for step {done.step + 1}: no event "
                                     f"met it yet (step {done.step} '{done.label}' was event #{done.seq} at "
                                     f"{done.ts}); the watermark is {watermark}", done.step + 1)
        latest = next(n for n in reversed(notes) if n.partial == furthest.number)
        return Reason("waiting", f"partial match {furthest.number} is open: {latest.text}", latest.step)
    useful = [n for n in notes if n.kind != "late"]
    if late and (not useful or late[-1].t >= useful[-1].t):
        return Reason("late", late[-1].text)
    if useful:
        last = useful[-1]
        return Reason(last.kind, last.text, last.step, last.label)
    return Reason("none", "no event of this key was processed")


def _copy(state):
    """A deep copy of a key's state (plain dicts and lists, as pickled into Spark state), at C speed."""
    return pickle.loads(pickle.dumps(state, pickle.HIGHEST_PROTOCOL))


class _Explained:
    """The algorithm as the traced driver runs it: it reports each event's and each deadline's fate.

    The driver calls it as it calls any algorithm, so the plain driver needs no hook: an event's key is
    the one the recorder saw it arrive with, and a deadline's key is its state's (a key's first event is
    always processed before its first deadline, so the state is known by then).
    """

    def __init__(self, pattern, recorder: Recorder):
        self._pattern, self._rec = pattern, recorder
        self._keys: dict[int, object] = {}  # id(state) -> key
        self.watermark = None  # the watermark the driver is processing keys up to

    def __getattr__(self, name):
        return getattr(self._pattern, name)

    def on_event(self, state, event):
        key = self._rec.events[event[1]][3]
        self._keys[id(state)] = key
        before = _copy(state)
        rows = self._pattern.on_event(state, event)
        self._rec.notes(key, event, self._pattern.explain(before, state, event, rows), self.watermark)
        return rows

    def on_time(self, state, now):
        deadline = self._pattern.next_time(state)
        if deadline is None or deadline > now:  # no deadline due: nothing can fire (the driver's contract)
            return self._pattern.on_time(state, now)
        before = _copy(state)
        rows = self._pattern.on_time(state, now)
        if rows or before != state:
            self._rec.time_notes(self._keys[id(state)], now, self._pattern.explain_time(before, state, now, rows))
        return rows


class TracedSimulation(Simulation):
    """The per-key driver running the explained algorithm, recording late events and the watermark."""

    def __init__(self, pattern, delay_us: int, recorder: Recorder):
        super().__init__(_Explained(pattern, recorder), delay_us)
        self.recorder = recorder
        self.arrival = 0

    def batch(self, events):
        previous, rec = self.previous, self.recorder
        late_time = getattr(self.pattern, "late_time", None)
        self.arrival += 1
        for key, event in events:
            judged = event[0] if late_time is None else late_time(event)
            if previous is not None and judged <= previous:
                rec.late(key, event, judged, previous)
            else:
                rec.arrive(key, event)
        out = super().batch(events)
        rec.detected(out)
        rec.watermark(self.arrival, self.watermark)
        return out

    def finish(self):
        out = super().finish()
        self.recorder.detected(out)
        return out

    def _fire(self, watermark):
        self.pattern.watermark = watermark
        return super()._fire(watermark)


class TracedReplay:
    """Wraps an operator's replay (join, deduplication): it reports to the recorder through its `trace`."""

    def __init__(self, sim, recorder: Recorder):
        self.sim, self.recorder = sim, recorder
        sim.trace = recorder
        self.arrival = 0

    def __getattr__(self, name):
        return getattr(self.sim, name)

    def batch(self, events):
        for key, event in events:
            self.recorder.arrive(key, event)
        out = self.sim.batch(events)
        self.arrival += 1
        self.recorder.detected(out)  # (key, ...) rows: a join's pairs, deduplication's kept rows
        self.recorder.watermark(self.arrival, self.sim.watermark)
        return out

    def finish(self):
        return self.sim.finish()


def with_reasons(algorithm):
    """The same configured algorithm as an instance of its class with the explain facet (same attributes)."""
    explained = object.__new__(REASONS[type(algorithm)])
    explained.__dict__.update(algorithm.__dict__)
    return explained


class ExplainRun(PatternRun):
    """A PatternRun that records its trace: call `trace()` after `finish()`."""

    def __init__(self, type_id: str, config, input_schemas=None):
        super().__init__(type_id, config, input_schemas)
        b = self.binding
        steps = getattr(config, "steps", None) or getattr(config, "transitions", None)
        labels = [c.label for c in conditions(type_id, config, b.fields).get("in", [])] if steps else None
        self.recorder = Recorder(type_id, b.delay_us, conditions(type_id, config, b.fields), b.passthrough, labels)
        if isinstance(self.sim, Simulation):  # the same algorithm, with its explain facet (reasons.py)
            self.sim = TracedSimulation(with_reasons(self.sim.pattern), self.sim.delay_us, self.recorder)
        else:
            if getattr(self.sim, "rule", None) is not None:  # deduplication's rule, with its explain facet
                self.sim.rule = with_reasons(self.sim.rule)
            self.sim = TracedReplay(self.sim, self.recorder)

    def _event(self, port: str, row: dict):
        event = super()._event(port, row)
        if event is not None:
            self.recorder.rows[event[1]] = (port, row)
        return event

    def trace(self) -> Trace:
        """The trace so far: events still in a key's buffer are held (the watermark has not passed them)."""
        return self.recorder.trace(self.sim.watermark)


def missing_explain(replay: str, type_id: str) -> str | None:
    """What a replayed pattern node type lacks to be explained, or None (the import-time facet check)."""
    from lakestream.cep.correlation import Correlation
    from lakestream.cep.engine import BY_NAME
    from lakestream.cep.runtime.dedup import Dedup
    from lakestream.cep.runtime.registry import ALGORITHMS

    needs = ("explain", "explain_time")
    if replay == "driver":
        classes = [ALGORITHMS[type_id]] + [c for c in BY_NAME.values() if c not in ALGORITHMS.values()]  # native
    elif replay == "dedup":
        classes, needs = [Dedup], ("explain",)  # no deadlines: the rule keeps or drops each event at once
    elif replay == "join":
        return None if callable(getattr(Correlation, "explain", None)) else "Correlation.explain"
    elif replay == "row_pattern":
        return None  # lakestream/cep/explain_rows.py
    else:
        return f"an explain for replay {replay!r}"
    lacking = [c.__name__ for c in classes
               if c not in REASONS or not all(callable(getattr(REASONS[c], n, None)) for n in needs)]
    return f"a {'/'.join(n + 'Reasons' for n in lacking)} in cep/reasons.py" if lacking else None
