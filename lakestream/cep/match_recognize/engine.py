"""Runs a compiled MATCH_RECOGNIZE spec: batch over whole partitions, or incrementally per streaming key.

Standard library only: this file ships beside generated Spark code. The spec is the JSON-able dict made by
program.compile_spec (compiled DEFINE/MEASURES Python source included).
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import cmp_to_key
from zoneinfo import ZoneInfo

from . import runtime

try:  # shipped beside generated code, the shared scalar helpers sit in this package
    from . import sqlfuncs, sqltext
except ImportError:  # inside lakestream they are the Spark SQL layer's runtime
    from lakestream.sparksql.runtime import sqlfuncs, sqltext
from .matcher import MatchError, Matcher
try:  # shipped beside generated code, the PATTERN parser sits in this package
    from .pattern import parse_pattern
except ImportError:  # inside lakestream it is MATCH_RECOGNIZE's SQL layer
    from lakestream.rowpattern.pattern import parse_pattern
from .runtime import OpenRows


def to_seconds(value, tz=timezone.utc):
    """An ORDER BY value as seconds (timestamps, dates, ISO strings, numbers); None when it has none.

    A timestamp without a time zone is read in `tz` (Spark hands pandas the session time zone's wall time).
    """
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.timestamp()
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp()
    return float(value)


def _compare(a, b):
    # Spark's default null ordering: NULLS FIRST ascending (and NULLS LAST descending, by the reversal)
    if a is None or b is None:
        return 0 if a is b else (-1 if a is None else 1)
    return -1 if a < b else (1 if a > b else 0)


class Engine:
    """One MATCH_RECOGNIZE, ready to run; `columns` are the output column names."""

    def __init__(self, spec: dict, max_steps: int | None = None):
        self.spec = spec
        scope = {"_rt": runtime, "_f": sqlfuncs, "_t": sqltext, "_D": Decimal, "math": math}
        exec(compile(spec["source"], "<match_recognize>", "exec"), scope)  # our own compiled code, never user text
        self.names = spec["variables"]
        self.measures = scope["MEASURES"]
        mode, skip_vars, text = spec["skip"]
        self.matcher = Matcher(parse_pattern(spec["pattern"]), {v: i for i, v in enumerate(self.names)},
                               scope["DEFINES"], (mode, frozenset(skip_vars or ()), text), spec["within"],
                               max_steps)
        self.partition = spec["partition_by"]
        self.order = spec["order_by"]
        self.mode = spec["rows_per_match"]
        self.one = self.mode == "ONE"
        self.columns = ([spec["columns"][i] for i in self.partition] if self.one else list(spec["columns"])) \
            + list(spec["measure_aliases"])
        self._nulls = (None,) * len(self.measures)
        zone = spec.get("time_zone")
        self._tz = ZoneInfo(zone) if zone and zone.upper() != "UTC" else timezone.utc
        self._time = self.order[0][0] if self.order else 0

    # --- output rows ---

    def _on_match(self, R, s, end, L, X, mn):
        last = s + len(L) - 1
        if self.one:
            head = tuple(R[s][i] for i in self.partition)
            return [head + tuple(m(R, L, s, last, last, mn) for m in self.measures)]
        if end == s:  # an empty match: its starting row, with the measures of an empty match
            if self.mode == "ALL OMIT EMPTY MATCHES":
                return []
            return [tuple(R[s]) + tuple(m(R, L, s, s - 1, s - 1, mn) for m in self.measures)]
        return [tuple(R[r]) + tuple(m(R, L, s, r, last, mn) for m in self.measures)
                for r in range(s, end) if not X[r - s]]

    def _on_unmatched(self, R, r):
        if self.mode == "ALL WITH UNMATCHED ROWS":
            return [tuple(R[r]) + self._nulls]
        return []

    def _run(self, R, pos, mn, covered, **kwargs):
        return self.matcher.run(R, pos, mn, covered,
                                lambda s, end, L, X, n: self._on_match(R, s, end, L, X, n),
                                lambda r: self._on_unmatched(R, r), **kwargs)

    # --- batch ---

    def sort_key(self):
        order = self.order

        def compare(a, b):
            for index, desc in order:
                result = _compare(a[index], b[index])
                if result:
                    return -result if desc else result
            return 0
        return cmp_to_key(compare)

    def times(self, rows):
        if self.spec["within"] is None:
            return None
        column = self.spec["columns"][self._time]
        try:
            times = [self.seconds(r) for r in rows]
        except (TypeError, ValueError):
            raise MatchError(f"WITHIN measures time in the first ORDER BY column, {column}, whose values are "
                             "not all times or numbers") from None
        if None in times:
            raise MatchError(f"WITHIN measures time in the first ORDER BY column, {column}, which is NULL in "
                             "some rows") from None
        return times

    def seconds(self, row) -> float:
        """The row's first ORDER BY value in seconds (the event time when streaming)."""
        return to_seconds(row[self._time], self._tz)

    def run_batch(self, rows) -> list[tuple]:
        """Every output row over `rows` (tuples in the spec's column order): partitions in order of appearance."""
        partitions: dict[tuple, list] = {}
        for row in rows:
            partitions.setdefault(tuple(row[i] for i in self.partition), []).append(tuple(row))
        out: list[tuple] = []
        for part in partitions.values():
            part.sort(key=self.sort_key())  # stable: ties keep arrival order
            out.extend(self._run(part, 0, 0, 0, T=self.times(part))[0])
        return out

    # --- streaming: one key's state, fed rows and watermarks ---

    def new_state(self) -> dict:
        return {"rows": [], "times": [], "pending": [], "pos": 0, "mn": 0, "covered": 0, "origin": True,
                "released": None}

    def feed(self, state: dict, new_rows, watermark: float | None) -> list[tuple]:
        """Add rows; release those at or before the watermark (their order is final); emit decided matches.

        `watermark` is in the seconds of the first ORDER BY column. As in Spark, a row at or before the
        watermark when it arrives is late: it is ignored (Spark drops it before it gets here).
        """
        released = state["released"]
        for row in new_rows:
            t = self.seconds(row)
            if released is None or t > released:
                state["pending"].append(tuple(row))
        if watermark is not None:
            ready = [r for r in state["pending"] if self.seconds(r) <= watermark]
            if ready:
                ready.sort(key=self.sort_key())
                state["pending"] = [r for r in state["pending"] if self.seconds(r) > watermark]
                state["rows"].extend(ready)
                state["times"].extend(self.seconds(r) for r in ready)
            state["released"] = watermark if released is None else max(released, watermark)
        rows = OpenRows(state["rows"])
        out, pos, mn, covered = self._run(rows, state["pos"], state["mn"], state["covered"], T=state["times"],
                                          final=False, horizon=watermark, at_origin=state["origin"])
        keep_from = max(0, pos - self.spec["history"])  # PREV may look `history` rows back from a start
        if keep_from:
            state["rows"] = state["rows"][keep_from:]
            state["times"] = state["times"][keep_from:]
            state["origin"] = False
        state["pos"], state["mn"], state["covered"] = pos - keep_from, mn, max(0, covered - keep_from)
        return out

    def next_timer(self, state: dict) -> float | None:
        """The watermark (seconds) after which this key may have something new to decide, or None."""
        candidates = [min(self.seconds(r) for r in state["pending"])] if state["pending"] else []
        if self.spec["within"] is not None and state["pos"] < len(state["rows"]):
            candidates.append(state["times"][state["pos"]] + self.spec["within"])
        return min(candidates) if candidates else None
