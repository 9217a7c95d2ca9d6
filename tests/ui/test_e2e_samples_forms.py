"""End to end in real headless Chromium: templates with their own samples in the Timeline, samples saved with
the pipeline, a schema from data, labels and messages in the user's words, and the gallery's pictures and search."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from lakestream import gallery
from lakestream.nodes.base import Category
from lakestream.pipeline import FORMAT
from tests.core.factories import linear_document
from tests.ui.browser_steps import export, field, import_file, node, select_node, shot, toast

pytestmark = pytest.mark.e2e

CARDS = gallery.list_templates()
EVENTS = [{"card_id": "c1", "amount": 250.5, "ts": "2024-05-01T10:00:00Z", "ok": True},
          {"card_id": "c2", "amount": 12, "ts": "2024-05-01T10:00:07Z", "ok": False}]


@pytest.fixture
def console(page):
    """Console errors of the page: a test asserts none at its end."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def _open_template(page, card: gallery.TemplateCard, over_unsaved: bool) -> None:
    page.locator("button:has(i:text('auto_awesome'))").first.click()
    dialog = page.locator(".ls-gallery")
    dialog.wait_for()
    dialog.locator("input").fill(card.name)  # the search keeps this card
    dialog.locator(f".ls-template-card:has-text('{card.name}')").first.click()
    if over_unsaved:
        page.locator(".q-dialog").get_by_role("button", name="Discard changes").click()
    toast(page, f"Started from the template {card.name}")
    page.wait_for_function(f"document.querySelectorAll('.vue-flow__node').length === {card.node_count}")


def _fit(page) -> None:
    page.locator(".vue-flow__controls-fitview").click()
    page.wait_for_timeout(300)


def test_every_template_opened_over_the_previous_shows_detections_from_its_own_samples(page, console):
    """Each template over the one before (unsaved, so Discard is asked): every pattern node's Timeline replays
    the template's sample events and shows at least one detection."""
    page.get_by_role("tab", name="Timeline").click()
    counted: dict[str, int] = {}
    for index, card in enumerate(CARDS):
        _open_template(page, card, over_unsaved=index > 0)
        doc = gallery.instantiate(card)
        _fit(page)
        for pattern in [n for n in doc.nodes if n.spec.category is Category.PATTERN]:
            select_node(page, pattern.id, pattern.spec.name)
            title = page.locator(".ls-timeline").get_by_text(f"Timeline · {pattern.title}", exact=True)
            title.wait_for(timeout=30000)
            page.wait_for_function(
                "(title) => { const t = document.querySelector('.ls-timeline'); return t && t.innerText.includes(title)"
                " && /\\d+ detections?,/.test(t.innerText)"
                " && t.innerText.includes(\"the pipeline's sample events\"); }",
                arg=f"Timeline · {pattern.title}", timeout=30000)
            text = page.locator(".ls-timeline").inner_text()
            detections = int(re.search(r"(\d+) detections?,", text).group(1))
            assert detections >= 1, (card.name, pattern.id, text)
            assert page.locator(".ls-timeline-svg .ls-tl-detection").count() >= 1
            counted[f"{card.name} · {pattern.title}"] = detections
        if index == 1:
            shot(page, "samples-01-template-timeline")
    assert len(counted) == sum(1 for c in CARDS for n in gallery.instantiate(c).nodes
                               if n.spec.category is Category.PATTERN) >= 12
    assert console == []


def test_edited_samples_are_saved_exported_and_reopened_with_the_pipeline(page, console):
    card = next(c for c in CARDS if c.name == "Card fraud")
    _open_template(page, card, over_unsaved=False)
    _fit(page)
    doc = gallery.instantiate(card)
    pattern = next(n for n in doc.nodes if n.spec.category is Category.PATTERN)
    select_node(page, pattern.id, pattern.spec.name)
    page.get_by_role("tab", name="Timeline").click()
    page.locator(".ls-timeline").get_by_text("the pipeline's sample events", exact=False).wait_for(timeout=30000)

    source = next(iter(doc.samples))
    page.get_by_role("button", name="Sample events").click()
    box = page.locator(".q-dialog textarea")
    assert box.input_value().splitlines() == [json.dumps(row) for row in doc.samples[source]]
    kept = doc.samples[source][:5]
    box.fill("\n".join(json.dumps(row) for row in kept))
    page.get_by_role("button", name="Use these events").click()
    page.locator(".ls-timeline").get_by_text(f": {len(kept)})", exact=False).wait_for(timeout=30000)

    page.locator(".vue-flow__pane").click(position={"x": 30, "y": 30})
    page.keyboard.press("Control+s")
    toast(page, "(version 1)")
    exported = export(page)
    assert exported["format"] == FORMAT and exported["samples"] == {**doc.samples, source: kept}

    page.goto(page.url.split("?")[0] + f"?open={exported['id']}")
    page.wait_for_function(f"document.querySelectorAll('.vue-flow__node').length === {len(doc.nodes)}")
    _fit(page)
    select_node(page, pattern.id, pattern.spec.name)
    page.get_by_role("tab", name="Timeline").click()
    page.locator(".ls-timeline").get_by_text(f": {len(kept)})", exact=False).wait_for(timeout=30000)
    shot(page, "samples-02-reopened")
    assert console == []


