"""Real I/O for `lakestream run --io real`: the databricks profile's SSS code against Kafka and a local Delta warehouse.

What changes from the code a user deploys is only where it points: Kafka nodes' brokers (`--kafka-bootstrap`),
optionally their starting offsets (`--from-earliest`: `latest` becomes `earliest`), and table names, which lose their catalog (local Spark has
one catalog: `main.shop.orders` is the table `shop.orders` of the warehouse). Secrets are read from the environment
(LAKESTREAM_SECRET_<SCOPE>__<KEY>) by a stand-in for `pyspark.dbutils.DBUtils`, which open-source Spark lacks.
"""

from __future__ import annotations

import sys
import tempfile
import types
from dataclasses import dataclass
from pathlib import Path

from lakestream.codegen import CodegenError, generate
from lakestream.sparksql.escape import _split_table
from lakestream.connectors.secrets import MissingSecret, local_secret
from lakestream.errors import UserError
from lakestream.nodes.base import Category
from lakestream.nodes.fields import IDENTIFIER_RE
from lakestream.pipeline import load_pipeline
from lakestream.spark_local import io_conf, load_job, local_session

# Config fields naming a catalog table, per node type.
TABLE_FIELDS = {
    "delta_table_source": ("table",), "delta_table_sink": ("table",), "unity_catalog_table_sink": ("table",),
    "dead_letter_queue": ("table",), "cdc_stream": ("source_table",), "stream_static_join": ("table",),
    "lookup_enrichment": ("table",), "data_quality": ("quarantine_table",), "feature_store_sink": ("table",),
    "sql_warehouse_sink": ("table",),
}
KAFKA_NODES = {"kafka_source", "kafka_sink", "cdc_stream", "dead_letter_queue"}
DELTA_NODES = set(TABLE_FIELDS) - {"feature_store_sink", "sql_warehouse_sink"}
UNSUPPORTED = {"event_hubs_source": "Event Hubs (its code connects to <namespace>.servicebus.windows.net)",
               "kinesis_source": "Kinesis", "auto_loader": "Auto Loader (cloudFiles is Databricks-only)",
               "feature_store_sink": "the feature store", "sql_warehouse_sink": "a SQL warehouse",
               "ml_model_endpoint": "a model serving endpoint"}


@dataclass
class RealIO:
    """Where a real-I/O run points: the warehouse folder, a broker for every Kafka node, the jars folder."""

    warehouse: Path
    kafka_bootstrap: str | None = None
    from_earliest: bool = False
    jars: Path | None = None


def local_table(name: str) -> str:
    """`catalog.schema.table` -> `schema.table` (local Spark has one catalog); shorter names unchanged."""
    parts = _split_table(name)[-2:]
    return ".".join(p if IDENTIFIER_RE.match(p) else f"`{p.replace('`', '``')}`" for p in parts)


def pointed(pipeline, io: RealIO):
    """The pipeline with its Kafka nodes on the given broker and its tables in the local warehouse."""
    unsupported = sorted({UNSUPPORTED[n.type] for n in pipeline.nodes if n.type in UNSUPPORTED})
    if unsupported:
        raise UserError("--io real cannot reach " + ", ".join(unsupported) + " from here")
    data = pipeline.to_dict()
    for node in data["nodes"]:
        config = node["config"]
        for field in TABLE_FIELDS.get(node["type"], ()):
            if config.get(field):
                config[field] = local_table(config[field])
        if node["type"] in KAFKA_NODES and config.get("bootstrap_servers") and io.kafka_bootstrap:
            config["bootstrap_servers"] = io.kafka_bootstrap
        if node["type"] == "kafka_source" and io.from_earliest and config.get("starting_offsets", "latest") == "latest":
            config["starting_offsets"] = "earliest"
    return load_pipeline(data)


def _check_spark(pipeline) -> None:
    """Delta Lake has no release for Spark 4.3 yet: say so before a Delta node fails with a NoSuchMethodError."""
    import pyspark

    major, minor = (int(x) for x in pyspark.__version__.split(".")[:2])
    if (major, minor) > (4, 2) and any(n.type in DELTA_NODES for n in pipeline.nodes):
        raise UserError(f"Delta Lake runs on Spark up to 4.2 (Delta 4.4); this is pyspark {pyspark.__version__}. "
                        "Run real I/O with Delta tables under pyspark 4.2: pip install 'pyspark==4.2.0' "
                        "'delta-spark==4.4.1' in a separate environment (docs/codegen.md, real I/O)")


