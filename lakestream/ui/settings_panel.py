"""Pipeline-level settings, shown in the config panel when no node is selected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from lakestream.pipeline import Pipeline

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
    for key, title, value, help_text in (
        ("catalog", "Catalog", settings.catalog, "Default Unity Catalog catalog"),
        ("schema", "Schema", settings.schema_, "Default schema"),
        ("checkpoint_root", "Checkpoint root", settings.checkpoint_root, "Folder of the streaming checkpoints"),
    ):
        ui.input(title, value=value or "", on_change=lambda e, k=key: on_change(f"settings.{k}", e.value or None)) \
            .props("dense").classes("w-full").mark(f"pipeline-{key}")
        ui.label(help_text).classes("ls-field-help")
