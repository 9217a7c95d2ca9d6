"""Webhook and alert writers against a real local HTTP server: payloads, batching, retries, failures."""

from __future__ import annotations

import json

import pytest

from lakestream.connectors.alert_sink import AlertWriter
from lakestream.connectors.errors import ConnectorError
from lakestream.connectors.webhook_sink import WebhookWriter
from tests.services.servers import HttpRecorder, self_signed_certificate

pytestmark = pytest.mark.services

ROWS = [{"card": "c1", "amount": 12.5}, {"card": 'c"2\n', "amount": 3}, {"card": "c3", "amount": None}]


def test_rows_are_sent_as_json_objects_in_batches(http):
    writer = WebhookWriter(http.url("/in"), batch_size=2, headers={"X-Team": "fraud"})
    assert writer.write_rows(ROWS) == 2
    assert [r.json() for r in http.requests] == [ROWS[:2], ROWS[2:]]
    assert all(r.method == "POST" and r.path == "/in" and r.headers["X-Team"] == "fraud" for r in http.requests)
    assert http.requests[0].headers["Content-Type"] == "application/json"


def test_json_template_keeps_types_and_text_template_joins_lines(http):
    WebhookWriter(http.url(), payload_template='{{"msg": "card {card}", "amount": {amount}}}').write_rows(ROWS[:2])
    assert [r.json() for r in http.requests] == [{"msg": "card c1", "amount": 12.5}, {"msg": 'card c"2\n', "amount": 3}]
    http.reset()
    WebhookWriter(http.url(), payload_template='{{"c": "{card}"}}', batch_size=2).write_rows(ROWS)
    assert [r.json() for r in http.requests] == [[{"c": "c1"}, {"c": 'c"2\n'}], [{"c": "c3"}]]
    http.reset()
    WebhookWriter(http.url(), method="PUT", payload_template="{card}={amount}", batch_size=10).write_rows(ROWS)
    (request,) = http.requests
    assert request.method == "PUT" and request.body.decode() == 'c1=12.5\nc"2\n=3\nc3='
    assert request.headers["Content-Type"].startswith("text/plain")


def test_auth_headers_reach_the_server(http):
    WebhookWriter(http.url(), auth="bearer", token="t0k").write_rows(ROWS[:1])
    WebhookWriter(http.url(), auth="basic", username="u", password="p:w").write_rows(ROWS[:1])
    assert [r.headers["Authorization"] for r in http.requests] == ["Bearer t0k", "Basic dTpwOnc="]
    with pytest.raises(ConnectorError, match="bearer auth needs a token"):
        WebhookWriter(http.url(), auth="bearer")


def test_server_errors_are_retried_with_backoff(http):
    http.fail(2, status=503)
    WebhookWriter(http.url(), retries=2, backoff=0.01).write_rows(ROWS[:1])
    assert len(http.requests) == 3 and http.requests[-1].json() == ROWS[0]


def test_exhausted_retries_fail_naming_sink_endpoint_and_cause(http):
    http.fail(3, status=500)
    writer = WebhookWriter(http.url("/hook?token=SECRET"), retries=2, backoff=0.01, name="webhook sink 'Ops'")
    with pytest.raises(ConnectorError) as caught:
        writer.write_rows(ROWS[:1])
    message = str(caught.value)
    assert message.startswith(f"webhook sink 'Ops' (POST) failed at http://127.0.0.1:{http.port}/hook: HTTP 500")
    assert "(after 3 attempts)" in message and "SECRET" not in message


def test_client_errors_fail_at_once(http):
    http.fail(1, status=404)
    with pytest.raises(ConnectorError, match="HTTP 404") as caught:
        WebhookWriter(http.url(), retries=5, backoff=0.01).write_rows(ROWS[:1])
    assert caught.value.attempts == 1 and len(http.requests) == 1


def test_timeouts_are_reported(http):
    http.delay = 0.5
    with pytest.raises(ConnectorError, match=r"timed out after 0.1 s \(after 2 attempts\)"):
        WebhookWriter(http.url(), timeout=0.1, retries=1, backoff=0.01).write_rows(ROWS[:1])


