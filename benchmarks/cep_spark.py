"""Spark throughput of the generated pattern code against the closest native Spark operator.

The generated code is transformWithState over the runtime, or a native form where the engine follows
Spark's operator exactly; both read the same files: median events/s of a few availableNow runs, with
the CPU seconds of the whole process tree (driver, JVM, Python workers) per run.

Run: python benchmarks/cep_spark.py [--events N] [--files F] [--repeat R] [--only LABEL] [--floor]

--floor adds the cost of transformWithState itself for the deduplication shape: the generated job's
input (the row packed as JSON, key, event time, identity) through a processor that keeps no state,
sets no timers and emits every row. No pattern on Spark's Python state API can run faster than that.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lakestream.spark_local import local_session
from tests.cep.spark_harness import source_pipeline, write_job

SCHEMA = [{"name": "k", "type": "string"}, {"name": "id", "type": "string"}, {"name": "ts", "type": "timestamp"}]
BASE = {"key_columns": ["k"], "event_time_column": "ts", "watermark_delay": "10 seconds"}
# label -> (node type, config, the closest native operator). Tumbling counts, sessions without
# max_duration and deduplications bound by the watermark delay generate the native form themselves; the
# max_duration session (never reached here) and the 30-second deduplication (a bound other than the
# delay: its own rule, on nearly the same work) measure the transformWithState form.
CASES = {
    "session (native)": ("session_detector", {"gap": "30 seconds"}, "session"),
    "session, max_duration (TWS)": ("session_detector", {"gap": "30 seconds", "max_duration": "1 day"}, "session"),
    "count_threshold tumbling (native)": ("count_threshold", {"threshold": 3, "window": "1 minute", "mode": "tumbling"},
                                          "window"),
    "deduplication (native)": ("deduplication", {"columns": ["id"]}, "dedup"),
    "deduplication, within 30 s (TWS)": ("deduplication", {"columns": ["id"], "within": "30 seconds"}, "dedup"),
}


def write_events(root: Path, events: int, files: int) -> None:
    rng = random.Random(3)
    root.mkdir(parents=True)
    per_file = events // files
    for f in range(files):
        lines = []
        for i in range(per_file):
            n = f * per_file + i
            seconds = n * 0.05 + rng.random()  # 20 events/s, up to 1 s out of order
            lines.append(json.dumps({"k": f"k{rng.randrange(500)}", "id": f"e{rng.randrange(5)}",
                                     "ts": _iso(seconds)}))
        path = root / f"part{f:04d}.json"
        path.write_text("\n".join(lines) + "\n")
        os.utime(path, (1_000_000 + f, 1_000_000 + f))


def _iso(seconds: float) -> str:
    whole = int(seconds)
    return f"2024-01-01T{whole // 3600:02d}:{whole // 60 % 60:02d}:{whole % 60:02d}.{int(seconds % 1 * 1e6):06d}Z"


def tree_cpu() -> float:
    """CPU seconds used so far by this process and its descendants (the JVM, Python workers), from /proc."""
    parents, times = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    tree, frontier = set(), {os.getpid()}
    while frontier:
        tree |= frontier
        frontier = {p for p, parent in parents.items() if parent in frontier} - tree
    return sum(times.get(p, 0) for p in tree) / os.sysconf("SC_CLK_TCK")


def timed(run) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process tree) of one run."""
    wall, cpu = time.perf_counter(), tree_cpu()
    run()
    return time.perf_counter() - wall, tree_cpu() - cpu


def timed_query(out, work: Path) -> tuple[float, float]:
    """Run a streaming DataFrame to its end (availableNow, into parquet) and time it."""
    return timed(lambda: out.writeStream.format("parquet").option("checkpointLocation", str(work / "cp"))
                 .trigger(availableNow=True).start(str(work / "out")).awaitTermination())


