"""Contexts of the remaining sources: Delta table, Auto Loader, Event Hubs, Kinesis, CDC, custom Python, simulator."""

from __future__ import annotations

import ast

from lakestream.codegen.connectors._runtime import tolerate_metrics
from lakestream.sparksql.escape import Code, ident, py, spark_type, sql
from lakestream.codegen.nodes._common import local_source, secret_py, secret_sql
from lakestream.codegen.nodes.kafka_source import _avro_schema, security_options, security_secrets
from lakestream.nodes.fields import declared_schema
from lakestream.sparksql.types import FRACTIONAL, INTEGRAL, columns_text, is_timestamp
from lakestream.nodes.sources.stream_simulator import PROFILE_KEYS


def _remote_note(view, what: str, field: str) -> None:
    if view.local:
        view.warn(f"Local profile: reads JSON lines from a folder instead of {what}", field)


def delta_table_source(view) -> dict:
    config = view.config
    _remote_note(view, "the Delta table", "table")
    options = []
    if config.starting_version is not None:
        options.append(("startingVersion", str(config.starting_version)))
    if config.skip_change_commits:
        options.append(("skipChangeCommits", "true"))
    if config.read_change_feed:
        options.append(("readChangeFeed", "true"))
    return {"table": config.table, "options": options, **local_source(view)}


def auto_loader(view) -> dict:
    config = view.config
    options = [("cloudFiles.format", config.format)]
    if config.schema_location:
        options.append(("cloudFiles.schemaLocation", config.schema_location))
    if config.schema_hints:  # an option value, written as a literal; re-rendered from its parse tree all the same
        options.append(("cloudFiles.schemaHints", columns_text(config.schema_hints, quote_all=True)))
    format_options = []
    if config.format == "csv":
        format_options += [("header", str(config.header).lower()), ("delimiter", config.delimiter)]
    if config.format == "json" and config.multiline:
        format_options.append(("multiLine", "true"))
    local_format = config.format
    if view.local:
        view.warn(f"Local profile: reads {'json' if config.format == 'avro' else config.format} files from the "
                  f"folder INPUT_ROOT/{view.id} instead of Auto Loader on {config.path}", "path")
    if view.local and config.format == "avro":
        view.warn("Local profile: Avro is not available offline; the folder is read as JSON lines", "format")
        local_format = "json"
    ddl = view.schema_ddl(declared_schema(config.schema_)) if config.schema_ else None
    return {"path": config.path, "format": config.format, "local_format": local_format, "options": options,
            "format_options": format_options, "schema_ddl": ddl, **local_source(view)}


def _kafka_like(view, value_format: str, schema) -> dict:
    return {"value_format": value_format, "value_schema": view.schema_ddl(schema),
            "avro_schema": _avro_schema(view.config), "registry": None, "topic": "", "headers": False}


def event_hubs_source(view) -> dict:
    """Event Hubs through its Kafka-compatible endpoint; the connection string comes from a secret."""
    config = view.config
    _remote_note(view, "Event Hubs", "namespace")
    python = view.target != "sdp-sql"
    secret = (secret_py if python else secret_sql)(config.connection_secret)
    module = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"$ConnectionString\" password=\""
    if python:
        jaas = Code(f"{ident_py(module)} + {secret} + '\";'")
        if not view.local:
            view.need("from pyspark.dbutils import DBUtils")
    else:
        jaas = Code(f"concat({sql(module)}, {secret}, '\\\";')")
    options = [
        ("bootstrapServers" if not python else "kafka.bootstrap.servers", f"{config.namespace}.servicebus.windows.net:9093"),
        ("subscribe", config.event_hub),
        ("startingOffsets", config.starting_position),
        ("kafka.group.id", config.consumer_group),
        ("kafka.security.protocol", "SASL_SSL"),
        ("kafka.sasl.mechanism", "PLAIN"),
    ]
    if config.value_format == "avro" and not view.local:
        view.need("from pyspark.sql.avro.functions import from_avro")
    return {"options": options, "secrets": [("kafka.sasl.jaas.config", jaas)],
            **_kafka_like(view, config.value_format, declared_schema(config.schema_)), **local_source(view)}


def ident_py(text: str) -> Code:
    return py(text)


def kinesis_source(view) -> dict:
    config = view.config
    _remote_note(view, "Kinesis", "stream_name")
    python = view.target != "sdp-sql"
    options = [("streamName", config.stream_name), ("region", config.region),
               ("initialPosition", {"latest": "latest", "trim_horizon": "trim_horizon",
                                    "at_timestamp": "at_timestamp"}[config.initial_position])]
    if config.initial_position == "at_timestamp" and config.initial_timestamp is not None:
        options.append(("initialPositionTimestamp", config.initial_timestamp.isoformat()))
    if config.auth == "role" and config.role_arn:
        options.append(("roleArn", config.role_arn))
    secrets = []
    if config.auth == "access_keys":
        secret = secret_py if python else secret_sql
        secrets = [("awsAccessKey", secret(config.access_key)), ("awsSecretKey", secret(config.secret_key))]
        if python and not view.local:
            view.need("from pyspark.dbutils import DBUtils")
    if config.value_format == "avro" and not view.local:
        view.need("from pyspark.sql.avro.functions import from_avro")
    return {"options": options, "secrets": secrets, "value_format": config.value_format,
            "value_schema": view.schema_ddl(declared_schema(config.schema_)),
            "avro_schema": _avro_schema(config), **local_source(view)}


