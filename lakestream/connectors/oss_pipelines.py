"""Local runs only: lets open-source spark-pipelines 4.3 finish a run that reads a Python data source."""

from __future__ import annotations


def tolerate_observed_metrics() -> bool:
    """Make the spark-pipelines client skip observed-metrics responses; True when the client was patched.

    Every Python worker (a Python data source's planning and reading) reports its profiler accumulators;
    Spark Connect streams them to the client as `__python_accumulator__` observed metrics. In pyspark
    4.3.0 `SparkConnectClient.execute_command_as_iterator`, which the CLI's run loop reads, accepts only
    pipeline events and raises UNKNOWN_RESPONSE on them, after the rows were written. The fetch loop has
    already applied the accumulator updates, so skipping them loses nothing. The generated file calls
    this in the CLI process (spark-pipelines imports the transformations there); a client without the
    internals named here is left alone.
    """
    try:
        from pyspark.sql.connect.client.core import SparkConnectClient
    except ImportError:
        return False
    current = SparkConnectClient.execute_command_as_iterator
    if getattr(current, "lakestream_tolerant", False):
        return True
    if not all(hasattr(SparkConnectClient, n) for n in ("_execute_plan_request_with_metadata",
                                                        "_set_command_in_plan", "_execute_and_fetch_as_iterator")):
        return False

    def execute_command_as_iterator(self, command, observations=None):
        request = self._execute_plan_request_with_metadata()
        self._set_command_in_plan(request.plan, command)
        for response in self._execute_and_fetch_as_iterator(request, observations or {}):
            if isinstance(response, dict):  # a pipeline event; anything else is observed metrics
                yield response

    execute_command_as_iterator.lakestream_tolerant = True
    SparkConnectClient.execute_command_as_iterator = execute_command_as_iterator
    return True
