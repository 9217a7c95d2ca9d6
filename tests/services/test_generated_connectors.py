"""Generated code (SSS, local profile) for every connector node, executed on Spark against real services."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from pyspark.errors import StreamingQueryException

from lakestream.cli import main as cli_main
from lakestream.codegen import generate
from lakestream.pipeline import load_pipeline
from tests.services.servers import Served

pytestmark = [pytest.mark.spark, pytest.mark.services]

SCHEMA = [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
          {"name": "ts", "type": "timestamp"}]
EVENTS = [{"card_id": "c1", "amount": 120.5, "ts": "2026-01-01T10:00:00Z"},
          {"card_id": "c'2\"", "amount": 7.0, "ts": "2026-01-01T10:01:00Z"},
          {"card_id": "c3", "amount": 99.0, "ts": "2026-01-01T10:02:00Z"}]


def document(nodes: list[dict], edges: list[tuple[str, str]]):
    return load_pipeline({"name": "Connectors", "settings": {"catalog": "main", "schema": "demo"}, "nodes": nodes,
                          "edges": [{"id": f"e{i}", "source": s, "target": t} for i, (s, t) in enumerate(edges)]})


def run_generated(spark, pipeline, tmp_path: Path, events: dict[str, list[dict]] | None = None) -> Path:
    """Generate the local SSS job, run it until every query finished, return the output root."""
    for node_id, rows in (events or {}).items():
        folder = tmp_path / "events" / node_id
        folder.mkdir(parents=True)
        (folder / "000.json").write_text("".join(json.dumps(r) + "\n" for r in rows))
    code = generate(pipeline, "sss", "local")
    code.write(tmp_path / "code")
    # Each job ships the runtime modules it uses: forget the package another job imported.
    for name in [m for m in sys.modules if m == "lakestream_connectors" or m.startswith("lakestream_connectors.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tmp_path / "code"))
    try:
        spec = importlib.util.spec_from_file_location(f"job_{tmp_path.name}", tmp_path / "code" / "stream_job.py")
        job = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(job)
        queries = job.start(spark, checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                            output_root=str(tmp_path / "out"))
        for query in queries:
            try:
                query.awaitTermination(120)
            except StreamingQueryException:
                pass  # reported below with the other failures
            assert not query.isActive, f"{query.name} did not finish"
    finally:
        sys.path.remove(str(tmp_path / "code"))
    failures = [str(q.exception()) for q in queries if q.exception() is not None]
    assert not failures, failures[0][:2000]
    return tmp_path / "out"


def file_source(node_id: str = "src") -> dict:
    return {"id": node_id, "type": "kafka_source", "label": "Payments",
            "config": {"bootstrap_servers": "broker:9092", "topics": ["payments"], "schema": SCHEMA}}


def parquet_sink(node_id: str = "out") -> dict:
    return {"id": node_id, "type": "delta_table_sink", "label": "Rows", "config": {"table": "main.demo.rows"}}


def queued_mqtt_source(mosquitto, prefix: str) -> dict:
    """An mqtt_source node on `<prefix>/+/pay` whose client id's persistent session already holds EVENTS
    (two on `<prefix>/eu/pay`, the rest on `<prefix>/us/pay`): the broker queues them for the run."""
    client_id, topics = f"{prefix}-mqtt", f"{prefix}/+/pay"
    mosquitto.persistent_session(client_id, topics)
    mosquitto.publish(f"{prefix}/eu/pay", EVENTS[:2])
    mosquitto.publish(f"{prefix}/us/pay", EVENTS[2:])
    return {"id": "mq", "type": "mqtt_source", "label": "Sensors",
            "config": {"broker_url": mosquitto.url, "topic_filter": topics, "qos": 1, "client_id": client_id,
                       "schema": SCHEMA}}


def test_generated_mqtt_source_reads_the_broker(spark, mosquitto, tmp_path):
    source = queued_mqtt_source(mosquitto, "gen")
    out = run_generated(spark, document([source, parquet_sink()], [("mq", "out")]), tmp_path)
    rows = spark.read.parquet(str(out / "out")).collect()
    assert sorted((r.card_id, r.amount, r.ts.isoformat(), r.topic) for r in rows) == [
        ("c'2\"", 7.0, "2026-01-01T10:01:00", "gen/eu/pay"),
        ("c1", 120.5, "2026-01-01T10:00:00", "gen/eu/pay"),
        ("c3", 99.0, "2026-01-01T10:02:00", "gen/us/pay")]


def test_generated_rest_source_polls_with_a_secret_token(spark, http, tmp_path, monkeypatch):
    monkeypatch.setenv("LAKESTREAM_SECRET_API__TOKEN", "tok-123")
    http.responses["/v1/payments"] = [Served({"data": {"payments": EVENTS}})]
    source = {"id": "api", "type": "rest_webhook_source", "label": "Payments API",
              "config": {"url": http.url("/v1/payments"), "auth": "bearer", "token": {"scope": "api", "key": "token"},
                         "json_path": "$.data.payments", "schema": SCHEMA}}
    out = run_generated(spark, document([source, parquet_sink()], [("api", "out")]), tmp_path)
    rows = spark.read.parquet(str(out / "out")).collect()
    assert sorted((r.card_id, r.amount) for r in rows) == [("c'2\"", 7.0), ("c1", 120.5), ("c3", 99.0)]
    assert http.requests[0].headers["Authorization"] == "Bearer tok-123"


def test_generated_sinks_deliver_to_http_smtp_and_postgres(spark, http, smtp, postgres, tmp_path, monkeypatch):
    monkeypatch.setenv("LAKESTREAM_SECRET_ALERTS__SLACK", http.url("/slack/T1/B1/secret"))
    monkeypatch.setenv("LAKESTREAM_SECRET_HOOKS__TOKEN", "hook-token")
    for name, value in (("PGHOST", "127.0.0.1"), ("PGPORT", str(postgres.port)), ("PGUSER", "postgres"),
                        ("PGPASSWORD", postgres.password)):
        monkeypatch.setenv(name, value)
    postgres.query("CREATE TABLE public.gen_payments (card_id text PRIMARY KEY, amount double precision, "
                   "ts timestamptz, _kafka_key text, _kafka_topic text, _kafka_partition int, _kafka_offset bigint, "
                   "_kafka_timestamp timestamptz)")
    sinks = [
        {"id": "hook", "type": "rest_webhook_sink", "label": "Hook", "config": {
            "url": http.url("/hook"), "auth": "bearer", "token": {"scope": "hooks", "key": "token"},
            "headers": [{"name": "X-Source", "value": "lakestream"}], "batch_size": 10,
            "payload_template": '{{"card": "{card_id}", "amount": {amount}}}'}},
        {"id": "slack", "type": "alert_sink", "label": "Slack", "config": {
            "provider": "slack", "webhook_secret": {"scope": "alerts", "key": "slack"},
            "message_template": "Card {card_id} spent {amount}", "severity": "critical"}},
        {"id": "mail", "type": "email_sink", "label": "Mail", "config": {
            "smtp_host": "127.0.0.1", "smtp_port": smtp.port, "security": "none", "to": ["risk@example.com"],
            "subject_template": "Card {card_id}", "body_template": "Amount {amount} at {ts}"}},
        {"id": "pg", "type": "lakebase_sink", "label": "Serving", "config": {
            "instance": "fraud-serving", "database": "postgres", "table": "public.gen_payments", "mode": "upsert",
            "keys": ["card_id"]}},
    ]
    pipeline = document([file_source(), *sinks], [("src", s["id"]) for s in sinks])
    run_generated(spark, pipeline, tmp_path, {"src": EVENTS})

    (hook,) = [r for r in http.requests if r.path == "/hook"]
    assert hook.headers["Authorization"] == "Bearer hook-token" and hook.headers["X-Source"] == "lakestream"
    assert sorted(hook.json(), key=lambda p: p["card"]) == [
        {"card": "c'2\"", "amount": 7.0}, {"card": "c1", "amount": 120.5}, {"card": "c3", "amount": 99.0}]
    assert sorted(r.json()["text"] for r in http.requests if r.path == "/slack/T1/B1/secret") == [
        "[CRITICAL] Card c'2\" spent 7.0", "[CRITICAL] Card c1 spent 120.5", "[CRITICAL] Card c3 spent 99.0"]
    assert sorted((m["Subject"], rcpts[0]) for _, rcpts, m in smtp.messages) == [
        ("Card c'2\"", "risk@example.com"), ("Card c1", "risk@example.com"), ("Card c3", "risk@example.com")]
    assert postgres.query("SELECT card_id, amount, ts::text FROM public.gen_payments ORDER BY card_id") == [
        ("c'2\"", 7.0, "2026-01-01 10:01:00+00"), ("c1", 120.5, "2026-01-01 10:00:00+00"),
        ("c3", 99.0, "2026-01-01 10:02:00+00")]


def test_a_generated_sink_fails_its_query_clearly(spark, http, tmp_path):
    http.fail(5, status=503)
    sink = {"id": "hook", "type": "rest_webhook_sink", "label": "Ops hook", "config": {
        "url": http.url("/down?key=SECRET"), "max_retries": 1, "timeout": "2 seconds"}}
    with pytest.raises(AssertionError) as caught:
        run_generated(spark, document([file_source(), sink], [("src", "hook")]), tmp_path, {"src": EVENTS})
    message = str(caught.value)
    assert (f"REST / webhook sink 'Ops hook' (POST) failed at http://127.0.0.1:{http.port}/down: "
            "HTTP 503 Service Unavailable") in message
    assert "(after 2 attempts)" in message and "SECRET" not in message


def test_lakestream_run_feeds_an_mqtt_source_from_sample_events(spark, tmp_path, capsys):
    """Without a broker: `lakestream run` gives each source its events folder, the MQTT source included."""
    source = {"id": "mq", "type": "mqtt_source", "label": "Sensors",
              "config": {"broker_url": "mqtt://127.0.0.1:9", "topic_filter": "plant/#", "schema": SCHEMA}}
    doc = tmp_path / "plant.lakestream.json"
    doc.write_text(document([source, parquet_sink()], [("mq", "out")]).to_json())
    folder = tmp_path / "events" / "mq"
    folder.mkdir(parents=True)
    (folder / "000.json").write_text("".join(json.dumps({**e, "topic": "plant/a"}) + "\n" for e in EVENTS))
    for name in [m for m in sys.modules if m == "lakestream_connectors" or m.startswith("lakestream_connectors.")]:
        del sys.modules[name]
    assert cli_main(["run", str(doc), "--events", str(tmp_path / "events"), "--out", str(tmp_path / "out")]) == 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "out.jsonl").read_text().splitlines()]
    assert sorted((r["card_id"], r["amount"], r["topic"]) for r in rows) == [
        ("c'2\"", 7.0, "plant/a"), ("c1", 120.5, "plant/a"), ("c3", 99.0, "plant/a")]