def test_a_source_schema_from_pasted_data_with_chosen_types_and_event_time(page, console, tmp_path):
    """A pipeline with edits (imported, then its Kafka schema emptied): columns from data, types chosen, Event time."""
    fraud = linear_document()
    for index, item in enumerate(fraud["nodes"]):
        item["position"] = {"x": 300 * index, "y": 0}
    fraud["nodes"][0]["config"]["schema"] = []
    document = tmp_path / "fraud.lakestream.json"
    document.write_text(json.dumps(fraud))
    import_file(page, document, "Card fraud")
    select_node(page, "n1", "Kafka topic")
    config = page.locator(".ls-config")
    for label in ("SASL mechanism", "SSL truststore location", "Schema registry URL", "Bootstrap servers"):
        config.get_by_text(label, exact=False).first.wait_for()

    config.get_by_role("button", name="Columns from data").click()
    page.locator(".q-dialog textarea").fill("\n".join(json.dumps(e) for e in EVENTS))
    page.locator(".q-dialog").get_by_role("button", name="Use these columns").click()
    toast(page, "4 column(s) from 2 row(s)")
    field(page, "schema[3].name").wait_for()
    names = [field(page, f"schema[{i}].name").locator("input").input_value() for i in range(4)]
    types = [field(page, f"schema[{i}].type").locator("input").input_value() for i in range(4)]
    assert names == ["card_id", "amount", "ts", "ok"] and types == ["string", "double", "timestamp", "boolean"]
    shot(page, "samples-03-schema-from-data")

    # the type is chosen from Spark's types
    field(page, "schema[3].type").locator(".q-field__control").click()
    menu = page.locator(".q-menu")
    for option in ("string", "bigint", "timestamp", "decimal(10,2)", "array<string>"):
        menu.get_by_text(option, exact=True).wait_for()
    menu.get_by_text("string", exact=True).click()
    page.keyboard.press("Escape")

    # a column added by hand is offered by the source's own Event time at once
    field(page, "schema").get_by_role("button", name="Add").click()
    name = field(page, "schema[4].name").locator("input")
    name.fill("arrived")
    name.press("Tab")
    field(page, "event_time").locator(".q-field__control").click()
    for option in ("card_id", "ts", "arrived"):
        page.locator(".q-menu").get_by_text(option, exact=True).wait_for()
    page.locator(".q-menu").get_by_text("ts", exact=True).click()
    page.keyboard.press("Escape")
    exported = export(page)
    kafka = exported["nodes"][0]["config"]
    assert kafka["event_time"] == "ts" and kafka["schema"][3] == {"name": "ok", "type": "string"}
    assert kafka["schema"][4] == {"name": "arrived"}
    assert exported["samples"] == {"n1": EVENTS}  # the pasted rows became the source's sample events
    assert console == []


def test_errors_name_the_step_as_the_form_does_on_card_problems_and_form(page, console):
    card = next(c for c in CARDS if c.name == "Card fraud")
    _open_template(page, card, over_unsaved=False)
    _fit(page)
    sequence = next(n for n in gallery.instantiate(card).nodes if n.type == "sequence_detector")
    select_node(page, sequence.id, "Sequence")
    page.locator(".ls-config").get_by_text("Step 1", exact=True).wait_for()
    name = field(page, "steps[0].name").locator("input")
    name.fill("")
    name.press("Tab")
    node(page, sequence.id).locator(".ls-node-msg").filter(has_text="Step 1: Name is required").wait_for()
    field(page, "steps[0].name").get_by_text("Required", exact=True).wait_for()
    page.get_by_role("tab", name="Problems").click()
    problem = page.locator(".ls-problem").filter(has_text="Step 1: Name is required")
    problem.wait_for()
    assert "steps[0]" not in page.locator(".ls-problems").inner_text()
    assert "steps[0]" not in node(page, sequence.id).inner_text()
    shot(page, "samples-04-messages")
    assert console == []


def test_gallery_cards_show_their_graph_and_search_filters_them(page, console):
    page.locator("button:has(i:text('auto_awesome'))").first.click()
    dialog = page.locator(".ls-gallery")
    dialog.wait_for()
    cards = dialog.locator(".ls-template-card")
    assert cards.count() == len(CARDS) == 12
    for index, card in enumerate(CARDS):
        picture = cards.nth(index).locator("svg.ls-graph-picture")
        assert picture.locator("rect.ls-gp-node").count() == card.node_count
        box = picture.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 40
    shot(page, "samples-05-gallery")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.wait_for_timeout(300)
    assert cards.first.locator("svg.ls-graph-picture").bounding_box()["width"] > 100
    shot(page, "samples-05-gallery-1366")
    search = dialog.locator("input")
    search.fill("sla breach")
    expect(dialog.locator(".ls-template-card:visible")).to_have_count(1)
    assert dialog.locator(".ls-template-card:visible").all_inner_texts()[0].startswith("SLA breach")
    search.fill("zebra")
    dialog.get_by_text("No template matches your search.").wait_for()
    search.fill("")
    expect(dialog.locator(".ls-template-card:visible")).to_have_count(len(CARDS))
    assert console == []
