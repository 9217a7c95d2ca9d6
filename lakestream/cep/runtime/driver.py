"""Per-key event-time driver shared by the local engine and the generated Spark processors.

An event is a list `[ts, seq, field0, field1, ...]`: ts in epoch microseconds, seq its arrival
number (ties in ts keep arrival order), then the pattern's fields (condition flags, values).
A pattern is an object with `new_state()`, `on_event(state, event)`, `on_time(state, now)` and
`next_time(state)`; the first two return lists of output tuples.

Semantics every pattern inherits (documented in docs/patterns.md):
- the watermark W is (max event time seen in earlier micro-batches, in ms) - delay; a micro-batch
  runs with W, but (as every Spark stateful operator) drops as late only the events with
  ts <= the watermark the *previous* micro-batch ran with; a pattern may judge lateness by another
  time (`late_time(event)`: a tumbling window's end, a session window's end), as its native Spark
  operator does;
- a key's events wait in a buffer and are processed in (ts, seq) order once W >= ts, so out-of-order
  arrival inside the watermark never changes the result (every event processed so far lies at or
  before the previous watermark, so an event that is not late is never older than one processed);
- a pattern's timers (deadlines) fire once W >= deadline; an event at exactly a deadline's time is
  processed before that deadline fires.
"""

from __future__ import annotations

from bisect import bisect_right
from heapq import heappop, heappush
from operator import itemgetter

try:  # shipped beside generated code, the Spark SQL helpers sit in this package
    from .sqlfuncs import to_str
except ImportError:  # inside lakestream they are the Spark SQL layer's runtime
    from lakestream.sparksql.runtime.sqlfuncs import to_str

_TS = itemgetter(0)


class KeyState:
    """Everything kept for one key: unprocessed events, the pattern's state, the output counter."""

    __slots__ = ("buffer", "state", "emitted")

    def __init__(self, state):
        self.buffer = []
        self.state = state
        self.emitted = 0

    def to_json(self):
        return {"buffer": self.buffer, "state": self.state, "emitted": self.emitted}

    @classmethod
    def from_json(cls, data):
        self = cls(data["state"])
        self.buffer = data["buffer"]
        self.emitted = data["emitted"]
        return self


def key_string(values) -> str:
    """The key part of match_id: key values as Spark prints them, '|'-joined (NULL as empty)."""
    return "|".join("" if v is None else to_str(v) for v in values)


