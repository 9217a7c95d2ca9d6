"""Retries with exponential backoff for connectors: transient failures are retried, others fail at once."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, TypeVar

T = TypeVar("T")


class Transient(Exception):
    """A failure worth retrying (timeout, refused connection, HTTP 5xx/429, SMTP 4xx).

    `retry_after` is a delay the server asked for (seconds), honoured up to `RetryPolicy.max_delay`.
    """

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class Permanent(Exception):
    """A failure that retrying cannot fix (bad credentials, HTTP 4xx, SQL error)."""


@dataclass(frozen=True)
class RetryPolicy:
    """`retries` extra attempts after the first; the n-th wait is backoff * 2**(n-1), at most max_delay."""

    retries: int = 3
    backoff: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = self.backoff * (2 ** (attempt - 1))
        if retry_after is not None:
            wait = max(wait, retry_after)
        return min(wait, self.max_delay)


def call_with_retries(
    action: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None] = time.sleep
) -> tuple[T, int]:
    """Run `action` until it succeeds; return (result, attempts used).

    Raises the last `Transient` when retries run out, or a `Permanent` at once; the caller turns
    either into a ConnectorError carrying the attempt count (`error.attempts` is set on it).
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return action(), attempt
        except Permanent as error:
            error.attempts = attempt  # type: ignore[attr-defined]
            raise
        except Transient as error:
            error.attempts = attempt  # type: ignore[attr-defined]
            if attempt > policy.retries:
                raise
            sleep(policy.delay(attempt, error.retry_after))
