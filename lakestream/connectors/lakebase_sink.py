"""Lakebase sink: writes each micro-batch into a PostgreSQL table with psycopg, append or upsert.

Upsert is `INSERT … ON CONFLICT (keys) DO UPDATE`; rows repeating a key inside one micro-batch are
reduced to the last one first (PostgreSQL refuses to update a row twice in one statement). Every
identifier goes through psycopg.sql.Identifier and every value is a bound parameter. A micro-batch
is one transaction, so a replayed batch re-appends (append) or rewrites the same rows (upsert).

`credentials` is a function returning connection keywords (host, port, dbname, user, password,
sslmode…); it is called on every (re)connection, so short-lived Lakebase OAuth tokens stay fresh —
see `databricks_credentials`.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any, Callable, Iterable, Mapping, Sequence

from .batches import chunks, rows_of
from .errors import ConnectorError
from .placeholders import json_default
from .retry import Permanent, RetryPolicy, Transient, call_with_retries

MODES = ("append", "upsert")

_PG_TYPES = {
    "string": "text", "boolean": "boolean", "tinyint": "smallint", "smallint": "smallint", "int": "integer",
    "bigint": "bigint", "float": "real", "double": "double precision", "date": "date",
    "timestamp": "timestamptz", "timestamp_ntz": "timestamp", "binary": "bytea",
}


def local_credentials(database: str, user: str | None = None, password: str | None = None) -> dict[str, Any]:
    """Connection keywords for a local PostgreSQL standing in for Lakebase: host, port, user and
    password not given here come from libpq's PGHOST, PGPORT, PGUSER and PGPASSWORD variables."""
    params: dict[str, Any] = {"dbname": database}
    if user:
        params["user"] = user
    if password is not None:
        params["password"] = password
    return params


def postgres_type(spark_type: str) -> str:
    """The PostgreSQL column type for a Spark simple type string (nested types are stored as jsonb)."""
    if spark_type.startswith("decimal"):
        return spark_type.replace("decimal", "numeric")
    return _PG_TYPES.get(spark_type, "jsonb")


def databricks_credentials(instance: str, database: str, user: str | None = None,
                           password: str | None = None) -> Callable[[], dict[str, Any]]:
    """Connection keywords for a Lakebase database instance (needs databricks-sdk, present on
    Databricks runtimes): a native Postgres login when `password` is given, else the identity
    running the code with a fresh OAuth token on each call."""

    def credentials() -> dict[str, Any]:
        from databricks.sdk import WorkspaceClient

        client = WorkspaceClient()
        host = client.database.get_database_instance(name=instance).read_write_dns
        login, secret = user, password
        if secret is None:
            secret = client.database.generate_database_credential(
                request_id=str(uuid.uuid4()), instance_names=[instance]).token
            login = login or client.current_user.me().user_name
        return {"host": host, "port": 5432, "dbname": database, "user": login, "password": secret,
                "sslmode": "require"}

    return credentials


