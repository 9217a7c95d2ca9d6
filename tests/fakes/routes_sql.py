"""Fake routes: SQL warehouses and the Statement Execution API, for INSERT … VALUES with parameter markers.

A statement is parsed with sqlglot (Databricks dialect); the fake executes `INSERT INTO t [(cols)] VALUES
(…), …` whose values are named parameter markers, `unbase64(:p)` or `from_json(:p, :schema)`, into the
tables seeded with `fake.add_table`, and keeps the rows in `fake.table_rows[full_name]`. As the real
API does, a statement that cannot run is answered 200 with `status.state = FAILED` and an error whose
message starts with the Databricks error class ([TABLE_OR_VIEW_NOT_FOUND], [UNBOUND_SQL_PARAMETER],
[CAST_INVALID_INPUT] …); a request the API refuses (unknown warehouse, bad fields) is an HTTP error.

Controls: `add_warehouse(id, name, state="RUNNING")`, `statement_polls` (how many reads a statement
stays RUNNING before its outcome shows, to exercise polling), `statements` (id -> response).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import re
import uuid

from databricks.sdk.service import sql as sql_svc

from .validation import ApiError, check_body, check_params

_INTS = {"TINYINT": 8, "SMALLINT": 16, "INT": 32, "INTEGER": 32, "BIGINT": 64}


class _Failed(Exception):
    """The statement failed on the warehouse (answered 200 with state FAILED)."""


def _cast(value: str | None, type_name: str | None, name: str):
    """The value of a parameter after `cast(value AS type)`, as the warehouse checks it."""
    if value is None:
        return None
    kind = (type_name or "STRING").upper().strip()
    try:
        if kind == "STRING":
            return value
        if kind in _INTS:
            number = int(value.strip())
            if not -(2 ** (_INTS[kind] - 1)) <= number < 2 ** (_INTS[kind] - 1):
                raise ValueError(value)
            return number
        if kind in ("DOUBLE", "FLOAT", "REAL"):
            return float(value)
        if kind.startswith("DECIMAL"):
            return decimal.Decimal(value)
        if kind == "BOOLEAN":
            if value.strip().lower() not in ("true", "false"):
                raise ValueError(value)
            return value.strip().lower() == "true"
        if kind == "DATE":
            return dt.date.fromisoformat(value.strip())
        if kind in ("TIMESTAMP", "TIMESTAMP_LTZ"):
            stamp = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)  # session time zone: UTC
            return stamp.astimezone(dt.timezone.utc)
        if kind == "TIMESTAMP_NTZ":
            return dt.datetime.fromisoformat(value.strip())
    except (ValueError, ArithmeticError):
        raise _Failed(f"[CAST_INVALID_INPUT] The value '{value}' of the type \"STRING\" cannot be cast to "
                      f"\"{kind}\" because it is malformed (parameter {name}).") from None
    raise _Failed(f"[INVALID_PARAMETER_MARKER_VALUE] The parameter {name} has an unsupported type {kind}.")


def install(fake) -> None:
    fake.warehouses = {}  # id -> {"name", "state"}
    fake.statements = {}  # statement_id -> {"response": dict, "polls": int}
    fake.table_rows = {}  # full table name -> [row dict]
    fake.statement_polls = 0

    def add_warehouse(warehouse_id: str, name: str = "Starter warehouse", state: str = "RUNNING") -> None:
        with fake.lock:
            fake.warehouses[warehouse_id] = {"name": name, "state": state}

    fake.add_warehouse = add_warehouse

    def value_of(node, params: dict):
        import sqlglot.expressions as exp

        if isinstance(node, exp.Placeholder):
            name = node.name
            if name not in params:
                raise _Failed(f"[UNBOUND_SQL_PARAMETER] Found the unbound parameter: {name}.")
            return _cast(params[name].get("value"), params[name].get("type"), name)
        if isinstance(node, exp.Null):
            return None
        if isinstance(node, exp.FromBase64):
            text = value_of(node.this, params)
            return None if text is None else base64.b64decode(text)
        if isinstance(node, exp.FromJson) or (isinstance(node, exp.Anonymous) and node.name.lower() == "from_json"):
            args = [node.this, node.expression] if isinstance(node, exp.FromJson) else node.expressions
            text, schema = (value_of(a, params) for a in args)
            if not schema:
                raise _Failed("[INVALID_SCHEMA] from_json needs a schema.")
            return None if text is None else json.loads(text)
        raise _Failed(f"[UNSUPPORTED_FEATURE] The fake warehouse cannot evaluate {node.sql('databricks')}.")

    def run_insert(statement: str, params: dict) -> int:
        import sqlglot
        import sqlglot.expressions as exp
        from sqlglot.errors import ParseError

        try:
            tree = sqlglot.parse_one(statement, read="databricks")
        except ParseError as error:
            raise _Failed(f"[PARSE_SYNTAX_ERROR] Syntax error: {str(error).splitlines()[0]}") from None
        if not isinstance(tree, exp.Insert) or not isinstance(tree.expression, exp.Values):
            raise _Failed("[UNSUPPORTED_FEATURE] The fake warehouse runs INSERT INTO … VALUES only.")
        target = tree.this
        table = target.this if isinstance(target, exp.Schema) else target
        parts = [table.catalog, table.db, table.name]
        full = ".".join(parts)
        columns_of = fake.catalogs.get(parts[0], {}).get(parts[1], {}).get(parts[2])
        if not all(parts) or columns_of is None:
            raise _Failed(f"[TABLE_OR_VIEW_NOT_FOUND] The table or view `{'`.`'.join(parts)}` cannot be found.")
        table_columns = [c for c, _ in columns_of]
        named = [i.name for i in target.expressions] if isinstance(target, exp.Schema) else table_columns
        unknown = [c for c in named if c not in table_columns]
        if unknown:
            raise _Failed(f"[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column `{unknown[0]}` cannot be resolved "
                          f"in {full}. Did you mean one of {table_columns}?")
        rows = []
        for values in tree.expression.expressions:
            items = values.expressions
            if len(items) != len(named):
                raise _Failed(f"[INSERT_COLUMN_ARITY_MISMATCH] Cannot write to {full}: {len(named)} columns, "
                              f"{len(items)} values.")
            row = dict.fromkeys(table_columns)
            row.update({c: value_of(v, params) for c, v in zip(named, items)})
            rows.append(row)
        with fake.lock:
            fake.table_rows.setdefault(full, []).extend(rows)
        return len(rows)

    def response(statement_id: str, state: str, count: int | None = None, error: str | None = None) -> dict:
        out: dict = {"statement_id": statement_id, "status": {"state": state}}
        if error is not None:
            out["status"]["error"] = {"error_code": "BAD_REQUEST", "message": error}
        if count is not None:
            columns = [{"name": n, "type_name": "LONG", "type_text": "BIGINT", "position": i}
                       for i, n in enumerate(("num_affected_rows", "num_inserted_rows"))]
            out["manifest"] = {"format": "JSON_ARRAY", "schema": {"column_count": 2, "columns": columns},
                               "total_chunk_count": 1, "total_row_count": 1, "truncated": False}
            out["result"] = {"chunk_index": 0, "row_offset": 0, "row_count": 1,
                             "data_array": [[str(count), str(count)]]}
        return sql_svc.StatementResponse.from_dict(out).as_dict()

    def execute(request):
        body = check_params(sql_svc.StatementExecutionAPI.execute_statement, request.json)
        for item in body.get("parameters") or []:
            check_body(sql_svc.StatementParameterListItem, item, required=("name",))
        if not body.get("statement") or not body.get("warehouse_id"):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", "statement and warehouse_id are required")
        wait = body.get("wait_timeout", "10s")
        seconds = re.fullmatch(r"(\d+)s", wait or "")
        if not seconds or not (int(seconds.group(1)) == 0 or 5 <= int(seconds.group(1)) <= 50):
            raise ApiError(400, "INVALID_PARAMETER_VALUE", f"wait_timeout must be 0s or 5s..50s, not {wait!r}")
        warehouse = fake.warehouses.get(body["warehouse_id"])
        if warehouse is None:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Warehouse {body['warehouse_id']} does not exist.")
        statement_id = str(uuid.uuid4())
        params = {p["name"]: p for p in body.get("parameters") or []}
        try:
            outcome = response(statement_id, "SUCCEEDED", run_insert(body["statement"], params))
        except _Failed as failure:
            outcome = response(statement_id, "FAILED", error=str(failure))
        polls = fake.statement_polls
        with fake.lock:
            fake.statements[statement_id] = {"response": outcome, "polls": polls}
        if polls and body.get("on_wait_timeout") == "CANCEL":
            fake.statements[statement_id]["response"] = response(statement_id, "CANCELED")
            return fake.statements[statement_id]["response"]
        return outcome if not polls else response(statement_id, "RUNNING")

    def entry_of(statement_id: str) -> dict:
        entry = fake.statements.get(statement_id)
        if entry is None:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Statement {statement_id} does not exist.")
        return entry

    def get(request, statement_id):
        with fake.lock:
            entry = entry_of(statement_id)
            if entry["polls"] > 0:
                entry["polls"] -= 1
                return response(statement_id, "RUNNING")
            return entry["response"]

    def cancel(request, statement_id):
        with fake.lock:
            entry = entry_of(statement_id)
            if entry["polls"] > 0:
                entry["polls"] = 0
                entry["response"] = response(statement_id, "CANCELED")
        return {}

    def get_warehouse(request, warehouse_id):
        warehouse = fake.warehouses.get(warehouse_id)
        if warehouse is None:
            raise ApiError(404, "RESOURCE_DOES_NOT_EXIST", f"Warehouse {warehouse_id} does not exist.")
        return sql_svc.GetWarehouseResponse.from_dict({"id": warehouse_id, **warehouse}).as_dict()

    def list_warehouses(request):
        items = [{"id": i, **w} for i, w in sorted(fake.warehouses.items())]
        return sql_svc.ListWarehousesResponse.from_dict({"warehouses": items}).as_dict()

    fake.routes += [
        ("POST", re.compile(r"/api/2\.0/sql/statements/?"), execute),
        ("GET", re.compile(r"/api/2\.0/sql/statements/([^/]+)"), get),
        ("POST", re.compile(r"/api/2\.0/sql/statements/([^/]+)/cancel"), cancel),
        ("GET", re.compile(r"/api/2\.0/sql/warehouses/([^/]+)"), get_warehouse),
        ("GET", re.compile(r"/api/2\.0/sql/warehouses"), list_warehouses),
    ]
