"""The explain facet of each runtime algorithm: why an event or a deadline did (not) lead to a match.

`<Name>Reasons` is the runtime algorithm `<Name>` (lakestream/cep/runtime, shipped beside generated code)
with `explain(before, after, event, rows)` and `explain_time(before, after, now, rows)` added: the traced
engine (explain.py) runs it in place of the plain class, so it behaves identically and the shipped runtime
carries no explain code. A note is a dict: `kind` (explain.KINDS), `text` (times as `{t:NAME}`
placeholders filled from `times`, epoch microseconds), and optionally `step` (1-based), `partial` (the
start time identifying a partial match), `cond` (indices of the event fields that were false: the trace
shows their Spark SQL text with the values the event had), `needs`/`deadline` (an expired step).
"""

from __future__ import annotations

import math

from lakestream.cep.runtime.changes import ConditionChange
from lakestream.cep.runtime.dedup import Dedup, comparable
from lakestream.cep.runtime.sequence import Sequence
from lakestream.cep.runtime.spatial import Geofence
from lakestream.cep.runtime.timers import Absence, Heartbeat, Session, StateMachine
from lakestream.cep.runtime.values import Outlier, Trend
from lakestream.cep.runtime.windows import SlidingCount, TumblingCount, Velocity


def note(kind: str, text: str, **extra) -> dict:
    return {"kind": kind, "text": text, **extra}


def span(micros) -> str:
    """A duration as text: '10 s', '2.5 s', '3 min', '1 h 30 min'."""
    if micros is None:
        return "?"
    seconds = micros / 1_000_000
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        if minutes >= 60:
            hours, rest = divmod(minutes, 60)
            return f"{hours} h" + (f" {rest} min" if rest else "")
        return f"{minutes} min"
    return f"{seconds:g} s"


class Untimed:
    """The deadline half for an algorithm without deadlines: nothing ever expires."""

    def explain_time(self, before, after, now, rows):
        return []


def _armed(rows, before, reached, text):
    """A window alert's note: matched, or why not (below the threshold; or already alerted, not re-armed)."""
    if rows:
        return note("matched", text + ": alert")
    if reached and not before["a"]:
        return note("suppressed", text + ": already alerted; alerts again only after falling below the threshold")
    return note("waiting", text + ": below the threshold", step=1)



class SequenceReasons(Sequence):
    """Sequence with its explain facet."""

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



class AbsenceReasons(Absence):
    """Absence with its explain facet."""

    def explain(self, before, after, event, rows):
        ts, trigger, expected = event[0], event[2], event[3]
        kept = {p[0] for p in after["p"]}
        notes = [note("answered", "the expected event came within the timeout: no alert for the trigger at "
                                  "{t:trigger}", partial=p[0], times={"trigger": p[0]})
                 for p in before["p"] if p[0] not in kept]
        if expected and not notes:
            notes.append(note("discarded", "expected event, but no earlier trigger waits for it"
                                           + (" (with equal correlation values)" if len(event) > 4 else "")))
        if trigger:
            notes.append(note("started", f"trigger: an alert follows unless the expected event comes within "
                                         f"{span(self.timeout)} (by {{t:deadline}})", step=1, partial=ts,
                              times={"deadline": ts + self.timeout}))
        if not notes:
            notes.append(note("discarded", "neither a trigger nor an expected event", cond=[0, 1]))
        return notes

    def explain_time(self, before, after, now, rows):
        return [note("matched", f"no expected event within {span(self.timeout)} of the trigger: ABSENCE alert",
                     partial=start) for start, _ in rows]



class HeartbeatReasons(Heartbeat):
    """Heartbeat with its explain facet."""

    def explain(self, before, after, event, rows):
        if rows:
            return [note("matched", "the key is ALIVE again")]
        text = "a sign of life: the key is dead only if no event comes for " + span(self.limit) + " (by {t:deadline})"
        if before["d"]:
            text = "a sign of life after DEAD (status_change is off: no ALIVE row)"
        return [note("updated", text, times={"deadline": event[0] + self.limit})]

    def explain_time(self, before, after, now, rows):
        return [note("matched", f"no event for {span(self.limit)}: DEAD") for _ in rows]



