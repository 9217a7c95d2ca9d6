"""Helpers shared by node contexts: local file-folder stand-ins, sink write options, column lists."""

from __future__ import annotations

from lakestream.codegen.escape import Code, ident, py, sql
from lakestream.nodes.fields import SecretRef


def local_source(view, schema=None) -> dict:
    """What the local profile reads instead of a remote source: a folder of JSON lines named after the node."""
    root = "input_root" if view.target == "sss" else "INPUT_ROOT"
    return {
        "local_path": Code(f"{root} + {py('/' + view.id)}"),
        "local_schema": view.schema_ddl(view.schema_out if schema is None else schema),
    }


def local_sink(view) -> dict:
    """Where the local profile writes a sink's rows instead: a parquet folder named after the node."""
    return {"local_path": Code(f"output_root + {py('/' + view.id)}")}


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