class LakebaseWriter:
    """A foreachBatch function writing rows into `table` ("schema.table" or "table")."""

    def __init__(self, credentials: Callable[[], Mapping[str, Any]] | Mapping[str, Any], table: str, *,
                 mode: str = "append", keys: Sequence[str] = (), create_table: bool = False,
                 connect_timeout: int = 10, statement_timeout_ms: int = 60_000, retries: int = 3,
                 backoff: float = 1.0, rows_per_statement: int = 1000, name: str = "Lakebase sink"):
        self._credentials = credentials if callable(credentials) else (lambda: dict(credentials))
        self.name = name
        self.table = table
        self.endpoint = f"table {table}"
        parts = table.split(".")
        if not 1 <= len(parts) <= 2 or not all(parts):
            raise self._error(f"table must be 'schema.table' or 'table', not {table!r}")
        if mode not in MODES:
            raise self._error(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if mode == "upsert" and not keys:
            raise self._error("upsert needs the key columns of the table's primary key or unique index")
        self.parts, self.mode, self.keys = parts, mode, tuple(keys)
        self.create_table = create_table
        self.connect_timeout, self.statement_timeout_ms = connect_timeout, statement_timeout_ms
        self.rows_per_statement = rows_per_statement
        self.policy = RetryPolicy(retries, backoff)
        self._conn = None

    def _error(self, cause: str, attempts: int = 1) -> ConnectorError:
        return ConnectorError(self.name, self.endpoint, cause, attempts)

    # -- SQL -----------------------------------------------------------------------------------
    def insert_sql(self, columns: Sequence[str]):
        from psycopg import sql

        statement = sql.SQL("INSERT INTO {table} ({columns}) VALUES ({values})").format(
            table=sql.Identifier(*self.parts),
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            values=sql.SQL(", ").join(sql.Placeholder() * len(columns)),
        )
        if self.mode == "append":
            return statement
        updates = [c for c in columns if c not in self.keys]
        action = sql.SQL("DO NOTHING") if not updates else sql.SQL("DO UPDATE SET {}").format(
            sql.SQL(", ").join(sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in updates))
        return sql.SQL("{} ON CONFLICT ({}) {}").format(
            statement, sql.SQL(", ").join(map(sql.Identifier, self.keys)), action)

    def create_sql(self, schema: Sequence[tuple[str, str]]):
        """CREATE TABLE IF NOT EXISTS from (column, Spark type) pairs; upsert keys become the primary key."""
        from psycopg import sql

        columns = [sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(postgres_type(kind)))
                   for name, kind in schema]
        if self.keys:
            columns.append(sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(map(sql.Identifier, self.keys))))
        return sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
            sql.Identifier(*self.parts), sql.SQL(", ").join(columns))

    # -- connection ----------------------------------------------------------------------------
    def _connect(self):
        import psycopg

        params = dict(self._credentials())
        host = params.get("host") or os.environ.get("PGHOST", "localhost")
        port = params.get("port") or os.environ.get("PGPORT", 5432)
        self.endpoint = f"postgresql://{host}:{port}/{params.get('dbname', '')} table {self.table}"
        params.setdefault("connect_timeout", self.connect_timeout)
        params.setdefault("options", f"-c statement_timeout={int(self.statement_timeout_ms)}")
        return psycopg.connect(**params)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _run(self, work: Callable[[Any], None], columns: Sequence[str] = ()) -> None:
        """Run `work(connection)` in one transaction, retrying on connection trouble."""
        import psycopg

        def attempt() -> None:
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = self._connect()
                with self._conn.transaction():
                    work(self._conn)
            except psycopg.OperationalError as error:
                self.close()
                raise Transient(_first_line(error)) from None
            except psycopg.Error as error:
                code = f" [{error.sqlstate}]" if error.sqlstate else ""
                hint = ""
                if error.sqlstate == "42703" and columns:  # undefined column
                    hint = (f"; the table needs every column of the stream ({', '.join(columns)}): "
                            "select fewer columns upstream or add them to the table")
                raise Permanent(_first_line(error) + code + hint) from None

        try:
            call_with_retries(attempt, self.policy)
        except (Transient, Permanent) as error:
            raise self._error(str(error), error.attempts) from None

    # -- writing -------------------------------------------------------------------------------
    def __call__(self, batch_df, batch_id: int) -> None:
        schema = [(f.name, f.dataType.simpleString()) for f in batch_df.schema.fields]
        missing = [k for k in self.keys if k not in batch_df.columns]
        if missing:
            raise self._error(f"key columns {', '.join(missing)} are not in the stream ({', '.join(batch_df.columns)})")
        if self.create_table:
            self._run(lambda conn: conn.execute(self.create_sql(schema)))
        self.write_rows(rows_of(batch_df), [name for name, _ in schema])

    def write_rows(self, rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> int:
        """Write the rows (dicts with `columns`) in one transaction; return how many were written."""
        values = [tuple(_adapt(row.get(c)) for c in columns) for row in rows]
        if self.mode == "upsert":
            positions = [columns.index(k) for k in self.keys]
            latest = {tuple(v[p] for p in positions): v for v in values}  # last row per key wins
            values = list(latest.values())
        if not values:
            return 0
        statement = self.insert_sql(columns)

        def work(conn) -> None:
            with conn.cursor() as cursor:
                for chunk in chunks(values, self.rows_per_statement):
                    cursor.executemany(statement, chunk)

        self._run(work, columns)
        return len(values)


def _adapt(value: Any) -> Any:
    """Nested rows and maps go to jsonb; Spark's bytearray to bytes."""
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
        from psycopg.types.json import Jsonb

        return Jsonb(value, dumps=lambda document: json.dumps(document, default=json_default))
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
