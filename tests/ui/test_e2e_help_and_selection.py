"""End to end in real headless Chromium: a node's help with its example rows, box-selecting nodes, and
per-token column completion in an expression field. Screenshots go to test-results/."""

from __future__ import annotations

import pytest

from lakestream.node_examples import node_example
from tests.ui.test_e2e import browser, drag_from_palette, export, node, page, select_node, server, shot  # noqa: F401

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
