"""Generated local code executed on the session SparkSession: SSS through `lakestream run`, SDP through spark-pipelines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from lakestream.cli import main as cli_main
from lakestream.codegen import Paths, generate
from tests.codegen.helpers import three_nodes
from tests.conftest import require

PAYMENTS = [
    {"card_id": "c1", "amount": 50.0, "ts": "2024-01-01T00:00:00Z"},
    {"card_id": "c2", "amount": 150.0, "ts": "2024-01-01T00:01:00Z"},
    {"card_id": "c1", "amount": 999.5, "ts": "2024-01-01T00:02:00Z", "_kafka_topic": "payments"},
]


def write_events(folder, rows_per_file):
    folder.mkdir(parents=True)
    for i, rows in enumerate(rows_per_file):
        (folder / f"{i:03d}.json").write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.mark.spark
def test_lakestream_run_three_nodes(spark, tmp_path, capsys):
    doc = tmp_path / "fraud.lakestream.json"
    doc.write_text(three_nodes().to_json())
    write_events(tmp_path / "events" / "n1", [PAYMENTS[:2], PAYMENTS[2:]])
    code = cli_main(["run", str(doc), "--events", str(tmp_path / "events"), "--out", str(tmp_path / "out")])
    assert code == 0
    rows = [json.loads(line) for line in (tmp_path / "out" / "n3.jsonl").read_text().splitlines()]
    assert sorted((r["card_id"], r["amount"], r.get("_kafka_topic")) for r in rows) == [
        ("c1", 999.5, "payments"), ("c2", 150.0, None)]
    assert "n3: 2 rows" in capsys.readouterr().out


def test_run_reports_missing_events_folder(tmp_path, capsys):
    doc = tmp_path / "p.json"
    doc.write_text(three_nodes().to_json())
    assert cli_main(["run", str(doc), "--events", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 1
    assert "events folder" in capsys.readouterr().err


@pytest.mark.spark
@pytest.mark.parametrize("target", ["sdp-sql", "sdp-python"])
def test_sdp_output_runs_in_spark_pipelines(spark, tmp_path, target):
    require(shutil.which("spark-pipelines") is not None, "spark-pipelines (pyspark[pipelines])")
    write_events(tmp_path / "events" / "n1", [PAYMENTS])
    paths = Paths(checkpoint_root=str(tmp_path / "ck"), input_root=str(tmp_path / "events"),
                  storage_root=(tmp_path / "storage").as_uri())
    generate(three_nodes(), target, "local", paths=paths).write(tmp_path / "project")
    # The child must start its own Spark Connect server, not join this test session's JVM.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_GATEWAY", "SPARK_"))}
    result = subprocess.run(
        [shutil.which("spark-pipelines"), "run"], cwd=tmp_path / "project",
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    rows = spark.read.parquet(str(tmp_path / "project" / "spark-warehouse" / "alerts")).collect()
    assert sorted((r.card_id, r.amount) for r in rows) == [("c1", 999.5), ("c2", 150.0)]
