"""Benchmark: load and validate pipelines of 50, 500 and 1,000 nodes (median of cold runs).

Run: python benchmarks/load_validate.py [--runs N]
Targets (issue 2): 1,000 nodes / 1,200 edges ≤ 50 ms median; 50 nodes ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_document  # noqa: E402

from lakestream.cep import expr  # noqa: E402
from lakestream.nodes.fields import parse_expression  # noqa: E402
from lakestream.pipeline import load_pipeline  # noqa: E402
from lakestream.validate import has_errors, validate  # noqa: E402


def measure(text: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        parse_expression.cache_clear()  # cold: no expression is remembered from a previous run
        expr._check.cache_clear()
        start = time.perf_counter()
        pipeline = load_pipeline(text)
        issues = validate(pipeline)
        times.append((time.perf_counter() - start) * 1000)
        assert not has_errors(issues), issues[:3]
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    for size in (50, 500, 1000):
        document = synthetic_document(size)
        text = json.dumps(document)
        measure(text, 2)  # warm up imports and pydantic's validators
        times = measure(text, args.runs)
        print(f"load+validate {size:>5} nodes / {len(document['edges']):>5} edges: "
              f"median {statistics.median(times):7.2f} ms  (min {min(times):.2f}, max {max(times):.2f}, "
              f"{args.runs} cold runs)")


if __name__ == "__main__":
    main()
