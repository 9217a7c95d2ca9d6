"""SQL warehouse sink: inserts each micro-batch into a table through a Databricks SQL warehouse, with the
Statement Execution API (`w.statement_execution.execute_statement`).

Every value is a named parameter marker (`:v12`) with its SQL type; the statement text holds only the
table and column names, quoted as identifiers. Spark renders each value as the string the warehouse
casts back (timestamps with their UTC offset, binary as base64, arrays / maps / structs as JSON read
with `from_json`), so nothing a row contains becomes SQL. A statement that the warehouse is still
running after `wait_seconds` is polled until it finishes or `statement_timeout` passes (then
cancelled). A replayed micro-batch inserts its rows again (at least once).

The workspace is the one databricks-sdk's unified authentication finds: on Databricks the identity
running the job; elsewhere DATABRICKS_HOST / DATABRICKS_TOKEN or DATABRICKS_CONFIG_PROFILE.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

from .batches import chunks, rows_of
from .errors import ConnectorError

_DONE = ("SUCCEEDED", "FAILED", "CANCELED", "CLOSED")


def quote(name: str) -> str:
    """A backticked identifier (backticks doubled), as Databricks SQL reads it."""
    return "`" + name.replace("`", "``") + "`"


def column_plan(field) -> tuple[str, str, str | None]:
    """(Spark expression rendering the column as a string, SQL value around the marker `{p}`, parameter type)."""
    from pyspark.sql import types as T

    kind, column = field.dataType, quote(field.name)
    if isinstance(kind, T.StringType):
        return column, "{p}", "STRING"
    if isinstance(kind, T.TimestampNTZType):
        return f"date_format({column}, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSS\")", "{p}", "TIMESTAMP_NTZ"
    if isinstance(kind, T.TimestampType):  # the offset keeps the instant whatever the session time zones
        return f"date_format({column}, \"yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX\")", "{p}", "TIMESTAMP"
    if isinstance(kind, T.BinaryType):
        return f"base64({column})", "unbase64({p})", "STRING"
    if isinstance(kind, (T.ArrayType, T.MapType, T.StructType)):
        return f"to_json({column})", "from_json({p}, {s})", "STRING"
    return f"CAST({column} AS STRING)", "{p}", kind.simpleString().upper()


class WarehouseWriter:
    """A foreachBatch function inserting rows into `table` (catalog.schema.table) through a SQL warehouse."""

    def __init__(self, warehouse_id: str, table: str, *, client: Callable[[], Any] | None = None,
                 rows_per_statement: int = 200, wait_seconds: int = 30, statement_timeout: float = 600.0,
                 poll_seconds: float = 1.0, name: str = "SQL warehouse sink"):
        parts = table.split(".")
        if len(parts) != 3 or not all(parts):
            raise ConnectorError(name, f"warehouse {warehouse_id}", f"table must be catalog.schema.table, not {table!r}")
        self.warehouse_id, self.table, self.name = warehouse_id, table, name
        self.target = ".".join(quote(p) for p in parts)
        self.endpoint = f"warehouse {warehouse_id} table {table}"
        self._client_factory = client
        self._client = None
        self.rows_per_statement = max(1, rows_per_statement)
        self.wait_seconds = min(50, max(5, int(wait_seconds)))  # the API takes 0 or 5..50 s
        self.statement_timeout, self.poll_seconds = statement_timeout, poll_seconds

    def _error(self, cause: str) -> ConnectorError:
        return ConnectorError(self.name, self.endpoint, cause)

    def client(self):
        if self._client is None:
            if self._client_factory is not None:
                self._client = self._client_factory()
            else:
                from databricks.sdk import WorkspaceClient

                self._client = WorkspaceClient()
            host = getattr(getattr(self._client, "config", None), "host", None)
            if host:
                self.endpoint = f"{host} warehouse {self.warehouse_id} table {self.table}"
        return self._client

    # -- statements ----------------------------------------------------------------------------
    def statement(self, plans: Sequence[tuple[str, str, str | None]], columns: Sequence[str], rows: int) -> str:
        """`INSERT INTO t (cols) VALUES (:v0, :v1), …` for `rows` rows; markers are v<row*ncols+col>."""
        width = len(columns)
        groups = []
        for r in range(rows):
            items = [plan[1].format(p=f":v{r * width + c}", s=f":s{c}") for c, plan in enumerate(plans)]
            groups.append("(" + ", ".join(items) + ")")
        return (f"INSERT INTO {self.target} ({', '.join(quote(c) for c in columns)}) VALUES "
                + ", ".join(groups))

    def parameters(self, plans, columns: Sequence[str], rows: list[dict[str, Any]], schemas: dict[int, str]):
        from databricks.sdk.service.sql import StatementParameterListItem as Item

        width = len(columns)
        out = [Item(name=f"s{c}", value=ddl, type="STRING") for c, ddl in sorted(schemas.items())]
        for r, row in enumerate(rows):
            for c, column in enumerate(columns):
                value = row[column]
                out.append(Item(name=f"v{r * width + c}", value=None if value is None else str(value),
                                type=plans[c][2]))
        return out

    def execute(self, statement: str, parameters) -> Any:
        from databricks.sdk.service.sql import ExecuteStatementRequestOnWaitTimeout, StatementState

        w = self.client()
        try:
            response = w.statement_execution.execute_statement(
                statement=statement, warehouse_id=self.warehouse_id, parameters=parameters,
                wait_timeout=f"{self.wait_seconds}s", on_wait_timeout=ExecuteStatementRequestOnWaitTimeout.CONTINUE)
            deadline = time.monotonic() + self.statement_timeout
            while response.status is not None and response.status.state.value not in _DONE:
                if time.monotonic() > deadline:
                    w.statement_execution.cancel_execution(response.statement_id)
                    raise self._error(f"the statement did not finish within {self.statement_timeout:g} s (cancelled)")
                time.sleep(self.poll_seconds)
                response = w.statement_execution.get_statement(response.statement_id)
        except ConnectorError:
            raise
        except Exception as error:  # HTTP errors after the SDK's own retries: permission, unknown warehouse…
            raise self._error(f"{type(error).__name__}: {str(error).splitlines()[0][:300]}") from None
        state = response.status.state if response.status else None
        if state != StatementState.SUCCEEDED:
            error = response.status.error if response.status else None
            detail = (error.message if error and error.message else "no detail").splitlines()[0][:300]
            raise self._error(f"the statement {state.value if state else 'UNKNOWN'}: {detail}")
        return response

    # -- foreachBatch --------------------------------------------------------------------------
    def __call__(self, batch_df, batch_id: int) -> None:
        fields = list(batch_df.schema.fields)
        if not fields:
            return
        plans = [column_plan(f) for f in fields]
        columns = [f.name for f in fields]
        schemas = {c: f.dataType.simpleString() for c, f in enumerate(fields) if "{s}" in plans[c][1]}
        rendered = batch_df.select(*[_alias(plan[0], c) for c, plan in enumerate(plans)])
        for chunk in chunks(rows_of(rendered), self.rows_per_statement):
            rows = [{columns[c]: row[f"c{c}"] for c in range(len(columns))} for row in chunk]
            self.execute(self.statement(plans, columns, len(rows)),
                         self.parameters(plans, columns, rows, schemas))


def _alias(expression: str, index: int):
    from pyspark.sql import functions as F

    return F.expr(expression).alias(f"c{index}")