class StateMachineReasons(StateMachine):
    """StateMachine with its explain facet."""

    def explain(self, before, after, event, rows):
        current, flags = before["c"], event[2:]
        for i, (source, target) in enumerate(self.transitions):
            if source == current and flags[i]:
                kind = "matched" if rows else "filled"
                extra = "" if rows else " (no row: emit is " + self.emit + ")"
                return [note(kind, f"transition {self.names[source]} -> {self.names[target]}{extra}")]
        tried = [i for i, (source, _) in enumerate(self.transitions) if source == current]
        text = f"no transition out of state '{self.names[current]}' is true"
        if not tried:
            text = f"state '{self.names[current]}' has no transitions out"
        return [note("matched" if rows else "discarded", text, cond=tried)]

    def explain_time(self, before, after, now, rows):
        return [note("expired", f"state_timeout {span(self.timeout)} passed in state '{self.names[before['c']]}': "
                                "TIMEOUT, back to the initial state") for _ in rows]



class SessionReasons(Session):
    """Session with its explain facet."""

    def explain(self, before, after, event, rows):
        ts = event[0]
        closes = f"; it closes once no event comes for {span(self.gap)} (by {{t:close}})"
        times = {"close": after["l"] + self.gap}
        if before["s"] is None:
            return [note("started", "started a session" + closes, partial=ts, times=times)]
        if not rows:
            return [note("filled", f"joined the open session (event {after['n']})" + closes, step=after["n"],
                         partial=after["s"], times=times)]
        gap = ts - before["l"]
        why = f"the gap since the last event, {span(gap)}, exceeds {span(self.gap)}"
        if gap <= self.gap:
            why = f"max_duration {span(self.max_duration)} reached"
        return [note("matched", f"closed the session ({why}) and started a new one", partial=before["s"])]

    def explain_time(self, before, after, now, rows):
        return [note("matched", f"no event for {span(self.gap)}: the session closed", partial=before["s"])
                for _ in rows]



class SlidingCountReasons(SlidingCount, Untimed):
    """SlidingCount with its explain facet."""

    def explain(self, before, after, event, rows):
        if not event[2]:
            return [note("discarded", "not counted: the condition is false", cond=[0])]
        count = len(after["q"])
        window = f"{count} of {self.threshold} in the last {span(self.window)}"
        return [_armed(rows, before, count >= self.threshold, f"counted: {window}")]



class TumblingCountReasons(TumblingCount):
    """TumblingCount with its explain facet."""

    def explain(self, before, after, event, rows):
        if not event[2]:
            return [note("discarded", "not counted: the condition is false", cond=[0])]
        ts = event[0]
        start = ts - ts % self.window
        count = next(c for s, c in after["w"] if s == start)
        return [note("waiting", f"counted in the window from {{t:start}}: {count} of {self.threshold} so far; "
                                "decided when the window closes", times={"start": start}, partial=start)]

    def explain_time(self, before, after, now, rows):
        closed = [w for w in before["w"] if w[0] + self.window <= now]
        return [note("matched" if count >= self.threshold else "expired",
                     f"window from {{t:start}} closed with {count} of {self.threshold}",
                     times={"start": start}, partial=start) for start, count in closed]



class VelocityReasons(Velocity, Untimed):
    """Velocity with its explain facet."""

    def explain(self, before, after, event, rows):
        if not event[2]:
            return [note("discarded", "not counted: the condition is false", cond=[0])]
        window = after["q"]
        metric = math.fsum(v for _, v in window if v is not None) if self.sum else float(len(window))
        rate = metric / self.units
        text = f"rate {rate:g} per {span(self.window / self.units)} over the last {span(self.window)}, " \
               f"threshold {self.rate_threshold:g}"
        return [_armed(rows, before, rate >= self.rate_threshold, text)]



class TrendReasons(Trend, Untimed):
    """Trend with its explain facet."""

    def explain(self, before, after, event, rows):
        value = event[2]
        if value is None:
            return [note("discarded", "ignored: the value is NULL", cond=[0])]
        n = after["n"]
        if rows:
            return [note("matched", f"step {n} of the {self.direction} run: {self.length} reached", step=n,
                         partial=after["s"])]
        if n > 1:
            kind, text = "filled", f"step {n} of {self.length} of the {self.direction} run"
            if before["e"]:
                kind, text = "suppressed", text + " (this run already alerted)"
            return [note(kind, text, step=n, partial=after["s"])]
        notes = []
        if before["n"]:
            previous = before["f"] if self.direction == "flat" else before["p"]
            what = {"up": "is not above", "down": "is not below", "flat": "is outside the tolerance of"}
            notes.append(note("broken", f"the run broke at step {before['n'] + 1} of {self.length}: {value:g} "
                                        f"{what[self.direction]} {previous:g}", step=before["n"] + 1,
                              partial=before["s"], cond=[0]))
        notes.append(note("started", f"started a {self.direction} run (step 1 of {self.length})", step=1,
                          partial=event[0]))
        return notes



