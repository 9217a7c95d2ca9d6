"""Helpers shared by node contexts: local file-folder stand-ins, sink write options, column lists."""

from __future__ import annotations

from lakestream.sparksql.escape import Code, ident, py, sql
from lakestream.durations import normalise_duration
from lakestream.nodes.fields import SecretRef


def local_source(view, schema=None) -> dict:
    """What the local profile reads instead of a remote source: a folder of JSON lines named after the node."""
    root = "input_root" if view.target == "sss" else "INPUT_ROOT"
    return {
        "local_path": Code(f"{root} + {py('/' + view.id)}"),
        "local_schema": view.schema_ddl(view.schema_out if schema is None else schema),  # "" for no columns
    }


def local_sink(view) -> dict:
    """Where the local profile writes a sink's rows instead: a parquet folder named after the node."""
    return {"local_path": Code(f"output_root + {py('/' + view.id)}")}


def warn_local_write(view, table: str, field: str = "table", what: str = "table", suffix: str = "") -> None:
    """Local profile: say where a table sink's rows go instead of `table` (docs/codegen.md promises it)."""
    if not view.local:
        return
    if view.target == "sss":
        where = f"the parquet folder OUTPUT_ROOT/{view.id}{suffix}"
    else:
        where = f"the pipeline's own local table {view.name}{suffix} (parquet)"
    view.warn(f"Local profile: rows are written to {where} instead of {what} {table}", field)


def checkpoint(view, custom: str | None = None) -> Code:
    """The checkpoint location of a sink query: the configured one, else one folder per query under the root."""
    if custom:
        return py(custom)
    return Code(f"checkpoint_root + {py('/' + view.name)}")


def columns(names) -> Code:
    """A comma-separated list of quoted identifiers, for SQL."""
    return Code(", ".join(ident(n) for n in names))


def secret_py(ref: SecretRef) -> Code:
    """Python reading a Databricks secret at run time (never the value itself in code)."""
    return Code(f"DBUtils(spark).secrets.get(scope={py(ref.scope)}, key={py(ref.key)})")


def secret_sql(ref: SecretRef) -> Code:
    """SQL reading a Databricks secret at run time."""
    return Code(f"secret({sql(ref.scope)}, {sql(ref.key)})")


def interval(duration: str) -> Code:
    """A SQL interval literal of a validated duration ("10 minutes" -> INTERVAL 10 MINUTES)."""
    amount, unit = normalise_duration(duration).split()
    return Code(f"INTERVAL {int(amount)} {unit.rstrip('s').upper()}S")


def select_list(items) -> Code:
    """SQL select items (already code) joined for a SELECT clause."""
    return Code(", ".join(items))


def query(lines) -> dict:
    """A SQL query as its lines (SDP Python passes them to spark.sql one literal each) and as one text."""
    lines = [Code(line) for line in lines]
    return {"lines": lines, "text": Code("\n".join(lines))}


def aliased(columns) -> dict:
    """A projection (see `projection`) of (SQL text, alias) pairs: `text AS alias` items."""
    return projection(f"{text} AS {ident(alias)}" for text, alias in columns)


def projection(items) -> dict:
    """A one-stage projection as both a SQL select list and the items for selectExpr."""
    items = [Code(i) for i in items]
    return {"items": items, "select": select_list(items)}
