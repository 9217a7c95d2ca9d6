"""End to end in real headless Chromium: a backtest comparison (current vs a field override) and pinning a
Timeline's detections as the node's pattern test."""

from __future__ import annotations

import json

import pytest

from benchmarks.backtest_data import pipeline_document, write_files
from lakestream.cep.backtest import Backtester, event_files, with_overrides
from lakestream.pipeline import load_pipeline
from tests.ui.browser_steps import import_file, select_node, shot, toast

pytestmark = pytest.mark.e2e


def test_backtest_dialog_compares_two_thresholds(page, tmp_path):
    doc = pipeline_document(condition="amount > 300", threshold=2)
    doc["name"] = "Bursts <b>bold</b>"
    files = write_files(tmp_path / "history", 4000, files=4, per_second=1, cards=30)  # about 67 minutes
    path = tmp_path / "bursts.lakestream.json"
    path.write_text(json.dumps(doc))
    import_file(page, path, "Bursts")

    page.locator("button:has(i:text('query_stats'))").click()
    dialog = page.locator(".q-dialog").filter(has_text="Backtest")
    dialog.get_by_label("Event files or folders").fill(str(files[0].parent))
    dialog.get_by_label("Compare with").click()
    page.locator(".q-menu .q-item").filter(has_text="a field override").click()
    dialog.get_by_label("burst.threshold=5 or a version number").fill("burst.threshold=4")
    dialog.get_by_role("button", name="Run backtest").click()

    pipeline = load_pipeline(doc)
    expected = [Backtester(d).run({"payments": event_files([files[0].parent])}).nodes["burst"]
                for d in (pipeline, with_overrides(pipeline, ["burst.threshold=4"]))]
    summary = (f"Big payment burst: current: {expected[0].detections:,} detection(s); "
               f"burst.threshold=4: {expected[1].detections:,} detection(s)")
    dialog.get_by_text(summary).wait_for(timeout=60_000)
    assert dialog.get_by_text("4,000 events").count() == 1
    chart = dialog.locator("svg.ls-bt-chart")
    buckets = sorted(set(expected[0].buckets) | set(expected[1].buckets))
    assert len(buckets) >= 2
    for index, node in enumerate(expected):
        bars = chart.locator(f".ls-bt-bar-{index}")
        assert bars.count() == len(buckets)
        assert [int(bars.nth(i).get_attribute("data-count")) for i in range(len(buckets))] == \
            [node.buckets.get(b, 0) for b in buckets]
    assert dialog.locator("table tbody tr").count() == min(5, expected[0].detections)
    shot(page, "30-backtest-compare")
    dialog.get_by_role("button", name="Close").click()
    dialog.wait_for(state="detached")


def test_pin_keeps_the_timeline_rows_as_the_pattern_test(page, tmp_path):
    doc = pipeline_document(condition="amount > 300", threshold=2)
    events = [{"card_id": "c1", "merchant": "m1", "amount": 400.0, "country": "US", "ts": f"2026-03-01T00:0{i}:00Z"}
              for i in range(4)] + [{"card_id": "c9", "merchant": "m1", "amount": 1.0, "country": "US",
                                     "ts": "2026-03-01T00:30:00Z"}]
    doc["samples"] = {"payments": events}
    path = tmp_path / "pins.lakestream.json"
    path.write_text(json.dumps(doc))
    import_file(page, path, "Backtest bench")
    select_node(page, "burst", "Count threshold")
    page.get_by_role("tab", name="Timeline").click()
    page.locator(".ls-timeline-svg .ls-tl-detection").first.wait_for()
    page.get_by_role("button", name="Pin").click()
    toast(page, "1 row(s) pinned as the expected detections")
    page.get_by_text("1 row(s) pinned", exact=True).wait_for()
    page.locator("button:has(i:text('download'))").wait_for()
    with page.expect_download() as download:
        page.locator("button:has(i:text('download'))").click()
    saved = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert saved["format"] == 3
    assert [r["count"] for r in saved["expectations"]["burst"]] == [2]
    shot(page, "31-timeline-pinned")
