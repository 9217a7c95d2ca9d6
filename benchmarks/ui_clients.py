"""Benchmark: server memory per connected client, and N concurrent clients editing different pipelines.

Each client opens its own pipeline and repeatedly adds a node, types a label, undoes and redoes, for
--seconds; errors counted: page errors, error toasts, ERROR lines in the server log.
"""

from __future__ import annotations

import argparse
import statistics
import time

from ui_common import chains, chromium, rss_mb, save, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    with server() as (url, home, process), chromium() as browser:
        ids = [save(home, chains(2, name=f"Client {i}")) for i in range(args.clients)]
        time.sleep(2)
        idle = rss_mb(process.pid)
        pages, errors = [], []
        for pipeline_id in ids:
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
            page.goto(f"{url}?open={pipeline_id}")
            page.wait_for_function("document.querySelectorAll('.vue-flow__node').length >= 10")
            pages.append(page)
        time.sleep(3)
        loaded = rss_mb(process.pid)
        print(f"server RSS: {idle:.0f} MB idle, {loaded:.0f} MB with {args.clients} clients "
              f"-> {(loaded - idle) / args.clients:.2f} MB per client")

        edits, round_times = 0, []
        deadline = time.time() + args.seconds
        while time.time() < deadline:
            start = time.perf_counter()
            for page in pages:
                page.locator(".ls-palette-item[data-node-type=filter] button").first.click()
                label = page.locator(".ls-config input[placeholder=Filter]")
                label.fill(f"edit {edits}")
                page.locator(".vue-flow__pane").click(position={"x": 50, "y": 50})
                page.keyboard.press("Control+z")
                page.keyboard.press("Control+Shift+z")
                edits += 1
                if page.locator(".q-notification.bg-negative").count():
                    errors.append(page.locator(".q-notification.bg-negative").first.inner_text())
            round_times.append(time.perf_counter() - start)
        for page in pages:
            page.wait_for_function("document.querySelectorAll('.vue-flow__node').length >= 10")
        log = (home / "server.log").read_text()
        server_errors = [line for line in log.splitlines() if "ERROR" in line or "Traceback" in line]
        print(f"{args.clients} clients for {args.seconds:.0f} s: {edits} edits in {len(round_times)} rounds "
              f"(median round through all clients {statistics.median(round_times):.1f} s), "
              f"{len(errors)} client errors, {len(server_errors)} server errors")
        for line in (errors + server_errors)[:10]:
            print("  ", line)
        print(f"server RSS after the run: {rss_mb(process.pid):.0f} MB")


if __name__ == "__main__":
    main()
