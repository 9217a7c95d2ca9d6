"""`lakestream replay` over a pipeline holding a match_recognize node, and the replay API's edge cases."""

from __future__ import annotations

import json

import pytest

from lakestream.cep.match_recognize.replay import replay_match_recognize
from lakestream.cli import main
from lakestream.errors import UserError
from lakestream.nodes import get_node_type

EXAMPLE = get_node_type("match_recognize").example


def pipeline(config: dict) -> dict:
    schema = [{"name": "symbol", "type": "string"}, {"name": "ts", "type": "timestamp"},
              {"name": "price", "type": "double"}]
    return {"name": "V shape", "nodes": [
        {"id": "src", "type": "kafka_source",
         "config": {"bootstrap_servers": "b:9092", "topics": ["ticks"], "schema": schema}},
        {"id": "mr", "type": "match_recognize", "config": config},
        {"id": "out", "type": "delta_table_sink", "config": {"table": "main.demo.v"}}],
        "edges": [{"id": "e1", "source": "src", "target": "mr"}, {"id": "e2", "source": "mr", "target": "out"}]}


@pytest.fixture
def ticks(tmp_path):
    path = tmp_path / "ticks.jsonl"
    prices = [10, 8, 6, 7, 9, 5, 4, 6, 3]
    path.write_text("".join(json.dumps({"symbol": "AAA", "ts": f"2026-03-01T09:30:{i:02d}Z", "price": p}) + "\n"
                            for i, p in enumerate(prices)))
    return path


def test_replay_command_prints_the_matches(tmp_path, ticks, capsys):
    config = {**EXAMPLE, "measures": [{"expr": "FIRST(price)", "alias": "start_price"},
                                      {"expr": "LAST(DOWN.price)", "alias": "low"}, {"expr": "count(*)", "alias": "n"}]}
    doc = tmp_path / "v.lakestream.json"
    doc.write_text(json.dumps(pipeline(config)))
    assert main(["replay", str(doc), "--events", str(ticks), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["outputs"]["mr"]
    assert out["columns"] == ["symbol", "start_price", "low", "n"]
    assert out["rows"] == [["AAA", 10.0, 6.0, 5], ["AAA", 5.0, 4.0, 3]]


def test_replay_command_reports_a_bad_node_in_one_line(tmp_path, ticks, capsys):
    doc = tmp_path / "bad.lakestream.json"
    doc.write_text(json.dumps(pipeline({**EXAMPLE, "define": {"DOWN": "price < PREV(price, -1)"}})))
    assert main(["replay", str(doc), "--events", str(ticks)]) == 1
    err = capsys.readouterr().err
    assert "offset of PREV must be a whole number" in err and "Traceback" not in err


def test_no_rows_gives_the_columns_and_no_rows():
    assert replay_match_recognize(EXAMPLE, []) == (["symbol", "start_ts", "bottom_ts", "end_ts"], [])
    with pytest.raises(UserError, match="pattern"):
        replay_match_recognize({**EXAMPLE, "pattern": "A (B"}, [])


def test_rows_that_cannot_be_ordered_are_a_user_error():
    rows = [{"id": 1, "v": "a"}, {"id": "two", "v": "b"}]
    with pytest.raises(UserError, match="cannot be compared"):
        replay_match_recognize({"order_by": [{"column": "id"}], "pattern": "A B"}, rows)


def test_replay_command_runs_without_order_by_in_input_order(tmp_path, capsys):
    """ORDER BY is optional in a replay: the rows keep the order of the events file."""
    events = tmp_path / "shuffled.jsonl"
    prices = [(3, 10), (1, 12), (2, 8), (4, 5)]  # (second, price), not in time order
    events.write_text("".join(json.dumps({"symbol": "AAA", "ts": f"2026-03-01T09:30:{s:02d}Z", "price": p}) + "\n"
                              for s, p in prices))
    config = {**EXAMPLE, "order_by": [], "within": None, "pattern": "STRT DOWN", "define": {"DOWN": "price < PREV(price)"},
              "measures": [{"expr": "STRT.price", "alias": "top"}, {"expr": "DOWN.price", "alias": "low"},
                           {"expr": "count(DISTINCT price)", "alias": "n"}]}
    doc = tmp_path / "unordered.lakestream.json"
    doc.write_text(json.dumps(pipeline(config)))
    assert main(["replay", str(doc), "--events", str(events), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["outputs"]["mr"]
    assert out["rows"] == [["AAA", 12.0, 8.0, 2]]  # ordered by ts it would also match 10 -> 5


def test_within_needs_order_by_and_a_time_in_it():
    rows = [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]
    base = {"pattern": "A B", "define": {"A": "v = 'a'"}, "within": "1 minute"}
    with pytest.raises(UserError, match="match_recognize within: WITHIN bounds a match in the time of the first "
                                        "ORDER BY column"):
        replay_match_recognize({**base, "order_by": []}, rows)
    with pytest.raises(UserError, match="WITHIN measures time in the first ORDER BY column, v,"):
        replay_match_recognize({**base, "order_by": [{"column": "v"}]}, rows)
