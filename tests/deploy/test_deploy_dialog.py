"""The deploy dialog and deployments panel with NiceGUI's simulated user, against the fake workspace."""

from __future__ import annotations

import asyncio

import pytest
from nicegui import ui
from nicegui.testing.user_simulation import user_simulation

from lakestream.deploy.connection import connect
from lakestream.ui.deploy_dialog import deployments_panel, open_deploy_dialog


async def _wait_for(condition, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out waiting")


@pytest.fixture
async def page(store, pipeline):
    """A page with a Deploy button for one saved pipeline, and its deployments panel."""
    saved = store.create(pipeline)
    state: dict = {"factory": None}

    def root():
        async def deploy():
            state["dialog"] = await open_deploy_dialog(saved, store=store, client_factory=state["factory"])

        ui.button("Deploy", on_click=deploy).mark("open-deploy")
        ui.button("History", on_click=lambda: deployments_panel(store, saved.id)).mark("show-history")

    async with user_simulation(root=root) as user:
        yield user, state, saved


async def test_deploy_from_the_dialog_shows_progress_links_and_history(page, fake):
    user, state, saved = page
    state["factory"] = lambda: fake.client()
    await user.open("/")
    user.find(marker="open-deploy").click()
    await user.should_see("Connected to", retries=50)
    await _wait_for(lambda: "dialog" in state and state["dialog"].ready.is_set())  # open() has finished (catalogs loaded, plan shown)
    await user.should_see("Upload", retries=50)  # the plan
    state["dialog"].poll_seconds = 0
    user.find(marker="deploy-run").click()
    await _wait_for(lambda: state["dialog"].result is not None)
    await user.should_see("Open pipeline in the workspace")
    await user.should_see("✓ [1/")
    await user.should_see("Status: pipeline update", retries=50)
    pipeline_id, = fake.pipelines
    user.find(marker="deploy-close").click()
    user.find(marker="show-history").click()
    await user.should_see("succeeded")
    await user.should_see(f"v{saved.version}")


async def test_without_a_workspace_the_dialog_is_a_dry_run(page, no_workspace):
    user, state, _ = page
    state["factory"] = connect
    await user.open("/")
    user.find(marker="open-deploy").click()
    await user.should_see("Dry run: no workspace is connected", retries=50)
    await _wait_for(lambda: "dialog" in state and state["dialog"].ready.is_set())
    await user.should_see("DATABRICKS_HOST")
    await user.should_see("/Workspace/Users/your.name@example.com/lakestream/card-fraud", retries=50)
    assert not state["dialog"].deploy_button.enabled


async def test_a_failed_deploy_is_explained(page, fake):
    user, state, saved = page
    state["factory"] = lambda: fake.client()
    fake.deny("POST", r"/api/2\.0/pipelines$")
    await user.open("/")
    user.find(marker="open-deploy").click()
    await user.should_see("Connected to", retries=50)
    await _wait_for(lambda: "dialog" in state and state["dialog"].ready.is_set())  # open() has finished (catalogs loaded, plan shown)
    user.find(marker="deploy-run").click()
    await _wait_for(lambda: state["dialog"].result is not None)
    await user.should_see("permission denied")
    user.find(marker="deploy-close").click()
    user.find(marker="show-history").click()
    await user.should_see("failed")


async def test_table_picker_returns_the_table_and_its_schema(fake):
    from lakestream.deploy.catalog import CatalogBrowser
    from lakestream.ui.workspace_dialog import pick_table

    fake.add_table("main.fraud.payments", [("card_id", "string"), ("amount", "double")])
    picked: dict = {}

    def root():
        async def choose():
            picked["result"] = await pick_table(CatalogBrowser(fake.client()))

        ui.button("Pick", on_click=choose).mark("pick")

    async with user_simulation(root=root) as user:
        await user.open("/")
        user.find(marker="pick").click()
        await user.should_see(marker="table-picker", retries=50)
        select = lambda marker: next(iter(user.find(marker=marker).elements))  # noqa: E731
        await _wait_for(lambda: "main" in select("pick-catalog").options)
        select("pick-catalog").set_value("main")
        await _wait_for(lambda: "fraud" in select("pick-schema").options)
        select("pick-schema").set_value("fraud")
        await _wait_for(lambda: "payments" in select("pick-table").options)
        select("pick-table").set_value("payments")
        await user.should_see("amount  double", retries=50)
        user.find(marker="pick-ok").click()
        await _wait_for(lambda: "result" in picked)
    assert picked["result"] == ("main.fraud.payments",
                                [{"name": "card_id", "type": "string"}, {"name": "amount", "type": "double"}])


async def test_the_dialog_offers_the_workspace_catalogs_and_schemas(page, fake):
    user, state, _ = page
    fake.add_table("main.fraud.payments", [("card_id", "string")])
    fake.add_table("sales.eu.orders", [("id", "string")])
    state["factory"] = lambda: fake.client()
    await user.open("/")
    user.find(marker="open-deploy").click()
    await user.should_see("Connected to", retries=50)
    await _wait_for(lambda: "dialog" in state and state["dialog"].ready.is_set())  # open() has finished (catalogs loaded, plan shown)
    dialog = state["dialog"]
    await _wait_for(lambda: "sales" in dialog.catalog_select.options and "fraud" in dialog.schema_select.options)
    dialog.catalog_select.set_value("sales")
    await _wait_for(lambda: "eu" in dialog.schema_select.options)


@pytest.mark.parametrize("env,expected", [("no_workspace", "Dry run: No Databricks workspace is configured"),
                                          ("workspace_env", "Connected to")])
async def test_the_users_own_connection_is_checked_quickly_first(store, pipeline, env, expected, request):
    """Without a client factory the dialog checks the request's user (here: local) with short timeouts."""
    request.getfixturevalue(env)
    saved = store.create(pipeline)
    state: dict = {}

    def root():
        async def deploy():
            state["dialog"] = await open_deploy_dialog(saved, store=store)

        ui.button("Deploy", on_click=deploy).mark("open-deploy")

    async with user_simulation(root=root) as user:
        await user.open("/")
        user.find(marker="open-deploy").click()
        await user.should_see(expected, retries=100)
        await _wait_for(lambda: "dialog" in state and state["dialog"].ready.is_set())
        assert state["dialog"].deploy_button.enabled == (env == "workspace_env")