def summary(runs, events: int) -> tuple[float, float]:
    """(events/s at the median wall time, median CPU seconds) of several runs."""
    return events / statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def generated_run(spark, type_id: str, config: dict, events: Path, work: Path) -> tuple[float, float]:
    sink = f"bench_{uuid.uuid4().hex[:8]}"
    job, _ = write_job(source_pipeline("bench", SCHEMA, type_id, {**BASE, **config}, sink), work / "code")

    def run():
        for query in job.start(spark, checkpoint_root=str(work / "cp"), input_root=str(events.parent),
                               output_root=str(work / "out")):
            query.awaitTermination()
    return timed(run)


def native_run(spark, kind: str, events: Path, work: Path) -> tuple[float, float]:
    from pyspark.sql import functions as F

    df = (spark.readStream.schema("k string, id string, ts timestamp").option("maxFilesPerTrigger", 1)
          .json(str(events)).withWatermark("ts", "10 seconds"))
    if kind == "session":
        out = df.groupBy("k", F.session_window("ts", "30 seconds")).count()
    elif kind == "window":
        out = df.groupBy("k", F.window("ts", "1 minute")).count().where("count >= 3")
    else:
        out = df.dropDuplicatesWithinWatermark(["k", "id"])
    return timed_query(out, work)


def floor_run(spark, events: Path, work: Path) -> tuple[float, float]:
    """The dedup input shape through a stateless row-based processor (not a deduplication: every row out)."""
    from pyspark.sql import Row
    from pyspark.sql import functions as F
    from pyspark.sql.streaming.stateful_processor import StatefulProcessor

    class PassAll(StatefulProcessor):
        def init(self, handle):
            self.out = Row("_ls_row")

        def handleInputRows(self, key, rows, timerValues):
            return iter([self.out(r[0]) for r in rows])

        def close(self):
            pass

    ddl = "k string, id string, ts timestamp"
    df = (spark.readStream.schema(ddl).option("maxFilesPerTrigger", 1).json(str(events))
          .select(F.to_json(F.struct("k", "id", "ts")).alias("_ls_row"), "k", F.col("ts").alias("_ls_time"),
                  F.expr("unix_micros(ts)").alias("_ls_ts"), F.col("id").alias("_ls_f0"))
          .withWatermark("_ls_time", "10 seconds"))
    out = (df.groupBy("k").transformWithState(PassAll(), "_ls_row string", "append", "EventTime")
           .select(F.from_json("_ls_row", ddl).alias("r")).select("r.*"))
    return timed_query(out, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="run only the patterns whose label starts with this")
    parser.add_argument("--floor", action="store_true", help="also time a stateless transformWithState (see above)")
    args = parser.parse_args()
    spark = local_session("lakestream-bench")
    root = Path(tempfile.mkdtemp())
    write_events(root / "src", args.events, args.files)
    print(f"{'pattern':36s} {'generated ev/s':>15s} {'native ev/s':>12s} {'ratio':>6s} "
          f"{'gen CPU s':>10s} {'nat CPU s':>10s}   {args.events:,} events in {args.files} micro-batches, "
          f"median of {args.repeat}; load average {os.getloadavg()[0]:.1f}")
    for label, (type_id, config, kind) in CASES.items():
        if args.only and not label.startswith(args.only):
            continue
        gen = [generated_run(spark, type_id, config, root / "src", Path(tempfile.mkdtemp()))
               for _ in range(args.repeat)]
        nat = [native_run(spark, kind, root / "src", Path(tempfile.mkdtemp())) for _ in range(args.repeat)]
        (g, gc), (n, nc) = summary(gen, args.events), summary(nat, args.events)
        print(f"{label:36s} {g:>15,.0f} {n:>12,.0f} {n / g:>5.1f}x {gc:>10.1f} {nc:>10.1f}")
        if args.floor and label.endswith("(TWS)") and kind == "dedup":
            runs = [floor_run(spark, root / "src", Path(tempfile.mkdtemp())) for _ in range(args.repeat)]
            f, fc = summary(runs, args.events)
            print(f"{'  floor: stateless TWS, same input':36s} {f:>15,.0f} {n:>12,.0f} {n / f:>5.1f}x {fc:>10.1f} {nc:>10.1f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
