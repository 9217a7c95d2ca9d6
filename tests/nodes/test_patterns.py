"""Pattern node types: valid configs load, invalid ones name the field, output schemas follow the config."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from lakestream.nodes import REGISTRY, node_types
from lakestream.nodes.base import Category, Column, Inputs, Target
from lakestream.nodes.patterns import MODULES
from lakestream.validate import replay_findings

BASE = {"key_columns": ["device"], "event_time_column": "ts", "watermark_delay": "10 seconds"}
INPUT = (
    Column("device", "string"), Column("ts", "timestamp"), Column("value", "double"),
    Column("lat", "double"), Column("lon", "double"), Column("kind", "string"), Column("order_id", "string"),
)
PROCESSOR = """
from pyspark.sql.streaming.stateful_processor import StatefulProcessor

class Counter(StatefulProcessor):
    def init(self, handle):
        self.handle = handle

    def handleInputRows(self, key, rows, timerValues):
        yield from ()
"""

VALID = {
    "sequence_detector": {"steps": [{"name": "a", "condition": "kind = 'a'"}, {"name": "b", "condition": "kind = 'b'"}],
                          "within": "5 minutes"},
    "absence_detector": {"trigger_condition": "kind = 'start'", "expected_condition": "kind = 'done'",
                         "timeout": "30 minutes", "correlate_on": ["order_id"]},
    "count_threshold": {"condition": "kind = 'fail'", "threshold": 3, "window": "1 minute", "mode": "tumbling"},
    "velocity_detector": {"metric": "sum", "value_column": "value", "rate_threshold": 10, "per": "minute",
                          "window": "5 minutes"},
    "geofence": {"lat_column": "lat", "lon_column": "lon", "trigger": "dwell", "dwell_time": "10 minutes",
                 "shape": {"kind": "polygon", "vertices": [[0, 0], [0, 1], [1, 1]]}},
    "temporal_correlation": {"correlation_columns": ["order_id"], "max_gap": "1 minute", "order": "a_before_b"},
    "trend_detector": {"value_column": "value", "direction": "up", "length": 3},
    "outlier_detector": {"value_column": "value", "baseline_window": "1 hour", "method": "mad", "threshold": 3},
    "session_detector": {"gap": "30 minutes", "max_duration": "4 hours"},
    "deduplication": {"columns": ["order_id"], "within": "1 hour"},
    "custom_stateful_processor": {"code": PROCESSOR, "output_schema": [{"name": "n", "type": "bigint"}]},
    "state_machine": {"states": ["idle", "open", "closed"], "initial_state": "idle",
                      "transitions": [{"from": "idle", "to": "open", "condition": "kind = 'open'"},
                                      {"from": "open", "to": "closed", "condition": "kind = 'close'"}],
                      "terminal_states": ["closed"], "state_timeout": "1 hour"},
    "heartbeat_monitor": {"expected_interval": "1 minute", "grace": "10 seconds", "emit": "status_change"},
    "condition_change": {"trigger": "enters_range", "value_column": "value", "low": 0, "high": 10,
                         "stays_for": "1 minute"},
}

# (type, change to the valid config, field path the error must name, words the message must contain)
INVALID = [
    ("sequence_detector", {"steps": [{"name": "a", "condition": "x = 1"}]}, "steps", "at least 2"),
    ("sequence_detector", {"within": "soon"}, "within", "not a duration"),
    ("absence_detector", {"timeout": None}, "timeout", "Field required"),
    ("absence_detector", {"trigger_condition": "kind = "}, "trigger_condition", "not a valid Spark SQL"),
    ("count_threshold", {"threshold": 0}, "threshold", "greater than or equal to 1"),
    ("count_threshold", {"mode": "hopping"}, "mode", "sliding"),
    ("velocity_detector", {"value_column": None}, "", "needs value_column"),
    ("velocity_detector", {"per": "day"}, "per", "second"),
    ("geofence", {"shape": {"kind": "polygon", "vertices": [[0, 0], [1, 1]]}}, "shape.polygon.vertices", "at least 3"),
    ("geofence", {"shape": {"kind": "circle", "center_lat": 95, "center_lon": 0, "radius_m": 5}},
     "shape.circle.center_lat", "less than or equal to 90"),
    ("geofence", {"dwell_time": None}, "", "needs dwell_time"),
    ("temporal_correlation", {"correlation_columns": []}, "correlation_columns", "at least 1"),
    ("trend_detector", {"length": 1}, "length", "greater than or equal to 2"),
    ("outlier_detector", {"method": "stddev"}, "method", "zscore"),
    ("outlier_detector", {"threshold": 0}, "threshold", "greater than 0"),
    ("session_detector", {"gap": "0 seconds"}, "gap", "longer than zero"),
    ("deduplication", {"columns": []}, "columns", "at least 1"),
    ("custom_stateful_processor", {"code": "class X(:\n"}, "", "does not compile"),
    ("custom_stateful_processor", {"code": PROCESSOR.replace("def init", "def start")}, "", "lacks the method(s) init"),
    ("state_machine", {"initial_state": "nowhere"}, "", "Unknown state(s) nowhere"),
    ("state_machine", {"terminal_states": ["idle"]}, "", "initial state cannot be terminal"),
    ("heartbeat_monitor", {"expected_interval": "1 fortnight"}, "expected_interval", "not a duration"),
    ("condition_change", {"trigger": "becomes_true"}, "", "needs a condition"),
    ("condition_change", {"value_column": None}, "", "needs value_column"),
    ("condition_change", {"low": None, "high": None}, "", "needs low, high or both"),
    ("condition_change", {"low": 20}, "", "low must not be above high"),
    ("condition_change", {"low": float("nan")}, "low", "finite number"),
    ("condition_change", {"trigger": "turns"}, "trigger", "becomes_true"),
]


def _config(type_id, **changes):
    config = {**BASE, **VALID[type_id], **changes}
    return {k: v for k, v in config.items() if v is not None}


def test_every_pattern_module_is_registered_in_palette_order():
    assert [n.type for n in node_types(Category.PATTERN)] == MODULES


KEYED = [n for n in node_types(Category.PATTERN) if "event_time_column" in n.config.model_fields]


@pytest.mark.parametrize("node", KEYED, ids=lambda n: n.type)
def test_example_config_loads_and_says_why_it_needs_sss(node):
    config = node.config.model_validate(dict(node.example))
    assert config.event_time_column
    assert node.targets
    assert node.stateful_reason or Target.SDP_SQL in node.targets  # SSS only says why; correlation is a join


@pytest.mark.parametrize("node", KEYED, ids=lambda n: n.type)
def test_common_fields_are_required(node):
    with pytest.raises(ValidationError) as raised:
        node.config.model_validate({k: v for k, v in node.example.items() if k != "event_time_column"})
    assert [e["loc"] for e in raised.value.errors()] == [("event_time_column",)]


@pytest.mark.parametrize(("type_id", "change", "path", "words"), INVALID)
def test_invalid_config_names_the_field(type_id, change, path, words):
    with pytest.raises(ValidationError) as raised:
        REGISTRY[type_id].config.model_validate(_config(type_id, **change))
    errors = raised.value.errors()
    assert any(".".join(map(str, e["loc"])) == path and words in e["msg"] for e in errors), errors


def _names(type_id, config=None):
    node = REGISTRY[type_id]
    parsed = node.config.model_validate(config or _config(type_id))
    ports = {p.name: (INPUT,) for p in node.inputs}
    return [(c.name, c.type) for c in node.output_schema(parsed, Inputs(ports))]


HEAD = [("device", "string"), ("match_id", "string")]
TS = "timestamp"
SCHEMAS = {
    "sequence_detector": HEAD + [("status", "string"), ("a_ts", TS), ("b_ts", TS), ("first_ts", TS), ("last_ts", TS)],
    "absence_detector": HEAD + [("trigger_ts", TS), ("deadline_ts", TS)],
    "count_threshold": HEAD + [("window_start", TS), ("window_end", TS), ("count", "bigint")],
    "velocity_detector": HEAD + [("window_start", TS), ("window_end", TS), ("metric", "double"), ("rate", "double")],
    "geofence": HEAD + [("event", "string"), ("ts", TS), ("lat", "double"), ("lon", "double")],
    "temporal_correlation": [("device", "string"), ("order_id", "string"), ("match_id", "string"),
                             ("a_ts", TS), ("b_ts", TS), ("gap_seconds", "double")],
    "trend_detector": HEAD + [("direction", "string"), ("start_ts", TS), ("end_ts", TS), ("first_value", "double"),
                              ("last_value", "double"), ("length", "int")],
    "outlier_detector": HEAD + [("ts", TS), ("value", "double"), ("baseline_n", "bigint"), ("score", "double")],
    "session_detector": HEAD + [("session_start", TS), ("session_end", TS), ("event_count", "bigint")],
    "deduplication": [(c.name, c.type) for c in INPUT],
    "custom_stateful_processor": [("n", "bigint")],
    "state_machine": HEAD + [("from_state", "string"), ("to_state", "string"), ("ts", TS)],
    "heartbeat_monitor": HEAD + [("status", "string"), ("last_seen_ts", TS), ("detected_ts", TS)],
    "condition_change": HEAD + [("changed_at", TS), ("detected_at", TS), ("previous_value", "double"),
                                ("value", "double")],
}


@pytest.mark.parametrize("type_id", sorted(SCHEMAS))
def test_output_schema(type_id):
    assert _names(type_id) == SCHEMAS[type_id]


def test_global_key_has_only_match_id_in_front():
    assert _names("session_detector", {**_config("session_detector"), "key_columns": []})[0] == ("match_id", "string")


def test_condition_change_without_value_column_has_no_value_columns():
    config = {**BASE, "trigger": "becomes_false", "condition": "kind = 'up'"}
    assert _names("condition_change", config) == HEAD + [("changed_at", TS), ("detected_at", TS)]


@pytest.mark.parametrize("type_id", ["trend_detector", "outlier_detector", "condition_change"])
def test_checks_flag_wrong_column_types(type_id):
    node = REGISTRY[type_id]
    config = node.config.model_validate(_config(type_id))
    wrong = (Column("device", "string"), Column("ts", "string"), Column("value", "string"))
    codes = sorted(f.code for f in node.checks(config, Inputs({"in": (wrong,)})))
    assert codes == ["pattern.event_time_type", "pattern.value_type"]
    assert list(node.checks(config, Inputs({"in": (INPUT,)}))) == []


def test_correlation_checks_columns_on_both_inputs():
    node = REGISTRY["temporal_correlation"]
    config = node.config.model_validate(_config("temporal_correlation"))
    b_side = (Column("ts", "timestamp"), Column("device", "string"))
    findings = list(node.checks(config, Inputs({"a": (INPUT,), "b": (b_side,)})))
    assert [(f.code, f.message) for f in findings] == [
        ("pattern.correlation_column", "Column 'order_id' is missing from input B")
    ]


def test_state_machine_reads_from_alias_and_dumps_it():
    config = REGISTRY["state_machine"].config.model_validate(_config("state_machine"))
    assert config.transitions[0].from_state == "idle"
    assert config.model_dump(by_alias=True)["transitions"][0]["from"] == "idle"


def test_conditions_the_engine_cannot_replay_are_warnings_naming_the_field():
    node = REGISTRY["sequence_detector"]
    steps = [{"name": "a", "condition": "my_udf(kind) = 1"}, {"name": "b", "condition": "kind = 'b'"}]
    config = node.config.model_validate(_config("sequence_detector", steps=steps))
    assert list(node.checks(config, Inputs({"in": (INPUT,)}))) == []  # the node's own checks know no engine
    findings = list(replay_findings(node, config))
    assert [(f.severity, f.code, f.field) for f in findings] == [
        ("warning", "pattern.replay_expression", "steps[0].condition")
    ]
    assert "the function my_udf()" in findings[0].message


def test_condition_change_refuses_watching_a_timestamp():
    node = REGISTRY["condition_change"]
    config = node.config.model_validate({**BASE, "trigger": "changes", "value_column": "ts"})
    findings = list(node.checks(config, Inputs({"in": (INPUT,)})))
    assert [(f.code, f.field) for f in findings] == [("pattern.value_type", "value_column")]
