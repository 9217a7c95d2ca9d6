"""Deploy options, as the deploy dialog and `lakestream deploy` collect them, validated with clear messages."""

from __future__ import annotations

import re
import zoneinfo
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from lakestream.errors import UserError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_QUARTZ_FIELD = re.compile(r"^[0-9A-Za-z*?/,#LW-]+$")
# Serverless job environment version used for SSS tasks (NOTES.md: verified with databricks-sdk 0.162).
ENVIRONMENT_VERSION = "4"


class DeployOptions(BaseModel):
    """Everything a deploy needs besides the pipeline itself. Defaults: serverless, manual, start now."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    target: Literal["auto", "sdp-sql", "sdp-python", "sss", "hybrid"] | None = Field(
        None, description="Code target; empty uses the pipeline's own code_target"
    )
    compute: Literal["serverless", "new_cluster", "existing_cluster"] = Field(
        "serverless", description="Serverless (default), a new job cluster, or an existing cluster"
    )
    spark_version: str = Field("16.4.x-scala2.12", description="Runtime of a new cluster")
    node_type_id: str = Field("i3.xlarge", description="Node type of a new cluster")
    num_workers: int = Field(1, ge=0, le=1000, description="Workers of a new cluster")
    cluster_id: str | None = Field(None, description="The existing cluster to run on")
    schedule: Literal["continuous", "cron", "manual"] = Field(
        "manual", description="Run continuously, on a Quartz cron schedule, or only when started"
    )
    cron: str | None = Field(None, description="Quartz cron expression, e.g. 0 0/15 * * * ?")
    timezone: str = Field("UTC", description="Time zone of the cron schedule, e.g. Europe/Berlin")
    catalog: str | None = Field(None, description="Unity Catalog catalog; empty uses the pipeline settings")
    schema_: str | None = Field(None, alias="schema", description="Schema; empty uses the pipeline settings")
    checkpoint_root: str | None = Field(None, description="Root folder of the streaming checkpoints")
    start: bool = Field(True, description="Start the pipeline update / job run after deploying")

    @field_validator("catalog", "schema_")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not _IDENTIFIER.match(value):
            raise ValueError(f"{value!r} is not a catalog or schema name: use letters, digits and underscores")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones() and value != "UTC":
            raise ValueError(f"{value!r} is not a time zone: use an IANA name such as Europe/Berlin or UTC")
        return value

    @field_validator("checkpoint_root")
    @classmethod
    def _checkpoint(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not re.match(r"^(/Volumes/|/Workspace/|dbfs:/|s3://|abfss://|gs://)", value) or "\x00" in value:
            raise ValueError(f"{value!r} is not a checkpoint location: use /Volumes/<catalog>/<schema>/<volume>/...")
        return value.rstrip("/")

    @model_validator(mode="after")
    def _consistent(self):
        if self.schedule == "cron":
            fields = (self.cron or "").split()
            if not 6 <= len(fields) <= 7 or not all(_QUARTZ_FIELD.match(f) for f in fields):
                raise ValueError(
                    "A cron schedule needs a Quartz expression of 6 or 7 fields, e.g. '0 0/15 * * * ?' (every 15 minutes)"
                )
        if self.compute == "existing_cluster" and not self.cluster_id:
            raise ValueError("Choose the existing cluster to run on (cluster_id)")
        return self


def parse_options(values: dict) -> DeployOptions:
    """DeployOptions from plain values; a UserError naming each wrong field instead of a traceback."""
    try:
        return DeployOptions.model_validate(values)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            where = ".".join(str(p) for p in item["loc"]).replace("schema_", "schema")
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise UserError("Invalid deploy options: " + "; ".join(problems)) from None
