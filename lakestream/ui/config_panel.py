"""The right-hand panel: the selected node's label, generated config form with inline errors, and help."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from lakestream.graph import PipelineGraph
from lakestream.labels import location, path_parts
from lakestream.nodes.base import Category
from lakestream.pipeline import Node, Pipeline
from lakestream.schemas import node_inputs, propagate
from lakestream.ui.forms import ConfigForm
from lakestream.ui.guard import guarded
from lakestream.ui.timeline import sample_events_dialog
from lakestream.ui.settings_panel import settings_form
from lakestream.validate import Issue


def _declared(config: dict[str, Any]) -> list[str]:
    """The column names a draft config declares in its `schema` (valid or not yet)."""
    schema = config.get("schema")
    items = schema if isinstance(schema, list) else []
    return [c["name"] for c in items if isinstance(c, dict) and isinstance(c.get("name"), str) and c["name"]]


def input_columns(pipeline: Pipeline, node_id: str) -> Callable[[str | None], list[str]]:
    """Column names arriving at a node (per port, or all ports), from schema propagation; for a source,
    its own columns (those its schema declares, even in a draft, then what it outputs)."""
    graph = PipelineGraph(pipeline)
    schemas = propagate(pipeline, graph)
    node = pipeline.node(node_id)
    if node.spec.category is Category.SOURCE:
        own = list(dict.fromkeys(_declared(node.config) + [c.name for c in schemas.get(node_id) or ()]))
        return lambda port: list(own)
    inputs = node_inputs(graph, node_id, schemas)

    def columns(port: str | None) -> list[str]:
        if inputs is None:
            return []
        ports = [port] if port else list(inputs)
        names: list[str] = []
        for p in ports:
            for schema in inputs[p]:
                names.extend(c.name for c in schema if c.name not in names)
        return names

    return columns


def field_errors(node: Node, issues: list[Issue], known: set[str]) -> tuple[dict[str, str], str | None]:
    """Messages per form field; issues on a path the form has no widget for go to the nearest parent
    field, and whole-config ones (a model rule) to `general`."""
    by_field: dict[str, str] = {}
    general: list[str] = []
    for issue in issues:
        if issue.node_id != node.id or issue.severity == "info":
            continue
        field = issue.field
        while field and field not in known:
            field = field.rsplit(".", 1)[0] if "." in field else (field.rsplit("[", 1)[0] if "[" in field else "")
        message = issue.message + (f" — {issue.hint}" if issue.hint else "")
        if field:
            # under the field itself its name (and description, already shown) need not be repeated
            where = location(node.spec.config, path_parts(issue.field or ""))
            if field == issue.field and message.startswith(f"{where} is required"):
                message = "Required"
            message = message.removeprefix(f"{where}: ") if field == issue.field else message
            by_field.setdefault(field, message)
        elif issue.code.startswith("config."):
            general.append(message)
    return by_field, "; ".join(general) or None


def _samples_text(pipeline: Pipeline, source_id: str) -> str:
    count = len(pipeline.samples.get(source_id, ()))
    return f"{count} sample event{'' if count == 1 else 's'} (Timeline)" if count else "No sample events yet"


class ConfigPanel:
    """Rebuilt when the selection changes; kept (with focus) while the user types."""

    def __init__(self, on_label: Callable[[str, str], None], on_config: Callable[[str, dict[str, Any], Any, bool], None],
                 on_help: Callable[[str], None], on_pipeline: Callable[[str, Any], None],
                 on_samples: Callable[[str, list[dict] | None], None] | None = None):
        self.on_label, self.on_config, self.on_help = on_label, on_config, on_help
        self.on_pipeline, self.on_samples = on_pipeline, on_samples
        self.pipeline: Pipeline | None = None
        self.samples_label: ui.label | None = None
        self.node_id: str | None = None
        self.form: ConfigForm | None = None
        self.container = ui.column().classes("w-full gap-2 ls-config")

    def show(self, pipeline: Pipeline, node_id: str | None, issues: list[Issue]) -> None:
        self.container.clear()
        self.node_id, self.form, self.pipeline, self.samples_label = node_id, None, pipeline, None
        with self.container:
            if node_id is None or node_id not in pipeline.node_by_id:
                with ui.row().classes("items-center gap-2 text-grey-7 no-wrap"):
                    ui.icon("touch_app").classes("text-2xl text-grey-5")
                    ui.label("Select a node to configure it (Shift-click or Shift-drag selects several).") \
                        .classes("text-xs")
                ui.separator()
                settings_form(pipeline, self.on_pipeline)
                return
            node = pipeline.node(node_id)
            spec = node.spec
            with ui.row().classes("items-center w-full no-wrap gap-2"):
                ui.icon(spec.icon).style(f"color: {spec.colour}").classes("text-2xl")
                with ui.column().classes("gap-0 grow"):
                    ui.label(spec.name).classes("text-subtitle1 text-weight-medium")
                    ui.label(spec.description).classes("text-xs text-grey-7")
                ui.button(icon="help_outline", on_click=lambda: self.on_help(spec.type)) \
                    .props("flat round dense").tooltip("Documentation of this node").mark("node-help")
            ui.input("Label", value=node.label, placeholder=spec.name,
                     on_change=lambda e: self.on_label(node_id, e.value or "")).classes("w-full").mark("node-label")
            if spec.category is Category.SOURCE and self.on_samples is not None:
                self._samples_row(node)
            ui.separator()
            keep = self.on_samples
            on_events = (lambda rows: keep(node_id, rows)) if keep and spec.category is Category.SOURCE else None
            self.form = ConfigForm(spec.config, node.config, input_columns(pipeline, node_id),
                                   lambda config, path, structural: self.on_config(node_id, config, path, structural),
                                   on_events)
            self.refresh_errors(pipeline, issues)

    def _samples_row(self, node: Node) -> None:
        """A source's sample events (saved with the pipeline, replayed by the Timeline): how many, and Edit."""
        with ui.row().classes("w-full items-center no-wrap gap-2"):
            ui.icon("edit_note").classes("text-grey-7")
            self.samples_label = ui.label(_samples_text(self.pipeline, node.id)).classes("text-sm grow") \
                .mark("source-samples")

            async def edit() -> None:
                current = self.pipeline.node(node.id) if node.id in self.pipeline.node_by_id else node
                await sample_events_dialog(self.pipeline, {node.id: current.title}, self.on_samples)

            ui.button("Edit", on_click=guarded(edit)).props("flat dense no-caps").mark("source-samples-edit")

    def refresh_errors(self, pipeline: Pipeline, issues: list[Issue]) -> None:
        self.pipeline = pipeline
        if self.samples_label is not None and self.node_id in pipeline.node_by_id:
            self.samples_label.set_text(_samples_text(pipeline, self.node_id))
        if self.form is None or self.node_id not in pipeline.node_by_id:
            return
        by_field, general = field_errors(pipeline.node(self.node_id), issues, set(self.form.errors))
        self.form.show_errors(by_field, general)
        if self.form.column_fields:  # only forms with column pickers pay for the schema propagation
            self.form.set_columns(input_columns(pipeline, self.node_id))

    def focus_field(self, field: str | None) -> None:
        """Put the cursor in the field a problem points at (its nearest parent with a widget)."""
        if self.form is None or not field:
            return
        while field and field not in self.form.fields:
            field = field.rsplit(".", 1)[0] if "." in field else (field.rsplit("[", 1)[0] if "[" in field else "")
        widget = self.form.fields.get(field or "")
        if widget is not None:
            widget.run_method("focus")
