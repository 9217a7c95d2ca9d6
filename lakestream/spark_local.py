"""The local SparkSession LakeStream uses for `lakestream run` and the tests (settings from NOTES.md)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys

from lakestream.errors import UserError

ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"
# Two cores, and up to three attempts per task: a Python worker that starts slowly on a busy machine
# ("Python worker failed to connect back" after Spark's fixed 10 s) is retried, as a cluster retries it.
MASTER = "local[2,3]"


def spark_conf() -> dict[str, str]:
    """Small, fast local settings; RocksDB because transformWithState needs it."""
    return {
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.driver.memory": "1g",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "spark.sql.streaming.stateStore.providerClass": ROCKSDB,
        # a busy machine slows worker start-up and heartbeats: wait longer before giving up on either
        "spark.python.authenticate.socketTimeout": "120s",
        "spark.network.timeout": "600s",
        "spark.executor.heartbeatInterval": "60s",
    }


def check_prerequisites() -> None:
    """Raise UserError saying what to install when pyspark or Java is missing."""
    if importlib.util.find_spec("pyspark") is None:
        raise UserError("pyspark is not installed: pip install 'lakestream[spark]'") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UserError("Java is not installed (Spark needs Java 17): install a JDK 17 and put java on PATH")


def session_builder(app_name: str):
    """The SparkSession builder with LakeStream's local master and settings (pyspark must be importable)."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers must see the same Python (pandas, pyarrow)
    builder = SparkSession.builder.master(MASTER).appName(app_name)
    for key, value in spark_conf().items():
        builder = builder.config(key, value)
    return builder


def local_session(app_name: str = "lakestream"):
    """Return a local SparkSession with LakeStream's settings (created once per process)."""
    check_prerequisites()
    return session_builder(app_name).getOrCreate()
