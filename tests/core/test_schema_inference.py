"""Columns and Spark types inferred from pasted JSON lines or CSV (lakestream.schema_inference)."""

from __future__ import annotations

import json

import pytest

from lakestream.errors import UserError
from lakestream.nodes import REGISTRY
from lakestream.schema_inference import infer_schema, merge, value_type


def _jsonl(*rows) -> str:
    return "\n".join(json.dumps(r) for r in rows)


def test_json_lines_give_columns_in_order_with_spark_types():
    text = _jsonl(
        {"card_id": "c1", "amount": 12, "ok": True, "ts": "2024-05-01T10:00:00Z", "day": "2024-05-01"},
        {"card_id": "c2", "amount": 3.5, "ok": False, "ts": "2024-05-01 10:00:01.250+02:00", "count": 2**40,
         "tags": ["a", "b"], "geo": {"lat": 1.5, "lon": 2}},
        {"card_id": None, "amount": None, "geo": {"lat": 2, "lon": 3.0, "name": "x"}, "tags": [], "note": None},
    )
    inferred = infer_schema(text)
    assert inferred.columns == [
        ("card_id", "string"), ("amount", "double"), ("ok", "boolean"), ("ts", "timestamp"), ("day", "date"),
        ("count", "bigint"), ("tags", "array<string>"), ("geo", "struct<lat:double,lon:double,name:string>"),
        ("note", "string"),
    ]
    assert inferred.rows == 3 and inferred.notes == ["note is always empty: typed string"]
    assert inferred.events == [json.loads(line) for line in text.splitlines()]
    assert inferred.schema()[3] == {"name": "ts", "type": "timestamp"}


def test_csv_cells_are_read_as_text():
    text = "id,price,flag,when,label,empty\n1,2.50,true,2024-05-01T10:00:00,abc,\n3000000000,7,FALSE,2024-05-02,12x,\n"
    assert infer_schema(text, as_csv=True).columns == [
        ("id", "bigint"), ("price", "double"), ("flag", "boolean"), ("when", "timestamp"), ("label", "string"),
        ("empty", "string"),
    ]


@pytest.mark.parametrize(("a", "b", "merged"), [
    ("int", "bigint", "bigint"), ("int", "double", "double"), ("date", "timestamp", "timestamp"),
    ("int", "string", "string"), ("boolean", "int", "string"), ("array<int>", "array<double>", "array<double>"),
    ("struct<a:int>", "struct<b:string>", "struct<a:int,b:string>"), ("struct<a:int>", "int", "string"),
])
def test_merge_widens_or_falls_back_to_string(a, b, merged):
    assert merge(a, b) == merged == merge(b, a).replace("struct<b:string,a:int>", "struct<a:int,b:string>")


def test_nested_values_and_awkward_names():
    assert value_type([[1, 2], [3.0]]) == "array<array<double>>"
    assert value_type({"a-b": {"c": [True]}}) == "struct<`a-b`:struct<c:array<boolean>>>"
    assert merge(value_type({"x,y": 1}), value_type({"x,y": 2.0})) == "struct<`x,y`:double>"
    assert value_type([{"a": 1}, {"b": "t"}]) == "array<struct<a:int,b:string>>"
    inferred = infer_schema(_jsonl({"good": 1, "bad name": 2}))
    assert inferred.columns == [("good", "int")] and "'bad name' is left out" in inferred.notes[0]


def test_inferred_schema_is_a_valid_source_schema():
    text = _jsonl({"id": 1, "ts": "2024-05-01T10:00:00Z", "geo": {"lat": 1.0}, "tags": ["x"], "n": 2**35})
    config = {**REGISTRY["kafka_source"].example, "schema": infer_schema(text).schema(), "event_time": "ts"}
    parsed = REGISTRY["kafka_source"].config.model_validate(config)
    assert [c.type for c in parsed.schema_] == ["int", "timestamp", "struct<lat:double>", "array<string>", "bigint"]


@pytest.mark.parametrize(("text", "as_csv", "message"), [
    ("", False, "has no rows"), ("[1, 2]", False, "line 1 is not a JSON object"),
    ("{nope", False, "line 1 is not JSON"),
    ('{"bad name": 1}', False, "no column of the data has a usable name"), ("a,b\n", True, "has no rows"),
])
def test_unusable_data_says_why(text, as_csv, message):
    with pytest.raises(UserError, match=message):
        infer_schema(text, as_csv=as_csv)


@pytest.mark.spark
def test_an_inferred_schema_reads_the_same_data_on_local_spark(spark, tmp_path):
    """The types inferred (struct, array, backticked field names, timestamps) are ones Spark reads the data with."""
    from lakestream.commands.run import run_local
    from lakestream.pipeline import load_pipeline
    from tests.core.factories import edge, node

    rows = [{"id": 1, "ts": "2024-05-01T10:00:00Z", "geo": {"lat": 1.5, "a-b": 2}, "tags": ["x", "y"],
             "n": 2**35, "ok": True, "day": "2024-05-01"},
            {"id": 2, "ts": "2024-05-01T10:00:05Z", "geo": {"lat": 2, "a-b": 3}, "tags": [], "n": 7, "ok": False,
             "day": "2024-05-02"}]
    text = _jsonl(*rows)
    schema = infer_schema(text).schema()
    assert {c["name"]: c["type"] for c in schema}["geo"] == "struct<lat:double,`a-b`:int>"
    source = {"bootstrap_servers": "broker:9092", "topics": ["t"], "schema": schema, "event_time": "ts"}
    doc = load_pipeline({"name": "inferred", "nodes": [
        node("src", "kafka_source", source, "Events"),
        node("sink", "delta_table_sink", {"table": "main.default.inferred"})], "edges": [edge("e1", "src", "sink")]})
    (tmp_path / "events" / "src").mkdir(parents=True)
    (tmp_path / "events" / "src" / "events.jsonl").write_text(text, encoding="utf-8")
    assert run_local(doc, tmp_path / "events", tmp_path / "out", spark, timeout=240) == {"sink": 2}
    out = [json.loads(line) for line in (tmp_path / "out" / "sink.jsonl").read_text(encoding="utf-8").splitlines()]
    first = next(r for r in out if r["id"] == 1)
    assert first["geo"] == {"lat": 1.5, "a-b": 2} and first["tags"] == ["x", "y"] and first["n"] == 2**35
    assert first["ok"] is True and first["ts"].startswith("2024-05-01T10:00:00") and first["day"] == "2024-05-01"
