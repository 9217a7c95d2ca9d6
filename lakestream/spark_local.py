"""The local SparkSession LakeStream uses for `lakestream run` and the tests (settings from NOTES.md)."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path

from lakestream.errors import UserError

ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
# Two cores, and up to three attempts per task: a task whose Python worker starts too slowly on a busy machine
# is retried, as a cluster retries it (BUSY_MACHINE says which waits Spark fixes and which it lets us lengthen).
MASTER = "local[2,3]"
# Settings for a loaded machine (2 cores shared by several test runs). Spark 4.3's own waits for a Python worker
# are fixed in PythonWorkerFactory: 60 s for a worker forked by the daemon (then one daemon restart), 10 s for a
# worker started on its own ("Python worker failed to connect back": Python data sources' planning and streaming
# readers, streaming foreachBatch runners), so what can be done is: start fewer workers, wait longer where Spark
# lets us, and say why a worker died.
BUSY_MACHINE = {
    # the daemon forks workers from a warm interpreter (a fresh one imports pyspark: 3 s at load 7 here)...
    "spark.python.use.daemon": "true",
    # ...and a finished task's worker serves the next one instead of a new fork
    "spark.python.worker.reuse": "true",
    # the worker's own wait on the JVM's socket (default 15 s)
    "spark.python.authenticate.socketTimeout": "120s",
    # slow heartbeats and RPCs on a loaded machine are not a lost executor
    "spark.network.timeout": "600s",
    "spark.executor.heartbeatInterval": "60s",
    # a worker that crashes reports its Python traceback instead of only "Python worker exited unexpectedly"
    "spark.python.worker.faulthandler.enabled": "true",
    "spark.sql.execution.pyspark.udf.faulthandler.enabled": "true",
}


# Spark's fixed 10 s wait for a Python process it starts on its own: the driver starts one when it plans each
# transformWithState query (TransformWithStateInPySparkPythonPreInitRunner, to read the processor's state schema).
# At load 25-30 on 2 cores a fresh interpreter takes longer, and the query stops before its first batch.
WORKER_START_TIMEOUT = "Python worker failed to connect back"


def run_queries(start, timeout: float, attempts: int = 3) -> list:
    """`start()` a job's streaming queries and wait up to `timeout` s for each to end; when one stopped because a
    Python process missed Spark's fixed 10 s (WORKER_START_TIMEOUT), start them all again: they resume from their
    checkpoints, so a committed batch is not redone and none is lost (as a cluster's job retry). At most `attempts`
    starts; returns the last start's queries (the caller checks their exceptions and whether they ended)."""
    for attempt in range(1, attempts + 1):
        queries = start()
        for query in queries:
            query.awaitTermination(timeout)
        if attempt == attempts or not any(WORKER_START_TIMEOUT in str(q.exception() or "") for q in queries):
            return queries
        for query in queries:
            if query.isActive:
                query.stop()
    raise AssertionError("unreachable")


def spark_conf() -> dict[str, str]:
    """Small, fast local settings; RocksDB because transformWithState needs it."""
    return {
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.driver.memory": "1g",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "spark.sql.streaming.stateStore.providerClass": ROCKSDB,
        **BUSY_MACHINE,
    }


# The Maven coordinates of Spark's Kafka and Avro connectors and Delta Lake. Maven Central serves no 4.3 connectors
# for the pinned pyspark 4.3.0: the 4.2.0 ones are the nearest. Delta 4.4.0 (built against Spark 4.2) fails on 4.3
# (NoSuchMethodError in MERGE, UPDATE and the change feed), so real I/O with Delta runs on pyspark 4.2.0
# (tests/realio). docs/codegen.md has the matrix.
CONNECTORS = ("org.apache.spark:spark-sql-kafka-0-10_2.13:4.2.0", "org.apache.spark:spark-avro_2.13:4.2.0",
              "io.delta:delta-spark_2.13:4.4.0")
JARS_ENV = "LAKESTREAM_JARS"
DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.databricks.delta.snapshotPartitions": "2",  # a table's log is tiny here: 50 partitions cost seconds
}