def cdc_stream(view) -> dict:
    """Change events flattened to the row image plus _change_type, _commit_version, _commit_timestamp."""
    config = view.config
    _remote_note(view, "the change feed", "source_kind")
    row = declared_schema(config.schema_)
    columns = [ident(c.name) for c in row]
    if config.cdc_format == "debezium":
        envelope = (f"struct<before: struct<{_struct(row)}>, after: struct<{_struct(row)}>, op: string, "
                    "ts_ms: bigint, source: struct<lsn: bigint>>")
        image = [Code(f"coalesce(e.after.{c}, e.before.{c}) AS {c}") for c in columns]
        change = ("CASE e.op WHEN 'c' THEN 'insert' WHEN 'r' THEN 'insert' WHEN 'u' THEN 'update_postimage' "
                  "WHEN 'd' THEN 'delete' END")
        version, stamp = "coalesce(e.source.lsn, e.ts_ms)", "timestamp_millis(e.ts_ms)"
    else:  # maxwell
        envelope = f"struct<data: struct<{_struct(row)}>, type: string, ts: bigint, xid: bigint>"
        image = [Code(f"e.data.{c} AS {c}") for c in columns]
        change = "CASE e.type WHEN 'insert' THEN 'insert' WHEN 'update' THEN 'update_postimage' ELSE e.type END"
        version, stamp = "coalesce(e.xid, e.ts)", "timestamp_seconds(e.ts)"
    items = image + [Code(f"{change} AS `_change_type`"), Code(f"CAST({version} AS BIGINT) AS `_commit_version`"),
                     Code(f"{stamp} AS `_commit_timestamp`")]
    options, secrets = [], []
    if config.source_kind == "kafka":
        options = [("kafka.bootstrap.servers" if view.target != "sdp-sql" else "bootstrapServers",
                    config.bootstrap_servers), ("subscribe", config.topic), ("startingOffsets", "earliest"),
                   *security_options(config)]
        secrets = security_secrets(view, python=view.target != "sdp-sql")
    return {"secrets": secrets, "kind": config.source_kind, "delta_cdf": config.cdc_format == "delta_cdf", "table": config.source_table,
            "options": options, "envelope": envelope, "items": items, "select": Code(", ".join(items)),
            "row_columns": columns + [Code("`_change_type`"), Code("`_commit_version`"), Code("`_commit_timestamp`")],
            **local_source(view)}


def _struct(schema) -> str:
    return ", ".join(f"{ident(c.name)}: {spark_type(c.type)}" for c in schema)


def custom_python_source(view) -> dict:
    """The user's reader is compiled at run time from a literal and wrapped in a registered DataSource."""
    config = view.config
    tree = ast.parse(config.code)
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    reader = classes[-1]
    simple = any("Simple" in ast.unparse(b) for b in reader.bases)
    view.need("from pyspark.sql.datasource import DataSource")
    return {"source_name": Code(f"{view.name.upper()}_SOURCE"), "source": config.code, "reader": reader.name,
            "simple": simple, "source_class": Code("".join(p.title() for p in view.name.split("_")) + "DataSource"),
            "format_name": f"lakestream_{view.name}", "schema_ddl": view.schema_ddl(view.schema_out),
            "late_imports": tolerate_metrics(view)}


def stream_simulator(view) -> dict:
    """Deterministic events from the rate-micro-batch source: every value is a hash of (row number, seed)."""
    config = view.config
    key = PROFILE_KEYS.get(config.profile)
    seed = int(config.seed)
    items = []
    for column in view.schema_out:
        h = f"xxhash64(value, {seed}, {sql(column.name)})"
        kind = column.type
        if column.name == key:
            value = f"concat({sql(column.name + '-')}, CAST(pmod(xxhash64(value, {seed}), {config.keys}) AS STRING))"
        elif is_timestamp(kind):
            # rate's wall-clock time on Databricks; locally event i happens at i / events_per_second seconds
            value = f"timestamp_millis(value * 1000 DIV {config.events_per_second})" if view.local else "timestamp"
        elif kind in FRACTIONAL or kind.startswith("decimal"):
            value = f"round(pmod({h}, 100000) / 100.0, 2)"
            if config.anomaly_rate:
                value = (f"CASE WHEN pmod(xxhash64(value, {seed}, 'anomaly'), 1000000) < "
                         f"{int(config.anomaly_rate * 1_000_000)} THEN {value} * 10 ELSE {value} END")
        elif kind in INTEGRAL:
            value = f"pmod({h}, 10) + 1"
        elif kind == "boolean":
            value = f"pmod({h}, 2) = 0"
        elif kind == "date":
            value = "to_date(timestamp)"
        else:
            value = f"concat({sql(column.name + '-')}, CAST(pmod({h}, 10) AS STRING))"
        items.append(Code(f"CAST({value} AS {spark_type(kind)}) AS {ident(column.name)}"))
    if view.local:
        view.warn("Local profile: events come in one batch (max_events, else events_per_second rows) with event "
                  "times spaced 1/events_per_second apart", "events_per_second")
    rows = (config.max_events or config.events_per_second) if view.local else config.events_per_second
    return {"rows_per_batch": rows, "max_events": config.max_events, "items": items}


CONTEXTS = {
    "delta_table_source": delta_table_source,
    "auto_loader": auto_loader,
    "event_hubs_source": event_hubs_source,
    "kinesis_source": kinesis_source,
    "cdc_stream": cdc_stream,
    "custom_python_source": custom_python_source,
    "stream_simulator": stream_simulator,
}
