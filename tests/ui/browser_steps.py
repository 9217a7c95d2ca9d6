"""What the browser tests do on the builder page with Playwright: drag, connect, fill, select, export, shoot."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[2] / "test-results"


def shot(page, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS / f"ui-{name}.png"))


def drag_from_palette(page, type_id: str, x: int, y: int) -> None:
    page.locator(f".ls-palette-item[data-node-type={type_id}]").drag_to(
        page.locator(".vue-flow"), target_position={"x": x, "y": y})


def node(page, node_id: str):
    return page.locator(f".vue-flow__node[data-id={node_id}]")


def connect(page, source: str, target: str) -> None:
    start = node(page, source).locator(".vue-flow__handle.source").first.bounding_box()
    end = node(page, target).locator(".vue-flow__handle.target").first.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + end["height"] / 2, steps=12)
    page.mouse.up()


def field(page, path: str):
    return page.locator(f'.ls-field[data-field="{path}"]').first


def fill(page, path: str, text: str) -> None:
    box = field(page, path).locator("input, textarea").first
    box.fill(text)
    box.press("Tab")


def add_item(page, list_path: str, shows: str) -> None:
    """Click a list field's Add until the field `shows` appears: a click that lands while the form is
    being refreshed after the previous edit can miss (seen once in CI)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(3):
        field(page, list_path).get_by_role("button", name="Add").click()
        try:
            field(page, shows).wait_for(timeout=5000)
            return
        except PlaywrightTimeout:
            continue
    field(page, shows).wait_for()


def select_node(page, node_id: str, expect: str) -> None:
    node(page, node_id).locator(".ls-node-head").click()
    page.locator(".ls-config").get_by_text(expect, exact=True).first.wait_for()


def toast(page, text: str) -> None:
    page.locator(".q-notification").filter(has_text=text).first.wait_for(timeout=5000)


def code_text(page) -> str:
    return page.locator(".ls-code .cm-content").inner_text()


def export(page) -> dict:
    with page.expect_download() as download:
        page.locator("button:has(i:text('download'))").first.click()
    return json.loads(Path(download.value.path()).read_text())
