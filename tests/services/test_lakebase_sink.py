"""Lakebase writer against a real local PostgreSQL: append, upsert, quoting, types, failures."""

from __future__ import annotations

import itertools
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from lakestream.connectors.errors import ConnectorError
from lakestream.connectors.lakebase_sink import LakebaseWriter, postgres_type

pytestmark = pytest.mark.services

_names = itertools.count()


@pytest.fixture
def table(postgres):
    """A fresh table name (quoted-hostile on purpose) in a fresh schema."""
    n = next(_names)
    postgres.query(f'CREATE SCHEMA "s{n}"')
    return f's{n}.alerts "{n}"; DROP TABLE x; --'


def test_append_writes_every_row_with_types(postgres, table):
    schema, name = table.split(".", 1)
    writer = LakebaseWriter(postgres.params, table, create_table=True)
    postgres.query(writer.create_sql([("id", "string"), ("amount", "decimal(10,2)"), ("ts", "timestamp"),
                                      ("attrs", "map<string,int>")]).as_string())
    ts = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    rows = [{"id": "a'b", "amount": Decimal("1.50"), "ts": ts, "attrs": {"k": 1}},
            {"id": "c", "amount": None, "ts": None, "attrs": None}]
    assert writer.write_rows(rows, ["id", "amount", "ts", "attrs"]) == 2
    assert writer.write_rows(rows[:1], ["id", "amount", "ts", "attrs"]) == 1
    got = postgres.query(f'SELECT id, amount, ts, attrs FROM "{schema}"."{name.replace(chr(34), chr(34) * 2)}" ORDER BY id')
    assert got == [("a'b", Decimal("1.50"), ts, {"k": 1}), ("a'b", Decimal("1.50"), ts, {"k": 1}),
                   ("c", None, None, None)]


def test_upsert_updates_on_keys_and_keeps_the_last_row_per_key(postgres, table):
    writer = LakebaseWriter(postgres.params, table, mode="upsert", keys=["card", "day"])
    postgres.query(writer.create_sql([("card", "string"), ("day", "date"), ("total", "double")]).as_string())
    columns = ["card", "day", "total"]
    writer.write_rows([{"card": "c1", "day": "2026-01-01", "total": 1.0}, {"card": "c2", "day": "2026-01-01", "total": 2.0}], columns)
    writer.write_rows([{"card": "c1", "day": "2026-01-01", "total": 5.0}, {"card": "c1", "day": "2026-01-01", "total": 7.0},
                       {"card": "c1", "day": "2026-01-02", "total": 9.0}], columns)
    schema, name = table.split(".", 1)
    got = postgres.query(f'SELECT card, day::text, total FROM "{schema}"."{name.replace(chr(34), chr(34) * 2)}" ORDER BY 1, 2')
    assert got == [("c1", "2026-01-01", 7.0), ("c1", "2026-01-02", 9.0), ("c2", "2026-01-01", 2.0)]


def test_sql_quotes_every_identifier(postgres):
    writer = LakebaseWriter(postgres.params, 'sch."t"', mode="upsert", keys=['k"1'])
    assert writer.insert_sql(['k"1', "v; DROP"]).as_string() == (
        'INSERT INTO "sch"."""t""" ("k""1", "v; DROP") VALUES (%s, %s) '
        'ON CONFLICT ("k""1") DO UPDATE SET "v; DROP" = EXCLUDED."v; DROP"')


def test_missing_table_is_a_permanent_error_naming_the_table(postgres):
    writer = LakebaseWriter(postgres.params, "public.nowhere", retries=3, backoff=0.01, name="Lakebase sink 'Cases'")
    with pytest.raises(ConnectorError) as caught:
        writer.write_rows([{"id": 1}], ["id"])
    assert str(caught.value) == (f"Lakebase sink 'Cases' failed at postgresql://127.0.0.1:{postgres.port}/postgres "
                                 'table public.nowhere: relation "public.nowhere" does not exist [42P01]')
    assert caught.value.attempts == 1


def test_a_column_missing_in_the_table_names_the_stream_columns(postgres, table):
    writer = LakebaseWriter(postgres.params, table, retries=0)
    postgres.query(writer.create_sql([("id", "bigint")]).as_string())
    with pytest.raises(ConnectorError, match=r'column "extra" of relation .* does not exist \[42703\]; the table '
                                             r"needs every column of the stream \(id, extra\)"):
        writer.write_rows([{"id": 1, "extra": "x"}], ["id", "extra"])


def test_wrong_password_and_unreachable_server_fail_clearly(postgres):
    with pytest.raises(ConnectorError, match="password authentication failed"):
        LakebaseWriter({**postgres.params, "password": "wrong"}, "t", retries=0).write_rows([{"id": 1}], ["id"])
    with pytest.raises(ConnectorError, match=r"postgresql://127.0.0.1:9/postgres table t: .*\(after 2 attempts\)"):
        LakebaseWriter({**postgres.params, "port": 9}, "t", retries=1, backoff=0.01).write_rows([{"id": 1}], ["id"])


def test_credentials_are_fetched_on_each_connection(postgres, table):
    calls = []

    def credentials():
        calls.append(1)
        return postgres.params

    writer = LakebaseWriter(credentials, table, create_table=True)
    postgres.query(writer.create_sql([("id", "bigint")]).as_string())
    writer.write_rows([{"id": 1}], ["id"])
    writer.close()
    writer.write_rows([{"id": 2}], ["id"])
    assert len(calls) == 2


def test_config_errors():
    with pytest.raises(ConnectorError, match="upsert needs the key columns"):
        LakebaseWriter({}, "t", mode="upsert")
    with pytest.raises(ConnectorError, match="mode must be one of append, upsert"):
        LakebaseWriter({}, "t", mode="merge")
    with pytest.raises(ConnectorError, match="table must be 'schema.table' or 'table'"):
        LakebaseWriter({}, "a.b.c")
    assert [postgres_type(t) for t in ("string", "decimal(10,2)", "array<int>", "timestamp")] == [
        "text", "numeric(10,2)", "jsonb", "timestamptz"]


def test_databricks_credentials_use_the_workspace_api(http, monkeypatch):
    """The Databricks path, against a local HTTP server answering the REST calls databricks-sdk makes."""
    import os

    from lakestream.connectors.lakebase_sink import databricks_credentials

    for name in [n for n in os.environ if n.startswith("DATABRICKS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABRICKS_HOST", http.url(""))
    monkeypatch.setenv("DATABRICKS_TOKEN", "pat")
    http.responses["/api/2.0/database/instances/fraud-serving"] = {"name": "fraud-serving",
                                                                   "read_write_dns": "instance-1.db.example.com"}
    http.responses["/api/2.0/database/credentials"] = {"token": "oauth-token"}
    http.responses["/api/2.0/preview/scim/v2/Me"] = {"userName": "ana@example.com"}
    expected = {"host": "instance-1.db.example.com", "port": 5432, "dbname": "alerts", "sslmode": "require"}
    assert databricks_credentials("fraud-serving", "alerts")() == {
        **expected, "user": "ana@example.com", "password": "oauth-token"}
    token_request = next(r for r in http.requests if r.path == "/api/2.0/database/credentials")
    assert token_request.method == "POST" and token_request.json()["instance_names"] == ["fraud-serving"]
    http.requests.clear()
    assert databricks_credentials("fraud-serving", "alerts", user="svc", password="pw")() == {
        **expected, "user": "svc", "password": "pw"}
    assert "/api/2.0/database/credentials" not in [r.path for r in http.requests]