def install_dbutils() -> None:
    """`from pyspark.dbutils import DBUtils` for open-source Spark: secrets from LAKESTREAM_SECRET_* variables."""
    class _Secrets:
        @staticmethod
        def get(scope: str, key: str) -> str:
            return local_secret(scope, key)

    class DBUtils:
        def __init__(self, spark=None):
            self.secrets = _Secrets()

    module = types.ModuleType("pyspark.dbutils")
    module.DBUtils = DBUtils
    sys.modules["pyspark.dbutils"] = module


def _catalog(spark, warehouse: Path, pipeline) -> None:
    """Register the warehouse's Delta tables (local Spark keeps no catalog between runs) and the pipeline's schemas."""
    for log in sorted(warehouse.glob("*.db/*/_delta_log")):
        folder = log.parent
        schema, table = (n.replace("`", "``") for n in (folder.parent.name.removesuffix(".db"), folder.name))
        spark.sql(f"CREATE DATABASE IF NOT EXISTS `{schema}`")
        location = str(folder.resolve()).replace("\\", "\\\\").replace("'", "\\'")
        spark.sql(f"CREATE TABLE IF NOT EXISTS `{schema}`.`{table}` USING delta LOCATION '{location}'")
    for node in pipeline.nodes:
        for field in TABLE_FIELDS.get(node.type, ()):
            name = (node.config or {}).get(field)
            if name and len(_split_table(name)) == 2:
                schema = _split_table(name)[0].replace("`", "``")
                spark.sql(f"CREATE DATABASE IF NOT EXISTS `{schema}`")


def run_real(pipeline, io: RealIO, out: Path, timeout: float = 300.0, spark=None) -> dict[str, int]:
    """Generate the databricks profile's SSS code, run it until the sources are drained; export table sinks."""

    pipeline = pointed(pipeline, io)
    _check_spark(pipeline)
    try:
        code = generate(pipeline, "sss", "databricks")
    except CodegenError as error:
        raise UserError(str(error)) from None
    io.warehouse.mkdir(parents=True, exist_ok=True)
    if spark is None:
        spark = local_session("lakestream-run-real", io_conf(io.warehouse, io.jars))
    install_dbutils()
    _catalog(spark, io.warehouse, pipeline)
    out.mkdir(parents=True, exist_ok=True)
    checkpoints = io.warehouse.resolve() / "_checkpoints" / pipeline.id
    with tempfile.TemporaryDirectory(prefix="lakestream-run-real-") as tmp:
        folder = Path(tmp) / "code"
        code.write(folder)
        job = load_job(folder)
        try:
            try:
                queries = job.start(spark, checkpoint_root=str(checkpoints), trigger={"availableNow": True})
            except MissingSecret as error:
                raise UserError(str(error)) from None
            for query in queries:
                try:
                    query.awaitTermination(timeout)
                except Exception as error:  # StreamingQueryException: the broker's or Delta's answer, first line
                    raise UserError(f"query {query.name} failed: {str(error).splitlines()[0]}") from None
                if query.isActive:
                    raise UserError(f"query {query.name} did not finish within {timeout:g} s")
        finally:
            for query in spark.streams.active:  # the others, when one failed
                query.stop()
            sys.path.remove(str(folder))
    return export_tables(spark, pipeline, out)


def export_tables(spark, pipeline, out: Path) -> dict[str, int]:
    """Each table sink's rows as sorted JSON lines in OUT/<sink id>.jsonl (as the local run writes them)."""
    from pyspark.sql import functions as F

    counts = {}
    for node in pipeline.nodes:
        if node.spec.category is not Category.SINK or "table" not in TABLE_FIELDS.get(node.type, ()):
            continue
        table = (node.config or {}).get("table")
        if not table or not spark.catalog.tableExists(table.replace("`", "")):
            continue
        frame = spark.table(table)
        rows = sorted(r[0] for r in frame.select(F.to_json(F.struct(*frame.columns))).collect())
        (out / f"{node.id}.jsonl").write_text("".join(r + "\n" for r in rows), encoding="utf-8")
        counts[node.id] = len(rows)
    return counts
