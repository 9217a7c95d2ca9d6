"""Explain for MATCH_RECOGNIZE: which variable each row took, where the matcher backtracked, why a partition
did not match (the row the furthest attempt stopped at and the DEFINE that was false there, with its values).

The replay runs MATCH_RECOGNIZE over whole partitions (the batch semantics of `lakestream replay`); the traced
run wraps the compiled DEFINE predicates to log every row test, so the plain run costs nothing extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lakestream.cep.explain import Condition, EventTrace, KeyTrace, Note, PartialMatch, PartialStep, Reason, Trace, \
    key_text, shown_row
from lakestream.cep.match_recognize.engine import to_seconds
from lakestream.cep.match_recognize.replay import engine_for_rows, load_config, replay_match_recognize
from lakestream.sparksql.runtime.sqlfuncs import to_str


def _logged(vi: int, define, log: list):
    def test(R, L, s, pos, last, mn):
        ok = True if define is None else define(R, L, s, pos, last, mn)
        log.append((s, pos, vi, ok is True))
        return ok
    return test


def explain_match_recognize(config: Any, rows: Iterable[Mapping[str, Any]]) -> Trace:
    """Replay MATCH_RECOGNIZE over `rows` recording, per partition, each row test and each match."""
    cfg = load_config(config)
    rows = list(rows)
    trace = Trace("match_recognize", "none (whole partitions: the replay's batch semantics)")
    if not rows:
        return trace
    replay_match_recognize(cfg, rows)  # a bad config or a run-time error is reported as by the replay
    engine, columns, data = engine_for_rows(cfg, rows)
    log: list = []
    engine.matcher.defines = [_logged(i, d, log) for i, d in enumerate(engine.matcher.defines)]
    matches: list = []
    on_match = engine._on_match

    def recording(R, s, end, L, X, mn):
        matches.append((s, end, list(L)))
        return on_match(R, s, end, L, X, mn)
    engine._on_match = recording
    names = engine.names
    defines = {d.variable: Condition(d.condition, d.variable, flag=True) for d in cfg.define}
    index = [columns.index(c) for c in cfg.partition_by]
    partitions: dict[tuple, list] = {}
    for row in data:
        partitions.setdefault(tuple(row[i] for i in index), []).append(row)
    order = engine.order[0][0] if engine.order else None
    for key, part in partitions.items():
        part.sort(key=engine.sort_key())  # stable: ties keep arrival order, as the replay
        log.clear()
        matches.clear()
        engine.run_batch(part)
        kt = trace.keys.setdefault(key_text(key), KeyTrace(key_text(key)))
        for i, r in enumerate(part):
            t = _seconds(r[order]) if order is not None else float(i)
            shown = to_str(r[order]) if order is not None else str(i + 1)
            kt.events.append(EventTrace(i + 1, t, shown, "in", shown_row(dict(zip(columns, r))),
                                        fate="processed"))
        _explain_partition(kt, part, list(log), list(matches), names, defines, columns)
    return trace


def _seconds(value) -> float:
    try:
        return to_seconds(value)
    except (TypeError, ValueError):
        return 0.0


def _explain_partition(kt: KeyTrace, part, tests, matches, names, defines, columns) -> None:
    events = kt.events
    for number, (s, end, labels) in enumerate(matches, 1):
        partial = PartialMatch(number, status="matched")
        for offset, vi in enumerate(labels):
            row = s + offset
            events[row].notes.append(Note("filled", f"took variable {names[vi]} (row {offset + 1} of match {number})",
                                          offset + 1, names[vi], number, events[row].t))
            partial.steps.append(PartialStep(offset + 1, names[vi], events[row].seq, events[row].ts, events[row].t))
        kt.partials.append(partial)
    kt.detections = len(matches)
    attempts: dict[int, list] = {}
    for s, pos, vi, ok in tests:
        attempts.setdefault(s, []).append((pos, vi, ok))
    matched_starts = {s for s, _, _ in matches}
    failed = []
    for s, items in attempts.items():
        taken: dict[int, int] = {}
        for pos, vi, ok in items:
            if pos in taken and (taken[pos] != vi or ok):
                events[pos].notes.append(Note("backtracked", f"backtracked: the attempt from row {s + 1} undid "
                                              f"{names[taken[pos]]} here and tried {names[vi]}", None, names[vi], None,
                                              events[pos].t))
                del taken[pos]
            if ok:
                taken[pos] = vi
        if s not in matched_starts:
            failed.append((s, items))
    if kt.detections:
        kt.why = Reason("matched", f"{kt.detections} match(es) in this partition")
        return
    if not failed:
        kt.why = Reason("none", "no row of this partition was tested")
        return
    s, items = max(failed, key=lambda f: (max(p for p, _, _ in f[1]) - f[0], f[0]))  # most rows taken, then latest
    stop = max(p for p, _, _ in items)
    tried = [vi for p, vi, ok in items if p == stop and not ok]
    row = dict(zip(columns, part[stop]))
    said = "; ".join(f"DEFINE {names[vi]}: " + (defines[names[vi]].describe(row) if names[vi] in defines
                                                  else "no condition") for vi in dict.fromkeys(tried))
    passed = [vi for p, vi, ok in items if p == stop and ok]
    if passed and stop == len(part) - 1:
        text = (f"the attempt from row {s + 1} reached the last row, row {stop + 1} ({names[passed[-1]]}), and the "
                "partition's rows ended before the pattern completed" + (f" (also tried there: {said})" if said else ""))
        kind = "waiting"
    elif said:
        text = f"the attempt from row {s + 1} got furthest and stopped at row {stop + 1}: {said}"
        kind = "discarded"
    else:
        text = (f"the attempt from row {s + 1} reached row {stop + 1} ({names[passed[-1]] if passed else '?'}) and the "
                "partition's rows ended before the pattern completed")
        kind = "waiting"
    events[stop].notes.append(Note(kind, text, stop - s + 1, None, None, events[stop].t))
    kt.why = Reason(kind, text, stop - s + 1)
