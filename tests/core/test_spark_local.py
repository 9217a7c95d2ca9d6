"""run_queries starts a job's queries again only when a Python process missed Spark's fixed 10 s wait."""

from __future__ import annotations

import pytest

from lakestream.spark_local import WORKER_START_TIMEOUT, run_queries


class Query:
    def __init__(self, error: str | None, active: bool = False):
        self.error, self.isActive, self.waited = error, active, None

    def awaitTermination(self, timeout):  # noqa: N802 - pyspark's name
        self.waited = timeout

    def exception(self):
        return None if self.error is None else RuntimeError(self.error)

    def stop(self):
        self.isActive = False


def starts(*runs):
    """A `start` returning each run's queries in turn, and the list of the runs it was called for."""
    called = []

    def start():
        called.append(runs[len(called)])
        return called[-1]
    return start, called


def test_a_worker_that_missed_the_10_s_wait_starts_the_job_again_from_its_checkpoints():
    still_running = Query(None, active=True)
    first = [Query(f"[STREAM_FAILED] ... {WORKER_START_TIMEOUT}. SQLSTATE: XXKST"), still_running]
    second = [Query(None), Query(None)]
    start, called = starts(first, second)
    assert run_queries(start, timeout=7) is second
    assert called == [first, second] and not still_running.isActive and second[0].waited == 7


@pytest.mark.parametrize("error", [None, "division by zero"])
def test_any_other_end_is_returned_as_it_is(error):
    only = [Query(error)]
    start, called = starts(only, [Query(None)])
    assert run_queries(start, timeout=1) is only and called == [only]


def test_at_most_three_starts_then_the_failure_is_the_callers():
    runs = [[Query(WORKER_START_TIMEOUT)] for _ in range(4)]
    start, called = starts(*runs)
    assert run_queries(start, timeout=1) is runs[2] and len(called) == 3
