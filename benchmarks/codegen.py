"""Benchmark: median generate() time for 50 / 500 / 1,000-node pipelines, every target (prints a table)."""

from __future__ import annotations

import os
import statistics
import sys
import time

from lakestream.codegen import generate
from lakestream.pipeline import load_pipeline

SCHEMA = [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"},
          {"name": "country", "type": "string"}, {"name": "ts", "type": "timestamp"}]
TRANSFORMS = [
    ("filter", {"condition": "amount > 10 AND country <> 'US'"}),
    ("map_select", {"columns": [{"expr": "card_id"}, {"expr": "amount * 2", "alias": "amount"},
                                {"expr": "country"}, {"expr": "ts"}]}),
    ("watermark", {"event_time_column": "ts", "delay": "1 minute"}),
    ("rename_cast", {"mappings": [{"column": "country", "cast_to": "string"}]}),
]


def build(size: int, stateful_sink: bool) -> object:
    """Chains of source -> 4 transforms -> sink (6 nodes each) until `size` nodes."""
    nodes, edges = [], []
    chain = 0
    while len(nodes) + 6 <= size or not nodes:
        prefix = f"c{chain}"
        nodes.append({"id": f"{prefix}_src", "type": "kafka_source", "label": f"Source {chain}", "config": {
            "bootstrap_servers": "b:9092", "topics": [f"t{chain}"], "schema": SCHEMA}})
        previous = f"{prefix}_src"
        for index, (type_id, config) in enumerate(TRANSFORMS):
            node_id = f"{prefix}_t{index}"
            nodes.append({"id": node_id, "type": type_id, "label": f"{type_id} {chain}", "config": config})
            edges.append((previous, node_id))
            previous = node_id
        last = stateful_sink and chain == 0
        sink = ({"type": "sql_warehouse_sink", "config": {"warehouse_id": "1a2b3c4d5e6f7a8b", "table": "m.s.t"}}
                if last else {"type": "delta_table_sink", "config": {"table": f"main.s.out{chain}"}})
        nodes.append({"id": f"{prefix}_sink", "label": f"Sink {chain}", **sink})
        edges.append((previous, f"{prefix}_sink"))
        chain += 1
    return load_pipeline({"name": f"Bench {size}", "nodes": nodes, "edges": [
        {"id": f"e{i}", "source": s, "target": t} for i, (s, t) in enumerate(edges)]})


def median_ms(pipeline, target: str, repeat: int, check: bool) -> tuple[float, float]:
    """Median wall-clock and CPU milliseconds (CPU time is the fairer figure on a busy machine)."""
    generate(pipeline, target)  # warm the template and parse caches
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        generate(pipeline, target, check=check)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    # "with validation" is generate() as the CLI calls it; "generation only" skips the validate() gate
    # (check=False), as the UI does right after its own validation of the same pipeline.
    print(f"load average {os.getloadavg()[0]:.1f}; medians in ms, wall / CPU")
    print(f"{'nodes':>6} {'target':>11} {'with validation':>17} {'generation only':>17}")
    for size in (50, 500, 1000):
        plain, hybrid = build(size, False), build(size, True)
        repeat = 21 if size <= 50 else 7
        for target in ("sdp-sql", "sdp-python", "sss", "hybrid"):
            pipeline = hybrid if target == "hybrid" else plain
            full = median_ms(pipeline, target, repeat, True)
            only = median_ms(pipeline, target, repeat, False)
            print(f"{len(pipeline.nodes):>6} {target:>11} {full[0]:>8.1f} /{full[1]:>7.1f} {only[0]:>8.1f} /{only[1]:>7.1f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
