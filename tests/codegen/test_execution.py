"""Every source, transform and sink executed on local Spark in one batched run; output rows asserted exactly."""

from __future__ import annotations

import json

import pytest

from lakestream.commands.run import run_local
from lakestream.nodes import REGISTRY
from tests.codegen.helpers import pipeline

T0 = "2024-01-01T00:0"
PAYMENTS = [
    [{"card_id": "c1", "amount": 50.0, "country": "us", "ts": f"{T0}0:10Z", "items": ["a", "b"], "fx_rate": 0.5},
     {"card_id": "c2", "amount": 150.0, "country": "fr", "ts": f"{T0}0:20Z", "items": [], "fx_rate": 2.0}],
    [{"card_id": "c1", "amount": -5.0, "country": "de", "ts": f"{T0}1:30Z", "items": ["c"], "fx_rate": 1.0},
     {"card_id": "c1", "amount": 300.0, "country": "us", "ts": f"{T0}3:00Z", "items": None, "fx_rate": 1.0}],
]
MERCHANTS = [[{"card_id": "c1", "merchant": "m1", "ts2": f"{T0}0:40Z"},
              {"card_id": "c2", "merchant": "m2", "ts2": f"{T0}5:00Z"}]]
SEGMENTS = [[{"card_id": "c1", "segment": "gold"}, {"card_id": "c3", "segment": "blue"}]]
SCHEMA = [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
          {"name": "country", "type": "string"}, {"name": "ts", "type": "timestamp"},
          {"name": "items", "type": "array<string>"}, {"name": "fx_rate", "type": "double"}]
UDF = "def shout(country):\n    return None if country is None else country.upper() + '!'\n"


def node(node_id, type_, config, label=None):
    return {"id": node_id, "type": type_, "label": label or node_id, "config": config}


def sink(node_id, type_="delta_table_sink", **config):
    base = {"delta_table_sink": {"table": f"main.t.{node_id}"},
            "unity_catalog_table_sink": {"table": f"main.t.{node_id}"},
            "sql_warehouse_sink": {"warehouse_id": "1a2b3c4d5e6f7a8b", "table": f"main.t.{node_id}"},
            "dead_letter_queue": {"target": "table", "table": f"main.t.{node_id}", "include_error": False},
            "feature_store_sink": {"table": f"main.t.{node_id}", "primary_keys": ["card_id"]},
            "kafka_sink": {"bootstrap_servers": "b:9092", "topic": "out"}}[type_]
    return node(node_id, type_, {**base, **config})


