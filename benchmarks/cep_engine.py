"""Engine throughput per pattern (events/s) on this machine: median of several runs, printed as a table.

The per-key algorithms are fed events as the generated Spark processor feeds them (flags already
evaluated, micro-batches of 1,000 events, 100 keys), so the figure is the runtime's own speed.
Run: python benchmarks/cep_engine.py [--events N] [--repeat R]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from lakestream.cep.bindings import bind
from lakestream.cep.engine import make_simulation
from lakestream.nodes import REGISTRY

BASE = {"key_columns": ["k"], "event_time_column": "ts", "watermark_delay": "5 seconds"}
CASES = {
    "count_threshold (sliding)": ("count_threshold", {"threshold": 5, "window": "10 seconds"}, 1),
    "count_threshold (tumbling)": ("count_threshold", {"threshold": 5, "window": "10 seconds", "mode": "tumbling"}, 1),
    "deduplication": ("deduplication", {"columns": ["id"], "within": "30 seconds"}, 0),
    "absence": ("absence_detector", {"trigger_condition": "a", "expected_condition": "b", "timeout": "30 seconds"}, 2),
    "sequence (3 steps, relaxed)": ("sequence_detector", {"within": "30 seconds", "steps": [
        {"name": "a", "condition": "a"}, {"name": "b", "condition": "b"}, {"name": "c", "condition": "c"}]}, 3),
    "session": ("session_detector", {"gap": "10 seconds"}, 0),
    "velocity (sum)": ("velocity_detector", {"metric": "sum", "value_column": "v", "rate_threshold": 1e6,
                                             "per": "second", "window": "10 seconds"}, 2),
    "trend": ("trend_detector", {"value_column": "v", "direction": "up", "length": 4}, 1),
    "outlier (zscore)": ("outlier_detector", {"value_column": "v", "baseline_window": "10 seconds", "method": "zscore",
                                              "threshold": 3}, 1),
    "heartbeat": ("heartbeat_monitor", {"expected_interval": "3 seconds"}, 0),
    "state machine": ("state_machine", {"states": ["s", "t"], "initial_state": "s", "transitions": [
        {"from": "s", "to": "t", "condition": "a"}, {"from": "t", "to": "s", "condition": "b"}]}, 2),
}


def events(count: int, fields: int, type_id: str, seed: int = 7):
    """(key, event) pairs: 100 keys, ~100 events per second, slightly out of order, flags ~1/3 true."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        ts = i * 10_000 + rng.randrange(0, 500_000)  # 10 ms apart, up to 0.5 s out of order
        key = (f"k{rng.randrange(100)}",)
        if type_id == "deduplication":  # event: time, arrival, the row (here its number), the identity
            out.append((key, [ts, i, i, f"id{rng.randrange(50)}"]))
            continue
        if type_id in ("velocity_detector", "trend_detector", "outlier_detector"):
            values = [True, rng.random() * 100] if type_id == "velocity_detector" else [rng.random() * 100]
        else:
            values = [rng.random() < 0.34 for _ in range(fields)]
        out.append((key, [ts, i, *values]))
    return out


def run_once(type_id: str, config: dict, stream, batch: int) -> float:
    parsed = REGISTRY[type_id].config.model_validate({**BASE, **config})
    binding = bind(type_id, parsed)
    sim = make_simulation(binding, parsed)  # deduplication replays its Spark operator's rule, not the per-key driver
    start = time.perf_counter()
    for i in range(0, len(stream), batch):
        sim.batch(stream[i:i + batch])
    sim.finish()
    return len(stream) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batch", type=int, default=1_000)
    args = parser.parse_args()
    print(f"{'pattern':32s} {'events/s (median)':>18s}   runs: {args.repeat} x {args.events:,} events")
    for label, (type_id, config, fields) in CASES.items():
        stream = events(args.events, fields, type_id)
        # each run gets fresh lists: the driver keeps references to the events it buffers
        rates = [run_once(type_id, config, [(k, list(e)) for k, e in stream], args.batch) for _ in range(args.repeat)]
        print(f"{label:32s} {statistics.median(rates):>18,.0f}")


if __name__ == "__main__":
    main()
