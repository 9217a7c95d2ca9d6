"""Kafka source context: connection options, value decoding, Kafka metadata columns, security from secrets."""

from __future__ import annotations

from lakestream.codegen.connectors._runtime import runtime_import
from lakestream.codegen.nodes._common import interval, local_source, secret_py, secret_sql
from lakestream.sparksql.escape import Code, py, sql
from lakestream.nodes.fields import declared_schema
from lakestream.nodes.sources.kafka_source import event_time_column
from lakestream.sparksql.types import is_timestamp

_LOGIN_MODULES = {
    "PLAIN": "org.apache.kafka.common.security.plain.PlainLoginModule",
    "SCRAM-SHA-256": "org.apache.kafka.common.security.scram.ScramLoginModule",
    "SCRAM-SHA-512": "org.apache.kafka.common.security.scram.ScramLoginModule",
}


def _options(config) -> list[tuple[str, object]]:
    """Plain (non-secret) reader options, in a stable order."""
    options: list[tuple[str, object]] = [("kafka.bootstrap.servers", config.bootstrap_servers)]
    if config.subscribe_pattern:
        options.append(("subscribePattern", config.topics[0]))
    else:
        options.append(("subscribe", ",".join(config.topics)))
    if config.starting_offsets == "timestamp":
        options.append(("startingTimestamp", str(config.starting_timestamp)))
    else:
        options.append(("startingOffsets", config.starting_offsets))
    if config.consumer_group:
        options.append(("kafka.group.id", config.consumer_group))
    if getattr(config, "include_headers", False):
        options.append(("includeHeaders", "true"))
    return options + security_options(config)


def security_options(config) -> list[tuple[str, object]]:
    """The plain security options of a KafkaSecurity config (source, sink and CDC stream alike)."""
    options: list[tuple[str, object]] = [("kafka.security.protocol", config.security_protocol)]
    if config.sasl_mechanism and config.security_protocol.startswith("SASL"):
        options.append(("kafka.sasl.mechanism", config.sasl_mechanism))
    if config.ssl_truststore_location:
        options.append(("kafka.ssl.truststore.location", config.ssl_truststore_location))
    return options


def security_secrets(view, python: bool) -> list[tuple[str, Code]]:
    """The secret security options (JAAS line, truststore password), read at run time; imports DBUtils if needed."""
    config = view.config
    secret = secret_py if python else secret_sql
    secrets = []
    jaas = _jaas(config, secret)
    if jaas is not None:
        secrets.append(("kafka.sasl.jaas.config", jaas))
    if config.ssl_truststore_password:
        secrets.append(("kafka.ssl.truststore.password", secret(config.ssl_truststore_password)))
    if python and secrets and not view.local:
        view.need("from pyspark.dbutils import DBUtils")
    return secrets


def _jaas(config, secret) -> Code | None:
    """The JAAS line for SASL, with user and password read from secrets at run time."""
    if not config.security_protocol.startswith("SASL"):
        return None
    module = _LOGIN_MODULES[config.sasl_mechanism]
    if secret is secret_py:
        return Code(f"{py(module + ' required username=')} + '\"' + {secret(config.sasl_username)} + "
                    f"'\" password=\"' + {secret(config.sasl_password)} + '\";'")
    return Code(f"concat({sql(module + ' required username=')}, '\\\"', {secret(config.sasl_username)}, "
                f"'\\\" password=\\\"', {secret(config.sasl_password)}, '\\\";')")


def context(view) -> dict:
    config = view.config
    python = view.target != "sdp-sql"
    secrets = security_secrets(view, python)
    if view.local:
        view.warn("Local profile: reads JSON lines from a folder instead of Kafka", "bootstrap_servers")
    if config.value_format == "avro" and not view.local:
        view.need("from pyspark.sql.avro.functions import from_avro")
        if config.schema_registry_url and python:
            # open-source Spark's from_avro cannot read a registry: the shipped runtime fetches the subject's
            # schemas and strips the wire format's 5-byte header (Databricks keeps its native options)
            runtime_import(view, "confluent_avro", "from_confluent_avro, on_databricks")
    return {
        "options": [("bootstrapServers" if k == "kafka.bootstrap.servers" and not python else k, v)
                    for k, v in _options(config)],
        "secrets": secrets,
        "value_format": config.value_format,
        "value_schema": view.schema_ddl(declared_schema(config.schema_)),
        "avro_schema": _avro_schema(config) if config.value_format == "avro" else "",
        "registry": config.schema_registry_url,
        "headers": config.include_headers,
        "topic": config.topics[0],
        "watermark": _watermark(config),
        **local_source(view),
    }


def _watermark(config) -> dict | None:
    """The source's watermark: its event-time column (event_time, else the Kafka timestamp) and delay; or None."""
    if config.watermark_delay is None:
        return None
    return {"column": event_time_column(config), "delay": config.watermark_delay,
            "interval": interval(config.watermark_delay)}


_AVRO_TYPES = {"string": "string", "int": "int", "integer": "int", "bigint": "long", "long": "long",
               "double": "double", "float": "float", "boolean": "boolean", "binary": "bytes"}


def _avro_schema(config) -> str:
    """An Avro record schema (JSON) of the declared columns; timestamps as timestamp-millis longs."""
    import json

    fields = []
    for column in config.schema_:
        if is_timestamp(column.type):
            avro = {"type": "long", "logicalType": "timestamp-millis"}
        elif column.type == "date":
            avro = {"type": "int", "logicalType": "date"}
        else:
            avro = _AVRO_TYPES.get(column.type, "string")
        fields.append({"name": column.name, "type": ["null", avro]})
    return json.dumps({"type": "record", "name": "value", "fields": fields})


CONTEXTS = {"kafka_source": context}
