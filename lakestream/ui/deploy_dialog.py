"""The deploy dialog (options, plan, progress, links, status) and the deployments panel, over lakestream.deploy.

    await open_deploy_dialog(pipeline, store=store, request=request)   # from the header's Deploy button
    deployments_panel(store, pipeline.id)                              # history with links

The dialog shows at once: the connection check, the workspace's catalogs and the plan load in the
background behind a spinner (`dialog.ready` is set when they are done), and nothing here imports
databricks-sdk before the dialog is on screen. Every workspace call runs in a worker thread
(run.io_bound); progress travels through a plain list that a timer renders, because NiceGUI elements
must be changed from the event loop.
"""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, run, ui

from lakestream.deploy.app import identity_from_headers
from lakestream.deploy.bundle import bundle_files
from lakestream.deploy.catalog import CatalogBrowser, CatalogError
from lakestream.deploy.connection import check_connection
from lakestream.deploy.errors import CONNECT_HELP, DeployError, NotConnected
from lakestream.deploy.options import DeployOptions, parse_options
from lakestream.deploy.plan import plan, slug
from lakestream.deploy.status import status
from lakestream.errors import UserError
from lakestream.ui.workspace_dialog import open_workspace_dialog

DRY_RUN_USER = "your.name@example.com"
TARGETS = {"": "Pipeline setting", "auto": "Auto", "sdp-sql": "SDP SQL", "sdp-python": "SDP Python",
           "sss": "Structured Streaming", "hybrid": "Hybrid"}
COMPUTE = {"serverless": "Serverless", "new_cluster": "New cluster", "existing_cluster": "Existing cluster"}
SCHEDULES = {"manual": "Manual", "continuous": "Continuous", "cron": "Cron schedule"}


def _bundle_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(files.items()):
            archive.writestr(path, text)
    return buffer.getvalue()


