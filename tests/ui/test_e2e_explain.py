"""End to end in real headless Chromium: the Timeline's explain view — held events, partial matches, the
watermark, and "why no match?" for a key picked in the Timeline, on a gallery template opened over another."""

from __future__ import annotations

import pytest

from lakestream import gallery
from lakestream.cep.timeline import build_timeline
from tests.ui.browser_steps import RESULTS, open_template, select_node, shot

pytestmark = pytest.mark.e2e


def _expected(name: str, node_id: str):
    [card] = [c for c in gallery.list_templates() if c.name == name]
    return build_timeline(gallery.instantiate(card), node_id)


def _pick_key(page, key: str) -> None:
    picker = page.locator(".ls-timeline-why .q-select")
    picker.click()
    page.locator(".q-menu .q-item").filter(has_text=key).first.click()
    page.locator(".q-menu").wait_for(state="detached")  # the list has closed (not caught mid-fade in a shot)


def test_why_no_match_for_a_picked_key_and_the_held_event(page):
    open_template(page, "Card fraud")
    open_template(page, "Clickstream funnel")  # over the first: the Timeline follows the new document
    select_node(page, "funnel", "Sequence")
    page.get_by_role("tab", name="Timeline").click()
    expected = _expected("Clickstream funnel", "funnel")
    page.get_by_text(expected.summary, exact=True).wait_for()
    chart = page.locator(".ls-timeline-svg")
    held = chart.locator(".ls-tl-held")
    assert held.count() == expected.held_events == 1  # the latest event: no later event moved the watermark past it
    assert "HELD: waiting for the watermark" in held.locator("title").text_content()
    assert chart.locator(".ls-tl-watermark").count() == 1
    assert chart.locator(".ls-tl-wm").count() == len(expected.watermarks)
    partials = chart.locator(".ls-tl-partial")
    assert partials.count() == sum(len(p.steps) > 1 for lane in expected.lanes for p in lane.partials)
    assert chart.locator('.ls-tl-partial[data-status="expired"]').count() >= 2

    _pick_key(page, "v-02")
    page.locator(".ls-timeline-why").get_by_text("within 30 min exceeded").wait_for()
    why = page.locator(".ls-timeline-why").inner_text()
    assert "Time bound exceeded · stopped at step 4" in why
    assert ("step 4 'checkout': within 30 min exceeded: step 4 did not come by 2026-09-12 18:31:00 (the watermark "
            "passed it)") in why
    assert "partial match 1 (expired): step 1 'home' at 18:01:00, step 2 'product' at 18:04:00, step 3 'cart' at " \
           "18:06:00" in why
    shot(page, "explain-01-why-no-match")
    chart.screenshot(path=str(RESULTS / "ui-explain-00-chart.png"))  # the whole chart: watermark lane, bands

    chart.locator('.ls-tl-lane[data-key="v-06"] text').click()  # a lane's key in the chart picks it too
    page.locator(".ls-timeline-why").get_by_text("Waiting for the watermark", exact=True).wait_for()
    assert "still waiting for the watermark: 1 event(s) from 2026-09-12 19:00:00 on are held" in \
        page.locator(".ls-timeline-why").inner_text()
    shot(page, "explain-02-held")
