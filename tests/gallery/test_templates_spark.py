"""Every gallery template run with `lakestream run`'s function on its sample events: exactly the expected rows.

Row sinks are compared with `expected/<sink>.jsonl`; alert, email and webhook sinks send to the local HTTP and
SMTP recorders of tests/services (their secrets and hosts pointed there for the run) and must send one message per
expected row; one message of each sink kind is also compared with its fields written out by hand (`PINNED`).
"""

from __future__ import annotations

import json
import sys

import pytest

from lakestream.commands.run import run_local
from lakestream.connectors.alert_sink import AlertWriter
from lakestream.connectors.email_sink import EmailWriter
from lakestream.connectors.placeholders import render, render_json_text
from lakestream.connectors.secrets import env_name
from lakestream.pipeline import Pipeline, load_pipeline
from tests.conftest import console_script, require
from tests.gallery.templates import CARDS, IDS, SERVICES_SINKS, canonical, document, expected_rows, python_row, sinks

pytestmark = [pytest.mark.spark, pytest.mark.services]


# One message per sink kind, written out by hand from the sinks' code and docs/connectors.md (never computed by
# the code that sends them): the message of each sink's first expected row, as the recorder receives it.
# Timestamps read "YYYY-MM-DD HH:MM:SS" (placeholders.text); PagerDuty's routing key is the test's secret value.
JSON = {"content-type": "application/json"}
PINNED = {
    ("card_fraud", "fraud_slack"): {"method": "POST", "headers": JSON, "body": {
        "text": "[CRITICAL] Card c-1003: ACCOUNT_TAKEOVER between 2026-03-02 09:00:00 and 2026-03-02 09:12:00 "
                "(takeover:c-1003#1)"}},
    ("device_liveness", "teams_alert"): {"method": "POST", "headers": JSON, "body": {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "body": [{"type": "TextBlock", "text": "WARNING", "weight": "Bolder", "color": "Warning"},
                     {"type": "TextBlock", "wrap": True,
                      "text": "Device device_id-0 is DEAD: last seen 1970-01-01 00:00:23, detected 1970-01-01 00:00:35"}],
        }}]}},
    ("sla_breach", "pagerduty"): {"method": "POST", "headers": JSON, "body": {
        "routing_key": "routing-key", "event_action": "trigger", "dedup_key": "billing|r-101#1",
        "payload": {"summary": "SLA breach: billing request r-101 started at 2026-07-15 14:05:00 and was not complete "
                               "by 2026-07-15 14:35:00", "severity": "error", "source": "lakestream"}}},
    ("fleet_monitoring", "dispatch_webhook"): {"method": "POST", "headers": {
        **JSON, "x-source": "lakestream", "authorization": "Bearer token-value"}, "body": {
        "id": "speeding:van-07#1", "vehicle": "van-07", "type": "SPEEDING", "at": "2026-11-18 07:01:30"}},
    ("abandoned_cart", "retention_email"): {
        "envelope": ["shop-alerts@example.com", ["retention@example.com"]],
        "headers": {"from": "shop-alerts@example.com", "to": "retention@example.com",
                    "subject": "Cart abandoned by cu-02", "content-type": 'text/plain; charset="utf-8"'},
        "body": "Customer cu-02 added an item to the cart at 2026-04-10 10:05:00 and had not bought by "
                "2026-04-10 11:05:00. Alert id: cu-02#1.\r\n"},  # SMTP ends lines with CRLF
}
PINNED_HEADERS = ("content-type", "authorization", "x-source", "from", "to", "subject")


def received(node, http, smtp) -> list[dict]:
    """Every message the node sent, in the shape of `PINNED` (the headers named in PINNED_HEADERS)."""
    def headers(message) -> dict:
        return {k.lower(): str(v) for k, v in message.items() if k.lower() in PINNED_HEADERS}

    if node.type == "email_sink":
        return [{"envelope": [sender, rcpts], "headers": headers(m), "body": m.get_content()}
                for sender, rcpts, m in smtp.messages]
    return [{"method": r.method, "headers": headers(r.headers), "body": r.json()}
            for r in http.requests if r.path == f"/{node.id}"]


