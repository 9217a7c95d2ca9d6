"""Auto Loader source: picks up new files in a cloud folder or volume as they arrive."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.base import Category, Inputs, NodeType, Schema, schema_of
from lakestream.nodes.fields import Columns, Model, RequiredText, SparkColumns, declared_schema
from lakestream.nodes.sources.common import schema_field


def _path(value: str) -> str:
    value = value.strip()
    if any(ch in value for ch in "\n\r\t'\"") or not (value.startswith("/") or "://" in value):
        raise ValueError(
            f"{value!r} is not a folder path: write /Volumes/catalog/schema/volume/folder or s3://bucket/prefix"
        )
    return value


def _delimiter(value: str) -> str:
    if len(value) != 1:
        raise ValueError(f"{value!r} is not a delimiter: give exactly one character, such as , or ;")
    return value


class Config(Model):
    path: Annotated[RequiredText, AfterValidator(_path)] = Field(
        description="Folder the files land in: a volume path or cloud URI"
    )
    format: Literal["json", "csv", "parquet", "avro", "text"] = Field(description="File format")
    schema_: Columns = schema_field("Columns of each record; empty lets Auto Loader infer them", optional=True)
    schema_hints: SparkColumns | None = Field(
        None, description="Types for some inferred columns, as Spark DDL: 'amount DOUBLE, ts TIMESTAMP'"
    )
    schema_location: str | None = Field(
        None, description="Where Auto Loader keeps the inferred schema (needed when inferring)"
    )
    header: bool = Field(True, description="CSV: the first line holds the column names")
    delimiter: Annotated[str, AfterValidator(_delimiter)] = Field(",", description="CSV: the field separator")
    multiline: bool = Field(False, description="JSON: one record may span several lines")

    @model_validator(mode="after")
    def _inference_needs_location(self):
        if not self.schema_ and self.format != "text" and not self.schema_location:
            raise ValueError("Declare the schema, or give schema_location so Auto Loader can infer and keep it")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    if config.format == "text":
        return schema_of(("value", "string"))
    # An inferred schema is only known after a first read: it propagates as empty (unknown).
    return declared_schema(config.schema_)


EXAMPLE = {
    "path": "/Volumes/main/iot/landing/readings",
    "format": "json",
    "schema": [
        {"name": "device_id", "type": "string"},
        {"name": "temperature", "type": "double"},
        {"name": "ts", "type": "timestamp"},
    ],
}

NODE = NodeType(
    type="auto_loader",
    name="Auto Loader (files)",
    category=Category.SOURCE,
    description="Reads new files from a folder as they arrive (json, csv, parquet, avro, text).",
    icon="folder_open",
    config=Config,
    output_schema=output_schema,
    inputs=(),
    example=EXAMPLE,
)
