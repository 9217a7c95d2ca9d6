"""Graph validation: every check of DESIGN.md, and can_connect's answers for the canvas."""

from __future__ import annotations

import pytest

from lakestream.graph import CycleError, PipelineGraph
from lakestream.pipeline import load_pipeline
from lakestream.schemas import propagate
from lakestream.validate import can_connect, has_errors, validate
from tests.core.factories import KAFKA, edge, linear_document, node


def codes(document) -> list[tuple[str, str | None, str | None]]:
    return [(i.code, i.node_id, i.field) for i in validate(load_pipeline(document))]


def test_valid_pipeline_has_no_issue():
    assert validate(load_pipeline(linear_document())) == []


def test_config_error_carries_the_field_path():
    doc = linear_document()
    doc["nodes"][2]["config"]["steps"][0]["condition"] = "amount <"
    del doc["nodes"][3]["config"]["table"]
    issues = validate(load_pipeline(doc))
    assert [(i.code, i.node_id, i.field) for i in issues] == [
        ("config.invalid", "n3", "steps[0].condition"),
        ("config.invalid", "n4", "table"),
    ]
    assert issues[1].message.startswith("Table is required: Target table")


def test_unknown_config_key_is_named():
    doc = linear_document()
    doc["nodes"][1]["config"]["conditon"] = "x"
    [issue] = validate(load_pipeline(doc))
    assert issue.field == "conditon" and "not a setting of Filter" in issue.message


def test_column_reference_suggests_the_closest_column():
    doc = linear_document()
    doc["nodes"][1]["config"]["condition"] = "amout > 100"
    [issue] = validate(load_pipeline(doc))
    assert (issue.code, issue.node_id, issue.field) == ("column.unknown", "n2", "condition")
    assert issue.hint == "Did you mean 'amount'?"


def test_nested_column_references_are_checked():
    doc = linear_document()
    doc["nodes"][2]["config"]["steps"][1]["condition"] = "ammount >= 200"
    doc["nodes"][2]["config"]["key_columns"] = ["card"]
    found = codes(doc)
    assert ("column.unknown", "n3", "key_columns[0]") in found
    assert ("column.unknown", "n3", "steps[1].condition") in found


def test_lambda_parameters_are_not_columns():
    doc = linear_document()
    doc["nodes"][1]["config"]["condition"] = "exists(array(amount), x -> x > 1)"
    assert codes(doc) == []


def test_cycle_is_reported_as_a_readable_path():
    doc = linear_document()
    doc["nodes"].insert(3, node("n5", "filter", {"condition": "true"}, "Loop back"))
    doc["edges"] += [edge("e4", "n3", "n5"), edge("e5", "n5", "n2")]
    issues = validate(load_pipeline(doc))
    cycle = [i for i in issues if i.code == "graph.cycle"]
    assert len(cycle) == 1
    assert cycle[0].message == "Cycle: Filter --> Card sequence --> Loop back --> Filter"
    with pytest.raises(CycleError):
        PipelineGraph(load_pipeline(doc)).generations()


def test_sink_with_an_output_and_source_with_an_input():
    doc = linear_document()
    doc["nodes"].append(node("n5", "filter", {"condition": "true"}))
    doc["edges"] += [edge("e4", "n4", "n5"), edge("e5", "n2", "n1")]
    found = validate(load_pipeline(doc))
    messages = {i.code: i.message for i in found if i.code == "edge.port"}
    port_issues = [i for i in found if i.code == "edge.port"]
    assert {i.node_id for i in port_issues} == {"n4", "n1"}
    assert any("A sink has no output" in i.message for i in port_issues)
    assert any("A source takes no input" in i.message for i in port_issues)
    assert messages


def test_arity_of_a_single_input_node():
    doc = linear_document()
    doc["nodes"].insert(1, node("n0", "kafka_source", KAFKA, "Refunds"))
    doc["edges"].append(edge("e4", "n0", "n2"))
    [issue] = [i for i in validate(load_pipeline(doc)) if i.code == "port.arity"]
    assert issue.node_id == "n2" and issue.message == "Filter takes one input: 2 are connected"
    assert issue.hint == "Put a Union before it"


def test_missing_input_orphans_dead_ends_and_no_sink():
    doc = linear_document()
    doc["nodes"] = doc["nodes"][:3] + [node("n9", "filter", {"condition": "true"})]
    doc["edges"] = doc["edges"][:2]
    found = codes(doc)
    assert ("graph.no_sink", None, None) in found
    assert ("port.unconnected", "n9", None) in found
    assert ("node.orphan", "n9", None) in found
    doc2 = linear_document()
    doc2["nodes"].append(node("n9", "filter", {"condition": "true"}))
    doc2["edges"].append(edge("e9", "n1", "n9"))
    assert ("node.dead_end", "n9", None) in codes(doc2)


def test_empty_pipeline_needs_a_source_and_a_sink():
    found = codes({"name": "empty"})
    assert found == [("graph.no_source", None, None), ("graph.no_sink", None, None)]


