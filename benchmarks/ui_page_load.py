"""Benchmark: page load to an interactive canvas (empty page, and a saved 100-node pipeline). Prints medians."""

from __future__ import annotations

import argparse
import time

from ui_common import chains, chromium, report, save, server


def load(browser, url: str, expect_nodes: int) -> tuple[float, float]:
    """(wall time seen by this script, time in the page from navigation start): a fresh context each
    time, so nothing is cached in the browser (a cold load)."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".vue-flow__pane")
    if expect_nodes:
        page.wait_for_function(f"document.querySelectorAll('.vue-flow__node').length >= {expect_nodes}")
    else:
        page.wait_for_selector(".ls-palette-item")
    elapsed = (time.perf_counter() - start) * 1000
    in_page = page.evaluate("performance.now()")  # navigation start to now (a little after interactive)
    context.close()
    return elapsed, in_page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    with server() as (url, home, _), chromium() as browser:
        pipeline_id = save(home, chains(20))
        load(browser, url, 0)  # warm-up: the first request compiles templates and fills caches
        for name, address, nodes in (("empty", url, 0), ("a 100-node pipeline", f"{url}?open={pipeline_id}", 100)):
            times = [load(browser, address, nodes) for _ in range(args.runs)]
            report(f"page load to interactive canvas ({name}), wall time", [wall for wall, _ in times])
            report(f"page load to interactive canvas ({name}), in the page", [page for _, page in times])


if __name__ == "__main__":
    main()
