"""Lakebase sink: appends or upserts rows into a Postgres table of a Lakebase database instance."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.base import SSS_ONLY, Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import ColumnName, Model, SecretRef
from lakestream.nodes.transforms.common import unique

_PG_IDENT = r"[a-z_][a-z0-9_$]{0,62}"


def _instance(value: str) -> str:
    if not re.match(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", value or ""):
        raise ValueError(f"{value!r} is not a Lakebase instance name: lowercase letters, digits and hyphens")
    return value


def _database(value: str) -> str:
    if not re.match(rf"^{_PG_IDENT}$", value or ""):
        raise ValueError(f"{value!r} is not a Postgres database name: lowercase letters, digits and _ (like orders)")
    return value


def _pg_table(value: str) -> str:
    if not re.match(rf"^(?:{_PG_IDENT}\.)?{_PG_IDENT}$", value or ""):
        raise ValueError(f"{value!r} is not a Postgres table: write schema.table in lowercase (like public.alerts)")
    return value


class Config(Model):
    instance: Annotated[str, AfterValidator(_instance)] = Field(description="Lakebase database instance name")
    database: Annotated[str, AfterValidator(_database)] = Field(description="Postgres database in the instance")
    table: Annotated[str, AfterValidator(_pg_table)] = Field(description="Postgres table, schema.table")
    mode: Literal["append", "upsert"] = Field("append", description="append rows, or upsert on keys")
    keys: Annotated[tuple[ColumnName, ...], unique("Column")] = Field(
        (), description="Columns of the table's primary key (upsert)"
    )
    user: str | None = Field(None, description="Postgres role (default: the identity running the pipeline)")
    password: SecretRef | None = Field(
        None, description="Secret holding a native Postgres password (default: an OAuth token of the identity)"
    )

    @model_validator(mode="after")
    def _upsert_keys(self):
        if self.mode == "upsert" and not self.keys:
            raise ValueError("mode = upsert needs keys (the table's primary key columns)")
        if self.password is not None and self.user is None:
            raise ValueError("A password secret needs the Postgres user it belongs to")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return ()


EXAMPLE = {
    "instance": "fraud-serving",
    "database": "alerts",
    "table": "public.card_alerts",
    "mode": "upsert",
    "keys": ["match_id"],
}

NODE = NodeType(
    type="lakebase_sink",
    name="Lakebase (Postgres)",
    category=Category.SINK,
    description="Writes rows into a Lakebase Postgres table for low-latency serving.",
    icon="database",
    config=Config,
    output_schema=output_schema,
    targets=SSS_ONLY,  # foreachBatch
    outputs=(),
    example=EXAMPLE,
)
