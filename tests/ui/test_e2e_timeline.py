"""End to end in real headless Chromium: the Timeline tab replays a pattern node on pasted sample events."""

from __future__ import annotations

import json

import pytest

from lakestream.cep.replay import replay
from lakestream.pipeline import load_pipeline
from tests.cep.test_replay import SEQUENCE_EVENTS
from tests.core.factories import linear_document
from tests.ui.browser_steps import select_node, shot, toast

pytestmark = pytest.mark.e2e

XSS = '<img src=x onerror="window.__xss = 1">'


def test_timeline_tab_shows_events_late_events_and_detections(page, tmp_path):
    fraud = linear_document()
    for index, item in enumerate(fraud["nodes"]):
        item["position"] = {"x": 300 * index, "y": 0}  # side by side on the canvas
    document = tmp_path / "fraud.lakestream.json"
    document.write_text(json.dumps(fraud))
    page.locator("button:has(i:text('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(document))
    toast(page, "Imported Card fraud")
    select_node(page, "n3", "Sequence")
    page.get_by_role("tab", name="Timeline").click()
    chart = page.locator(".ls-timeline-svg")
    chart.locator(".ls-tl-detection").first.wait_for()  # the node type's example events, before any sample

    events = [{**e, "card_id": XSS if e["card_id"] == "c2" else e["card_id"]} for e in SEQUENCE_EVENTS]
    page.get_by_role("button", name="Sample events").click()
    page.locator(".q-dialog textarea").fill("\n".join(json.dumps(e) for e in events))
    page.get_by_role("button", name="Use these events").click()
    page.get_by_text("1 detection, 1 late event dropped, 1 event held: waiting for the watermark").wait_for()

    engine = replay(load_pipeline(linear_document()), {"n1": events}, "n3").outputs["n3"].rows
    assert chart.locator(".ls-tl-detection").count() == len(engine) == 1
    assert chart.locator(".ls-tl-late").count() == 1
    assert chart.locator(".ls-tl-event").count() == 5  # c2's 50.00 payment is filtered out before the node
    lane = chart.locator(".ls-tl-lane").nth(1)
    assert lane.locator("text").text_content() == XSS[:19] + "…"  # the key, as text (full in its tooltip)
    assert lane.locator("title").text_content() == lane.get_attribute("data-key") == XSS
    assert page.locator(".ls-timeline img").count() == 0
    assert page.evaluate("window.__xss") is None
    rows = page.locator(".ls-timeline-rows tbody tr")
    assert rows.count() == 1 and "c1#1" in rows.first.inner_text()
    shot(page, "12-timeline")
