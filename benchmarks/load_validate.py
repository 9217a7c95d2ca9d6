"""Benchmark: load and validate pipelines of 50, 500 and 1,000 nodes (median of cold runs).

Run: python benchmarks/load_validate.py [--runs N] [--warm]
Cold (the headline): the expression caches (parsed trees, pattern-engine checks) are cleared before each run.
Targets (issue 2): 1,000 nodes / 1,200 edges ≤ 50 ms median; 50 nodes ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_document  # noqa: E402

from lakestream.sparksql import evaluator as expr  # noqa: E402
from lakestream.pipeline import load_pipeline  # noqa: E402
from lakestream.validate import has_errors, validate  # noqa: E402


def measure(text: str, runs: int, cold: bool = True) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each load + validate run."""
    wall, cpu = [], []
    for _ in range(runs):
        if cold:  # no expression is remembered from a previous run
            expr.clear_caches()
        start, start_cpu = time.perf_counter(), time.process_time()
        pipeline = load_pipeline(text)
        issues = validate(pipeline)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert not has_errors(issues), issues[:3]
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--warm", action="store_true", help="also measure with the expression caches kept")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}")
    for size in (50, 500, 1000):
        document = synthetic_document(size)
        text = json.dumps(document)
        measure(text, 2)  # warm up imports and pydantic's validators
        for cold in (True, False) if args.warm else (True,):
            wall, cpu = measure(text, args.runs, cold)
            print(f"load+validate {size:>5} nodes / {len(document['edges']):>5} edges: "
                  f"median {statistics.median(wall):7.2f} ms, CPU {statistics.median(cpu):7.2f} ms  "
                  f"(min {min(wall):.2f}, max {max(wall):.2f}, {args.runs} {'cold' if cold else 'warm'} runs)")


if __name__ == "__main__":
    main()
