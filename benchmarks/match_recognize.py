"""Benchmark: MATCH_RECOGNIZE replay throughput and streaming state size per partition; prints medians.

    python benchmarks/match_recognize.py [--rows 1000000] [--partitions 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from lakestream.cep.match_recognize.replay import compile_for

CONFIG = {
    "partition_by": ["key"],
    "order_by": [{"column": "ts"}],
    "pattern": "A B+ C",
    "define": {"A": "price > 100", "B": "price < PREV(price)", "C": "price > PREV(price)"},
    "measures": [{"expr": "FIRST(A.ts)", "alias": "start_ts"}, {"expr": "LAST(C.ts)", "alias": "end_ts"},
                 {"expr": "count(B.*)", "alias": "drops"}],
    "within": "1 minute",
    "watermark_delay": "5 seconds",
}
COLUMNS = ["key", "ts", "price"]
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def make_rows(count: int, partitions: int, seed: int = 7) -> list[tuple]:
    """A random walk of prices per key, one event per second per key, keys interleaved."""
    rng = random.Random(seed)
    prices = [100.0] * partitions
    rows = []
    for i in range(count):
        key = i % partitions
        prices[key] = max(50.0, prices[key] + rng.choice((-1.0, 1.0)) * rng.random() * 3)
        rows.append((f"k{key}", START + timedelta(seconds=i // partitions), prices[key]))
    return rows


def replay_throughput(rows, repeat: int) -> tuple[float, float, int]:
    """Median rows/s by the wall clock and by this process's CPU time (other load on the machine)."""
    engine = compile_for(CONFIG, COLUMNS, {"key": "string", "ts": "timestamp", "price": "double"})
    walls, cpus, matches = [], [], 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        matches = len(engine.run_batch(rows))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return len(rows) / statistics.median(walls), len(rows) / statistics.median(cpus), matches


def streaming_state(rows, batch_seconds: int = 10, delay: float = 5.0, config=CONFIG) -> tuple[int, int, int]:
    """Feed one key's rows in micro-batches of event time; return (median, max) rows held and max bytes."""
    engine = compile_for(config, COLUMNS, {"key": "string", "ts": "timestamp", "price": "double"})
    key_rows = [r for r in rows if r[0] == rows[0][0]]
    state, held, sizes = engine.new_state(), [], []
    for begin in range(0, len(key_rows), batch_seconds):
        batch = key_rows[begin:begin + batch_seconds]
        watermark = batch[-1][1].timestamp() - delay
        engine.feed(state, batch, watermark)
        held.append(len(state["rows"]) + len(state["pending"]))
        sizes.append(len(pickle.dumps(state)))
    return int(statistics.median(held)), max(held), max(sizes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = make_rows(args.rows, args.partitions)
    rate, cpu_rate, matches = replay_throughput(rows, args.repeat)
    print(f"replay PATTERN (A B+ C): {args.rows:,} rows, {args.partitions} partitions, {matches:,} matches: "
          f"median {rate:,.0f} rows/s wall clock, {cpu_rate:,.0f} rows/s of CPU time, over {args.repeat} runs")
    median_held, max_held, max_bytes = streaming_state(rows)
    print(f"streaming state per partition under WITHIN {CONFIG['within']} (1 event/s, watermark delay 5 s): "
          f"median {median_held} rows held, max {max_held} rows, max {max_bytes:,} bytes pickled")
    # the worst case: a price falling for an hour keeps B+ growing, so only WITHIN ends the partial match
    falling = [("k0", START + timedelta(seconds=i), 200.0 - i * 0.01) for i in range(3600)]
    for config, label in ((CONFIG, f"WITHIN {CONFIG['within']}"), ({**CONFIG, "within": None}, "no WITHIN")):
        median_held, max_held, max_bytes = streaming_state(falling, config=config)
        print(f"falling price for 1 hour, {label}: median {median_held} rows held, max {max_held} rows, "
              f"max {max_bytes:,} bytes pickled")


if __name__ == "__main__":
    main()
