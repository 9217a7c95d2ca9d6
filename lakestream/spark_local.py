"""The local SparkSession LakeStream uses for `lakestream run` and the tests (settings from NOTES.md)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys

from lakestream.errors import UserError

ROCKSDB = "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider"


def spark_conf() -> dict[str, str]:
    """Small, fast local settings; RocksDB because transformWithState needs it."""
    return {
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.driver.memory": "1g",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
        "spark.sql.streaming.stateStore.providerClass": ROCKSDB,
    }


def check_prerequisites() -> None:
    """Raise UserError saying what to install when pyspark or Java is missing."""
    if importlib.util.find_spec("pyspark") is None:
        raise UserError("pyspark is not installed: pip install 'lakestream[spark]'") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UserError("Java is not installed (Spark needs Java 17): install a JDK 17 and put java on PATH")


def local_session(app_name: str = "lakestream"):
    """Return a local[2] SparkSession with LakeStream's settings (created once per process)."""
    check_prerequisites()
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers must see the same Python (pandas, pyarrow)
    builder = SparkSession.builder.master("local[2]").appName(app_name)
    for key, value in spark_conf().items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
