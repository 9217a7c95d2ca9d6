"""`lakestream backtest` speed: 1,000,000 events from JSON-lines files, reading included, in the engine.

Writes the events once (benchmarks/backtest_data.py: 10 files, 5,000 cards, 20 events/s), then times the
backtest of a single-condition count threshold end to end (listing, reading, decoding, the engine, the summary),
median of a few runs, with the machine's load average.
Run: python benchmarks/backtest.py [--events N] [--repeat R] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.backtest_data import pipeline_document, write_files
from lakestream.cep.backtest import Backtester, event_files
from lakestream.pipeline import load_pipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="folder to keep (and reuse) the event files in")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="lakestream-backtest-"))
    if not any(folder.glob("*.jsonl")):
        write_files(folder, args.events)
    size = sum(p.stat().st_size for p in folder.glob("*.jsonl"))
    doc = load_pipeline(pipeline_document())
    rates, cpu = [], []
    for _ in range(args.repeat):
        wall, started = time.perf_counter(), time.process_time()
        result = Backtester(doc).run({"payments": event_files([folder])}, "hour")
        wall = time.perf_counter() - wall
        cpu.append(time.process_time() - started)
        rates.append(result.events / wall)
        detections = result.nodes["burst"].detections
        print(f"  {result.events:,} events ({size / 2**20:.0f} MiB) in {wall:.2f} s: {result.events / wall:,.0f} "
              f"events/s (CPU {cpu[-1]:.2f} s: {result.events / cpu[-1]:,.0f} events/s), {detections:,} detections, "
              f"fast path: {result.fast}, load {os.getloadavg()[0]:.1f}")
    print(f"median {statistics.median(rates):,.0f} events/s (CPU {statistics.median(cpu):.2f} s per run)")


if __name__ == "__main__":
    main()