def watermark_after(max_ts, delay_us):
    """Spark's watermark in microseconds: (max event time in whole ms) - delay, or None before any event."""
    if max_ts is None:
        return None
    return (max_ts // 1000) * 1000 - delay_us


def advance(pattern, ks: KeyState, watermark):
    """Process the key's buffered events with ts <= watermark, then its deadlines <= watermark."""
    out = []
    buffer = ks.buffer
    state = ks.state
    if buffer:
        if len(buffer) > 1:
            buffer.sort()  # [ts, seq, ...]: seq is unique per key, so later fields are never compared
        cut = bisect_right(buffer, watermark, key=_TS)
        if cut:
            ready = buffer[:cut]
            del buffer[:cut]
            on_event = pattern.on_event
            if getattr(pattern, "timed", True):
                next_time, on_time = pattern.next_time, pattern.on_time
                for event in ready:
                    deadline = next_time(state)
                    if deadline is not None and deadline < event[0]:
                        out += on_time(state, event[0] - 1)  # deadlines strictly before the event
                    rows = on_event(state, event)
                    if rows:
                        out += rows
            else:
                for event in ready:
                    rows = on_event(state, event)
                    if rows:
                        out += rows
    out += pattern.on_time(state, watermark)
    return out


def wake_time(pattern, ks: KeyState):
    """When this key next needs the watermark to reach (its first buffered event or deadline), or None."""
    deadline = pattern.next_time(ks.state)
    if ks.buffer:
        first = min(e[0] for e in ks.buffer)
        return first if deadline is None or first < deadline else deadline
    return deadline


def label(pattern, ks: KeyState, key: tuple, rows):
    """Give each output row its match_id: `<key>#<n>`, or `<key>#<ts>` for time-identified patterns."""
    if not getattr(pattern, "labelled", True):
        return rows
    key = key_string(key)
    labelled = []
    id_from = getattr(pattern, "id_from", None)
    for row in rows:
        if id_from is None:
            ks.emitted += 1
            labelled.append((f"{key}#{ks.emitted}",) + tuple(row))
        else:
            labelled.append((f"{key}#{row[id_from]}",) + tuple(row))
    return labelled


class Simulation:
    """Replays micro-batches through a pattern exactly as the generated Spark processor runs them."""

    def __init__(self, pattern, delay_us: int):
        self.pattern = pattern
        self.delay_us = delay_us
        self.keys: dict = {}
        self.max_ts = None
        self.previous = None  # the watermark the previous micro-batch ran with: lateness is judged by it
        self.late = 0
        self._wakes: list = []  # heap of (wake time, scheduling number, key): the Spark processor's timers
        self._count = 0
        self._scheduled: dict = {}  # key -> its current wake time (older heap entries are stale)

    @property
    def watermark(self):
        return watermark_after(self.max_ts, self.delay_us)

    def batch(self, events):
        """Run one micro-batch of (key tuple, event) pairs in arrival order; return labelled output rows.

        The batch runs with the watermark of the batches before it, drops the events at or before the
        watermark of the batch before (Spark's rule); then the watermark moves on.
        """
        watermark, previous = self.watermark, self.previous
        late_time = getattr(self.pattern, "late_time", None)
        keys = self.keys
        scheduled = self._scheduled
        batch_max = self.max_ts
        for key, event in events:
            ts = event[0]
            if previous is not None and (ts if late_time is None else late_time(event)) <= previous:
                self.late += 1
                continue
            ks = keys.get(key)
            if ks is None:
                ks = keys[key] = KeyState(self.pattern.new_state())
            ks.buffer.append(event)
            wake = scheduled.get(key)
            if wake is None or ts < wake:
                self._schedule(key, ts)
            if batch_max is None or ts > batch_max:
                batch_max = ts
        out = self._fire(watermark)
        self.max_ts, self.previous = batch_max, watermark
        return out

    def finish(self):
        """The final no-data batch (as availableNow runs): fire what the last watermark allows."""
        return self._fire(self.watermark)

    def _schedule(self, key, wake):
        self._scheduled[key] = wake
        self._count += 1  # ties in wake time fire in scheduling order: deterministic for a given input
        heappush(self._wakes, (wake, self._count, key))

    def _fire(self, watermark):
        if watermark is None:
            return []
        out = []
        pattern, wakes, scheduled = self.pattern, self._wakes, self._scheduled
        while wakes and wakes[0][0] <= watermark:
            wake, _, key = heappop(wakes)
            if scheduled.get(key) != wake:
                continue  # a stale wake-up: the key was rescheduled
            del scheduled[key]
            ks = self.keys[key]
            rows = advance(pattern, ks, watermark)
            if rows:
                out += [(key,) + r for r in label(pattern, ks, key, rows)]
            wake = wake_time(pattern, ks)
            if wake is not None:
                self._schedule(key, wake)
            elif forgettable(pattern, ks):
                del self.keys[key]
        return out

    def state_size(self) -> int:
        """Total number of buffered events and state items across keys (for bounded-state tests)."""
        return sum(len(ks.buffer) + self.pattern.size(ks.state) for ks in self.keys.values())


def forgettable(pattern, ks: KeyState) -> bool:
    """A key whose state holds nothing can be dropped, unless match_id counts its outputs."""
    if ks.buffer or (getattr(pattern, "labelled", True) and getattr(pattern, "id_from", None) is None):
        return False
    return ks.state == pattern.new_state()
