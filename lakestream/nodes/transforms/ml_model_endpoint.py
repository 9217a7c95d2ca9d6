"""Model serving endpoint: scores each row with a Databricks model serving endpoint."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from lakestream.nodes.base import (
    ALL_TARGETS, PYTHON_TARGETS, Category, Column, Inputs, NodeType, Schema, Target, merge_schema,
)
from lakestream.nodes.fields import Duration, Model, Name, SparkType
from lakestream.nodes.transforms.common import KeyColumns


def _endpoint(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$", value or ""):
        raise ValueError(
            f"{value!r} is not a serving endpoint name: up to 63 letters, digits, '-' or '_' (like fraud-scorer)"
        )
    return value


class Config(Model):
    endpoint: Annotated[str, AfterValidator(_endpoint)] = Field(description="Model serving endpoint name")
    input_columns: KeyColumns = Field(description="Columns sent to the model as its input features")
    output_column: Name = Field(description="Column receiving the prediction")
    output_type: SparkType = Field(description="Spark type of the prediction: double, string, array<double>, …")
    invocation: Literal["ai_query", "pandas_udf"] = Field(
        "ai_query", description="ai_query (SQL function, all targets) or a pandas UDF calling the REST API (Python)"
    )
    batch_size: int = Field(100, ge=1, le=10_000, description="Rows per request (pandas UDF)")
    timeout: Duration = Field(
        "30 seconds", description="Longest wait for one request (pandas UDF only: ai_query has no per-call timeout)"
    )
    fallback_value: str | None = Field(
        None, description="Value (as text, cast to output_type) used when the call fails; empty: the row fails"
    )


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return merge_schema(inputs.one(), (Column(config.output_column, config.output_type),))


def supports(config: Config) -> frozenset[Target]:
    return ALL_TARGETS if config.invocation == "ai_query" else PYTHON_TARGETS


EXAMPLE = {
    "endpoint": "fraud-scorer",
    "input_columns": ["amount", "merchant", "country"],
    "output_column": "fraud_score",
    "output_type": "double",
    "invocation": "ai_query",
    "fallback_value": "0.0",
}

NODE = NodeType(
    type="ml_model_endpoint",
    name="Model serving endpoint",
    category=Category.TRANSFORM,
    description="Adds a prediction from a model serving endpoint to each row.",
    icon="psychology",
    config=Config,
    output_schema=output_schema,
    supports=supports,
    example=EXAMPLE,
)
