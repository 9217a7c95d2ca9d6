"""`lakestream run --io real` without Spark: what it points where, what it refuses, and the pyspark 4.3 guard."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakestream.errors import UserError
from lakestream.pipeline import load_pipeline
from lakestream.real_io import RealIO, local_table, pointed, run_real
from tests.realio.pipelines import document, node

SCHEMA = [{"name": "id", "type": "string"}]


def pipeline(*extra):
    return load_pipeline(document("p", [
        node("src", "kafka_source", {"bootstrap_servers": "prod:9092", "topics": ["t"], "schema": SCHEMA}),
        node("at", "kafka_source", {"bootstrap_servers": "prod:9092", "topics": ["t"], "schema": SCHEMA,
                                    "starting_offsets": "timestamp", "starting_timestamp": 5}),
        node("out", "delta_table_sink", {"table": "main.shop.orders"}),
        node("uc", "unity_catalog_table_sink", {"table": "`my cat`.`odd schema`.t"}),
        *extra,
    ], [("src", "out"), ("at", "uc")]))


def test_kafka_nodes_go_to_the_given_broker_and_tables_lose_their_catalog():
    doc = pointed(pipeline(), RealIO(Path("wh"), kafka_bootstrap="127.0.0.1:1", from_earliest=True))
    assert {n.config["bootstrap_servers"] for n in doc.nodes if n.type == "kafka_source"} == {"127.0.0.1:1"}
    assert doc.node("src").config["starting_offsets"] == "earliest"
    assert doc.node("at").config["starting_offsets"] == "timestamp"  # an explicit start is kept
    assert doc.node("out").config["table"] == "shop.orders"
    assert doc.node("uc").config["table"] == "`odd schema`.t"


def test_without_a_broker_each_node_keeps_its_own():
    doc = pointed(pipeline(), RealIO(Path("wh")))
    assert doc.node("src").config["bootstrap_servers"] == "prod:9092"
    assert doc.node("src").config.get("starting_offsets", "latest") == "latest"


def test_local_table_names():
    assert local_table("main.sales.orders") == "sales.orders"
    assert local_table("sales.orders") == "sales.orders"
    assert local_table("orders") == "orders"


def test_nodes_of_unreachable_services_are_refused_by_name():
    extra = node("kin", "kinesis_source", {"stream_name": "s", "region": "eu-west-1", "schema": SCHEMA})
    with pytest.raises(UserError, match="cannot reach Kinesis"):
        pointed(pipeline(extra), RealIO(Path("wh")))


def test_event_hubs_needs_a_kafka_listener_to_stand_in_for_the_namespace():
    extra = node("hub", "event_hubs_source", {"namespace": "contoso-ns", "event_hub": "h",
                                              "connection_secret": {"scope": "s", "key": "k"}, "schema": SCHEMA})
    with pytest.raises(UserError, match=r"--event-hubs-bootstrap HOST:PORT \(SASL_SSL with PLAIN: user \$ConnectionString"):
        pointed(pipeline(extra), RealIO(Path("wh")))
    doc = pointed(pipeline(extra), RealIO(Path("wh"), event_hubs_bootstrap="127.0.0.1:1", from_earliest=True))
    assert doc.node("hub").config["starting_position"] == "earliest"


def test_delta_under_pyspark_4_3_is_refused_with_what_to_install(tmp_path):
    import pyspark

    if tuple(int(x) for x in pyspark.__version__.split(".")[:2]) <= (4, 2):
        pytest.fail("this test runs in the main environment, pinned to pyspark 4.3")
    with pytest.raises(UserError, match=r"pyspark==4\.2\.0.*delta-spark==4\.4\.1"):
        run_real(pipeline(), RealIO(tmp_path / "wh"), tmp_path / "out")
    assert not (tmp_path / "wh").exists()  # refused before anything was written


def test_the_cli_says_what_a_real_run_needs(tmp_path, capsys):
    import json

    from lakestream.cli import main

    path = tmp_path / "p.lakestream.json"
    path.write_text(json.dumps(pipeline().to_dict()))
    assert main(["run", str(path), "--io", "real", "--out", str(tmp_path / "out")]) == 1
    assert "--io real needs --warehouse DIR" in capsys.readouterr().err
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 1
    assert "--events DIR is needed (or --io real)" in capsys.readouterr().err
