"""End to end in real headless Chromium: a node's help with its example rows, box-selecting nodes, and
per-token column completion in an expression field. Screenshots go to test-results/."""

from __future__ import annotations

import pytest

from lakestream.node_examples import node_example
from tests.ui.browser_steps import connect, drag_from_palette, export, field, node, select_node, shot

pytestmark = pytest.mark.e2e


def test_help_dialog_shows_the_example_rows_and_code(page):
    page.locator(".ls-palette-item[data-node-type=sequence_detector] button[title=Documentation]").click()
    dialog = page.locator(".ls-help-card")
    dialog.get_by_text("Generated code of this example").wait_for()
    output = node_example("sequence_detector").outputs[0]
    table = dialog.locator(".ls-example-table").last
    assert table.locator("tbody tr").count() == len(output.rows)
    assert table.locator("tbody tr").first.locator("td").all_inner_texts() == [str(v) for v in output.rows[0]]
    dialog.get_by_text("pattern engine").first.scroll_into_view_if_needed()
    shot(page, "09-help-example-rows")


def test_shift_drag_box_selects_nodes_and_delete_removes_them(page):
    for type_id, x, y in (("kafka_source", 160, 120), ("filter", 160, 300), ("delta_table_sink", 760, 300)):
        drag_from_palette(page, type_id, x, y)
    node(page, "n3").wait_for()
    canvas = page.locator(".vue-flow").bounding_box()
    first, second = node(page, "n1").bounding_box(), node(page, "n2").bounding_box()
    left, top = min(first["x"], second["x"]) - 30, first["y"] - 30
    right = max(first["x"] + first["width"], second["x"] + second["width"]) + 30
    bottom = second["y"] + second["height"] + 30
    assert left > canvas["x"] and right < node(page, "n3").bounding_box()["x"]
    page.keyboard.down("Shift")
    page.mouse.move(left, top)
    page.mouse.down()
    page.mouse.move(right, bottom, steps=15)
    page.mouse.up()
    page.keyboard.up("Shift")
    page.wait_for_function("document.querySelectorAll('.vue-flow__node.selected').length === 2")
    assert node(page, "n1").get_attribute("class").count("selected") == 1
    assert "selected" not in node(page, "n3").get_attribute("class")
    shot(page, "10-box-selection")
    page.keyboard.press("Delete")
    node(page, "n2").wait_for(state="detached")
    node(page, "n1").wait_for(state="detached")
    assert [n["id"] for n in export(page)["nodes"]] == ["n3"]  # the core document, not just the canvas


def test_typing_a_partial_column_name_offers_the_input_columns_and_tab_accepts(page):
    drag_from_palette(page, "stream_simulator", 160, 160)
    drag_from_palette(page, "filter", 520, 160)
    node(page, "n2").wait_for()
    connect(page, "n1", "n2")
    select_node(page, "n1", "Stream simulator")
    field(page, "profile").locator(".q-field__control").click()
    page.locator(".q-menu .q-item").filter(has_text="card_transactions").click()
    select_node(page, "n2", "Filter")
    box = field(page, "condition").locator("input")
    box.click()
    box.press_sequentially("amount > 10 AND ca", delay=40)
    chips = field(page, "condition").locator(".ls-column-chips .q-chip")
    chips.filter(has_text="card_id").wait_for()
    assert chips.all_inner_texts()[:2] == ["card_id", "CASE"]  # the columns starting with "ca", then keywords
    shot(page, "11-column-completion")
    box.press("Tab")  # accepts the first completion in place of the partial word
    page.wait_for_function("document.activeElement && document.activeElement.value === 'amount > 10 AND card_id'")
    box.press_sequentially(" > 0 OR cu", delay=40)
    chips.filter(has_text="currency").click()  # a chip inserts its column at the word too
    page.wait_for_function("document.activeElement.value === 'amount > 10 AND card_id > 0 OR currency'")
    # Back in the middle of the text: the word at the caret is completed and the rest is kept.
    box.press("Home")
    box.press_sequentially("me", delay=40)  # "me|amount > 10 …": the caret is after "me"; the word "meamount" is replaced
    chips.filter(has_text="merchant").wait_for()
    chips.filter(has_text="merchant").click()
    page.wait_for_function("document.activeElement.value === 'merchant > 10 AND card_id > 0 OR currency'")
    assert page.evaluate("document.activeElement.selectionStart") == len("merchant")
    box.press("End")
    box.press("Enter")
    page.wait_for_timeout(300)
    condition = next(n for n in export(page)["nodes"] if n["id"] == "n2")["config"]["condition"]
    assert condition == "merchant > 10 AND card_id > 0 OR currency"
