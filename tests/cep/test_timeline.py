"""The timeline model: a node's replay as per-key lanes of input events (late flagged) and detections."""

from __future__ import annotations

import json

import pytest

from lakestream.cep.replay import jsonable, replay
from lakestream.cep.timeline import build_timeline, delay_text, load_sample, upstream_sources
from lakestream.errors import UserError
from lakestream.node_examples import ENGINE_INPUTS, node_example
from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category
from lakestream.pipeline import load_pipeline
from tests.cep.test_replay import SEQUENCE_EVENTS
from tests.core.factories import KAFKA, edge, linear_document, node


@pytest.fixture
def card_fraud():
    return load_pipeline(linear_document())


def test_lanes_hold_each_keys_events_in_event_time_with_the_late_one_flagged(card_fraud):
    timeline = build_timeline(card_fraud, "n3", {"n1": SEQUENCE_EVENTS})
    assert (timeline.message, timeline.sample, timeline.key_columns) == ("", "loaded", ["card_id"])
    assert timeline.watermark_delay == "5 minutes"
    lanes = {lane.key: lane for lane in timeline.lanes}
    assert list(lanes) == ["c1", "c2", "c3"]  # by first event time
    c1 = lanes["c1"]
    assert [(p.ts, p.late) for p in c1.events] == [  # the 10:10 event arrived last, after the watermark passed it
        ("2024-05-01 10:00:00", False), ("2024-05-01 10:10:00", True), ("2024-05-01 10:20:00", False)]
    assert [p.ts for p in lanes["c2"].events] == ["2024-05-01 10:21:00"]  # 10:01 was filtered out upstream
    assert "_kafka_key" not in c1.events[0].row and c1.events[0].row["amount"] == 150.0
    assert timeline.late_events == 1
    assert timeline.summary == "1 detection, 1 late event dropped, 1 event held: waiting for the watermark"
    assert [p.held for p in lanes["c3"].events] == [True]  # the latest event: the watermark never passed it


def test_detections_are_the_engines_output_rows_placed_at_their_latest_timestamp(card_fraud):
    timeline = build_timeline(card_fraud, "n3", {"n1": SEQUENCE_EVENTS})
    engine = replay(card_fraud, {"n1": SEQUENCE_EVENTS}, "n3").outputs["n3"]
    assert timeline.columns == engine.columns
    assert timeline.rows == [{k: jsonable(v) for k, v in row.items()} for row in engine.rows]
    [detection] = [d for lane in timeline.lanes for d in lane.detections]
    assert (detection.ts, detection.label) == ("2024-05-01 10:20:00", "MATCH")  # last_ts
    assert detection.t == timeline.lanes[0].events[-1].t


@pytest.mark.parametrize("type_id", [t for t in ENGINE_INPUTS if REGISTRY[t].category is Category.PATTERN])
def test_without_a_sample_the_node_runs_on_its_types_example_events(type_id):
    example = node_example(type_id)
    timeline = build_timeline(example.pipeline, "x")
    assert (timeline.error, timeline.sample, timeline.node_id) == (False, "example", "x")
    assert timeline.sample_columns == list(dict.fromkeys(c for table in example.inputs for c in table.columns))
    assert len(timeline.rows) == sum(len(table.rows) for table in example.outputs)
    assert sum(len(lane.events) for lane in timeline.lanes) == sum(len(t.rows) for t in example.inputs)
    json.dumps(timeline.to_dict())  # plain JSON
    for lane in timeline.lanes:
        assert [p.t for p in lane.events] == sorted(p.t for p in lane.events)


def test_detection_times_per_family():
    absence = build_timeline(node_example("absence_detector").pipeline, "x")
    [row] = absence.rows
    [detection] = [d for lane in absence.lanes for d in lane.detections]
    assert detection.ts == row["deadline_ts"] and detection.ts > row["trigger_ts"]
    correlation = build_timeline(node_example("temporal_correlation").pipeline, "x")
    [detection] = [d for lane in correlation.lanes for d in lane.detections]
    assert detection.ts == max(detection.row["a_ts"], detection.row["b_ts"])
    assert correlation.ports == ["a", "b"]


def test_the_example_runs_with_the_nodes_current_config(card_fraud):
    example = node_example("count_threshold").pipeline
    document = example.model_copy(update={"nodes": [
        n.model_copy(update={"config": {**n.config, "threshold": 99}}) if n.id == "x" else n for n in example.nodes]})
    assert build_timeline(document, "x").summary == "0 detections, 0 late events dropped, 1 event held: waiting for the watermark"


