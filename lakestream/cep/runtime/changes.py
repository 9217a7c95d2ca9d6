"""Condition change: a key's watched state turning (false -> true, true -> false, or any new value)."""

from __future__ import annotations

from .params import ConditionChangeParams

_TURNS = {"becomes_true": (False, True), "enters_range": (False, True),
          "becomes_false": (True, False), "exits_range": (True, False)}


class ConditionChange:
    """Event fields: the watched state (NULL: ignored), then the shown value when there is one.

    State: whether the key has a state yet (k), the last state (s) and value (v), and the change waiting
    for `stays_for` (p: [changed_at, previous value, value, new state]).
    """
    Params = ConditionChangeParams

    id_from = None

    def __init__(self, params):
        self.turn = _TURNS.get(params.trigger)  # None: any other value is a change
        self.stays_for = params.stays_for
        self.values = params.values
    def new_state(self):
        return {"k": False, "s": None, "v": None, "p": None}
    def size(self, state):
        return 1
    def _row(self, changed_at, detected_at, previous, value):
        return (changed_at, detected_at, previous, value) if self.values else (changed_at, detected_at)
    def on_event(self, state, event):
        ts, watched = event[0], event[2]
        if watched is None:
            return []
        value = event[3] if self.values else None
        previous, previous_value = state["s"], state["v"]
        known = state["k"]
        state["k"], state["s"], state["v"] = True, watched, value
        pending = state["p"]
        if pending is not None and watched != pending[3]:
            state["p"] = None  # the new state did not last
        if not known or watched == previous:
            return []
        if self.turn is not None and (previous, watched) != self.turn:
            return []
        if self.stays_for is None:
            return [self._row(ts, ts, previous_value, value)]
        state["p"] = [ts, previous_value, value, watched]
        return []

    def on_time(self, state, now):
        pending = state["p"]
        if pending is None or pending[0] + self.stays_for > now:
            return []
        state["p"] = None
        return [self._row(pending[0], pending[0] + self.stays_for, pending[1], pending[2])]
    def next_time(self, state):
        pending = state["p"]
        return None if pending is None else pending[0] + self.stays_for
