"""Temporal correlation: pairs of A and B events of a key within max_gap of each other."""

from __future__ import annotations

SIDE_A, SIDE_B = 0, 1


class Correlation:
    """Event fields: side (0 = A, 1 = B), match flag. State: recent times of each side."""

    id_from = None

    def __init__(self, params):
        self.gap = params["max_gap"]
        self.a_before_b = params["order"] == "a_before_b"

    def new_state(self):
        return {"a": [], "b": []}

    def size(self, state):
        return len(state["a"]) + len(state["b"])

    def on_event(self, state, event):
        if not event[3]:
            return []
        ts, side = event[0], event[2]
        gap = self.gap
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

    def on_time(self, state, now):
        for side in ("a", "b"):
            times = state[side]
            cut = 0
            while cut < len(times) and times[cut] + self.gap <= now:
                cut += 1  # no event after `now` can be within max_gap of these
            if cut:
                del times[:cut]
        return []

    def next_time(self, state):
        firsts = [times[0] for times in (state["a"], state["b"]) if times]
        return min(firsts) + self.gap if firsts else None
