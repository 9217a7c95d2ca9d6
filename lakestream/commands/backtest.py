"""`lakestream backtest PIPELINE --events FILES|DIR`: a pipeline's patterns over historical events, per hour or
day, top keys and samples; `--compare`/`--set` runs a second version side by side.

`--spark` runs the local profile's generated code over the same files, one file per micro-batch
(`maxFilesPerTrigger` 1, then availableNow's final batch): the batches the engine's backtest runs, so both find
the same detections."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from lakestream.cep.backtest import BacktestResult, Backtester, event_files, with_overrides
from lakestream.commands.run import run_local
from lakestream.commands.validate import read_pipeline
from lakestream.errors import UserError
from lakestream.pattern_tests import spark_rows
from lakestream.pipeline import Pipeline


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "backtest", help="run a pipeline's pattern nodes over historical events: detections per hour/day, top keys")
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument("--events", action="append", metavar="[SOURCE_ID=]FILES|DIR",
                        help="JSON-lines (or CSV) files or a folder of them, one micro-batch per file in name order; "
                             "prefix SOURCE_ID= when the pipeline has several sources")
    parser.add_argument("--delta", metavar="[SOURCE_ID=]PATH",
                        help="a Delta table's folder (not supported yet: it says so; export JSON lines and use --events)")
    parser.add_argument("--from", dest="start", help="only events at or after this time (e.g. 2026-03-01)")
    parser.add_argument("--to", dest="end", help="only events before this time")
    parser.add_argument("--by", choices=("hour", "day"), default="hour", help="bucket of the detection counts")
    parser.add_argument("--node", action="append", help="backtest only this pattern node (repeatable)")
    parser.add_argument("--compare", metavar="OTHER",
                        help="a second version side by side: another pipeline file, or a saved version number of this "
                             "pipeline in the store (e.g. 3 or v3)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="NODE.FIELD=VALUE",
                        help="a second version with this config change (repeatable), e.g. burst.threshold=5")
    parser.add_argument("--spark", action="store_true",
                        help="run the generated code's batch form on local Spark instead of the engine")
    parser.add_argument("--top", type=int, default=10, help="top keys shown (default 10)")
    parser.add_argument("--samples", type=int, default=5, help="sample detections shown (default 5)")
    parser.add_argument("--store", help="with --compare N: the store backend (local or volume)")
    parser.add_argument("--json", action="store_true", help="print the result(s) as JSON")
    parser.set_defaults(handler=run)


def files_by_source(pipeline: Pipeline, specs: list[str], sources: list[str]) -> dict[str, list[Path]]:
    """Event files per source id from `[SOURCE_ID=]PATH` arguments (a path may be a folder)."""
    out: dict[str, list[Path]] = {}
    for spec in specs:
        source, sep, path = spec.partition("=")
        if not sep or source not in sources:
            if len(sources) != 1:
                raise UserError(f"this pipeline has {len(sources)} sources ({', '.join(sources)}); "
                                "write --events SOURCE_ID=FILES")
            source, path = sources[0], spec
        out.setdefault(source, []).extend(event_files([path]))
    return out


def other_version(pipeline: Pipeline, ref: str, store_name: str | None) -> Pipeline:
    """The pipeline to compare with: a document file, or version N of this pipeline in the store."""
    match = re.fullmatch(r"v?(\d+)", ref.strip())
    if match and not Path(ref).exists():
        from lakestream.store import open_store

        store = open_store(store_name)
        return store.get_version(store.find(pipeline.id), int(match.group(1)))
    return read_pipeline(ref)


def _bar(count: int, most: int, width: int = 30) -> str:
    return "█" * max(1 if count else 0, round(width * count / most)) if most else ""


def report(result: BacktestResult, pipeline: Pipeline) -> list[str]:
    lines = [f"{result.events:,} events in {result.seconds:.2f} s "
             f"({result.events / max(result.seconds, 1e-9):,.0f} events/s{'' if result.fast else '; general path'})"]
    for node in result.nodes.values():
        late = "late events not counted on Spark" if node.late_events is None else \
            f"{node.late_events:,} late event(s)"
        lines.append(f"{node.node_id} {node.title} ({node.type}): {node.detections:,} detection(s), {late}")
        if node.buckets:
            most = max(node.buckets.values())
            lines.append(f"  per {result.by} (by {node.time_column}):")
            lines += [f"    {bucket}  {count:>8,}  {_bar(count, most)}" for bucket, count in node.buckets.items()]
        if node.top_keys:
            lines.append("  top keys: " + ", ".join(f"{k} ({n:,})" for k, n in node.top_keys))
        if node.samples:
            lines.append("  sample detections:")
            lines += ["    " + json.dumps(row, ensure_ascii=False) for row in node.samples]
    return lines


def side_by_side(first: BacktestResult, second: BacktestResult, labels: tuple[str, str]) -> list[str]:
    lines = []
    for nid, a in first.nodes.items():
        b = second.nodes.get(nid)
        if b is None:
            lines.append(f"{nid} {a.title}: {labels[0]}: {a.detections:,} detection(s); not in {labels[1]}")
            continue
        lines.append(f"{nid} {a.title}: {labels[0]}: {a.detections:,} detection(s); "
                     f"{labels[1]}: {b.detections:,} detection(s)")
        buckets = sorted(set(a.buckets) | set(b.buckets))
        if buckets:
            width = max(len(labels[0]), 8)
            lines.append(f"  {first.by:<19}  {labels[0]:>{width}}  {labels[1]:>{width}}")
            lines += [f"  {bucket:<19}  {a.buckets.get(bucket, 0):>{width},}  {b.buckets.get(bucket, 0):>{width},}"
                      for bucket in buckets]
    return lines


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
    rows = spark_rows(pipeline, backtester.node_ids, spark, run_local, events)
    count = max(sum(sum(1 for line in p.open("rb") if line.strip()) for p in paths) for paths in events.values())
    schemas = backtester.replayer.schemas
    nodes = {nid: backtester.summary(nid, [c.name for c in schemas.get(nid) or ()], rows[nid], None, by, top, samples)
             for nid in backtester.node_ids}  # late events are not counted on Spark (None)
    return BacktestResult(count, time.perf_counter() - began, by, nodes)


def run(args) -> int:
    pipeline = read_pipeline(args.pipeline)
    variants = [("current", pipeline)]
    if args.compare and args.overrides:
        raise UserError("use either --compare or --set, not both")
    if args.compare:
        variants.append((f"compared ({args.compare})", other_version(pipeline, args.compare, args.store)))
    elif args.overrides:
        variants.append((", ".join(args.overrides), with_overrides(pipeline, args.overrides)))
    if bool(args.events) == bool(args.delta):
        raise UserError("give the events with --events FILES|DIR or --delta PATH (one of them)")
    results = []
    for _, doc in variants:
        backtester = Backtester(doc, args.node)
        sources = backtester.sources()
        if args.spark or args.delta:
            events = files_by_source(doc, args.events, sources) if args.events else None
            results.append(spark_backtest(doc, args.node, events=events, delta=args.delta, by=args.by,
                                          start=args.start, end=args.end, top=args.top, samples=args.samples))
        else:
            files = files_by_source(doc, args.events, sources)
            results.append(backtester.run(files, args.by, args.start, args.end, args.top, args.samples))
    if args.json:
        payload = {label: r.to_json() for (label, _), r in zip(variants, results)}
        print(json.dumps(payload if len(results) > 1 else results[0].to_json(), indent=2, ensure_ascii=False))
        return 0
    for (label, doc), result in zip(variants, results):
        if len(results) > 1:
            print(f"== {label}")
        print("\n".join(report(result, doc)))
    if len(results) > 1:
        print("== side by side")
        print("\n".join(side_by_side(results[0], results[1], (variants[0][0], variants[1][0]))))
    return 0
