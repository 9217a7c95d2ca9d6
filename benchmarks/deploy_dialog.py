"""Benchmark: Deploy click to the deploy dialog on screen, and to "Connected to" (the fake workspace answering).

Each run starts a fresh `lakestream ui` (the first click after a start is the one a user waits for most:
it may import databricks-sdk), then clicks Deploy `--clicks` times. Run it with PYTHONPATH at another
checkout to measure that code (before/after). Prints medians and maxima in seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the code measured is the one on PYTHONPATH

from ui_common import chromium, server  # noqa: E402


def click_deploy(page) -> tuple[float, float]:
    start = time.perf_counter()
    page.locator(".q-header").get_by_role("button", name="Deploy").click()
    dialog = page.locator(".q-dialog").filter(has_text="Deploy Untitled pipeline")
    dialog.wait_for(state="visible", timeout=60000)
    shown = time.perf_counter() - start
    dialog.get_by_text("Connected to").wait_for(state="visible", timeout=60000)
    connected = time.perf_counter() - start
    dialog.locator("button:has(i:text-is('close'))").first.click()
    dialog.wait_for(state="hidden")
    return shown, connected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clicks", type=int, default=3)
    args = parser.parse_args()
    from tests.fakes.workspace import FakeWorkspace

    first, later = [], []
    with FakeWorkspace() as fake:
        os.environ.update(DATABRICKS_HOST=fake.url, DATABRICKS_TOKEN="dapi-test")
        os.environ["DATABRICKS_CONFIG_FILE"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / "no-databrickscfg")
        for _ in range(args.runs):
            with server() as (url, _home, _), chromium() as browser:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.goto(url)
                page.wait_for_selector(".ls-palette-item")
                first.append(click_deploy(page))
                later += [click_deploy(page) for _ in range(args.clicks - 1)]
    for name, runs in (("first click after start", first), ("later clicks", later)):
        for index, what in ((0, "dialog visible"), (1, "connected")):
            values = [r[index] for r in runs]
            print(f"{name:24} {what:15} median {statistics.median(values):.2f} s  max {max(values):.2f} s "
                  f"(n={len(values)})")


if __name__ == "__main__":
    main()