def test_unreachable_endpoint():
    with pytest.raises(ConnectorError, match="cannot connect: .*refused"):
        WebhookWriter("http://127.0.0.1:9/x", retries=0).write_rows(ROWS[:1])


def test_slack_teams_and_pagerduty_payload_shapes(http):
    template = "Card {card} spent {amount}"
    AlertWriter("slack", http.url("/slack/T0/B0/XYZ"), template, severity="critical").write_rows(ROWS[:1])
    AlertWriter("teams", http.url("/teams"), template).write_rows(ROWS[:1])
    AlertWriter("pagerduty", "ROUTING-KEY", template, severity="error", url=http.url("/v2/enqueue")).write_rows(ROWS[:1])
    slack, teams, pager = (r.json() for r in http.requests)
    assert slack == {"text": "[CRITICAL] Card c1 spent 12.5"}
    card = teams["attachments"][0]
    assert teams["type"] == "message" and card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert [b["text"] for b in card["content"]["body"]] == ["WARNING", "Card c1 spent 12.5"]
    assert pager == {"routing_key": "ROUTING-KEY", "event_action": "trigger",
                     "payload": {"summary": "Card c1 spent 12.5", "severity": "error", "source": "lakestream"}}
    assert [r.path for r in http.requests] == ["/slack/T0/B0/XYZ", "/teams", "/v2/enqueue"]


def test_pagerduty_deduplicates_on_the_match_id(http):
    writer = AlertWriter("pagerduty", "RK", "{card}", url=http.url("/v2/enqueue"))
    writer.write_rows([{"card": "c1", "match_id": "m-1"}, {"card": "c1", "match_id": "m-1"}])
    assert [r.json()["dedup_key"] for r in http.requests] == ["m-1", "m-1"]


def test_alert_floods_are_capped_with_a_summary(http):
    sent = AlertWriter("slack", http.url(), "{card}", max_per_batch=2).write_rows(ROWS)
    assert sent == 3
    assert [r.json()["text"] for r in http.requests] == [
        "[WARNING] c1", '[WARNING] c"2\n', "[WARNING] … and 1 more alerts in this micro-batch (limit 2)"]


def test_alert_failure_hides_the_secret_webhook_path(http):
    http.fail(1, status=403)
    writer = AlertWriter("slack", http.url("/services/T0/B0/SECRETPATH"), "{card}")
    with pytest.raises(ConnectorError) as caught:
        writer.write_rows(ROWS[:1])
    message = str(caught.value)
    assert f"alert sink (slack) (POST) failed at http://127.0.0.1:{http.port}/…: HTTP 403" in message
    assert "SECRETPATH" not in message


def test_alert_config_errors_are_clear():
    with pytest.raises(ConnectorError, match="unknown provider 'sms': use slack, teams, pagerduty"):
        AlertWriter("sms", "x", "{a}")
    with pytest.raises(ConnectorError, match="unknown severity 'loud'"):
        AlertWriter("slack", "http://h/x", "{a}", severity="loud")


def test_non_ascii_survives_the_trip(http):
    WebhookWriter(http.url()).write_rows([{"city": "Zürich €"}])
    assert json.loads(http.requests[0].body.decode("utf-8")) == {"city": "Zürich €"}


def test_https_endpoints_are_verified(tmp_path, monkeypatch):
    cert, key = self_signed_certificate(tmp_path)
    server = HttpRecorder(tls=(cert, key))
    try:
        with pytest.raises(ConnectorError, match="TLS certificate not trusted: self.signed certificate") as caught:
            WebhookWriter(server.url(), retries=3, backoff=0.01).write_rows(ROWS[:1])
        assert caught.value.attempts == 1 and server.requests == []
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust it like a public CA
        WebhookWriter(server.url(), retries=0).write_rows(ROWS[:1])
        assert [r.json() for r in server.requests] == [ROWS[0]]
    finally:
        server.stop()
