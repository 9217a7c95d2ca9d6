"""Volume store benchmark over the wire-level fake workspace with a simulated per-request latency.

    python benchmarks/store_volume.py [--pipelines 100] [--latency-ms 20] [--runs 5]

No workspace is reachable from here, so this measures the store's request pattern (round trips per
operation, overlap of reads), not a real volume's speed; it prints medians and request counts.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lakestream.store.volume import open_volume_store  # noqa: E402
from tests.fakes import workspace as fake_workspace  # noqa: E402
from tests.store.conftest import make_pipeline  # noqa: E402

from store import timed  # noqa: E402  (benchmarks/store.py, beside this script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pipelines", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("databricks.sdk").setLevel(logging.ERROR)
    fake_workspace._Handler.disable_nagle_algorithm = True  # see tests/store/conftest.py
    with fake_workspace.FakeWorkspace() as fake:
        store = open_volume_store("/Volumes/main/bench/files/lakestream", client=fake.client())
        for i in range(args.pipelines):
            store.create(make_pipeline(name=f"P{i}", nodes=20))
        doc = store.create(make_pipeline(name="edited", nodes=200))
        fake.inject("*", r"/api/2\.0/fs/", status=None, times=10**9, delay=args.latency_ms / 1000)
        before = len(fake.requests)
        listing = timed(store.list, args.runs)
        list_requests = (len(fake.requests) - before) / args.runs

        def save():
            nonlocal doc
            doc = store.save(doc, doc.version)

        before = len(fake.requests)
        saving = timed(save, args.runs)
        save_requests = (len(fake.requests) - before) / args.runs
        opening = timed(lambda: store.get(doc.id), args.runs)
    print(f"simulated latency {args.latency_ms:.0f} ms per request")
    print(f"list {args.pipelines} pipelines: median {listing:.0f} ms ({list_requests:.0f} requests, 8 overlapped)")
    print(f"save a 200-node pipeline: median {saving:.0f} ms ({save_requests:.0f} requests)")
    print(f"open a 200-node pipeline: median {opening:.0f} ms")


if __name__ == "__main__":
    main()