def test_dangling_edge_and_unknown_port():
    doc = linear_document()
    doc["edges"].append(edge("e9", "n1", "ghost"))
    doc["edges"][0]["target_port"] = "left"
    found = validate(load_pipeline(doc))
    assert any(i.code == "edge.dangling" and "'ghost'" in i.message for i in found)
    assert any(i.code == "edge.port" and "no input port 'left'" in i.message for i in found)


def test_event_time_must_be_a_timestamp():
    doc = linear_document()
    doc["nodes"][0]["config"]["schema"][2]["type"] = "string"
    assert ("pattern.event_time_type", "n3", "event_time_column") in codes(doc)


def test_fixed_target_that_a_node_cannot_use():
    doc = linear_document()
    doc["code_target"] = "sdp-sql"
    issues = [i for i in validate(load_pipeline(doc)) if i.code == "target.unsupported"]
    assert [i.node_id for i in issues] == ["n3"]
    assert "cannot be generated as sdp-sql" in issues[0].message and "sss" in issues[0].hint


def test_warnings_do_not_make_a_pipeline_invalid():
    doc = linear_document()
    doc["nodes"].append(node("n9", "filter", {"condition": "true"}))
    doc["edges"].append(edge("e9", "n1", "n9"))
    assert not has_errors(validate(load_pipeline(doc)))


def test_schema_propagates_through_the_graph():
    schemas = propagate(load_pipeline(linear_document()))
    assert [c.name for c in schemas["n2"]][:3] == ["card_id", "amount", "ts"]
    assert [c.name for c in schemas["n3"]] == [
        "card_id", "match_id", "status", "small_ts", "big_ts", "first_ts", "last_ts"
    ]
    assert schemas["n4"] == ()


def test_schema_is_unknown_below_an_invalid_node():
    doc = linear_document()
    doc["nodes"][1]["config"] = {}
    schemas = propagate(load_pipeline(doc))
    assert schemas["n1"] is not None and schemas["n2"] is None and schemas["n3"] is None


class TestCanConnect:
    def pipeline(self):
        doc = linear_document()
        doc["edges"] = doc["edges"][:1]
        return load_pipeline(doc)

    def test_fits(self):
        assert can_connect(self.pipeline(), "n2", "out", "n3", "in") == (True, "")

    def test_sink_has_no_output(self):
        ok, reason = can_connect(self.pipeline(), "n4", "out", "n3", "in")
        assert not ok and reason.startswith("A sink has no output")

    def test_source_takes_no_input(self):
        ok, reason = can_connect(self.pipeline(), "n2", "out", "n1", "in")
        assert not ok and reason.startswith("A source takes no input")

    def test_single_input_taken(self):
        ok, reason = can_connect(self.pipeline(), "n1", "out", "n2", "in")
        assert not ok and "already connected" in reason
        doc = linear_document()
        doc["nodes"].append(node("n5", "kafka_source", KAFKA))
        ok, reason = can_connect(load_pipeline(doc), "n5", "out", "n3", "in")
        assert not ok and reason == "Sequence takes one input: put a Union before it"

    def test_cycle_and_self(self):
        doc = linear_document()
        doc["nodes"].append(node("n5", "filter", {"condition": "true"}))
        doc["edges"] = [edge("e1", "n1", "n2"), edge("e2", "n2", "n5")]
        ok, reason = can_connect(load_pipeline(doc), "n5", "out", "n2", "in")
        assert not ok  # n2 already has its one input
        doc["edges"] = [edge("e2", "n2", "n5")]
        ok, reason = can_connect(load_pipeline(doc), "n5", "out", "n2", "in")
        assert not ok and "would make a cycle" in reason
        assert can_connect(self.pipeline(), "n2", "out", "n2", "in") == (False, "A node cannot be connected to itself")

    def test_unknown_ports(self):
        ok, reason = can_connect(self.pipeline(), "n2", "out", "n3", "left")
        assert not ok and "no input port 'left'" in reason


def _after_pattern_warnings(nodes, edges):
    from tests.codegen.helpers import pipeline

    return [(i.node_id, i.severity) for i in validate(pipeline(nodes, edges)) if i.code == "graph.after_pattern"]


