"""The SQL warehouse sink writes through the Statement Execution API of the fake workspace: values as
typed parameter markers (never SQL text), polling, and failures named in one line."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from lakestream.connectors.errors import ConnectorError
from lakestream.connectors.warehouse_sink import WarehouseWriter

WAREHOUSE = "1a2b3c4d5e6f7a8b"
HOSTILE = "x'); DROP TABLE main.ops.breaches; --"


@pytest.fixture
def ready(fake):
    fake.add_warehouse(WAREHOUSE)
    fake.add_table("main.ops.breaches", [("service", "string"), ("minutes_late", "double"), ("n", "bigint")])
    return fake


def _writer(fake, **kwargs):
    return WarehouseWriter(WAREHOUSE, "main.ops.breaches", client=lambda: fake.client(), poll_seconds=0.01, **kwargs)


PLANS = [("service", "{p}", "STRING"), ("minutes_late", "{p}", "DOUBLE"), ("n", "{p}", "BIGINT")]
COLUMNS = ["service", "minutes_late", "n"]


def test_values_travel_as_typed_parameters_not_sql(ready):
    writer = _writer(ready)
    rows = [{"service": HOSTILE, "minutes_late": "12.5", "n": "3"}, {"service": "api", "minutes_late": None, "n": "1"}]
    statement = writer.statement(PLANS, COLUMNS, len(rows))
    assert HOSTILE not in statement and "12.5" not in statement
    assert statement == ("INSERT INTO `main`.`ops`.`breaches` (`service`, `minutes_late`, `n`) VALUES "
                         "(:v0, :v1, :v2), (:v3, :v4, :v5)")
    writer.execute(statement, writer.parameters(PLANS, COLUMNS, rows, {}))
    assert ready.table_rows["main.ops.breaches"] == [
        {"service": HOSTILE, "minutes_late": 12.5, "n": 3}, {"service": "api", "minutes_late": None, "n": 1}]
    sent, = ready.calls("POST", r"/api/2\.0/sql/statements")
    assert sent.json["warehouse_id"] == WAREHOUSE and sent.json["on_wait_timeout"] == "CONTINUE"
    assert {"name": "v0", "value": HOSTILE, "type": "STRING"} in sent.json["parameters"]


def test_a_long_statement_is_polled_until_it_finishes(ready):
    ready.statement_polls = 3
    writer = _writer(ready)
    rows = [{"service": "api", "minutes_late": "1", "n": "1"}]
    writer.execute(writer.statement(PLANS, COLUMNS, 1), writer.parameters(PLANS, COLUMNS, rows, {}))
    assert len(ready.calls("GET", r"/api/2\.0/sql/statements/")) == 4
    assert len(ready.table_rows["main.ops.breaches"]) == 1


def test_a_statement_past_its_timeout_is_cancelled(ready):
    ready.statement_polls = 1000
    writer = _writer(ready, statement_timeout=0.2)
    with pytest.raises(ConnectorError, match="did not finish within 0.2 s"):
        writer.execute(writer.statement(PLANS, COLUMNS, 1),
                       writer.parameters(PLANS, COLUMNS, [{"service": "a", "minutes_late": "1", "n": "1"}], {}))
    assert ready.calls("POST", r"/api/2\.0/sql/statements/.+/cancel")


@pytest.mark.parametrize("table,rows,message", [
    ("main.ops.missing", [{"service": "a", "minutes_late": "1", "n": "1"}], "FAILED: [TABLE_OR_VIEW_NOT_FOUND]"),
    ("main.ops.breaches", [{"service": "a", "minutes_late": "soon", "n": "1"}], "FAILED: [CAST_INVALID_INPUT]"),
])
def test_a_failed_statement_is_one_line_naming_the_sink(ready, table, rows, message):
    writer = WarehouseWriter(WAREHOUSE, table, client=lambda: ready.client(), name="SQL warehouse sink 'Ops'")
    with pytest.raises(ConnectorError) as caught:
        writer.execute(writer.statement(PLANS, COLUMNS, 1), writer.parameters(PLANS, COLUMNS, rows, {}))
    text = str(caught.value)
    assert text.startswith("SQL warehouse sink 'Ops' failed at ") and message in text and "\n" not in text


def test_an_unknown_warehouse_is_reported(fake):
    fake.add_table("main.ops.breaches", [("service", "string")])
    writer = WarehouseWriter("ffffffffffffffff", "main.ops.breaches", client=lambda: fake.client())
    with pytest.raises(ConnectorError, match="Warehouse ffffffffffffffff does not exist"):
        writer.execute("INSERT INTO `main`.`ops`.`breaches` (`service`) VALUES (:v0)", [])


def test_a_table_name_must_have_three_parts():
    with pytest.raises(ConnectorError, match="catalog.schema.table"):
        WarehouseWriter(WAREHOUSE, "ops.breaches")


@pytest.mark.spark
def test_lakestream_run_writes_every_row_through_the_warehouse(spark, fake, tmp_path, monkeypatch):
    """The generated job (local profile = the deployed code) inserts a stream's rows of every kind of type."""
    from lakestream.commands.run import run_local
    from tests.codegen.helpers import pipeline

    fake.add_warehouse(WAREHOUSE)
    fake.add_table("main.ops.events", [("id", "string"), ("amount", "double"), ("n", "bigint"), ("ok", "boolean"),
                                       ("ts", "timestamp"), ("day", "date"), ("tags", "array<string>"),
                                       ("price", "decimal(10,2)"), ("_kafka_key", "string"),
                                       ("_kafka_topic", "string"), ("_kafka_partition", "int"),
                                       ("_kafka_offset", "bigint"), ("_kafka_timestamp", "timestamp")])
    schema = [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"}, {"name": "n", "type": "bigint"},
              {"name": "ok", "type": "boolean"}, {"name": "ts", "type": "timestamp"}, {"name": "day", "type": "date"},
              {"name": "tags", "type": "array<string>"}, {"name": "price", "type": "decimal(10,2)"}]
    doc = pipeline([
        {"id": "src", "type": "kafka_source", "label": "Events",
         "config": {"bootstrap_servers": "b:9092", "topics": ["e"], "schema": schema}},
        {"id": "wh", "type": "sql_warehouse_sink", "label": "Ops",
         "config": {"warehouse_id": WAREHOUSE, "table": "main.ops.events"}},
    ], [("src", "wh")])
    events = tmp_path / "events" / "src"
    events.mkdir(parents=True)
    batches = [[{"id": HOSTILE, "amount": 1.5, "n": 7, "ok": True, "ts": "2024-01-01T10:00:00.123456Z",
                 "day": "2024-01-01", "tags": ["a", "b'c"], "price": "12.34"}],
               [{"id": "second", "amount": None, "n": None, "ok": False, "ts": "2024-01-02T00:00:00Z",
                 "day": None, "tags": [], "price": None}]]
    for i, rows in enumerate(batches):
        (events / f"{i:03d}.json").write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("DATABRICKS_HOST", fake.url)
    monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-test")
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "none"))
    run_local(doc, tmp_path / "events", tmp_path / "out", spark, timeout=180)
    got = sorted(({k: v for k, v in r.items() if not k.startswith("_kafka")} for r in fake.table_rows["main.ops.events"]),
                 key=lambda r: r["id"])
    assert got == [
        {"id": "second", "amount": None, "n": None, "ok": False,
         "ts": dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc), "day": None, "tags": [], "price": None},
        {"id": HOSTILE, "amount": 1.5, "n": 7, "ok": True,
         "ts": dt.datetime(2024, 1, 1, 10, 0, 0, 123456, tzinfo=dt.timezone.utc), "day": dt.date(2024, 1, 1),
         "tags": ["a", "b'c"], "price": __import__("decimal").Decimal("12.34")},
    ]
    for call in fake.calls("POST", r"/api/2\.0/sql/statements"):
        assert HOSTILE not in call.json["statement"]
