"""Email writer against a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import pytest

from lakestream.connectors.email_sink import EmailWriter
from lakestream.connectors.errors import ConnectorError
from tests.services.servers import SmtpRecorder, self_signed_certificate

pytestmark = pytest.mark.services


def body(message) -> str:
    return message.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends


def writer(smtp, **kwargs) -> EmailWriter:
    options = dict(smtp_port=smtp.port, security="none", sender="alerts@lakestream.test", backoff=0.01)
    return EmailWriter("127.0.0.1", kwargs.pop("to", ["ops@example.com", "risk@example.com"]),
                       kwargs.pop("subject", "Fraud on {card}"), kwargs.pop("body", "Amount: {amount}\nAt {ts}"),
                       **{**options, **kwargs})


def test_one_message_per_row_with_rendered_templates(smtp):
    sent = writer(smtp).write_rows([{"card": "c1", "amount": 12.5, "ts": "t1"}, {"card": "ü2", "amount": 3, "ts": None}])
    assert sent == 2
    (sender, rcpts, first), (_, _, second) = smtp.messages
    assert sender == "alerts@lakestream.test" and rcpts == ["ops@example.com", "risk@example.com"]
    assert first["Subject"] == "Fraud on c1" and body(first) == "Amount: 12.5\nAt t1\n"
    assert second["Subject"] == "Fraud on ü2" and body(second) == "Amount: 3\nAt \n"


def test_values_cannot_add_headers(smtp):
    writer(smtp).write_rows([{"card": "c1\r\nBcc: thief@evil.test", "amount": 1, "ts": ""}])
    ((_, rcpts, message),) = smtp.messages
    assert message["Subject"] == "Fraud on c1 Bcc: thief@evil.test"
    assert message["Bcc"] is None and "thief@evil.test" not in rcpts


def test_temporary_refusals_are_retried(smtp):
    smtp.refuse(2, code=451)
    assert writer(smtp, retries=2).write_rows([{"card": "c1", "amount": 1, "ts": ""}]) == 1
    assert len(smtp.messages) == 1


def test_permanent_refusal_fails_at_once_with_a_clear_message(smtp):
    smtp.refuse(1, code=554)
    with pytest.raises(ConnectorError) as caught:
        writer(smtp, retries=3, name="email sink 'Ops mail'").write_rows([{"card": "c1", "amount": 1, "ts": ""}])
    assert str(caught.value) == f"email sink 'Ops mail' failed at smtp://127.0.0.1:{smtp.port}: SMTP 554 planned refusal"


def test_unreachable_server_and_bad_recipients():
    with pytest.raises(ConnectorError, match=r"smtp://127.0.0.1:9: connection failed: .*refused.* \(after 2 attempts\)"):
        EmailWriter("127.0.0.1", ["a@b.c"], "s", "b", smtp_port=9, security="none", retries=1,
                    backoff=0.01).write_rows([{}])
    with pytest.raises(ConnectorError, match="recipients must be e-mail addresses"):
        EmailWriter("127.0.0.1", ["a@b.c\nBcc: x@y.z"], "s", "b")


def test_starttls_against_a_server_without_it_is_a_permanent_error(smtp):
    with pytest.raises(ConnectorError, match="STARTTLS extension not supported") as caught:
        writer(smtp, security="starttls", retries=3).write_rows([{"card": "c", "amount": 1, "ts": ""}])
    assert caught.value.attempts == 1


def test_emails_past_the_batch_limit_are_counted_not_sent(smtp):
    mailer = writer(smtp, max_per_batch=2)
    assert mailer.write_rows([{"card": str(i), "amount": i, "ts": ""} for i in range(5)]) == 2
    assert len(smtp.messages) == 2 and mailer.skipped == 3


def test_starttls_and_login_against_a_server_that_requires_both(tmp_path, monkeypatch):
    cert, key = self_signed_certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate like a public CA
    server = SmtpRecorder(tls=(cert, key), users={"alerts": "s3cret"})
    try:
        good = EmailWriter("127.0.0.1", ["ops@example.com"], "Card {card}", "x", smtp_port=server.port,
                           username="alerts", password="s3cret", backoff=0.01, timeout=5)
        assert good.write_rows([{"card": "c1"}]) == 1
        assert server.messages[0][2]["Subject"] == "Card c1"
        bad = EmailWriter("127.0.0.1", ["ops@example.com"], "s", "b", smtp_port=server.port,
                          username="alerts", password="wrong", retries=2, backoff=0.01, timeout=5)
        with pytest.raises(ConnectorError, match="SMTP 535 .*Authentication credentials invalid") as caught:
            bad.write_rows([{}])
        assert caught.value.attempts == 1
        plain = EmailWriter("127.0.0.1", ["ops@example.com"], "s", "b", smtp_port=server.port, security="none",
                            retries=0, timeout=5)
        with pytest.raises(ConnectorError, match="SMTP 530 .*STARTTLS"):
            plain.write_rows([{}])
    finally:
        server.stop()
