"""Lakebase sink context: a LakebaseWriter in foreachBatch; Databricks resolves the instance and an OAuth
token, the local profile connects to the PostgreSQL named by libpq's PG* environment variables."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sinks import sink_context
from lakestream.sparksql.escape import Code, py


def _credentials(view) -> Code:
    config = view.config
    password = _runtime.secret(view, config.password)
    if view.local:
        _runtime.runtime_import(view, "lakebase_sink", "local_credentials")
        view.warn(f"Local profile: writes to database {config.database} of the PostgreSQL server named by "
                  "PGHOST, PGPORT, PGUSER and PGPASSWORD instead of the Lakebase instance", "instance")
        _runtime.warn_local_secrets(view, "password")
        return Code(f"local_credentials({py(config.database)}, user={py(config.user)}, password={password})")
    _runtime.runtime_import(view, "lakebase_sink", "databricks_credentials")
    return Code(f"databricks_credentials({py(config.instance)}, {py(config.database)}, user={py(config.user)}, "
                f"password={password})")


def context(view) -> dict:
    config = view.config
    arguments = [
        ("credentials", _credentials(view)),
        ("table", config.table),
        ("mode", config.mode),
        ("keys", list(config.keys)),
        ("name", _runtime.display_name(view, "Lakebase sink")),
    ]
    return sink_context(view, "lakebase_sink", "LakebaseWriter", arguments)


CONTEXTS = {"lakebase_sink": context}