class DeployDialog:
    """One deploy dialog for one pipeline document."""

    def __init__(self, pipeline, *, client_factory: Callable[[], Any], store=None, poll_seconds: float = 5.0,
                 quick_check: Callable[[], Any] | None = None):
        self.pipeline = pipeline
        self.client_factory = client_factory
        # A check with short timeouts before the deploy client (whose setup alone may wait 30 s or more
        # on a host that never answers) is built: an unreachable workspace is reported in seconds.
        self.quick_check = quick_check
        self.store = store
        self.poll_seconds = poll_seconds
        self.client = None
        self.user = DRY_RUN_USER
        self.events: list[tuple[str, str]] = []  # (state, message) from the worker thread
        self.result = None
        settings = pipeline.settings
        self.values: dict[str, Any] = {
            "target": "", "compute": "serverless", "cluster_id": "", "schedule": "manual", "cron": "0 0 * * * ?",
            "timezone": "UTC", "catalog": settings.catalog or "", "schema": settings.schema_ or "",
            "checkpoint_root": settings.checkpoint_root or "", "start": True,
        }
        self.dialog = ui.dialog().props("persistent")
        with self.dialog, ui.card().classes("w-[760px] max-w-full max-h-[90vh] overflow-auto").mark("deploy-dialog"):
            with ui.row().classes("w-full items-center"):
                ui.label(f"Deploy {pipeline.name}").classes("text-h6")
                ui.space()
                ui.button("Workspace…", icon="cloud", on_click=self.change_workspace).props("flat dense no-caps") \
                    .mark("deploy-workspace")
                ui.button(icon="close", on_click=self.close).props("flat round dense").mark("deploy-close")
            with ui.row().classes("items-center gap-2 no-wrap"):
                self.loading = ui.spinner(size="sm").mark("deploy-loading")
                self.connection = ui.label("Checking the workspace connection…").classes("text-sm") \
                    .mark("deploy-connection")
            self._form()
            with ui.expansion("Plan", icon="list", value=True).classes("w-full") as self.plan_box:
                self.plan_view = ui.column().classes("w-full gap-0 text-xs font-mono").mark("deploy-plan")
            self.progress = ui.linear_progress(value=0, show_value=False).classes("w-full")
            self.progress.set_visibility(False)
            self.log = ui.column().classes("w-full gap-0 text-sm").mark("deploy-log")
            self.links = ui.column().classes("w-full gap-1").mark("deploy-links")
            self.state = ui.label("").classes("text-sm").mark("deploy-status")
            with ui.row().classes("w-full justify-end"):
                ui.button("Export bundle", icon="archive", on_click=self.export_bundle).props("flat") \
                    .mark("deploy-bundle")
                ui.button("Show plan", icon="list", on_click=self.show_plan).props("flat").mark("deploy-show-plan")
                self.deploy_button = ui.button("Deploy", icon="rocket_launch", on_click=self.deploy) \
                    .mark("deploy-run")
                self.deploy_button.disable()
        self.timer = ui.timer(0.2, self._drain, active=False)

    def _form(self) -> None:
        v = self.values
        with ui.grid(columns=3).classes("w-full gap-2"):
            ui.select(TARGETS, label="Code target").bind_value(v, "target").mark("deploy-target")
            ui.select(COMPUTE, label="Compute").bind_value(v, "compute").mark("deploy-compute")
            ui.input("Existing cluster id").bind_value(v, "cluster_id") \
                .bind_visibility_from(v, "compute", backward=lambda c: c == "existing_cluster")
            ui.select(SCHEDULES, label="Schedule").bind_value(v, "schedule").mark("deploy-schedule")
            ui.input("Quartz cron").bind_value(v, "cron").bind_visibility_from(v, "schedule", backward=lambda s: s == "cron")
            ui.input("Time zone").bind_value(v, "timezone").bind_visibility_from(v, "schedule", backward=lambda s: s == "cron")
            # Free text until connected; then the workspace's catalogs and schemas are offered too.
            self.catalog_select = ui.select([v["catalog"]] if v["catalog"] else [], label="Catalog",
                                            with_input=True, new_value_mode="add-unique",
                                            on_change=self._catalog_changed).bind_value(v, "catalog").mark("deploy-catalog")
            self.schema_select = ui.select([v["schema"]] if v["schema"] else [], label="Schema", with_input=True,
                                           new_value_mode="add-unique").bind_value(v, "schema").mark("deploy-schema")
            ui.input("Checkpoint root", placeholder="/Volumes/<catalog>/<schema>/<volume>/checkpoints") \
                .bind_value(v, "checkpoint_root")
        ui.checkbox("Start now").bind_value(v, "start").mark("deploy-start")

    def options(self) -> DeployOptions:
        v = self.values
        raw = {"compute": v["compute"], "schedule": v["schedule"], "timezone": v["timezone"] or "UTC",
               "start": bool(v["start"]), "catalog": v["catalog"] or None, "schema": v["schema"] or None,
               "checkpoint_root": v["checkpoint_root"] or None}
        if v["target"]:
            raw["target"] = v["target"]
        if v["compute"] == "existing_cluster":
            raw["cluster_id"] = v["cluster_id"] or None
        if v["schedule"] == "cron":
            raw["cron"] = v["cron"]
        return parse_options(raw)

    def open(self) -> None:
        """Show the dialog now; connect, list catalogs and plan in the background (then `ready` is set)."""
        self.ready = asyncio.Event()
        self.dialog.open()
        background_tasks.create(self._load(), name="deploy dialog")

    async def _load(self) -> None:
        try:
            await self.show_plan()  # the dry run first: it needs no workspace
            await self._connect()
        finally:
            self.loading.set_visibility(False)
            self.ready.set()

    async def _connect(self) -> None:
        if self.quick_check is not None:
            first = await run.io_bound(self.quick_check)
            if not first.ok:
                self.client = None
                help_ = "" if CONNECT_HELP in first.message else f". {CONNECT_HELP}"
                self.connection.set_text(f"Dry run: {first.message}{help_}")
                return
        try:
            self.client = await run.io_bound(self.client_factory)
            checked = await run.io_bound(check_connection, self.client)
        except NotConnected as error:
            checked = None
            self.connection.set_text(f"Dry run: no workspace is connected. {error}")
        if checked is not None and checked.ok:
            self.user = checked.user
            self.connection.set_text(checked.message)
            self.deploy_button.enable()
            self.browser = CatalogBrowser(self.client)
            await self._offer(self.catalog_select, self.browser.catalogs)
            await self._catalog_changed()
            await self.show_plan()
        elif checked is not None:
            self.client = None
            self.connection.set_text(f"Dry run: {checked.message}. {CONNECT_HELP}")

    browser: CatalogBrowser | None = None

    async def _offer(self, select: ui.select, load, *args) -> None:
        """Add the workspace's names to a select (a catalog that cannot be read leaves it free text)."""
        try:
            names = await run.io_bound(load, *args)
        except CatalogError as error:
            ui.notify(str(error), type="warning")
            return
        current = select.value
        select.set_options(sorted(set(names) | ({current} if current else set())), value=current)

    async def _catalog_changed(self, _event: Any = None) -> None:
        if self.browser is not None and self.values["catalog"]:
            await self._offer(self.schema_select, self.browser.schemas, self.values["catalog"])

    async def show_plan(self):
        self.plan_view.clear()
        try:
            the_plan = await run.io_bound(plan, self.pipeline, self.options(), user=self.user)
        except UserError as error:
            with self.plan_view:
                ui.label(str(error)).classes("text-negative").mark("deploy-plan-error")
            return None
        with self.plan_view:
            for line in the_plan.describe():
                ui.label(line)
        self.plan_box.set_text(f"Plan: {len(the_plan.actions)} steps as {the_plan.user}")
        return the_plan

    async def deploy(self) -> None:
        the_plan = await self.show_plan()
        if the_plan is None or self.client is None:
            return
        self.deploy_button.disable()
        self.events.clear()
        self.log.clear()
        self.progress.set_visibility(True)
        self.plan_box.set_value(False)  # make room for the progress log
        self.timer.activate()
        from lakestream.deploy.applying import apply, last_details, store_recorder  # databricks-sdk: only now

        record = store_recorder(self.store, the_plan) if self.store is not None else None
        previous = last_details(self.store, self.pipeline.id) if self.store is not None else {}

        def progress(step, total, action, state, message):
            self.events.append((state, f"[{step}/{total}] {message}"))
            self.progress_value = step / total if state != "running" else (step - 1) / total

        try:
            self.result = await run.io_bound(apply, the_plan, self.client, progress=progress, record=record,
                                             previous=previous)
        except DeployError as error:
            self.result = error.result
            ui.notify(str(error), type="negative", multi_line=True)
        finally:
            self._drain()
            self.deploy_button.enable()
        if self.result is not None:
            self._show_links(self.result.links)
            if self.result.ok:
                ui.notify(f"Deployed {self.pipeline.name}", type="positive")
                await self.refresh_status()

    progress_value = 0.0

    def _drain(self) -> None:
        while self.events:
            state, message = self.events.pop(0)
            if state == "running":  # the progress bar shows the running step; the log keeps outcomes
                continue
            with self.log:
                icon = "✓" if state == "done" else "✗"
                ui.label(f"{icon} {message}").classes("text-negative" if state == "failed" else "")
        self.progress.set_value(self.progress_value)

    def _show_links(self, links: dict[str, str]) -> None:
        self.links.clear()
        with self.links:
            for name, url in sorted(links.items()):
                ui.link(f"Open {name} in the workspace", url, new_tab=True).mark(f"deploy-link-{name}")

    async def refresh_status(self) -> None:
        if self.client is None or self.result is None:
            return
        current = await run.io_bound(status, self.client, self.result.details())
        text = f"Status: {current.summary()}"
        if current.errors:
            text += f" — last error: {current.errors[0]}"
        self.state.set_text(text)
        if current.links:
            self._show_links({**self.result.links, **current.links})
        if not current.finished and self.poll_seconds:
            ui.timer(self.poll_seconds, self.refresh_status, once=True)

    async def export_bundle(self) -> None:
        files = await run.io_bound(bundle_files, self.pipeline, self.options())
        name = slug(self.pipeline.name, self.pipeline.id[:8])
        ui.download.content(_bundle_zip(files), f"{name}-bundle.zip", "application/zip")
        ui.notify("Bundle downloaded: unzip it and run `databricks bundle deploy`", type="positive")

    async def change_workspace(self) -> None:
        """The connection dialog; after a successful check the dialog reconnects."""
        checked = await open_workspace_dialog()
        if checked is not None and checked.ok:
            self.loading.set_visibility(True)
            self.connection.set_text("Checking the workspace connection…")
            await self._load()

    def close(self) -> None:
        self.timer.deactivate()
        self.dialog.close()