def test_a_row_transform_has_one_lane_placed_by_its_timestamp_column():
    timeline = build_timeline(node_example("watermark").pipeline, "x")
    assert [lane.key for lane in timeline.lanes] == ["all events"]
    assert timeline.summary == "2 output rows, 0 late events dropped"
    untimed = build_timeline(node_example("filter").pipeline, "x")
    assert "no timestamp column" in untimed.message and len(untimed.rows) == 1


def test_states_that_cannot_show_a_timeline_are_messages(card_fraud):
    assert "Select a pattern node" in build_timeline(card_fraud, None).message
    assert "no timeline" in build_timeline(card_fraud, "n1").message
    broken = card_fraud.model_copy(update={"nodes": [
        n.model_copy(update={"config": {"key_columns": ["card_id"]}}) if n.id == "n3" else n for n in card_fraud.nodes]})
    assert build_timeline(broken, "n3").error
    custom = load_pipeline({"name": "c", "nodes": [
        node("s", "kafka_source", KAFKA), node("p", "custom_stateful_processor", REGISTRY["custom_stateful_processor"].example)],
        "edges": [edge("e", "s", "p")]})
    timeline = build_timeline(custom, "p", {"s": SEQUENCE_EVENTS})
    assert timeline.error and timeline.message.startswith("Cannot replay this node:")
    assert "run only on Spark" in timeline.message


def test_a_sample_for_an_unrelated_source_is_not_used(card_fraud):
    assert upstream_sources(card_fraud, "n3") == ["n1"]
    assert build_timeline(card_fraud, "n3", {"other": SEQUENCE_EVENTS}).sample == "example"


def test_load_sample_checks_json_lines_csv_and_the_schema(card_fraud):
    rows = load_sample(card_fraud, "n1", '{"card_id": "c1", "amount": 5, "ts": "2024-05-01T10:00:00"}\n\n')
    assert rows == [{"card_id": "c1", "amount": 5, "ts": "2024-05-01T10:00:00"}]
    assert load_sample(card_fraud, "n1", "card_id,amount,ts\nc1,5,2024-05-01 10:00:00\n", as_csv=True)[0]["amount"] == "5"
    with pytest.raises(UserError, match="line 2 is not JSON"):
        load_sample(card_fraud, "n1", '{"card_id": "c1"}\nnot json')
    with pytest.raises(UserError, match="no events"):
        load_sample(card_fraud, "n1", "  \n")
    with pytest.raises(UserError, match=r"event 2: ts = 'yesterday' is not a timestamp"):
        load_sample(card_fraud, "n1", '{"ts": "2024-05-01T10:00:00"}\n{"ts": "yesterday"}')
    with pytest.raises(UserError, match="amount = 'lots' is not a double"):
        load_sample(card_fraud, "n1", '{"amount": "lots"}')
    with pytest.raises(UserError, match="has 5,001 events; the timeline takes at most 5,000"):
        load_sample(card_fraud, "n1", '{"card_id": "c1"}\n' * 5001)


def test_delay_text():
    assert [delay_text(s * 1_000_000) for s in (300, 3600, 7200, 45, 90)] == [
        "5 minutes", "1 hour", "2 hours", "45 seconds", "90 seconds"]


def test_each_lane_says_why_it_did_not_match_and_shows_its_partial_matches(card_fraud):
    timeline = build_timeline(card_fraud, "n3", {"n1": SEQUENCE_EVENTS})
    lanes = {lane.key: lane for lane in timeline.lanes}
    assert (lanes["c1"].why.kind, lanes["c3"].why.kind) == ("matched", "held")
    assert [(p.status, [s[0] for s in p.steps]) for p in lanes["c1"].partials] == [("matched", [1, 2])]
    c2 = lanes["c2"]  # its only event reaching the node (amount 300) is not step 1 ('small'): it starts nothing
    assert (c2.why.kind, c2.why.step) == ("discarded", 1)
    assert c2.why.text == "step 1 'small': matched no step: step 1 is false — amount < 200 was false (amount = 300)"
    assert [p.notes for p in lanes["c1"].events][1][0].startswith("late: its event time is at or before the watermark")
    assert [w.ts for w in timeline.watermarks][-1] == timeline.final_watermark == "2024-05-01 11:55:00"
    json.dumps(timeline.to_dict())
