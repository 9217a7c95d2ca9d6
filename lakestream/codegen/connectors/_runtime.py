"""Helpers of the connector contexts: ship the runtime package, read secrets per profile, build call arguments."""

from __future__ import annotations

from pathlib import Path

from lakestream.sparksql.escape import Code, py
from lakestream.codegen.shipping import RuntimePackage
import lakestream.connectors
from lakestream.connectors.secrets import env_name
from lakestream.durations import duration_seconds
from lakestream.nodes.fields import SecretRef

RUNTIME = RuntimePackage("lakestream_connectors", Path(lakestream.connectors.__file__).parent)
PACKAGE = RUNTIME.package


def ship(view, module: str) -> None:
    """Write the runtime modules a node uses beside the generated code, as the package lakestream_connectors."""
    RUNTIME.ship(view, module)


def runtime_import(view, module: str, name: str) -> None:
    """Import a runtime name in the generated code, and ship its module."""
    ship(view, module)
    view.need(f"from {PACKAGE}.{module} import {name}")


def late_imports(view) -> bool:
    """Local SDP Python: spark-pipelines does not put the project folder on sys.path, so the generated
    file adds it and imports the runtime after that, not among the imports at the top."""
    return view.local and view.target == "sdp-python"


def tolerate_metrics(view) -> list[tuple[Code, Code]]:
    """Local SDP Python: ship oss_pipelines and return its late import; the template registers the
    data source, then calls it, since open-source spark-pipelines 4.3 stops on a Python data source's
    metrics otherwise. Elsewhere: nothing."""
    if not late_imports(view):
        return []
    view.warn("Local profile: the data source is registered, then tolerate_observed_metrics() is called "
              "(open-source spark-pipelines 4.3 would stop on its profiler metrics)")
    ship(view, "oss_pipelines")
    view.need("import os", "import sys")
    return [(Code(f"{PACKAGE}.oss_pipelines"), Code("tolerate_observed_metrics"))]


def secret(view, ref: SecretRef | None) -> Code:
    """Code reading a secret at run time: dbutils on Databricks, an environment variable locally."""
    if ref is None:
        return py(None)
    if view.local:
        if late_imports(view):
            ship(view, "secrets")  # imported by the template, after the runtime folder is on sys.path
        else:
            runtime_import(view, "secrets", "local_secret")
        return Code(f"local_secret({py(ref.scope)}, {py(ref.key)})")
    view.need("from pyspark.dbutils import DBUtils")
    return Code(f"DBUtils(spark).secrets.get(scope={py(ref.scope)}, key={py(ref.key)})")


def warn_local_secrets(view, *fields: str) -> None:
    """Say, once per secret field in use, where the local run reads it from."""
    for field in fields:
        ref = getattr(view.config, field)
        if ref is not None:
            view.warn(f"Local profile: the secret {ref.scope}/{ref.key} is read from the environment variable "
                      f"{env_name(ref.scope, ref.key)}", field)


def arguments(*pairs: tuple[str, object]) -> list[tuple[Code, Code]]:
    """Keyword arguments for a runtime call: values already Code stay as they are, others become literals."""
    return [(Code(name), value if isinstance(value, Code) else py(value)) for name, value in pairs]


def seconds(duration: str) -> float:
    """A normalised duration ("10 seconds") as seconds."""
    return float(duration_seconds(duration))


def display_name(view, kind: str) -> str:
    """How errors name the node: "<kind> '<label>'"."""
    return f"{kind} '{view.label}'"


def auth_arguments(view) -> list[tuple[str, object]]:
    """auth/token/username/password of an HttpAuth config, secrets read at run time."""
    config = view.config
    pairs: list[tuple[str, object]] = [("auth", config.auth)]
    if config.auth == "bearer":
        pairs.append(("token", secret(view, config.token)))
    elif config.auth == "basic":
        pairs += [("username", secret(view, config.username)), ("password", secret(view, config.password))]
    if view.local:
        warn_local_secrets(view, *{"bearer": ("token",), "basic": ("username", "password")}.get(config.auth, ()))
    return pairs
