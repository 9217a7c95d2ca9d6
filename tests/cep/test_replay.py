"""`lakestream replay`: filters, projections and pattern nodes over sample events, as text or JSON."""

from __future__ import annotations

import json

import pytest

from lakestream.cli import main
from tests.core.factories import KAFKA, edge, linear_document, node

SEQUENCE_EVENTS = [
    {"card_id": "c1", "amount": 150, "ts": "2024-05-01T10:00:00Z"},
    {"card_id": "c2", "amount": 50, "ts": "2024-05-01T10:01:00Z"},  # dropped by the filter (amount > 100)
    {"card_id": "c1", "amount": 500, "ts": "2024-05-01T10:20:00Z"},
    {"card_id": "c2", "amount": 300, "ts": "2024-05-01T10:21:00Z"},
    {"card_id": "c3", "amount": 120, "ts": "2024-05-01T12:00:00Z"},  # moves the watermark past c1's match
    {"card_id": "c1", "amount": 900, "ts": "2024-05-01T10:10:00Z"},  # far behind the watermark: late
]


def _write(tmp_path, document, events, name="events.jsonl"):
    pipeline = tmp_path / "p.lakestream.json"
    pipeline.write_text(json.dumps(document))
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text(events)
    else:
        path.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    return str(pipeline), str(path)


def test_json_output_lists_pattern_rows_and_late_events(tmp_path, capsys):
    pipeline, events = _write(tmp_path, linear_document(), SEQUENCE_EVENTS)
    assert main(["replay", pipeline, "--events", events, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {
        "outputs": {"n3": {
            "columns": ["card_id", "match_id", "status", "small_ts", "big_ts", "first_ts", "last_ts"],
            "rows": [["c1", "c1#1", "MATCH", "2024-05-01 10:00:00", "2024-05-01 10:20:00",
                      "2024-05-01 10:00:00", "2024-05-01 10:20:00"]],
        }},
        "late_events": 1,
    }


def test_text_output_and_csv_events(tmp_path, capsys):
    csv = "card_id,amount,ts\nc1,150,2024-05-01 10:00:00\nc1,250.5,2024-05-01 10:30:00\nc9,101,2024-05-01 11:00:00\n"
    pipeline, events = _write(tmp_path, linear_document(), csv, "events.csv")
    assert main(["replay", pipeline, "--events", events]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "n3 Card sequence (sequence_detector): 1 row(s), 0 late event(s)"
    assert out[2].split() == ["c1", "c1#1", "MATCH", "2024-05-01", "10:00:00", "2024-05-01", "10:30:00",
                              "2024-05-01", "10:00:00", "2024-05-01", "10:30:00"]
    assert out[-1] == "late events dropped: 0"


def test_node_option_shows_an_intermediate_projection(tmp_path, capsys):
    document = linear_document()
    columns = [{"expr": "card_id"}, {"expr": "amount * 2", "alias": "twice"}, {"expr": "ts"}]
    document["nodes"][1] = node("n2", "map_select", {"columns": columns})
    pipeline, events = _write(tmp_path, document, SEQUENCE_EVENTS[:2])
    assert main(["replay", pipeline, "--events", events, "--node", "n2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["outputs"]["n2"]["rows"]
    assert rows == [["c1", 300, "2024-05-01 10:00:00"], ["c2", 100, "2024-05-01 10:01:00"]]


def test_absence_fires_by_watermark_with_split_and_union(tmp_path, capsys):
    absence = {"key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "1 minute",
               "trigger_condition": "amount > 100", "expected_condition": "amount < 0", "timeout": "10 minutes"}
    document = {
        "format": 1, "name": "Refunds",
        "nodes": [node("src", "kafka_source", KAFKA),
                  node("split", "split_router", {"routes": [{"name": "big", "condition": "amount > 100"}]}),
                  node("merge", "union_merge", {}), node("wait", "absence_detector", absence),
                  node("sink", "delta_table_sink", {"table": "main.x.y"})],
        "edges": [edge("e1", "src", "split"), edge("e2", "split", "merge", source_port="big"),
                  edge("e3", "split", "merge", source_port="default"), edge("e4", "merge", "wait"),
                  edge("e5", "wait", "sink")],
    }
    events = [{"card_id": "c1", "amount": 150, "ts": "2024-05-01 10:00:00"},
              {"card_id": "c2", "amount": 150, "ts": "2024-05-01 10:00:00"},
              {"card_id": "c2", "amount": -150, "ts": "2024-05-01 10:05:00"},
              {"card_id": "c3", "amount": 1, "ts": "2024-05-01 10:30:00"}]
    pipeline, path = _write(tmp_path, document, events)
    assert main(["replay", pipeline, "--events", f"src={path}", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["outputs"]["wait"]["rows"] == [
        ["c1", "c1#1", "2024-05-01 10:00:00", "2024-05-01 10:10:00"]]


@pytest.mark.parametrize(
    ("change", "events", "message"),
    [
        (None, "not json\n", "line 1 is not JSON"),
        ("node", None, "no node 'nope' in this pipeline"),
        ("unsupported", None, "replay cannot run node n2 (Lookup enrichment)"),
        ("missing_file", None, "cannot read events file"),
    ],
)
def test_errors_are_one_line(tmp_path, capsys, change, events, message):
    document = linear_document()
    if change == "unsupported":
        document["nodes"][1] = node("n2", "lookup_enrichment", {"table": "main.ref.cards", "keys": ["card_id"]})
    pipeline, path = _write(tmp_path, document, [])
    if events is not None:
        (tmp_path / "events.jsonl").write_text(events)
    args = ["replay", pipeline, "--events", path if change != "missing_file" else str(tmp_path / "none.jsonl")]
    if change == "node":
        args += ["--node", "nope"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_explain_prints_a_keys_trace_and_why_it_did_not_match(tmp_path, capsys):
    pipeline, events = _write(tmp_path, linear_document(), SEQUENCE_EVENTS)
    assert main(["replay", pipeline, "--events", events, "--explain", "c1"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "n3 Card sequence (sequence_detector)"
    assert out[1].startswith("key c1: 1 detection(s); watermark delay 5 min; final watermark 2024-05-01 11:55:00")
    # late by Spark's rule: judged by the watermark the micro-batch before ran with (from 10:21, not 12:00)
    assert "      - [late] late: its event time is at or before the watermark 2024-05-01 10:16:00 the previous " \
           "micro-batch ran with (watermark delay 5 min): dropped" in out
    assert out[-1] == "why no match: [matched] 1 detection(s) for this key"
    assert main(["replay", pipeline, "--events", events, "--explain", "c3", "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)["explain"]["n3"]
    assert explained["why"]["kind"] == "held"
    assert [e["fate"] for e in explained["trace"]["events"]] == ["held"]
    assert main(["replay", pipeline, "--events", events, "--explain", "nobody"]) == 0
    assert "no event of key 'nobody' reached this node (keys: c1, c2, c3)" in capsys.readouterr().out
