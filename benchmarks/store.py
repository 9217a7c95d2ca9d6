"""Store benchmark (local backend): list 1,000 pipelines, save and open a 500-node pipeline; prints medians.

    python benchmarks/store.py [--pipelines 1000] [--nodes 500] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lakestream.nodes import REGISTRY  # noqa: E402
from lakestream.pipeline import Edge, Node, Pipeline, Position  # noqa: E402
from lakestream.store import Store  # noqa: E402
from lakestream.store.local import LocalBackend  # noqa: E402


def chain(name: str, nodes: int) -> Pipeline:
    """A source, `nodes - 2` filters and a sink, connected in a line."""
    items = [Node(id="n1", type="kafka_source", label="Source", config=dict(REGISTRY["kafka_source"].example))]
    items += [Node(id=f"n{i}", type="filter", label=f"Filter {i}", position=Position(x=i * 40, y=i % 9 * 60),
                   config={"condition": f"amount > {i}"}) for i in range(2, nodes)]
    items.append(Node(id=f"n{nodes}", type="delta_table_sink", config={"table": "main.bench.out"}))
    edges = [Edge(id=f"e{i}", source=a.id, target=b.id) for i, (a, b) in enumerate(zip(items, items[1:]), 1)]
    return Pipeline(name=name, nodes=tuple(items), edges=tuple(edges))


def timed(action, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=1000)
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        store = Store(LocalBackend(home), user="bench")
        small = chain("small", 5)
        for i in range(args.pipelines):
            store.create(small.model_copy(update={"id": f"{i:08x}-0000-4000-8000-000000000000", "name": f"P{i}"}))
        listing = timed(store.list, args.runs)
        assert len(store.list()) == args.pipelines

        big = store.create(chain("big", args.nodes))
        size = len(store.backend.read(f"pipelines/{big.id}/versions/0000000001.json"))

        def save_big():
            nonlocal big
            big = store.save(big, big.version)

        saving = timed(save_big, args.runs)
        opening = timed(lambda: store.get(big.id), args.runs)
        versions = timed(lambda: store.versions(big.id), args.runs)
    print(f"list {args.pipelines} pipelines: median {listing:.1f} ms")
    print(f"save a {args.nodes}-node pipeline ({size / 1024:.0f} KiB, fsynced): median {saving:.1f} ms")
    print(f"open a {args.nodes}-node pipeline (read, checksum, validate): median {opening:.1f} ms")
    print(f"list the {args.runs + 1} versions of the {args.nodes}-node pipeline: median {versions:.1f} ms")


if __name__ == "__main__":
    main()
