"""The versions panel in real headless Chromium: list, compare with badges, code diff, restore."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lakestream.pipeline import Edge, Node, Position
from lakestream.store import Store
from lakestream.store.local import LocalBackend
from tests.browser import CHROMIUM, FLAGS, ROOT, free_port, server_env, serving
from tests.conftest import require
from tests.store.conftest import make_pipeline

pytestmark = pytest.mark.e2e



@pytest.fixture
def app(tmp_path):
    """The one-page app on a free port over a store holding two versions of one pipeline."""
    store = Store(LocalBackend(tmp_path / "home"), user="ana@example.com")
    first = store.create(make_pipeline())
    nodes = (*first.nodes[:1], first.nodes[1].model_copy(update={"config": {"condition": "amount > 99"}}),
             *first.nodes[2:], Node(id="n9", type="filter", label="Extra", position=Position(x=300, y=150),
                                  config={"condition": "true"}))
    store.save(first.model_copy(update={"nodes": nodes, "edges": first.edges + (Edge(id="e9", source="n1",
                                                                                      target="n9"),)}), 1)
    port = free_port()
    env = server_env(LAKESTREAM_HOME=str(tmp_path / "home"), PIPELINE_ID=first.id)
    command = [sys.executable, str(ROOT / "tests/store/versions_app.py"), str(port)]
    with serving(command, env, tmp_path / "server.log", port) as url:
        yield url, store, first.id


def test_versions_panel_in_chromium(app):
    require(Path(CHROMIUM).exists(), "Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    url, store, pipeline_id = app
    results = ROOT / "test-results"
    results.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        page.get_by_role("button", name="Versions").click()
        expect(page.get_by_text("Versions of Card fraud")).to_be_visible()
        expect(page.get_by_text("~ node Filter 2: config.condition: 'amount > 2' → 'amount > 99'")).to_be_visible()
        expect(page.get_by_text("Extra", exact=True)).to_be_visible()  # the added node in the graph
        page.get_by_role("button", name="Compare generated code").click()
        expect(page.get_by_text("+WHERE amount > 99;")).to_be_visible(timeout=20000)
        page.screenshot(path=str(results / "store-versions-panel.png"), full_page=True)
        page.get_by_role("button", name="Restore").click()
        expect(page.get_by_text("Restored version 1 as version 3")).to_be_visible()
        expect(page.get_by_text("editor now on version 3")).to_be_visible()
        browser.close()
    assert store.latest_version(pipeline_id) == 3
    assert store.get(pipeline_id).nodes == store.get_version(pipeline_id, 1).nodes
