"""What an algorithm's `explain` facet returns: plain notes on one event's (or one deadline's) fate.

A note is a dict: `kind` (filled, started, matched, broken, skipped, discarded, expired, superseded,
suppressed, answered, waiting, updated, duplicate), `text` (may name times as `{t:NAME}` placeholders the
trace fills from `times`, in epoch microseconds), and optionally `step` (1-based), `partial` (the start time
identifying a partial match), `cond` (indices of the event fields that were false: the trace shows their
Spark SQL text and the values the event had). Only the traced engine calls `explain`, so it costs a replay
nothing when off.
"""

from __future__ import annotations


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
    """The explain facet's deadline half for an algorithm without deadlines: nothing ever expires."""

    def explain_time(self, before, after, now, rows):
        return []
