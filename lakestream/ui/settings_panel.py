"""Pipeline-level settings, shown in the config panel when no node is selected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, ui

from lakestream.pipeline import Pipeline
from lakestream.ui.guard import guarded
from lakestream.ui.workspace_dialog import catalog_browser, connected_browser, offer_names

TARGET_TITLES = {"auto": "Auto (the router decides)", "sdp-sql": "SDP SQL", "sdp-python": "SDP Python",
                 "sss": "Structured Streaming", "hybrid": "Hybrid (SDP + SSS job)"}


def settings_form(pipeline: Pipeline, on_change: Callable[[str, Any], None]) -> None:
    """Description, code target and the default catalog/schema/checkpoint root of the generated code.

    `on_change(name, value)`: name is description, code_target, or settings.<field>.
    """
    ui.label("Pipeline settings").classes("text-subtitle1 text-weight-medium")
    ui.textarea("Description", value=pipeline.description,
                on_change=lambda e: on_change("description", e.value or "")) \
        .props("autogrow dense").classes("w-full").mark("pipeline-description")
    ui.select(TARGET_TITLES, value=pipeline.code_target, label="Code target",
              on_change=lambda e: on_change("code_target", e.value)).props("dense").classes("w-full") \
        .mark("pipeline-code-target")
    ui.label("Which code the pipeline is deployed as; the Code tab shows every target.") \
        .classes("ls-field-help")
    settings = pipeline.settings
    browser = connected_browser()
    if browser is None:
        _free_text(settings, on_change)
    else:
        _pickers(browser, settings, on_change)
    ui.input("Checkpoint root", value=settings.checkpoint_root or "",
             on_change=lambda e: on_change("settings.checkpoint_root", e.value or None)) \
        .props("dense").classes("w-full").mark("pipeline-checkpoint_root")
    ui.label("Folder of the streaming checkpoints").classes("ls-field-help")


HELP = {"catalog": "Default Unity Catalog catalog", "schema": "Default schema"}


def _free_text(settings: Any, on_change: Callable[[str, Any], None]) -> None:
    """No workspace connected in this tab: catalog and schema are typed; a button beside the catalog
    connects (or asks for a connection) and turns both into pickers."""
    for key, title, value in (("catalog", "Catalog", settings.catalog), ("schema", "Schema", settings.schema_)):
        widget = ui.input(title, value=value or "",
                          on_change=lambda e, k=key: on_change(f"settings.{k}", e.value or None)) \
            .props("dense").classes("w-full").mark(f"pipeline-{key}")
        if key == "catalog":
            with widget.add_slot("append"):
                ui.button(icon="travel_explore", on_click=catalog_browser).props("flat round dense size=sm") \
                    .tooltip("Choose from the workspace's Unity Catalog").mark("pipeline-browse-catalogs")
        ui.label(HELP[key]).classes("ls-field-help")


def _pickers(browser: Any, settings: Any, on_change: Callable[[str, Any], None]) -> None:
    """A workspace is connected: catalog and schema are chosen from its Unity Catalog (typing filters, and
    Enter keeps a name the workspace does not have yet)."""
    def select(key: str, title: str, value: str | None) -> ui.select:
        picker = ui.select([value] if value else [], value=value or None, label=title, with_input=True,
                           new_value_mode="add-unique", clearable=True) \
            .props("dense").classes("w-full").mark(f"pipeline-{key}")
        ui.label(HELP[key] + " (from the workspace)").classes("ls-field-help")
        return picker

    catalog = select("catalog", "Catalog", settings.catalog)
    schema = select("schema", "Schema", settings.schema_)

    async def catalog_changed(e: Any) -> None:
        on_change("settings.catalog", e.value or None)
        if e.value:
            await offer_names(schema, browser.schemas, e.value)

    catalog.on_value_change(guarded(catalog_changed))
    schema.on_value_change(lambda e: on_change("settings.schema", e.value or None))

    async def load() -> None:
        await offer_names(catalog, browser.catalogs)
        if catalog.value:
            await offer_names(schema, browser.schemas, catalog.value)

    background_tasks.create(load(), name="pipeline settings catalogs")
