"""Benchmark: Deploy click to the deploy dialog on screen, to its plan, and to "Connected to".

The fake workspace answers every request after `--latency` seconds (a cloud workspace's REST latency),
or never (`--silent`: a host that accepts connections and does not answer). Each run starts a fresh
`lakestream ui` on a saved 5-node pipeline and opens it; `--settle` seconds later (a user looks at the
page before clicking) it clicks Deploy `--clicks` times. To measure another checkout (before/after),
run it from that checkout's folder with PYTHONPATH set to it: the server is `python -m lakestream`,
which imports the current folder first. Prints medians and maxima in seconds.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the code measured is the one on PYTHONPATH

from ui_common import chains, chromium, save, server  # noqa: E402

STAGES = ("dialog visible", "plan shown", "connection answered")


def click_deploy(page, name: str, wait: float) -> tuple[float, float, float]:
    start = time.perf_counter()
    page.locator(".q-header").get_by_role("button", name="Deploy", exact=True).click()
    dialog = page.locator(".q-dialog").filter(has_text=f"Deploy {name}")
    dialog.wait_for(state="visible", timeout=120000)
    shown = time.perf_counter() - start
    dialog.get_by_text(" steps as ").wait_for(state="visible", timeout=120000)
    planned = time.perf_counter() - start
    answer = dialog.get_by_text("Connected to").or_(dialog.get_by_text("Dry run: Cannot use"))
    answer.wait_for(state="visible", timeout=wait * 1000)
    connected = time.perf_counter() - start
    dialog.locator("button:has(i:text-is('close'))").first.click()
    dialog.wait_for(state="hidden")
    return shown, planned, connected


def silent_host() -> str:
    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def accept() -> None:
        while True:
            held.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clicks", type=int, default=3)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds between page load and the first click (a user looks before clicking)")
    args = parser.parse_args()
    from lakestream.pipeline import load_pipeline
    from tests.fakes.workspace import FakeWorkspace

    first, later = [], []
    with FakeWorkspace() as fake:
        fake.inject("*", ".*", status=None, delay=args.latency, times=10**9)
        host = silent_host() if args.silent else fake.url
        os.environ.update(DATABRICKS_HOST=host, DATABRICKS_TOKEN="dapi-test")
        os.environ["DATABRICKS_CONFIG_FILE"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / "no-databrickscfg")
        for _ in range(args.runs):
            with server() as (url, home, _), chromium() as browser:
                document = load_pipeline({**chains(1, name="Fraud alerts").to_dict(),
                                          "settings": {"catalog": "main", "schema": "fraud"}})
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.goto(f"{url}?open={save(home, document)}")
                page.wait_for_function("document.querySelectorAll('.vue-flow__node').length >= 5")
                time.sleep(args.settle)
                first.append(click_deploy(page, document.name, 300))
                later += [click_deploy(page, document.name, 300) for _ in range(args.clicks - 1)]
    print(f"workspace: {'silent host' if args.silent else f'{args.latency:g} s per request'}")
    for name, runs in (("first click after start", first), ("later clicks", later)):
        for index, what in enumerate(STAGES):
            values = [r[index] for r in runs]
            print(f"{name:24} {what:20} median {statistics.median(values):6.2f} s  max {max(values):6.2f} s "
                  f"(n={len(values)})")


if __name__ == "__main__":
    main()
