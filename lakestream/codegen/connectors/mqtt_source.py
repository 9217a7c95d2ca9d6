"""MQTT source context: the lakestream_mqtt Python data source with its broker options and secrets."""

from __future__ import annotations

from lakestream.codegen.connectors import _runtime
from lakestream.codegen.connectors._sources import source_context
from lakestream.nodes.fields import declared_schema


def context(view) -> dict:
    config = view.config
    options = [
        ("broker_url", config.broker_url),
        ("topic_filter", config.topic_filter),
        ("qos", str(config.qos)),
        # A declared `topic` column is the message's topic (as the node's output schema says).
        ("schema", view.schema_ddl(declared_schema(tuple(c for c in config.schema_ if c.name != "topic")))),
    ]
    if config.client_id:
        # A fixed client id resumes its broker session: QoS 1/2 messages wait while the query is down.
        options += [("client_id", config.client_id), ("clean_session", "false")]
    secrets = []
    if config.username is not None:
        secrets = [("username", _runtime.secret(view, config.username)),
                   ("password", _runtime.secret(view, config.password))]
    if view.local:
        view.warn("Local profile: reads sample events from the node's input folder when it exists, else subscribes "
                  "to broker_url (a local broker) and takes the messages it delivers on connecting", "broker_url")
        _runtime.warn_local_secrets(view, "username", "password")
    return source_context(view, "mqtt_source", "MqttDataSource", "lakestream_mqtt", options, secrets)


CONTEXTS = {"mqtt_source": context}
