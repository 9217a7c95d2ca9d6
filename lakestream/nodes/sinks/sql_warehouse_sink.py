"""SQL warehouse sink: inserts each micro-batch into a table through a Databricks SQL warehouse."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from lakestream.nodes.base import SSS_ONLY, Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, TableName


def _warehouse_id(value: str) -> str:
    if not re.match(r"^[0-9a-f]{16}$", value or ""):
        raise ValueError(
            f"{value!r} is not a warehouse id: 16 hexadecimal characters, as in /sql/1.0/warehouses/<id>"
        )
    return value


class Config(Model):
    warehouse_id: Annotated[str, AfterValidator(_warehouse_id)] = Field(
        description="SQL warehouse id (the last part of its HTTP path)"
    )
    table: TableName = Field(description="Target table, catalog.schema.table")


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


EXAMPLE = {"warehouse_id": "1a2b3c4d5e6f7a8b", "table": "main.ops.sla_breaches"}

NODE = NodeType(
    type="sql_warehouse_sink",
    name="SQL warehouse table",
    category=Category.SINK,
    description="Inserts rows into a table through a SQL warehouse (Statement Execution API).",
    icon="storage",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,  # foreachBatch
    outputs=(),
    example=EXAMPLE,
    docs="""Each micro-batch becomes `INSERT INTO <table> (<columns>) VALUES (:v0, …), …` statements of at
most 200 rows, run on the warehouse with `w.statement_execution.execute_statement`: every value is a
typed parameter marker (timestamps with their UTC offset, binary through `unbase64`, arrays, maps and
structs through `from_json`), never SQL text; a statement still running after 30 s is polled until it
ends (cancelled after 10 minutes); a failed statement stops the query with one line naming the sink,
the warehouse and the warehouse's error. A replayed micro-batch inserts its rows again (at least
once). The workspace is the job's own identity on Databricks; locally (`lakestream run`) the one that
DATABRICKS_HOST / DATABRICKS_TOKEN or DATABRICKS_CONFIG_PROFILE name.""",
)
