"""Fixtures of the real-I/O tests: a Kafka broker (KRaft) and `lakestream run --io real` in a Spark 4.2 Python.

Delta Lake has no release for Spark 4.3 (the pinned pyspark): the real-I/O runs use the Python environment .ci/jvm.sh
makes with pyspark 4.2.0 and delta-spark 4.4.1 (tests/realio/io_env.py says where), each run
a subprocess of the CLI. The tests compare what the broker and the Delta tables hold afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import require
from tests.realio.broker import KafkaBroker, broker_jars
from tests.realio.io_env import io_python

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def kafka():
    from importlib.util import find_spec

    require(any(broker_jars().glob("kafka_2.13-*.jar")), "the Kafka broker jars (bash .ci/jvm.sh)")
    require(find_spec("confluent_kafka") is not None, "confluent-kafka (pip install -e '.[test]')")
    broker = KafkaBroker()
    yield broker
    broker.stop()


class RealRun:
    """`lakestream run --io real` of a pipeline document, in the Spark 4.2 environment."""

    def __init__(self, broker: KafkaBroker, root: Path):
        self.broker = broker
        self.root = root

    def __call__(self, document, env: dict | None = None, warehouse: Path | None = None, earliest: bool = True,
                 bootstrap: str | None = None, timeout: float = 420):
        """Run it (every Kafka node on `bootstrap` when given); return each exported table sink's rows and the
        finished process, which must succeed."""
        name = uuid.uuid4().hex[:8]
        path = self.root / f"{name}.lakestream.json"
        path.write_text(json.dumps(document if isinstance(document, dict) else document.to_dict()))
        out = self.root / f"out-{name}"
        command = [str(io_python()), "-m", "lakestream", "run", str(path), "--io", "real",
                   "--warehouse", str(warehouse or self.root / f"wh-{name}"), "--out", str(out)]
        if bootstrap:
            command += ["--kafka-bootstrap", bootstrap]
        if earliest:
            command.append("--from-earliest")
        environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=timeout)
        errors = [line[:1500] for line in result.stderr.splitlines() if line.startswith("lakestream:")]
        assert result.returncode == 0, "\n".join(errors) or result.stderr[-4000:]
        rows = {p.stem: [json.loads(line) for line in p.read_text().splitlines()] for p in out.glob("*.jsonl")}
        return rows, result


@pytest.fixture
def real_run(kafka, tmp_path):
    require(io_python().exists(), f"a pyspark 4.2 environment at {io_python()} (bash .ci/jvm.sh)")
    return RealRun(kafka, tmp_path)


SQL_SCRIPT = """
import json, sys
from pathlib import Path
from lakestream.spark_local import io_conf, local_session
spark = local_session("lakestream-test-sql", io_conf(Path(sys.argv[1])))
for statement in json.loads(sys.argv[2]):
    spark.sql(statement)
"""


@pytest.fixture
def delta_sql(real_run):
    """Run SQL statements on a Delta warehouse folder in the Spark 4.2 environment (to prepare source tables)."""
    def run(warehouse: Path, statements: list[str]) -> None:
        result = subprocess.run([str(io_python()), "-c", SQL_SCRIPT, str(warehouse), json.dumps(statements)],
                                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]

    return run
