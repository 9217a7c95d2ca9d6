"""Benchmark: edit-to-code-view latency on a 100-node pipeline (type a filter condition, wait for the code)."""

from __future__ import annotations

import argparse
import time

from ui_common import chains, chromium, report, save, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=30)
    parser.add_argument("--chains", type=int, default=20, help="5 nodes per chain (default 100 nodes)")
    args = parser.parse_args()
    with server() as (url, home, _), chromium() as browser:
        pipeline_id = save(home, chains(args.chains))
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(f"{url}?open={pipeline_id}")
        page.wait_for_function(f"document.querySelectorAll('.vue-flow__node').length >= {args.chains * 5}")
        page.locator(".vue-flow__node[data-id=n2] .ls-node-head").click()
        condition = page.locator('.ls-field[data-field="condition"] input')
        condition.wait_for()
        page.wait_for_function("document.querySelector('.ls-code .cm-content')")
        latencies = []
        for k in range(args.edits):
            value = f"amount > {1000 + k}"
            condition.fill(value)  # one input event: what one keystroke sends
            start = time.perf_counter()
            page.wait_for_function(
                "(v) => document.querySelector('.ls-code .cm-content').innerText.includes(v)", arg=value,
                polling="raf")
            latencies.append((time.perf_counter() - start) * 1000)
        report(f"edit-to-code latency, {args.chains * 5} nodes", latencies)


if __name__ == "__main__":
    main()