def big_pipeline():
    kafka = {"bootstrap_servers": "b:9092", "topics": ["p"], "schema": SCHEMA}
    nodes = [
        node("src", "kafka_source", kafka, "Payments"),
        node("src2", "event_hubs_source", {"namespace": "contoso-ns", "event_hub": "m", "connection_secret":
             {"scope": "s", "key": "k"}, "schema": [{"name": "card_id", "type": "string"},
                                                   {"name": "merchant", "type": "string"},
                                                   {"name": "ts2", "type": "timestamp"}]}),
        node("flt", "filter", {"condition": "amount > 100"}),
        node("map", "map_select", {"columns": [{"expr": "card_id"}, {"expr": "round(amount * fx_rate, 2)",
                                                "alias": "amount_eur"}, {"expr": "upper(country)", "alias": "c"}]}),
        node("ren", "rename_cast", {"mappings": [{"column": "amount", "rename_to": "amt", "cast_to": "int"}]}),
        node("exp", "flatten_explode", {"column": "items", "alias": "item"}),
        node("win", "window_aggregate", {"window_type": "tumbling", "duration": "1 minute",
                                         "event_time_column": "ts", "watermark_delay": "10 seconds",
                                         "group_by": ["card_id"], "aggregations": [
                                             {"function": "count", "alias": "n"},
                                             {"function": "sum", "column": "amount", "alias": "total"}]}),
        node("spl", "split_router", {"routes": [{"name": "big", "condition": "amount >= 100"}],
                                     "default_route": "other"}),
        node("dq", "data_quality", {"expectations": [{"name": "positive", "condition": "amount > 0",
                                                      "action": "drop"}]}),
        node("uni", "union_merge", {}),
        node("lkp", "lookup_enrichment", {"table": "main.ref.segments", "keys": ["card_id"], "table_columns": [
            {"name": "card_id", "type": "string"}, {"name": "segment", "type": "string"}]}),
        node("ssj", "stream_static_join", {"table": "main.ref.segments", "condition":
                                           "s.card_id = t.card_id AND t.segment = 'gold'", "table_columns": [
                                               {"name": "card_id", "type": "string"},
                                               {"name": "segment", "type": "string"}]}),
        node("join", "stream_stream_join", {"left_keys": ["card_id"], "right_keys": ["card_id"],
                                            "time_bound": {"left_time_column": "ts", "right_time_column": "ts2",
                                                           "after": "1 minute"},
                                            "left_watermark": "1 minute", "right_watermark": "1 minute"}),
        node("udf", "custom_python_udf", {"code": UDF, "input_columns": ["country"], "output_column": "loud",
                                          "output_type": "string"}),
        node("ml", "ml_model_endpoint", {"endpoint": "scorer", "input_columns": ["amount"],
                                         "output_column": "score", "output_type": "double",
                                         "fallback_value": "0.5"}),
        node("wm", "watermark", {"event_time_column": "ts", "delay": "1 minute"}),
        node("al", "auto_loader", {"path": "/Volumes/x/y/z", "format": "json", "schema": SCHEMA[:2]}),
        node("cps", "custom_python_source", dict(REGISTRY["custom_python_source"].example)),
        node("sim", "stream_simulator", {"profile": "iot_sensors", "events_per_second": 3, "keys": 2,
                                         "max_events": 5, "seed": 1}),
        sink("o_flt"), sink("o_map", "unity_catalog_table_sink"), sink("o_ren"),
        sink("o_exp", "dead_letter_queue"), sink("o_win"), sink("o_winc", "unity_catalog_table_sink",
                                                                 mode="complete"),
        sink("o_big"), sink("o_other"), sink("o_dq", "feature_store_sink"), sink("o_uni", "kafka_sink"),
        sink("o_lkp"), sink("o_ssj"), sink("o_join"), sink("o_udf"), sink("o_ml"), sink("o_wm"), sink("o_al"),
        sink("o_sim"), sink("o_cps"),
    ]
    edges = [("src", t) for t in ("flt", "map", "ren", "exp", "win", "spl", "dq", "lkp", "ssj", "udf", "ml", "wm")]
    edges += [{"source": "src", "target": "join", "target_port": "left"},
              {"source": "src2", "target": "join", "target_port": "right"},
              ("flt", "uni"), {"source": "spl", "source_port": "other", "target": "uni"},
              ("flt", "o_flt"), ("map", "o_map"), ("ren", "o_ren"), ("exp", "o_exp"), ("win", "o_win"),
              ("win", "o_winc"), {"source": "spl", "source_port": "big", "target": "o_big"},
              {"source": "spl", "source_port": "other", "target": "o_other"}, ("dq", "o_dq"), ("uni", "o_uni"),
              ("lkp", "o_lkp"), ("ssj", "o_ssj"), ("join", "o_join"), ("udf", "o_udf"), ("ml", "o_ml"),
              ("wm", "o_wm"), ("al", "o_al"), ("sim", "o_sim"), ("cps", "o_cps")]
    return pipeline(nodes, edges, name="Everything")


def write_files(folder, files):
    folder.mkdir(parents=True)
    for i, rows in enumerate(files):
        (folder / f"{i:03d}.json").write_text("".join(json.dumps(r) + "\n" for r in rows))


def rows(out, sink_id, *columns):
    lines = (out / f"{sink_id}.jsonl").read_text().splitlines()
    return sorted(tuple(json.loads(line).get(c) for c in columns) for line in lines)


