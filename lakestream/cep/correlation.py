"""Temporal correlation: pairs of A and B events of a key within max_gap, replayed as Spark's interval join.

The node generates a stream-stream join, not the shipped runtime's processor, so this lives beside the
engine rather than in runtime/ (which is copied beside generated code)."""

from __future__ import annotations

from lakestream.cep.operator_replay import OperatorReplay
from lakestream.cep.runtime.driver import key_string, watermark_after
from lakestream.cep.runtime.params import CorrelationParams

SIDE_A, SIDE_B = 0, 1


class JoinSimulation(OperatorReplay):
    """Replays micro-batches exactly as the generated stream-stream interval join runs them.

    Each side keeps only the events that can pair (condition true, no NULL key or correlation value):
    the generated code filters them out before the side's watermark. The watermark is the earlier of
    the two sides' (Spark's default policy for several watermarks), none until both sides have events.
    A micro-batch drops the events at or before the watermark of the batch before (late, counted),
    pairs every other event at once with the kept events of the other side, then evicts what the
    batch's own watermark puts out of reach.
    """

    def __init__(self, pattern, delay_us: int):
        super().__init__(delay_us)
        self.pattern = pattern
        self.side_max = [None, None]

    @property
    def watermark(self):
        if None in self.side_max:
            return None
        return min(watermark_after(m, self.delay_us) for m in self.side_max)

    def batch(self, events):
        """Run one micro-batch of (key tuple, event) pairs in arrival order; return labelled output rows."""
        watermark, previous = self.watermark, self.previous
        pattern, keys, side_max = self.pattern, self.keys, self.side_max
        out = []
        for key, event in events:
            if not event[3] or None in key:
                continue  # cannot pair: filtered out before the join and its watermark
            ts, side = event[0], event[2]
            if self._is_late(ts, previous):
                continue
            state = keys.get(key)
            if state is None:
                state = keys[key] = pattern.new_state()
            for a, b, gap in pattern.on_event(state, event):  # match_id <key>#<a_ts>-<b_ts>: the join computes it
                out.append((key, f"{key_string(key)}#{a}-{b}", a, b, gap))
            if side_max[side] is None or ts > side_max[side]:
                side_max[side] = ts
        self._end_batch(watermark)
        return out

    def _keeps(self, state, watermark) -> bool:
        return bool(self.pattern.evict(state, watermark))

    def _size(self, state) -> int:
        return self.pattern.size(state)  # kept events (an inner join has nothing left to emit at the end)


class Correlation:
    """Event fields: side (0 = A, 1 = B), condition flag. State per key: kept times of each side."""

    def __init__(self, params: CorrelationParams):
        self.max_gap = params.max_gap
        self.a_before_b = params.order == "a_before_b"

    def new_state(self):
        return {"a": [], "b": []}

    def size(self, state):
        return len(state["a"]) + len(state["b"])

    def on_event(self, state, event):
        ts, side = event[0], event[2]
        gap = self.max_gap
        out = []
        if side == SIDE_A:
            for b in state["b"]:
                if abs(b - ts) <= gap and (not self.a_before_b or ts <= b):
                    out.append((ts, b, (b - ts) / 1e6))
            state["a"].append(ts)
        else:
            for a in state["a"]:
                if abs(ts - a) <= gap and (not self.a_before_b or a <= ts):
                    out.append((a, ts, (ts - a) / 1e6))
            state["b"].append(ts)
        return out

    def evict(self, state, now):
        """Drop the times no event after `now` can pair with; return how many times are still kept."""
        for side in ("a", "b"):
            state[side] = [t for t in state[side] if t + self.max_gap > now]
        return len(state["a"]) + len(state["b"])
