"""REST source context: the lakestream_rest Python data source polling an endpoint, auth from secrets."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sources import source_context
from lakestream.nodes.fields import declared_schema


def context(view) -> dict:
    config = view.config
    options = [
        ("url", config.url),
        ("poll_interval", repr(_runtime.seconds(config.poll_interval))),
        ("schema", view.schema_ddl(declared_schema(config.schema_))),
    ]
    if config.json_path:
        options.append(("json_path", config.json_path))
    auth = _runtime.auth_arguments(view)
    options.append(("auth", config.auth))
    secrets = [(key, value) for key, value in auth if key != "auth"]
    if view.local:
        view.warn("Local profile: reads sample events from the node's input folder when it exists, else polls the "
                  "url once (a local server)", "url")
    return source_context(view, "rest_source", "RestDataSource", "lakestream_rest", options, secrets)


CONTEXTS = {"rest_webhook_source": context}