async def open_deploy_dialog(pipeline, *, store=None, request: Any = None,
                             client_factory: Callable[[], Any] | None = None) -> DeployDialog:
    """Open the deploy dialog for `pipeline` (history goes to `store` when the pipeline is saved there).

    Returns as soon as the dialog shows; `await dialog.ready.wait()` for the connection, catalogs and plan.
    """
    quick_check = None
    if client_factory is None:
        from lakestream.deploy import workspace

        identity = identity_from_headers(getattr(request, "headers", None))
        client_factory, quick_check = identity.client, lambda: workspace.check(identity)
    dialog = DeployDialog(pipeline, client_factory=client_factory, store=store, quick_check=quick_check)
    dialog.open()
    return dialog


def deployments_panel(store, pipeline_id: str) -> ui.element:
    """The deploy history of one pipeline: when, who, version, target, result, links."""
    with ui.column().classes("w-full gap-1").mark("deployments") as panel:
        try:
            history = store.deploy_history(pipeline_id)
        except Exception as error:  # an unreadable history must not break the page
            ui.label(f"The deploy history cannot be read: {error}").classes("text-negative")
            return panel
        if not history:
            ui.label("Not deployed yet. Use Deploy in the header.").classes("text-sm text-grey-7")
        for entry in history:
            details = entry.details
            with ui.row().classes("w-full items-center gap-2 text-sm").mark("deployment"):
                ui.icon("check_circle" if entry.status == "succeeded" else "error") \
                    .classes("text-positive" if entry.status == "succeeded" else "text-negative")
                ui.label(f"{entry.at:%Y-%m-%d %H:%M} · {entry.by} · v{entry.version} · "
                         f"{details.get('target', '')} · {entry.status}")
                for name, url in sorted((details.get("links") or {}).items()):
                    ui.link(name, url, new_tab=True)
            if details.get("error"):
                ui.label(details["error"]).classes("text-xs text-negative")
    return panel