def point_services_at_recorders(doc: Pipeline, http, smtp, monkeypatch) -> Pipeline:
    """The template with its services sinks sending to the local recorders (the run's only changes)."""
    data = doc.to_dict()
    for node in data["nodes"]:
        config = node["config"]
        if node["type"] == "alert_sink":
            secret = config["webhook_secret"]
            if config["provider"] == "pagerduty":
                config["api_url"] = http.url(f"/{node['id']}")
                monkeypatch.setenv(env_name(secret["scope"], secret["key"]), "routing-key")
            else:
                monkeypatch.setenv(env_name(secret["scope"], secret["key"]), http.url(f"/{node['id']}"))
        elif node["type"] == "rest_webhook_sink":
            config["url"] = http.url(f"/{node['id']}")
            for field in ("token", "username", "password"):
                if config.get(field):
                    monkeypatch.setenv(env_name(config[field]["scope"], config[field]["key"]), f"{field}-value")
        elif node["type"] == "email_sink":
            config.update(smtp_host="127.0.0.1", smtp_port=smtp.port, security="none", username=None, password=None)
    return load_pipeline(data)


def sent_messages(node, http, smtp) -> list[str]:
    if node.type == "email_sink":
        return sorted(json.dumps([m["Subject"], m.get_content().strip(), rcpts]) for _, rcpts, m in smtp.messages)
    return sorted(json.dumps(r.json(), sort_keys=True) for r in http.requests if r.path == f"/{node.id}")


def wanted_messages(node, rows: list[dict], http, smtp) -> list[str]:
    config = node.parsed
    if node.type == "rest_webhook_sink":  # one row per request (the templates use batch_size 1)
        return sorted(json.dumps(json.loads(render_json_text(config.payload_template, r)), sort_keys=True)
                      for r in rows)
    if node.type == "email_sink":
        writer = EmailWriter("127.0.0.1", list(config.to), config.subject_template, config.body_template,
                             smtp_port=smtp.port, security="none")
        return sorted(json.dumps([m["Subject"], m.get_content().strip(), list(config.to)])
                      for m in map(writer.message, rows))
    writer = AlertWriter(config.provider, "routing-key" if config.provider == "pagerduty" else http.url(),
                         config.message_template, severity=config.severity, url=http.url())
    return sorted(json.dumps(writer.payload(render(config.message_template, r), r), sort_keys=True) for r in rows)


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_template_runs_locally_to_exactly_the_expected_rows(spark, card, tmp_path, http, smtp, monkeypatch):
    doc = point_services_at_recorders(document(card), http, smtp, monkeypatch)
    # Each job ships the runtime packages beside it: forget the ones an earlier template's job imported.
    for name in [m for m in sys.modules if m.startswith(("lakestream_connectors", "lakestream_cep"))]:
        del sys.modules[name]
    counts = run_local(doc, card.events, tmp_path / "out", spark, timeout=240)
    for sink_id in sinks(doc):
        node = doc.node(sink_id)
        wanted = expected_rows(card, sink_id)
        if node.type in SERVICES_SINKS:
            assert sent_messages(node, http, smtp) == wanted_messages(node, [python_row(r) for r in wanted],
                                                                      http, smtp), sink_id
            if (card.folder.name, sink_id) in PINNED:
                assert PINNED[card.folder.name, sink_id] in received(node, http, smtp), sink_id
            continue
        lines = (tmp_path / "out" / f"{sink_id}.jsonl").read_text(encoding="utf-8").splitlines()
        assert counts[sink_id] == len(wanted)
        assert canonical([json.loads(line) for line in lines]) == canonical(wanted), sink_id


