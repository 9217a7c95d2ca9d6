"""REST polling source: a PySpark Python data source that polls a JSON endpoint with urllib.

    spark.dataSource.register(RestDataSource)
    spark.readStream.format("lakestream_rest").option("url", "https://api/events")
        .option("json_path", "data.items").option("schema", "id STRING, ts TIMESTAMP").load()

Every poll (at most one per `poll_interval` seconds, when Spark asks for new data) adds the records
found at `json_path` in the response. Options: url, schema (DDL), json_path, poll_interval, method,
headers (JSON object), auth (none/bearer/basic) with token or username/password (values, resolved
from secrets by the caller), timeout, retries, backoff. A poll that still fails after its retries
fails the query with the endpoint and the cause.
"""

from __future__ import annotations

import json
import time

from pyspark.sql.datasource import DataSource
from pyspark.sql.types import StructType

from .buffered import BufferedStreamReader
from .errors import ConnectorError, safe_endpoint
from .records import json_path, records_of, struct_converter
from .retry import Permanent, RetryPolicy, Transient, call_with_retries
from .web import auth_headers, request


class RestDataSource(DataSource):
    """Registered as format "lakestream_rest"."""

    @classmethod
    def name(cls) -> str:
        return "lakestream_rest"

    def schema(self) -> str:
        declared = self.options.get("schema")
        if not declared:
            raise ConnectorError("REST source", safe_endpoint(self.options.get("url", "?")),
                                 "option 'schema' (the records' columns as DDL) is required")
        return declared

    def streamReader(self, schema: StructType) -> "RestStreamReader":
        return RestStreamReader(schema, self.options)


class RestStreamReader(BufferedStreamReader):
    """Polls from the driver when Spark asks for the latest offset."""

    def __init__(self, schema: StructType, options):
        super().__init__(int(options.get("max_buffered", 100_000)))
        self._url = options.get("url", "")
        self._endpoint = safe_endpoint(self._url)
        self._method = options.get("method", "GET").upper()
        self._path = options.get("json_path", "")
        self._interval = float(options.get("poll_interval", 10))
        self._timeout = float(options.get("timeout", 30))
        self._policy = RetryPolicy(int(options.get("retries", 3)), float(options.get("backoff", 1.0)))
        self._convert = struct_converter(schema)
        self._last_poll: float | None = None
        try:
            extra = json.loads(options.get("headers") or "{}")
            if not isinstance(extra, dict):
                raise ValueError("headers must be a JSON object")
            self._headers = {"Accept": "application/json", **{str(k): str(v) for k, v in extra.items()}}
            self._headers.update(auth_headers(options.get("auth", "none"), options.get("token"),
                                              options.get("username"), options.get("password")))
        except ValueError as error:
            raise ConnectorError("REST source", self._endpoint, str(error)) from None

    def _poll(self) -> None:
        now = time.monotonic()
        if self._last_poll is not None and now - self._last_poll < self._interval:
            return
        self._last_poll = now
        call = lambda: request(self._url, method=self._method, headers=self._headers, timeout=self._timeout)
        try:
            response, _ = call_with_retries(call, self._policy)
        except (Transient, Permanent) as error:
            raise ConnectorError("REST source", self._endpoint, str(error), error.attempts) from None
        try:
            document = json.loads(response.body) if response.body.strip() else []
        except ValueError:
            raise ConnectorError("REST source", self._endpoint, "the response is not JSON") from None
        found = json_path(document, self._path) if self._path else document
        if found is None:
            return  # the path is absent in this response: no records this time
        rows = [self._convert(record) for record in records_of(found)]
        self._append([row for row in rows if row is not None])
