"""AWS Kinesis source: reads a data stream, authenticated by instance profile, role or secret keys."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.base import Category, Inputs, NodeType, Schema
from lakestream.nodes.fields import Model, SecretRef, declared_schema
from lakestream.nodes.sources.common import RequiredColumns, schema_field


def _stream(value: str) -> str:
    if not re.match(r"^[A-Za-z0-9_.\-]{1,128}$", value or ""):
        raise ValueError(f"{value!r} is not a Kinesis stream name: 1-128 letters, digits, '_', '-' or '.'")
    return value


def _region(value: str) -> str:
    if not re.match(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$", value or ""):
        raise ValueError(f"{value!r} is not an AWS region: write something like us-east-1 or eu-west-2")
    return value


def _role(value: str) -> str:
    if not re.match(r"^arn:aws[a-z\-]*:iam::\d{12}:role/[\w+=,.@\-/]+$", value or ""):
        raise ValueError(f"{value!r} is not a role ARN: write arn:aws:iam::123456789012:role/name")
    return value


class Config(Model):
    stream_name: Annotated[str, AfterValidator(_stream)] = Field(description="Kinesis data stream name")
    region: Annotated[str, AfterValidator(_region)] = Field(description="AWS region of the stream, like us-east-1")
    initial_position: Literal["latest", "trim_horizon", "at_timestamp"] = Field(
        "latest", description="Where a new query starts: newest, oldest retained, or a point in time"
    )
    initial_timestamp: datetime | None = Field(None, description="Start time (initial_position = at_timestamp)")
    auth: Literal["instance_profile", "role", "access_keys"] = Field(
        "instance_profile", description="How to authenticate to AWS"
    )
    role_arn: Annotated[str, AfterValidator(_role)] | None = Field(None, description="IAM role to assume (auth = role)")
    access_key: SecretRef | None = Field(None, description="Secret holding the access key id (auth = access_keys)")
    secret_key: SecretRef | None = Field(None, description="Secret holding the secret access key (auth = access_keys)")
    value_format: Literal["json", "avro"] = Field("json", description="Encoding of each record's data")
    schema_: RequiredColumns = schema_field("Columns of each record")

    @model_validator(mode="after")
    def _consistent(self):
        if self.initial_position == "at_timestamp" and self.initial_timestamp is None:
            raise ValueError("initial_position = at_timestamp needs initial_timestamp")
        if self.auth == "role" and self.role_arn is None:
            raise ValueError("auth = role needs role_arn")
        if self.auth == "access_keys" and (self.access_key is None or self.secret_key is None):
            raise ValueError("auth = access_keys needs the secret references access_key and secret_key")
        return self


def output_schema(config: Config, inputs: Inputs) -> Schema:
    return declared_schema(config.schema_)


EXAMPLE = {
    "stream_name": "vehicle-positions",
    "region": "eu-west-1",
    "initial_position": "trim_horizon",
    "auth": "role",
    "role_arn": "arn:aws:iam::123456789012:role/kinesis-reader",
    "schema": [
        {"name": "vehicle_id", "type": "string"},
        {"name": "lat", "type": "double"},
        {"name": "lon", "type": "double"},
        {"name": "ts", "type": "timestamp"},
    ],
}

NODE = NodeType(
    type="kinesis_source",
    name="AWS Kinesis",
    category=Category.SOURCE,
    description="Reads records from an AWS Kinesis data stream.",
    icon="waves",
    config=Config,
    output_schema=output_schema,
    inputs=(),
    example=EXAMPLE,
)
