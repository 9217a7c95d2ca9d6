"""The custom processor node: the user's StatefulProcessor runs per key in the generated job."""

from __future__ import annotations

import json
import os

import pytest

from lakestream.nodes import REGISTRY
from tests.cep.spark_harness import source_pipeline, write_job

pytestmark = pytest.mark.spark


def test_user_processor_counts_events_per_key(spark, tmp_path):
    schema = [{"name": "card_id", "type": "string"}, {"name": "ts", "type": "timestamp"}]
    config = dict(REGISTRY["custom_stateful_processor"].example)
    document = source_pipeline("custom", schema, "custom_stateful_processor", config, "custom_out")
    job, _ = write_job(document, tmp_path / "code")
    events = tmp_path / "events" / "src"
    events.mkdir(parents=True)
    for number, batch in enumerate([["c1", "c1", "c2"], ["c1"]]):
        path = events / f"b{number}.json"
        path.write_text("".join(json.dumps({"card_id": c, "ts": "2024-01-01T00:00:00Z"}) + "\n" for c in batch))
        os.utime(path, (1_000_000 + number, 1_000_000 + number))
    for query in job.start(spark, checkpoint_root=str(tmp_path / "cp"), input_root=str(tmp_path / "events"),
                           output_root=str(tmp_path / "output")):
        query.awaitTermination(180)
        assert query.exception() is None, query.exception()
    rows = sorted(tuple(r) for r in spark.read.parquet(str(tmp_path / "output" / "custom_out")).collect())
    assert rows == [("c1", 2), ("c1", 3), ("c2", 1)]
