"""End to end in headless Chromium: `lakestream ui`, open a saved pipeline, deploy it to the fake workspace."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.browser import FLAGS, ROOT, free_port, server_env, serving
from tests.conftest import require



@pytest.fixture
def server(fake, store, pipeline, tmp_path):
    store.create(pipeline)
    port = free_port()
    env = server_env(drop=("DATABRICKS_",), LAKESTREAM_HOME=str(tmp_path / "home"), DATABRICKS_HOST=fake.url,
                     DATABRICKS_TOKEN="dapi-test", DATABRICKS_CONFIG_FILE=str(tmp_path / "none"))
    command = [sys.executable, "-m", "lakestream", "ui", "--port", str(port), "--store", "local"]
    with serving(command, env, tmp_path / "server.log", port, timeout=30, cwd=tmp_path) as url:
        yield url


@pytest.mark.e2e
def test_deploy_a_saved_pipeline_in_chromium(server, fake):
    require(shutil.which("chromium") is not None or Path("/usr/bin/chromium").exists(), "Debian chromium")
    from playwright.sync_api import expect, sync_playwright

    results = ROOT / "test-results"
    results.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server)
        page.locator("button:has(i:text-is('folder_open'))").click()  # the header's Open button
        page.get_by_role("cell", name="Card fraud").click()
        expect(page.get_by_text("Opened Card fraud")).to_be_visible()
        page.locator(".q-header").get_by_role("button", name="Deploy").click()
        dialog = page.locator(".q-dialog")
        expect(dialog.get_by_text("Connected to")).to_be_visible(timeout=15000)
        expect(dialog.get_by_text("Create or update declarative pipeline 'Card fraud'")).to_be_visible()
        dialog.get_by_role("button", name="Deploy").click()
        expect(dialog.get_by_text("Open pipeline in the workspace")).to_be_visible(timeout=20000)
        expect(dialog.get_by_text("Status: pipeline update")).to_be_visible(timeout=10000)
        expect(dialog.get_by_text("✓ [6/6] started update")).to_be_visible()
        pipeline_id, = fake.pipelines
        link = dialog.get_by_role("link", name="Open pipeline in the workspace")
        assert link.get_attribute("href") == f"{fake.url}/pipelines/{pipeline_id}"
        page.screenshot(path=str(results / "deploy-dialog.png"), full_page=True)
        browser.close()
