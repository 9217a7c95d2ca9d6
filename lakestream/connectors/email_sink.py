"""Email sink: one message per row over SMTP (smtplib), subject and body from {column} templates.

Values are inserted as text: the rendered subject has its line breaks folded into spaces, so a value
cannot add a header; the body is plain UTF-8 text. One SMTP connection serves a whole micro-batch;
a dropped connection or a 4xx reply is retried with backoff, a 5xx reply fails the query at once.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Iterable, Mapping, Sequence

from .batches import check_columns, rows_of
from .errors import ConnectorError
from .placeholders import placeholders, render
from .retry import Permanent, RetryPolicy, Transient, call_with_retries

SECURITY = ("starttls", "ssl", "none")
log = logging.getLogger(__name__)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class EmailWriter:
    """A foreachBatch function sending one email per row."""

    def __init__(self, smtp_host: str, to: Sequence[str], subject_template: str, body_template: str, *,
                 smtp_port: int = 587, security: str = "starttls", username: str | None = None,
                 password: str | None = None, sender: str = "lakestream@localhost", timeout: float = 30.0,
                 retries: int = 3, backoff: float = 1.0, max_per_batch: int = 100, name: str = "email sink"):
        self.name = name
        self.endpoint = f"smtp://{smtp_host}:{smtp_port}"
        if security not in SECURITY:
            raise ConnectorError(name, self.endpoint, f"unknown security {security!r}: use {', '.join(SECURITY)}")
        recipients = [address.strip() for address in to if address.strip()]
        if not recipients or any(_one_line(a) != a or "@" not in a for a in recipients):
            raise ConnectorError(name, self.endpoint, f"recipients must be e-mail addresses, not {list(to)!r}")
        self.host, self.port, self.security = smtp_host, int(smtp_port), security
        self.to = recipients
        self.subject_template, self.body_template = subject_template, body_template
        self.username, self.password, self.sender = username, password, sender
        self.timeout = timeout
        self.policy = RetryPolicy(retries, backoff)
        self.max_per_batch = max(int(max_per_batch), 1)
        self.skipped = 0  # rows over max_per_batch, counted since this writer was built
        self._smtp: smtplib.SMTP | None = None

    def message(self, row: Mapping[str, Any]) -> EmailMessage:
        """The email for one row."""
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.to)
        message["Subject"] = _one_line(render(self.subject_template, row))
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="lakestream")
        message.set_content(render(self.body_template, row))
        return message

    def _connect(self) -> smtplib.SMTP:
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if self.username:
            smtp.login(self.username, self.password or "")
        return smtp

    def _send(self, message: EmailMessage) -> None:
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except smtplib.SMTPResponseException as error:
            self.close()
            reply = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
            text = f"SMTP {error.smtp_code} {reply}"
            raise (Transient(text) if 400 <= error.smtp_code < 500 else Permanent(text)) from None
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            raise Permanent(f"recipients refused: {', '.join(error.recipients)}") from None
        except smtplib.SMTPServerDisconnected as error:
            self.close()
            raise Transient(f"connection lost: {error}") from None
        except smtplib.SMTPException as error:  # e.g. STARTTLS unsupported: retrying cannot help
            self.close()
            raise Permanent(str(error)) from None
        except OSError as error:  # refused, unreachable, timed out (SMTPException is an OSError too)
            self.close()
            raise Transient(f"connection failed: {error or type(error).__name__}") from None

    def close(self) -> None:
        """Drop the SMTP connection (the next message opens a new one)."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass

    def __call__(self, batch_df, batch_id: int) -> None:
        needed = placeholders(self.subject_template) + placeholders(self.body_template)
        check_columns(self.name, self.endpoint, needed, batch_df.columns)
        self.write_rows(rows_of(batch_df))

    def write_rows(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Send one email per row, at most max_per_batch; return how many were sent.

        Rows past the limit are counted in `skipped` and logged, not sent. Raises ConnectorError on failure.
        """
        sent = skipped = 0
        try:
            for row in rows:
                if sent >= self.max_per_batch:
                    skipped += 1
                    continue
                message = self.message(row)
                try:
                    call_with_retries(lambda: self._send(message), self.policy)
                except (Transient, Permanent) as error:
                    raise ConnectorError(self.name, self.endpoint, str(error), error.attempts) from None
                sent += 1
        finally:
            self.close()
        if skipped:
            self.skipped += skipped
            log.warning("%s: %d emails over the limit of %d per micro-batch were not sent",
                        self.name, skipped, self.max_per_batch)
        return sent
