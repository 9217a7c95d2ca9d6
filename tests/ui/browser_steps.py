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


FITS = "Number((document.querySelector('.ls-canvas') || {dataset: {}}).dataset.fits || 0)"


def wait_for_fit(page, before: int) -> None:
    """Until the canvas has fitted its view more than `before` times (it counts them), and the view settled."""
    page.wait_for_function(f"{FITS} > {before}", timeout=15000)
    wait_for_view(page)


def open_template(page, name: str) -> None:
    """Open a gallery template (over unsaved work, discard it: the dialog offers Save, Discard, Cancel);
    return once the canvas has fitted the new graph."""
    before = page.evaluate(FITS)
    page.locator("button:has(i:text-is('auto_awesome'))").first.click()
    page.locator(".ls-template-card").filter(has=page.get_by_text(name, exact=True)).first.click()
    discard = page.get_by_role("button", name="Discard changes")
    opened = page.locator(".ls-header .ls-name").filter(has_text=name)
    discard.or_(opened).first.wait_for()
    if discard.is_visible():
        discard.click()
    opened.wait_for()
    wait_for_fit(page, before)


def wait_for_graph(page, nodes: int, edges: int, timeout: float = 15000) -> None:
    """Until the canvas shows `nodes` node cards and `edges` edges (in the DOM); a clear failure otherwise."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([n, e]) => document.querySelectorAll('.vue-flow__node').length === n"
            " && document.querySelectorAll('.vue-flow__edge').length === e", arg=[nodes, edges], timeout=timeout)
    except PlaywrightTimeout:
        shown = page.evaluate("[document.querySelectorAll('.vue-flow__node').length,"
                              " document.querySelectorAll('.vue-flow__edge').length]")
        raise AssertionError(f"the canvas shows {shown[0]} nodes and {shown[1]} edges; "
                             f"the document has {nodes} and {edges}") from None


def wait_for_view(page) -> None:
    """Until the canvas's viewport has stopped moving (a fit has run and settled)."""
    page.wait_for_function("""() => new Promise((done) => {
      const read = () => (document.querySelector('.vue-flow__transformationpane') || {style: {}}).style.transform;
      const first = read();
      setTimeout(() => done(first && first === read()), 250);
    })""", timeout=10000)


# Measured in the page: the zoom, every node label's font size on screen (CSS size times zoom), and the
# nodes whose box meets the minimap's or the controls' box.
READABILITY = """() => {
  const pane = document.querySelector('.vue-flow__transformationpane');
  const zoom = parseFloat(/scale\\(([0-9.]+)\\)/.exec(pane.style.transform)[1]);
  const fonts = [...document.querySelectorAll('.ls-node-label')].map((l) => parseFloat(getComputedStyle(l).fontSize) * zoom);
  const meets = (selector) => {
    const overlay = document.querySelector(selector);
    if (!overlay) return [];
    const r = overlay.getBoundingClientRect();
    return [...document.querySelectorAll('.vue-flow__node')].filter((n) => {
      const b = n.getBoundingClientRect();
      return b.left < r.right && b.right > r.left && b.top < r.bottom && b.bottom > r.top;
    }).map((n) => n.dataset.id);
  };
  return {zoom, fonts, minimap: !!document.querySelector('.vue-flow__minimap'),
          underMinimap: meets('.vue-flow__minimap'), underControls: meets('.vue-flow__controls')};
}"""


def import_file(page, path, name: str) -> None:
    """Import a .lakestream.json file through the header's Import button; wait for its toast."""
    page.locator("button:has(i:text('upload_file'))").click()
    page.locator(".q-dialog input[type=file]").set_input_files(str(path))
    toast(page, f"Imported {name}")
