"""Sequence: one event per step, in order, within a time bound (strict, relaxed or any contiguity)."""

from __future__ import annotations

from .notes import note, span


class Sequence:
    """Event fields: one flag per step. State: partial matches, each the list of its steps' times."""

    id_from = None

    def __init__(self, params):
        self.steps = params["steps"]
        self.within = params["within"]
        self.contiguity = params["contiguity"]
        self.emit_timeouts = params["emit_timeouts"]

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


    # --- explain facet: only the traced engine calls these ---

    def explain(self, before, after, event, rows):
        """The event's fate for each partial match it met: filled, broken (strict), skipped (relaxed), started."""
        flags = event[2:]
        notes = []
        done = [r[1:1 + self.steps] for r in rows]
        finished = {d[0] for d in done}
        for p in before["p"]:
            k = len(p)
            if flags[k] and (p[0] in finished or (k + 1 == self.steps and self.contiguity != "any")):
                continue  # its match (or the earlier match that consumed this event) is noted below
            if flags[k]:
                notes.append(note("filled", f"filled step {k + 1} of the partial match", step=k + 1, partial=p[0]))
            elif self.contiguity == "strict":
                notes.append(note("broken", f"contiguity broken (strict): step {k + 1} had to be the very next "
                                            "event of the key; the partial match ends", step=k + 1, partial=p[0],
                                  cond=[k]))
            elif self.contiguity == "relaxed":
                notes.append(note("skipped", f"skipped (relaxed contiguity): not step {k + 1}; the partial match "
                                             "waits", step=k + 1, partial=p[0], cond=[k]))
        if done:
            notes.append(note("matched", f"completed step {self.steps}: MATCH", step=self.steps,
                              partial=done[0][0]))
            if self.contiguity != "any":
                alive = {p[0] for p in before["p"]} - {d[0] for d in done}
                notes += [note("superseded", "superseded: the match consumed its events, this partial match is "
                                             "dropped", partial=t) for t in sorted(alive)]
        if flags[0] and (self.contiguity == "any" or not done) and self.steps > 1:
            notes.append(note("started", "started a partial match at step 1", step=1, partial=event[0]))
        if not notes:
            notes.append(note("discarded", "matched no step: step 1 is false", step=1, cond=[0]))
        return notes

    def explain_time(self, before, after, now, rows):
        """The partial matches the watermark expired: `within` passed before their next step came."""
        alive = {p[0] for p in after["p"]}
        return [note("expired", f"within {span(self.within)} exceeded: step {len(p) + 1} did not come by "
                                "{t:deadline} (the watermark passed it)", step=len(p) + 1, partial=p[0], needs=len(p),
                     times={"deadline": p[0] + self.within}, deadline=p[0] + self.within)
                for p in before["p"] if p[0] not in alive]


def _first(partial):
    return partial[0]
