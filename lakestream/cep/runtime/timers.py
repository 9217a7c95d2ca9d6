"""Patterns driven by event-time timers: absence, heartbeat, state machine, session."""

from __future__ import annotations

from .params import AbsenceParams, HeartbeatParams, SessionParams, StateMachineParams


class Absence:
    """Event fields: trigger flag, expected flag, correlate values. State: pending triggers [t, corr]."""

    Params = AbsenceParams

    id_from = None

    def __init__(self, params):
        self.timeout = params.timeout

    def new_state(self):
        return {"p": []}

    def size(self, state):
        return len(state["p"])

    def on_event(self, state, event):
        ts, trigger, expected, corr = event[0], event[2], event[3], event[4:]
        pending = state["p"]
        if expected and pending:
            # an expected event answers every earlier pending trigger with equal correlate values
            state["p"] = pending = [p for p in pending if not (p[0] < ts and p[1] == corr)]
        if trigger:
            pending.append([ts, corr])
        return []

    def on_time(self, state, now):
        pending = state["p"]
        timeout = self.timeout
        if not pending or pending[0][0] + timeout > now:
            return []
        out = []
        while pending and pending[0][0] + timeout <= now:
            t = pending.pop(0)[0]
            out.append((t, t + timeout))
        return out

    def next_time(self, state):
        pending = state["p"]
        return pending[0][0] + self.timeout if pending else None


class Heartbeat:
    """Event fields: none. State: last event time and whether the key is dead."""

    Params = HeartbeatParams

    id_from = None

    def __init__(self, params):
        self.limit = params.limit
        self.status_change = params.status_change

    def new_state(self):
        return {"l": None, "d": False}

    def size(self, state):
        return 1

    def on_event(self, state, event):
        ts = event[0]
        out = []
        if state["d"]:
            state["d"] = False
            if self.status_change:
                out.append(("ALIVE", ts, ts))
        state["l"] = ts
        return out

    def on_time(self, state, now):
        last = state["l"]
        if last is None or state["d"] or last + self.limit > now:
            return []
        state["d"] = True
        return [("DEAD", last, last + self.limit)]

    def next_time(self, state):
        return None if state["l"] is None or state["d"] else state["l"] + self.limit


class StateMachine:
    """Event fields: one flag per transition. State: current state index and when it was entered."""

    Params = StateMachineParams

    id_from = None

    def __init__(self, params):
        self.names = params.states
        self.transitions = params.transitions  # [[from index, to index], ...] in priority order
        self.initial = params.initial
        self.terminal = set(params.terminal)
        self.emit = params.emit
        self.timeout = params.timeout

    def new_state(self):
        return {"c": self.initial, "t": None}

    def size(self, state):
        return 1

    def on_event(self, state, event):
        ts, flags = event[0], event[2:]
        current = state["c"]
        for i, (source, target) in enumerate(self.transitions):
            if source == current and flags[i]:
                terminal = target in self.terminal
                state["c"], state["t"] = (self.initial if terminal else target), ts
                if self.emit == "transition" or self.emit == "all" or terminal:
                    return [(self.names[current], self.names[target], ts)]
                return []
        if self.emit == "all":
            return [(self.names[current], self.names[current], ts)]
        return []

    def _deadline(self, state):
        if self.timeout is None or state["c"] == self.initial or state["t"] is None:
            return None
        return state["t"] + self.timeout

    def on_time(self, state, now):
        deadline = self._deadline(state)
        if deadline is None or deadline > now:
            return []
        current = state["c"]
        state["c"], state["t"] = self.initial, deadline
        return [(self.names[current], "TIMEOUT", deadline)]

    def next_time(self, state):
        return self._deadline(state)


class Session:
    """Event fields: none. State: the open session's start, last event time and event count.

    Without max_duration it is Spark's `session_window` (the generated form): an event is late only
    when its own window [ts, ts + gap) ended before its micro-batch, so it may be older than events
    already processed; it then joins the open session it overlaps (it always overlaps it).
    """

    Params = SessionParams

    id_from = 0  # match_id = <key>#<session_start>: unique per key, and what the native form can build

    def __init__(self, params):
        self.gap = params.gap
        self.max_duration = params.max_duration
        if self.max_duration is None:
            self.late_time = self._window_end

    def _window_end(self, event):
        return event[0] + self.gap

    def new_state(self):
        return {"s": None, "l": None, "n": 0}

    def size(self, state):
        return 1

    def on_event(self, state, event):
        ts = event[0]
        start = state["s"]
        if start is not None and ts - state["l"] <= self.gap and (
            self.max_duration is None or ts - start <= self.max_duration
        ):
            if ts < start:
                state["s"] = ts
            if ts > state["l"]:
                state["l"] = ts
            state["n"] += 1
            return []
        out = [] if start is None else [(start, state["l"], state["n"])]
        state["s"], state["l"], state["n"] = ts, ts, 1
        return out

    def on_time(self, state, now):
        if state["s"] is None or state["l"] + self.gap > now:
            return []
        row = (state["s"], state["l"], state["n"])
        state["s"], state["l"], state["n"] = None, None, 0
        return [row]

    def next_time(self, state):
        return None if state["s"] is None else state["l"] + self.gap