class OutlierReasons(Outlier, Untimed):
    """Outlier with its explain facet."""

    def explain(self, before, after, event, rows):
        x, ts = event[2], event[0]
        if x is None:
            return [note("discarded", "ignored: the value is NULL", cond=[0])]
        if rows:
            return [note("matched", f"{self.method} score {rows[0][3]:.4g} > {self.threshold:g}: outlier")]
        baseline = [v for t, v in before["q"] if ts - self.window < t < ts]
        if len(baseline) < self.min_samples:
            return [note("waiting", f"baseline has {len(baseline)} of the {self.min_samples} earlier values "
                                    f"(min_samples) within {span(self.window)}", cond=[0])]
        score = self.score(baseline, x)
        if score is None:
            return [note("discarded", "the baseline has no spread (all values equal): no score", cond=[0])]
        return [note("discarded", f"{self.method} score {score:.4g} <= {self.threshold:g}: not an outlier", cond=[0])]



class GeofenceReasons(Geofence):
    """Geofence with its explain facet."""

    def explain(self, before, after, event, rows):
        lat, lon = event[2], event[3]
        if lat is None or lon is None:
            return [note("discarded", "ignored: latitude or longitude is NULL", cond=[0, 1])]
        where = "inside" if after["in"] else "outside"
        if rows:
            return [note("matched", f"{rows[0][0]}: now {where} the fence")]
        if after["in"] and not before["in"] and self.trigger == "dwell":
            return [note("started", f"entered; a DWELL alert follows if it stays {span(self.dwell_time)} (by "
                                    "{t:deadline})", partial=event[0], times={"deadline": event[0] + self.dwell_time})]
        if after["in"] != before["in"]:
            return [note("updated", f"{'entered' if after['in'] else 'left'} the fence; the trigger is "
                                    f"{self.trigger}", cond=[0, 1])]
        return [note("discarded", f"still {where} the fence: no {self.trigger}", cond=[0, 1])]

    def explain_time(self, before, after, now, rows):
        return [note("matched", f"stayed {span(self.dwell_time)} inside: DWELL", partial=before["entry"]) for _ in rows]



class ConditionChangeReasons(ConditionChange):
    """ConditionChange with its explain facet."""

    def explain(self, before, after, event, rows):
        watched = event[2]
        if watched is None:
            return [note("discarded", "ignored: the watched state is NULL", cond=[0])]
        notes = []
        old = before["p"]
        if old is not None and (after["p"] is None or after["p"][0] != old[0]):
            notes.append(note("superseded", f"the change at {{t:changed}} did not stay for {span(self.stays_for)}",
                              partial=old[0], times={"changed": old[0]}))
        previous = before["s"]
        if rows:
            notes.append(note("matched", f"changed from {previous!r} to {watched!r}"))
        elif not before["k"]:
            notes.append(note("started", f"first state seen: {watched!r} (a change needs an earlier state)",
                              cond=[0]))
        elif watched == previous:
            notes.append(note("discarded", f"no change: still {watched!r}", cond=[0]))
        elif after["p"] is not None and after["p"][0] == event[0]:
            notes.append(note("waiting", f"changed from {previous!r} to {watched!r}; reported if it stays for "
                                         f"{span(self.stays_for)} (by {{t:deadline}})", partial=event[0],
                              times={"deadline": event[0] + self.stays_for}))
        else:
            notes.append(note("discarded", f"changed from {previous!r} to {watched!r}, not the trigger's direction",
                              cond=[0]))
        return notes

    def explain_time(self, before, after, now, rows):
        return [note("matched", f"the change stayed for {span(self.stays_for)}", partial=before["p"][0])
                for _ in rows]



class DedupReasons(Dedup):
    """Dedup with its explain facet."""

    def explain(self, expires: dict, values) -> dict:
        """The explain facet, asked before `keep`: kept as the first of its identity, or a duplicate of which."""
        at = expires.get(comparable(values))
        if at is None:
            return note("matched", f"first of its identity: kept (its duplicates are dropped for {span(self.within)})")
        return note("duplicate", "duplicate: the first event of this identity, at {t:first}, is remembered until "
                                 "{t:expires}", times={"first": at - self.within, "expires": at}, cond=list(range(len(values))))



# the runtime class -> its class with the explain facet (explain.py's import-time check covers the registry)
REASONS = {cls.__mro__[1]: cls for cls in list(globals().values())
           if isinstance(cls, type) and cls.__name__.endswith("Reasons")}