def test_the_pinned_messages_cover_every_services_sink_kind():
    kinds = set()
    for folder, sink_id in PINNED:
        node = document(next(c for c in CARDS if c.folder.name == folder)).node(sink_id)
        assert node.type in SERVICES_SINKS, (folder, sink_id)
        kinds.add(node.parsed.provider if node.type == "alert_sink" else node.type)
    assert kinds == {"slack", "teams", "pagerduty", "email_sink", "rest_webhook_sink"}


def test_a_missing_secret_stops_the_run_with_the_variable_to_set(spark, tmp_path, monkeypatch):
    from lakestream.errors import UserError

    card = next(c for c in CARDS if c.folder.name == "sla_breach")
    monkeypatch.delenv("LAKESTREAM_SECRET_SRE__PAGERDUTY_ROUTING_KEY", raising=False)
    before = {q.id for q in spark.streams.active}
    with pytest.raises(UserError, match="export LAKESTREAM_SECRET_SRE__PAGERDUTY_ROUTING_KEY=<value>"):
        run_local(document(card), card.events, tmp_path / "out", spark)
    assert {q.id for q in spark.streams.active} == before  # the Delta sink's query started first: stopped


@pytest.mark.parametrize("card", CARDS, ids=IDS)
def test_template_sql_passes_sparks_parser(spark, card):
    """The SDP SQL part of each template's hybrid output (local profile) goes through Spark's own parser."""
    from lakestream.codegen import generate
    from tests.codegen.helpers import sql_statements

    parser = spark._jsparkSession.sessionState().sqlParser()
    code = generate(document(card), "hybrid", "local")
    statements = [s for g in code.files.values() if g.language == "sql" for s in sql_statements(g.text)]
    for statement in statements:
        parser.parsePlan(statement)
    assert statements or "transformations/pipeline.py" in code.files  # MQTT/simulator sources: SDP Python


def test_card_fraud_runs_as_hybrid_to_the_same_rows(spark, tmp_path, http, smtp, monkeypatch):
    """SDP (spark-pipelines) reads the events and filters, the SSS job runs the patterns on its tables."""
    from lakestream.codegen import Paths, generate
    from lakestream.commands.run import _load_job
    from tests.codegen.test_run_local import spark_pipelines_run

    require(console_script("spark-pipelines") is not None, "spark-pipelines (pyspark[pipelines])")
    card = next(c for c in CARDS if c.folder.name == "card_fraud")
    doc = point_services_at_recorders(document(card), http, smtp, monkeypatch)
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(card.events), output_root=str(tmp_path / "out"),
                  storage_root=(tmp_path / "storage").as_uri())
    code = generate(doc, "hybrid", "local", paths=paths)
    code.write(tmp_path / "project")
    result = spark_pipelines_run(tmp_path / "project", tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for table in code.boundary_tables:
        location = (tmp_path / "project" / "spark-warehouse" / table).as_posix()
        spark.sql(f"CREATE TABLE {table} USING parquet LOCATION '{location}'")
    try:
        for name in [m for m in sys.modules if m.startswith(("lakestream_connectors", "lakestream_cep"))]:
            del sys.modules[name]
        job = _load_job(tmp_path / "project")
        for query in job.start(spark, checkpoint_root=str(tmp_path / "ck"), output_root=str(tmp_path / "out")):
            query.awaitTermination(240)
            assert query.exception() is None, str(query.exception())[:2000]
    finally:
        for table in code.boundary_tables:
            spark.sql(f"DROP TABLE {table}")
        sys.path.remove(str(tmp_path / "project"))
    frame = spark.read.parquet(str(tmp_path / "out" / "card_alerts"))
    from pyspark.sql import functions as F

    rows = [json.loads(r[0]) for r in frame.select(F.to_json(F.struct(*frame.columns))).collect()]
    assert canonical(rows) == canonical(expected_rows(card, "card_alerts"))
