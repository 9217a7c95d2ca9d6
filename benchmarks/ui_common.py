"""Shared pieces of the UI benchmarks: a `lakestream ui` server on a temporary store, Chromium, big pipelines."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from lakestream import editing
from lakestream.pipeline import Pipeline

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def chains(count: int, name: str | None = None) -> Pipeline:
    """`count` valid chains Kafka -> filter x3 -> Delta (5 nodes each), laid out in rows."""
    doc = Pipeline(name=name or f"Benchmark {count * 5} nodes")
    for c in range(count):
        doc, source = editing.add_node(doc, "kafka_source", 0, c * 160)
        doc = editing.set_config(doc, source, {
            "bootstrap_servers": "broker:9092", "topics": [f"topic_{c}"],
            "schema": [{"name": "key", "type": "string"}, {"name": "amount", "type": "double"}]})
        previous = source
        for i in range(3):
            doc, step = editing.add_node(doc, "filter", (i + 1) * 288, c * 160)
            doc = editing.set_config(doc, step, {"condition": f"amount > {i}"})
            doc, _ = editing.connect(doc, previous, "out", step, "in")
            previous = step
        doc, sink = editing.add_node(doc, "delta_table_sink", 4 * 288, c * 160)
        doc = editing.set_config(doc, sink, {"table": f"main.bench.t{c}"})
        doc, _ = editing.connect(doc, previous, "out", sink, "in")
    return doc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server() -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """(url, LAKESTREAM_HOME, process) of a fresh `lakestream ui`."""
    with tempfile.TemporaryDirectory() as home:
        port = free_port()
        env = {**os.environ, "LAKESTREAM_HOME": home, "LAKESTREAM_STORE": "local"}
        env.pop("DATABRICKS_APP_PORT", None)
        log = open(Path(home) / "server.log", "w")
        process = subprocess.Popen([sys.executable, "-m", "lakestream", "ui", "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"server did not start: {(Path(home) / 'server.log').read_text()}")
                time.sleep(0.2)
        try:
            yield url, Path(home), process
        finally:
            process.terminate()
            process.wait(timeout=10)
            log.close()


def save(home: Path, document: Pipeline) -> str:
    from lakestream.store import open_store

    return open_store("local", home=str(home)).create(document).id


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (from /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(name: str, values: list[float], unit: str = "ms") -> None:
    print(f"{name}: median {statistics.median(values):.0f} {unit}, p95 {percentile(values, 0.95):.0f} {unit} "
          f"(n={len(values)})")


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()