def jars_root() -> Path:
    """Where .ci/jvm.sh (Maven) leaves the jars: $LAKESTREAM_JARS, else ~/.cache/lakestream/jars."""
    return Path(os.environ.get(JARS_ENV) or Path.home() / ".cache" / "lakestream" / "jars")


def _artifact(jar: str) -> str:
    return re.sub(r"-\d[\w.\-]*\.jar$", "", jar)


def connector_jars(folder: Path | None = None) -> list[str]:
    """The connector jars of `folder` (default jars_root()/spark) that pyspark does not ship itself.

    Maven copies the connectors with everything they depend on; the libraries pyspark already has (Hadoop,
    Jackson, Parquet, Scala…) are left out, so Spark keeps its own versions of them.
    """
    import pyspark

    folder = Path(folder) if folder is not None else jars_root() / "spark"
    jars = sorted(p for p in folder.glob("*.jar")) if folder.is_dir() else []
    if not any(p.name.startswith("spark-sql-kafka") for p in jars) or not any(p.name.startswith("delta-spark")
                                                                             for p in jars):
        raise UserError(f"Spark's Kafka, Avro and Delta jars are not in {folder}: resolve them with Maven "
                        f"(bash .ci/jvm.sh, or mvn dependency:copy-dependencies of {', '.join(CONNECTORS)} "
                        f"into that folder), or name the folder with --jars")
    shipped = {_artifact(p.name) for p in (Path(pyspark.__file__).parent / "jars").glob("*.jar")}
    return [str(p) for p in jars if _artifact(p.name) not in shipped]


def io_conf(warehouse: Path, jars: Path | None = None) -> dict[str, str]:
    """spark_conf() plus the connector jars, Delta's catalog and a local warehouse folder for tables."""
    return {**spark_conf(), "spark.jars": ",".join(connector_jars(jars)), **DELTA_CONF,
            "spark.sql.warehouse.dir": str(Path(warehouse).resolve())}


def check_prerequisites() -> None:
    """Raise UserError saying what to install when pyspark or Java is missing."""
    if importlib.util.find_spec("pyspark") is None:
        raise UserError("pyspark is not installed: pip install 'lakestream[spark]'") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UserError("Java is not installed (Spark needs Java 17): install a JDK 17 and put java on PATH")


def session_builder(app_name: str, conf: dict[str, str] | None = None):
    """The SparkSession builder with LakeStream's local master and settings, or `conf` (pyspark importable)."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers must see the same Python (pandas, pyarrow)
    builder = SparkSession.builder.master(MASTER).appName(app_name)
    for key, value in (conf or spark_conf()).items():
        builder = builder.config(key, value)
    return builder


def local_session(app_name: str = "lakestream", conf: dict[str, str] | None = None):
    """Return a local SparkSession with LakeStream's settings, or `conf` (created once per process)."""
    check_prerequisites()
    return session_builder(app_name, conf).getOrCreate()


def load_job(folder: Path):
    """Import a generated stream_job.py to run here (its runtime files sit beside it: the folder goes on sys.path)."""
    # An earlier run in this process imported its own copy of the runtime packages from a folder that is
    # gone now; forget them, so this run's job (and what it ships to the workers) uses the files beside it.
    shipped = {p.stem for p in folder.iterdir() if p.suffix == ".py" or (p / "__init__.py").is_file()}
    for name in [m for m in sys.modules if m.partition(".")[0] in shipped]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    spec = importlib.util.spec_from_file_location("lakestream_generated_job", folder / "stream_job.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the latest run's job; cloudpickle needs it registered
    spec.loader.exec_module(module)
    # Spark's workers cannot import this module by name: ship its classes (custom data sources) by value.
    from pyspark import cloudpickle

    cloudpickle.register_pickle_by_value(module)
    return module