SESSION = {"id": "s", "type": "session_detector", "label": "Sessions", "config": {
    "key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "1 minute", "gap": "10 minutes"}}
HOURLY = {"id": "w", "type": "window_aggregate", "label": "Per hour", "config": {
    "window_type": "tumbling", "duration": "1 hour", "event_time_column": "session_start",
    "watermark_delay": "1 minute", "aggregations": [{"function": "count", "alias": "sessions"}]}}
RENAMED = {"id": "m", "type": "map_select", "label": "Rename", "config": {"columns": [
    {"expr": "card_id"}, {"expr": "session_end", "alias": "ts"}]}}
REPEATS = {"id": "c", "type": "count_threshold", "label": "Repeats", "config": {
    "key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "1 minute", "threshold": 2,
    "window": "1 hour"}}


def test_a_window_aggregate_or_pattern_after_a_pattern_is_warned_about():
    from tests.codegen.helpers import DELTA
    from tests.codegen.helpers import KAFKA as SOURCE

    # On Spark the watermark stops after a pattern's transformWithState: the later node emits nothing.
    assert _after_pattern_warnings([SOURCE, SESSION, HOURLY, DELTA], [("n1", "s"), ("s", "w"), ("w", "n3")]) == [
        ("w", "warning")]
    assert _after_pattern_warnings([SOURCE, SESSION, RENAMED, REPEATS, DELTA],
                                   [("n1", "s"), ("s", "m"), ("m", "c"), ("c", "n3")]) == [("c", "warning")]
    # beside the pattern, on the source's events, or a plain projection after it: no warning
    by_minute = {**HOURLY, "config": {**HOURLY["config"], "event_time_column": "ts"}}
    assert _after_pattern_warnings([SOURCE, SESSION, by_minute, DELTA, {**DELTA, "id": "n4"}],
                                   [("n1", "s"), ("n1", "w"), ("w", "n3"), ("s", "n4")]) == []
    assert _after_pattern_warnings([SOURCE, SESSION, RENAMED, DELTA], [("n1", "s"), ("s", "m"), ("m", "n3")]) == []


CORRELATION = {"id": "c", "type": "temporal_correlation", "label": "Failed then big", "config": {
    "event_time_column": "ts", "watermark_delay": "1 minute", "correlation_columns": ["card_id"],
    "a_condition": "amount < 100", "b_condition": "amount > 100", "max_gap": "10 minutes"}}
PAIRS_PER_HOUR = {**HOURLY, "config": {**HOURLY["config"], "event_time_column": "a_ts"}}


def test_a_watermark_after_the_correlations_join_is_an_error():
    from tests.codegen.helpers import DELTA, pipeline
    from tests.codegen.helpers import KAFKA as SOURCE

    other = {**SOURCE, "id": "n2"}
    edges = [{"source": "n1", "target": "c", "target_port": "a"}, {"source": "n2", "target": "c", "target_port": "b"}]

    def found(*nodes_and_edges):
        nodes, more = nodes_and_edges
        issues = validate(pipeline([SOURCE, other, CORRELATION, *nodes, DELTA], edges + more))
        return [(i.node_id, i.severity, i.code) for i in issues if i.code.startswith("graph.after")]

    # Spark fails such a job (tests/codegen/test_run_local.py shows it): an error, not the after-pattern warning
    assert found([PAIRS_PER_HOUR], [("c", "w"), ("w", "n3")]) == [("w", "error", "graph.after_join")]
    watermark = {"id": "m", "type": "watermark", "label": "Watermark", "config": {
        "event_time_column": "a_ts", "delay": "1 minute"}}
    issues = validate(pipeline([SOURCE, other, CORRELATION, watermark, DELTA],
                               edges + [("c", "m"), ("m", "n3")]))
    assert [(i.node_id, i.code) for i in issues if i.code.startswith("graph.after")] == [("m", "graph.after_join")]
    assert "Failed then big (Temporal correlation)" in next(i.message for i in issues if i.code == "graph.after_join")
    # a projection or a sink after the join is fine
    assert found([], [("c", "n3")]) == []


DEDUP = {"id": "d", "type": "deduplication", "label": "Once per amount", "config": {
    "key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "1 minute", "columns": ["amount"]}}
HOURLY_TS = {**HOURLY, "config": {**HOURLY["config"], "event_time_column": "ts"}}
RENAMED_TS = {"id": "r", "type": "map_select", "label": "Keep", "config": {"columns": [
    {"expr": "card_id"}, {"expr": "ts"}]}}


@pytest.mark.parametrize(("within", "expected"), [
    (None, [("w", "error", "graph.after_dedup")]),  # dropDuplicatesWithinWatermark keeps its watermark
    ("60 seconds", [("w", "error", "graph.after_dedup")]),
    ("1 hour", [("w", "warning", "graph.after_pattern")]),  # transformWithState: the watermark stops
])
def test_a_watermark_after_a_deduplication_depends_on_its_form(within, expected):
    from tests.codegen.helpers import DELTA, pipeline
    from tests.codegen.helpers import KAFKA as SOURCE

    dedup = {**DEDUP, "config": {**DEDUP["config"], "within": within}}
    issues = validate(pipeline([SOURCE, dedup, RENAMED_TS, HOURLY_TS, DELTA],
                               [("n1", "d"), ("d", "r"), ("r", "w"), ("w", "n3")]))
    assert [(i.node_id, i.severity, i.code) for i in issues if i.code.startswith("graph.after")] == expected
    if expected[0][1] == "error":
        message = next(i.message for i in issues if i.code == "graph.after_dedup")
        assert "dropDuplicatesWithinWatermark of Once per amount (Deduplication)" in message
    # its rows straight into a sink: fine in either form
    plain = validate(pipeline([SOURCE, dedup, DELTA], [("n1", "d"), ("d", "n3")]))
    assert [i.code for i in plain if i.code.startswith("graph.after")] == []
