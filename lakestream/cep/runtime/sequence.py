"""Sequence: one event per step, in order, within a time bound (strict, relaxed or any contiguity)."""

from __future__ import annotations

from .params import SequenceParams


class Sequence:
    """Event fields: one flag per step. State: partial matches, each the list of its steps' times."""

    Params = SequenceParams

    id_from = None

    def __init__(self, params):
        self.steps = params.steps
        self.within = params.within
        self.contiguity = params.contiguity
        self.emit_timeouts = params.emit_timeouts

    def new_state(self):
        return {"p": []}

    def size(self, state):
        return sum(len(p) for p in state["p"])

    def _row(self, status, times):
        padded = times + [None] * (self.steps - len(times))
        return (status, *padded, times[0], times[-1])

    def on_event(self, state, event):
        ts, flags = event[0], event[2:]
        partials = state["p"]
        steps = self.steps
        out = []
        if self.contiguity == "any":
            # skip-till-any-match: every partial may fork on a matching event; nothing is consumed
            forks = [p + [ts] for p in partials if flags[len(p)]]
            kept = partials + [f for f in forks if len(f) < steps]
            kept.sort(key=_first)  # stable: a fork follows the partial it came from
            out = [self._row("MATCH", f) for f in forks if len(f) == steps]
            if flags[0]:
                kept.append([ts])
            state["p"] = [p for p in kept if len(p) < steps] if steps > 1 else []
            return out
        survivors = []
        for p in partials:
            if flags[len(p)]:
                p.append(ts)
                survivors.append(p)
            elif self.contiguity == "relaxed":
                survivors.append(p)  # skip-till-next-match: a non-matching event is ignored
            # strict: the key's very next event must be the next step, or the partial dies
        done = next((p for p in survivors if len(p) == steps), None)
        if done is not None:
            state["p"] = []  # the match consumes its events: the next match starts after it
            return [self._row("MATCH", done)]
        if flags[0]:
            survivors.append([ts])
        state["p"] = survivors
        return out

    def on_time(self, state, now):
        partials = state["p"]  # kept in order of their first event
        if not partials or partials[0][0] + self.within > now:
            return []
        cut = 1
        while cut < len(partials) and partials[cut][0] + self.within <= now:
            cut += 1
        expired = partials[:cut]
        del partials[:cut]
        if not self.emit_timeouts:
            return []
        return [self._row("TIMEOUT", p) for p in expired]

    def next_time(self, state):
        partials = state["p"]
        return partials[0][0] + self.within if partials else None


def _first(partial):
    return partial[0]
