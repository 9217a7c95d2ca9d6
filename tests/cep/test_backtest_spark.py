"""The Spark backtest (the generated code over the same files, one file per micro-batch) finds exactly the
engine backtest's detections."""

from __future__ import annotations

import pytest

from benchmarks.backtest_data import pipeline_document, write_files
from lakestream.cep.backtest import Backtester
from lakestream.pattern_tests import canonical
from lakestream.pipeline import load_pipeline
from lakestream.commands.backtest import spark_backtest
from tests.cep.test_backtest import FILTERED

pytestmark = pytest.mark.spark

SEQUENCE = {"id": "dip_then_big", "type": "sequence_detector", "label": "Small then big", "position": {"x": 0, "y": 0},
            "config": {"key_columns": ["card_id"], "event_time_column": "ts", "watermark_delay": "1 minute",
                       "within": "10 minutes", "steps": [{"name": "small", "condition": "amount < 60"},
                                                         {"name": "big", "condition": "amount > 400"}]}}


def test_spark_backtest_equals_the_engine(tmp_path, spark):
    doc = pipeline_document(condition="amount > 250", threshold=2)
    doc["nodes"] += [FILTERED, SEQUENCE]
    doc["edges"] += [{"id": "e3", "source": "payments", "target": "big"},
                     {"id": "e4", "source": "big", "target": "dip_then_big"}]
    pipeline = load_pipeline(doc)
    files = write_files(tmp_path / "events", 1500, files=3, per_second=1, cards=12)
    everything = 10**6
    engine = Backtester(pipeline).run({"payments": files}, samples=everything)
    on_spark = spark_backtest(pipeline, None, {"payments": files}, samples=everything, spark=spark)
    for node_id in ("burst", "dip_then_big"):
        mine, theirs = engine.nodes[node_id], on_spark.nodes[node_id]
        assert mine.detections > 3, node_id
        assert sorted(map(canonical, theirs.samples)) == sorted(map(canonical, mine.samples)), node_id
        assert theirs.buckets == mine.buckets and theirs.top_keys[:1] and mine.detections == theirs.detections
