"""Benchmark: open a 1,000-node pipeline, then pan and zoom it (frame times while dragging the pane and wheeling)."""

from __future__ import annotations

import argparse
import time

from ui_common import chains, chromium, report, save, server

# opened = node cards on screen and the first fit done (the canvas counts its fits in data-fits)
FITTED = """() => document.querySelectorAll('.vue-flow__node').length > 0
  && Number((document.querySelector('.ls-canvas') || {dataset: {}}).dataset.fits || 0) > 0"""
START_FRAMES = """() => {
  window.lsFrames = []; window.lsRecording = true; let last = performance.now();
  const tick = (now) => { window.lsFrames.push(now - last); last = now; if (window.lsRecording) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""
STOP_FRAMES = "() => { window.lsRecording = false; return window.lsFrames.slice(1); }"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chains", type=int, default=200, help="5 nodes per chain (default 1,000 nodes)")
    args = parser.parse_args()
    with server() as (url, home, _), chromium() as browser:
        pipeline_id = save(home, chains(args.chains))
        opens, frames, rendered, syncs = [], [], [], []
        for _ in range(args.runs):
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            start = time.perf_counter()
            page.goto(f"{url}?open={pipeline_id}")
            # the canvas renders only what is on screen above 150 nodes, so not every node is in the DOM
            page.wait_for_function(FITTED, timeout=60000)
            opens.append((time.perf_counter() - start) * 1000)
            # the canvas's own share: syncGraph's bulk replace of the whole graph (measured in the page)
            syncs.append(page.evaluate("Math.max(...performance.getEntriesByName('lakestream-sync').map((m) => m.duration))"))
            rendered.append(page.locator(".vue-flow__node").count())
            pane = page.locator(".vue-flow__pane").bounding_box()
            x, y = pane["x"] + pane["width"] / 2, pane["y"] + pane["height"] / 2
            page.evaluate(START_FRAMES)  # frame times recorded in the page while the pane is dragged and zoomed
            page.mouse.move(x, y)
            page.mouse.down()
            for step in range(30):
                page.mouse.move(x - step * 10, y - step * 6)
            page.mouse.up()
            for _ in range(5):
                page.mouse.wheel(0, -240)
            page.wait_for_timeout(300)
            frames.extend(page.evaluate(STOP_FRAMES))
            page.close()
        report(f"open a {args.chains * 5}-node pipeline (nodes on screen, view fitted)", opens)
        print(f"nodes in the DOM after fitting: {rendered}")
        report("of which the canvas's syncGraph (bulk replace)", syncs)
        report(f"frame time while panning/zooming {args.chains * 5} nodes", frames)


if __name__ == "__main__":
    main()
