"""Explain: hand-written scenarios per pattern node type, each asserting the exact "why no match?" reason.

The scenario list is checked against the registry: a pattern node type the engine replays without a
scenario here fails `test_every_replayed_pattern_type_has_a_scenario`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from lakestream.cep.engine import PatternRun
from lakestream.cep.explain import KINDS, ExplainRun
from lakestream.cep.explain_rows import explain_match_recognize
from lakestream.cep.replay import check_explain
from lakestream.nodes import REGISTRY

T0 = datetime(2026, 3, 1, 10, 0, 0)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def ts(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")


def ev(key, seconds, port="in", **values):
    return port, {"k": key, "ts": at(seconds), **values}


BASE = {"key_columns": ["k"], "event_time_column": "ts", "watermark_delay": "2 seconds"}
PUSH = ev("zz", 600)  # another key's late event time: moves the watermark past everything before it

SCENARIOS = {
    "sequence: condition false with the value seen": dict(
        type="sequence_detector",
        config={"within": "1 hour", "contiguity": "relaxed", "steps": [
            {"name": "login", "condition": "kind = 'login'"},
            {"name": "big_purchase", "condition": "amount > 1000"}]},
        events=[ev("u1", 0, kind="login", amount=0.0), ev("u1", 5, kind="buy", amount=250.0), PUSH],
        key="u1", kind="skipped", step=2,
        text="step 2 'big_purchase': skipped (relaxed contiguity): not step 2; the partial match waits — "
             "amount > 1000 was false (amount = 250)"),
    "sequence: within exceeded, by how much": dict(
        type="sequence_detector",
        config={"within": "10 seconds", "contiguity": "relaxed", "steps": [
            {"name": "a", "condition": "kind = 'a'"}, {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("u1", 0, kind="a"), ev("u1", 25, kind="b"), PUSH],
        key="u1", kind="expired", step=2,
        text=f"step 2 'b': within 10 s exceeded: step 2 did not come by {ts(10)} (the watermark passed it); "
             f"step 2 came at {ts(25)}, 15 s too late"),
    "sequence: strict contiguity broken": dict(
        type="sequence_detector",
        config={"within": "1 minute", "contiguity": "strict", "steps": [
            {"name": "a", "condition": "kind = 'a'"}, {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("u1", 0, kind="a"), ev("u1", 1, kind="x"), ev("u1", 2, kind="b"), PUSH],
        key="u1", kind="broken", step=2,
        text="step 2 'b': contiguity broken (strict): step 2 had to be the very next event of the key; the partial "
             "match ends — kind = 'b' was false (kind = 'x')"),
    "sequence: superseded by a match": dict(
        type="sequence_detector",
        config={"within": "1 minute", "contiguity": "relaxed", "steps": [
            {"name": "a", "condition": "kind = 'a'"}, {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("u1", 0, kind="a"), ev("u1", 1, kind="a"), ev("u1", 2, kind="b"), PUSH],
        key="u1", kind="matched", text="1 detection(s) for this key",
        partials=[("matched", [1, 3]), ("superseded", [2])]),
    "sequence: waiting for the next step": dict(
        type="sequence_detector",
        config={"within": "1 hour", "contiguity": "relaxed", "steps": [
            {"name": "a", "condition": "kind = 'a'"}, {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("u1", 0, kind="a"), PUSH],
        key="u1", kind="waiting", step=2,
        text=f"partial match 1 waits for step 2: no event met it yet (step 1 'a' was event #1 at {ts(0)}); "
             f"the watermark is {ts(598)}"),
    "late: event time at or before the watermark": dict(
        type="sequence_detector",
        config={"within": "1 minute", "steps": [{"name": "a", "condition": "kind = 'a'"},
                                                {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("zz", 100, kind="x"), ev("zz", 101, kind="x"), ev("u1", 50, kind="a")],
        key="u1", kind="late",
        text=f"late: its event time is at or before the watermark {ts(98)} the previous micro-batch ran with "
             "(watermark delay 2 s): dropped"),
    "late: the next step's event came too late": dict(
        type="sequence_detector",
        config={"within": "1 hour", "steps": [{"name": "a", "condition": "kind = 'a'"},
                                              {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("u1", 0, kind="a"), ev("zz", 100, kind="x"), ev("zz", 101, kind="x"), ev("u1", 50, kind="b"),
                PUSH],
        key="u1", kind="late", step=2,
        text=f"late: its event time is at or before the watermark {ts(98)} the previous micro-batch ran with "
             "(watermark delay 2 s): dropped; partial match 1 was waiting for step 2"),
    "held: the last event waits for the watermark": dict(
        type="sequence_detector",
        config={"within": "1 minute", "steps": [{"name": "a", "condition": "kind = 'a'"},
                                                {"name": "b", "condition": "kind = 'b'"}]},
        events=[ev("u1", 0, kind="a"), ev("u1", 10, kind="b")],
        key="u1", kind="held", step=2,
        text=f"still waiting for the watermark: 1 event(s) from {ts(10)} on are held until the watermark passes them "
             f"(it is {ts(8)}; it moves only when later events arrive). Before them: partial match 1 waits for "
             f"step 2: no event met it yet (step 1 'a' was event #1 at {ts(0)}); the watermark is {ts(8)}"),
    "absence: answered by the expected event": dict(
        type="absence_detector",
        config={"trigger_condition": "status = 'cart'", "expected_condition": "status = 'buy'", "timeout": "1 minute"},
        events=[ev("u1", 0, status="cart"), ev("u1", 30, status="buy"), PUSH],
        key="u1", kind="answered",
        text=f"the expected event came within the timeout: no alert for the trigger at {ts(0)}"),
    "absence: no trigger": dict(
        type="absence_detector",
        config={"trigger_condition": "status = 'cart'", "expected_condition": "status = 'buy'", "timeout": "1 minute"},
        events=[ev("u1", 0, status="browse"), PUSH],
        key="u1", kind="discarded",
        text="neither a trigger nor an expected event — status = 'cart' was false (status = 'browse'); "
             "status = 'buy' was false (status = 'browse')"),
    "count threshold (sliding): below the threshold": dict(
        type="count_threshold",
        config={"condition": "status = 'failed'", "threshold": 3, "window": "10 seconds"},
        events=[ev("c1", 0, status="failed"), ev("c1", 4, status="failed"), ev("c1", 20, status="failed"), PUSH],
        key="c1", kind="waiting", text="counted: 1 of 3 in the last 10 s: below the threshold"),
    "count threshold (sliding): already alerted": dict(
        type="count_threshold",
        config={"condition": "status = 'failed'", "threshold": 2, "window": "10 seconds"},
        events=[ev("c1", 0, status="failed"), ev("c1", 1, status="failed"), ev("c1", 2, status="failed"), PUSH],
        key="c1", kind="matched", text="1 detection(s) for this key",
        last_note=("suppressed", "counted: 3 of 2 in the last 10 s: already alerted; alerts again only after falling "
                                 "below the threshold")),
    "count threshold (tumbling): window closed below the threshold": dict(
        type="count_threshold",
        config={"condition": "status = 'failed'", "threshold": 3, "window": "10 seconds", "mode": "tumbling"},
        events=[ev("c1", 1, status="failed"), ev("c1", 2, status="failed"), ev("c1", 3, status="ok"), PUSH],
        key="c1", kind="expired", text=f"window from {ts(0)} closed with 2 of 3"),
    "velocity: rate below the threshold": dict(
        type="velocity_detector",
        config={"metric": "sum", "value_column": "amount", "rate_threshold": 1000, "per": "minute",
                "window": "5 minutes"},
        events=[ev("c1", 0, amount=2000.0), ev("c1", 60, amount=1000.0), PUSH],
        key="c1", kind="waiting", text="rate 600 per 1 min over the last 5 min, threshold 1000: below the threshold"),
    "geofence: still outside": dict(
        type="geofence",
        config={"lat_column": "lat", "lon_column": "lon", "trigger": "enter",
                "shape": {"kind": "circle", "center_lat": 52.37, "center_lon": 4.9, "radius_m": 500}},
        events=[ev("v1", 0, lat=52.0, lon=4.0), PUSH],
        key="v1", kind="discarded", text="still outside the fence: no enter — lat = 52; lon = 4"),
    "temporal correlation: max_gap exceeded, by how much": dict(
        type="temporal_correlation",
        config={"correlation_columns": ["k"], "a_condition": "status = 'failed'", "b_condition": "amount > 100",
                "max_gap": "10 seconds", "order": "a_before_b", "key_columns": []},
        events=[ev("c1", 0, "a", status="failed", amount=0.0), ev("c1", 25, "b", status="ok", amount=500.0),
                ev("zz", 600, "a", status="x", amount=0.0), ev("zz", 600, "b", status="x", amount=0.0)],
        key="c1", kind="expired", text=f"max_gap 10 s exceeded by 15 s: the nearest A event is at {ts(0)}"),
    "trend: the run broke": dict(
        type="trend_detector",
        config={"value_column": "temp", "direction": "up", "length": 3},
        events=[ev("m1", 0, temp=10.0), ev("m1", 1, temp=12.0), ev("m1", 2, temp=11.0), PUSH],
        key="m1", kind="broken", step=3, text="the run broke at step 3 of 3: 11 is not above 12 — temp = 11"),
    "outlier: baseline too small": dict(
        type="outlier_detector",
        config={"value_column": "amount", "baseline_window": "1 hour", "method": "zscore", "threshold": 3,
                "min_samples": 5},
        events=[ev("c1", 0, amount=10.0), ev("c1", 1, amount=900.0), PUSH],
        key="c1", kind="waiting",
        text="baseline has 1 of the 5 earlier values (min_samples) within 1 h — amount = 900"),
    "session: still open": dict(
        type="session_detector",
        config={"gap": "1 hour"},
        events=[ev("u1", 0), ev("u1", 10), PUSH],
        key="u1", kind="waiting",
        text=f"partial match 1 is open: joined the open session (event 2); it closes once no event comes for 1 h "
             f"(by {ts(3610)})"),
    "deduplication: a duplicate": dict(
        type="deduplication",
        config={"columns": ["merchant"], "watermark_delay": "1 minute"},
        events=[ev("c1", 0, merchant="shop"), ev("c1", 5, merchant="shop")],
        key="c1", kind="matched", text="1 detection(s) for this key",
        last_note=("duplicate", f"duplicate: the first event of this identity, at {ts(0)}, is remembered until "
                                f"{ts(60)} — merchant = 'shop'")),
    "state machine: no transition out": dict(
        type="state_machine",
        config={"states": ["idle", "open", "closed"], "initial_state": "idle", "terminal_states": ["closed"], "emit": "terminal",
                "transitions": [{"from": "idle", "to": "open", "condition": "status = 'open'"},
                                {"from": "open", "to": "closed", "condition": "status = 'close'"}]},
        events=[ev("u1", 0, status="open"), ev("u1", 1, status="pause"), PUSH],
        key="u1", kind="discarded",
        text="no transition out of state 'open' is true — status = 'close' was false (status = 'pause')"),
    "heartbeat: alive": dict(
        type="heartbeat_monitor",
        config={"expected_interval": "5 minutes", "grace": "1 minute", "emit": "status_change"},
        events=[ev("d1", 0), ev("d1", 200)],
        key="d1", kind="held",
        text=f"still waiting for the watermark: 1 event(s) from {ts(200)} on are held until the watermark passes "
             f"them (it is {ts(198)}; it moves only when later events arrive). Before them: a sign of life: the key "
             f"is dead only if no event comes for 6 min (by {ts(360)})"),
    "condition change: no change": dict(
        type="condition_change",
        config={"trigger": "exits_range", "value_column": "temp", "low": 10.0, "high": 80.0},
        events=[ev("m1", 0, temp=20.0), ev("m1", 1, temp=30.0), PUSH],
        key="m1", kind="discarded", text="no change: still True — temp = 30"),
    "match_recognize: a DEFINE false at the row the furthest attempt reached": dict(
        type="match_recognize",
        config={"partition_by": ["k"], "order_by": [{"column": "ts"}], "pattern": "STRT DOWN+ UP+",
                "define": {"DOWN": "price < PREV(price)", "UP": "price > PREV(price)"},
                "measures": [{"expr": "STRT.ts", "alias": "start_ts"}]},
        events=[ev("s1", 0, price=10.0), ev("s1", 1, price=8.0), ev("s1", 2, price=6.0)],
        key="s1", kind="waiting",
        text="the attempt from row 1 reached the last row, row 3 (DOWN), and the partition's rows ended before "
             "the pattern completed (also tried there: DEFINE UP: price > PREV(price) was false (price = 6))"),
}


def run_scenario(scenario: dict):
    spec = REGISTRY[scenario["type"]]
    rows = [r for _, r in scenario["events"]]
    if scenario["type"] == "match_recognize":
        return explain_match_recognize(scenario["config"], rows)
    base = dict(BASE)
    if scenario["type"] == "temporal_correlation":
        base.pop("key_columns")
    config = spec.config.model_validate({**base, **scenario["config"]})
    run = ExplainRun(scenario["type"], config)
    for port, row in scenario["events"]:
        run.batch([(port, row)])  # one event per micro-batch: the streaming ideal replay uses
    run.finish()
    return run.trace()


def test_every_replayed_pattern_type_has_a_scenario():
    replayed = {t for t, s in REGISTRY.items() if s.pattern is not None and s.pattern.replay != "spark"}
    covered = {s["type"] for s in SCENARIOS.values()}
    assert replayed - covered == set(), "pattern node types without an explain scenario"


def test_import_time_check_covers_the_registry(monkeypatch):
    check_explain()  # raises naming any replayed pattern type whose runtime lacks the explain facet

    class Silent:  # a runtime algorithm without the explain facet
        pass

    from lakestream.cep.runtime import registry

    monkeypatch.setitem(registry.ALGORITHMS, "trend_detector", Silent)
    with pytest.raises(TypeError, match=r"pattern nodes without an explain facet: trend_detector \(a SilentReasons "
                                        r"in cep/reasons.py\)"):
        check_explain()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_why_no_match(name):
    scenario = SCENARIOS[name]
    trace = run_scenario(scenario)
    why = trace.why(scenario["key"])
    assert (why.kind, why.text) == (scenario["kind"], scenario["text"])
    if "step" in scenario:
        assert why.step == scenario["step"]
    key = trace.keys[scenario["key"]]
    for event in key.events:
        assert event.fate in ("processed", "late", "held")
        assert all(n.kind in KINDS for n in event.notes)
    if "partials" in scenario:
        assert [(p.status, [s.seq for s in p.steps]) for p in key.partials] == scenario["partials"]
    if "last_note" in scenario:
        notes = [n for e in key.events for n in e.notes]
        assert (notes[-1].kind, notes[-1].text) == scenario["last_note"]


def test_tracing_changes_no_output():
    """The traced engine emits exactly the rows of the plain one, for every scenario."""
    for scenario in SCENARIOS.values():
        if scenario["type"] == "match_recognize":
            continue
        base = dict(BASE)
        if scenario["type"] == "temporal_correlation":
            base.pop("key_columns")
        config = REGISTRY[scenario["type"]].config.model_validate({**base, **scenario["config"]})
        outputs = []
        for cls in (PatternRun, ExplainRun):
            run = cls(scenario["type"], config)
            rows = [r for port, row in scenario["events"] for r in run.batch([(port, row)])] + run.finish()
            outputs.append((rows, run.late_events))
        assert outputs[0] == outputs[1]


def test_match_recognize_rows_take_variables_and_backtracking_is_named():
    config = {"partition_by": ["k"], "order_by": [{"column": "ts"}], "pattern": "A B+ C",
              "define": {"B": "price < PREV(price)", "C": "price > PREV(price)"},
              "measures": [{"alias": "n", "expr": "count(*)"}]}
    rows = [{"k": "x", "price": p, "ts": at(i)} for i, p in enumerate([10.0, 8.0, 6.0, 9.0])]
    rows += [{"k": "y", "price": p, "ts": at(i)} for i, p in enumerate([10.0, 12.0, 6.0, 5.0, 5.0])]
    trace = explain_match_recognize(config, rows)
    x = trace.keys["x"]
    assert [n.text for e in x.events for n in e.notes] == [
        "took variable A (row 1 of match 1)", "took variable B (row 2 of match 1)",
        "took variable B (row 3 of match 1)", "took variable C (row 4 of match 1)"]
    assert trace.why("x").kind == "matched"
    y = trace.keys["y"]
    # the greedy B+ took rows 3-5 from the attempt at row 2; row 5 is neither B nor C, so it gave row 4 back
    assert [[(n.kind, n.text) for n in e.notes] for e in y.events] == [[], [], [], [
        ("backtracked", "backtracked: the attempt from row 2 undid B here and tried C")], [
        ("discarded", "the attempt from row 2 got furthest and stopped at row 5: DEFINE B: price < PREV(price) was "
                      "false (price = 5); DEFINE C: price > PREV(price) was false (price = 5)")]]
    assert (trace.why("y").kind, trace.why("y").step) == ("discarded", 4)


def test_watermark_over_time_and_held_events():
    trace = run_scenario(SCENARIOS["held: the last event waits for the watermark"])
    assert [(w.arrival, w.ts) for w in trace.watermarks] == [(1, ts(-2)), (2, ts(8))]
    assert [(e.seq, e.fate) for e in trace.keys["u1"].events] == [(1, "processed"), (2, "held")]
    assert trace.keys["u1"].events[0].released == ts(8)