@pytest.mark.spark
def test_every_source_transform_and_sink_runs(spark, tmp_path):
    events, out = tmp_path / "events", tmp_path / "out"
    write_files(events / "src", PAYMENTS)
    write_files(events / "src2", MERCHANTS)
    write_files(events / "lkp", SEGMENTS)
    write_files(events / "ssj", SEGMENTS)
    write_files(events / "al", [[{"card_id": "a1", "amount": 1.5}], [{"card_id": "a2", "amount": 2.5}]])
    counts = run_local(big_pipeline(), events, out, spark, timeout=240)
    assert len(counts) == 19

    assert rows(out, "o_flt", "card_id", "amount") == [("c1", 300.0), ("c2", 150.0)]
    assert rows(out, "o_map", "card_id", "amount_eur", "c") == [
        ("c1", -5.0, "DE"), ("c1", 25.0, "US"), ("c1", 300.0, "US"), ("c2", 300.0, "FR")]
    assert rows(out, "o_ren", "card_id", "amt") == [("c1", -5), ("c1", 50), ("c1", 300), ("c2", 150)]
    assert rows(out, "o_exp", "card_id", "item") == [("c1", "a"), ("c1", "b"), ("c1", "c")]
    assert rows(out, "o_win", "window_start", "card_id", "n", "total") == [
        ("2024-01-01T00:00:00.000Z", "c1", 1, 50.0), ("2024-01-01T00:00:00.000Z", "c2", 1, 150.0),
        ("2024-01-01T00:01:00.000Z", "c1", 1, -5.0)]
    assert rows(out, "o_winc", "window_start", "card_id", "n", "total") == [
        ("2024-01-01T00:00:00.000Z", "c1", 1, 50.0), ("2024-01-01T00:00:00.000Z", "c2", 1, 150.0),
        ("2024-01-01T00:01:00.000Z", "c1", 1, -5.0), ("2024-01-01T00:03:00.000Z", "c1", 1, 300.0)]
    assert rows(out, "o_big", "amount") == [(150.0,), (300.0,)]
    assert rows(out, "o_other", "amount") == [(-5.0,), (50.0,)]
    assert rows(out, "o_dq", "amount") == [(50.0,), (150.0,), (300.0,)]
    assert rows(out, "o_uni", "amount") == [(-5.0,), (50.0,), (150.0,), (300.0,)]
    assert rows(out, "o_lkp", "amount", "segment") == [(-5.0, "gold"), (50.0, "gold"), (150.0, None),
                                                       (300.0, "gold")]
    assert rows(out, "o_ssj", "amount", "segment") == [(-5.0, "gold"), (50.0, "gold"), (300.0, "gold")]
    assert rows(out, "o_join", "card_id", "amount", "merchant", "right_card_id") == [("c1", 50.0, "m1", "c1")]
    assert rows(out, "o_udf", "country", "loud") == [("de", "DE!"), ("fr", "FR!"), ("us", "US!"), ("us", "US!")]
    assert rows(out, "o_ml", "amount", "score") == [(-5.0, 0.5), (50.0, 0.5), (150.0, 0.5), (300.0, 0.5)]
    assert rows(out, "o_wm", "amount") == [(-5.0,), (50.0,), (150.0,), (300.0,)]
    assert rows(out, "o_al", "card_id", "amount") == [("a1", 1.5), ("a2", 2.5)]
    simulated = rows(out, "o_sim", "ts", "device_id")
    assert [ts for ts, _ in simulated] == ["1970-01-01T00:00:00.%03dZ" % ms for ms in (0, 333, 666)] + [
        "1970-01-01T00:00:01.000Z", "1970-01-01T00:00:01.333Z"]
    assert {d for _, d in simulated} <= {"device_id-0", "device_id-1"}
    # The catalogue example reader: ten ticks per micro-batch; availableNow runs one batch.
    assert rows(out, "o_cps", "n", "label") == [(i, f"tick-{i}") for i in range(10)]
