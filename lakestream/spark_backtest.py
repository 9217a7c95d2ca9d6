"""Backtest on local Spark: the local profile's generated code over the event files, one file per micro-batch
(`maxFilesPerTrigger` 1, then availableNow's final batch) — the batches the engine's backtest runs, so both
find the same detections."""

from __future__ import annotations

import time
from pathlib import Path

from lakestream.cep.backtest import BacktestResult, Backtester
from lakestream.errors import UserError
from lakestream.pattern_tests import spark_rows
from lakestream.pipeline import Pipeline


def spark_backtest(pipeline: Pipeline, node_ids: list[str] | None, events: dict[str, list[Path]] | None = None,
                   delta: str | None = None, by: str = "hour", start: str | None = None, end: str | None = None,
                   top: int = 10, samples: int = 5, spark=None) -> BacktestResult:
    """Detections of the pattern nodes from the generated code on a local SparkSession."""
    if delta:
        raise UserError("--delta is not supported yet: export the table's rows as JSON-lines files and use --events")
    if start or end:
        raise UserError("--from/--to are not supported with --spark yet: select the files of the time range")
    if not events:
        raise UserError("give the events with --events FILES|DIR")
    backtester = Backtester(pipeline, node_ids)
    if spark is None:
        from lakestream.spark_local import local_session

        spark = local_session("lakestream-backtest")
    began = time.perf_counter()
    rows = spark_rows(pipeline, backtester.node_ids, spark, events)
    count = max(sum(sum(1 for line in p.open("rb") if line.strip()) for p in paths) for paths in events.values())
    schemas = backtester.replayer.schemas
    nodes = {nid: backtester.summary(nid, [c.name for c in schemas.get(nid) or ()], rows[nid], None, by, top, samples)
             for nid in backtester.node_ids}  # late events are not counted on Spark (None)
    return BacktestResult(count, time.perf_counter() - began, by, nodes)
