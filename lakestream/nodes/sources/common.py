"""Fields shared by source nodes: a required declared schema and HTTP authentication by secret reference."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from lakestream.nodes.fields import Columns, Model, SecretRef


def _has_columns(columns):
    if not columns:
        raise ValueError("Declare at least one column, e.g. [{name: 'id', type: 'string'}]")
    return columns


# A declared schema that must list at least one column.
RequiredColumns = Annotated[Columns, AfterValidator(_has_columns)]


def schema_field(description: str = "Columns of each record (name and Spark type)", *, optional: bool = False):
    """The `schema` config key of a source (stored as `schema`, held in the `schema_` attribute)."""
    if optional:
        return Field((), alias="schema", description=description)
    return Field(alias="schema", description=description)


class HttpAuth(Model):
    """HTTP authentication whose credentials are Databricks secret references, never literals."""

    auth: Literal["none", "bearer", "basic"] = Field("none", description="How requests authenticate")
    token: SecretRef | None = Field(None, description="Secret holding the bearer token (auth = bearer)")
    username: SecretRef | None = Field(None, description="Secret holding the user name (auth = basic)")
    password: SecretRef | None = Field(None, description="Secret holding the password (auth = basic)")

    @model_validator(mode="after")
    def _credentials_present(self):
        needed = {"none": (), "bearer": ("token",), "basic": ("username", "password")}[self.auth]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"auth = {self.auth} needs the secret reference(s) {', '.join(missing)}")
        return self
