"""In-app documentation of a node type, generated from the registry so it never drifts from the code."""

from __future__ import annotations

import json

from nicegui import run, ui

from lakestream.node_examples import NodeExample, Table, node_example
from lakestream.nodes import get_node_type
from lakestream.nodes.base import NodeType
from lakestream.ui import samples
from lakestream.ui.fieldspec import default_of, describe, key_of

SHORTCUTS = (
    ("Ctrl+S", "Save"), ("Ctrl+Z", "Undo"), ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Ctrl+C / Ctrl+V", "Copy / paste the selected nodes (Ctrl+V of a MATCH_RECOGNIZE query adds it as nodes)"), ("Ctrl+D", "Duplicate the selection"),
    ("Delete / Backspace", "Delete the selection"), ("Shift+click, Shift+drag", "Select several nodes"),
    ("Ctrl+L", "Auto-layout"), ("?", "This list"),
)

GETTING_STARTED = (
    "Drag a source (for example Kafka topic) from the palette onto the canvas, or click its + button.",
    "Add a pattern or a transform, then a sink. Connect them by dragging from a node's right handle "
    "to the next node's left handle.",
    "Select a node to fill in its settings on the right. Problems below tell you what is missing.",
    "Watch the Code tab: it shows the generated SDP or Structured Streaming code. Save with Ctrl+S.",
)


def field_rows(node: NodeType) -> list[dict[str, str]]:
    rows = []
    for name, info in node.config.model_fields.items():
        spec = describe(info)
        default = default_of(info)
        rows.append({
            "field": key_of(name, info),
            "kind": spec.widget if spec.kind is None else spec.kind.value,
            "required": "yes" if info.is_required() else "",
            "default": "" if default in (None, [], {}) else str(default),
            "description": info.description or "",
        })
    return rows


async def show_node_help(type_id: str) -> None:
    """A dialog with the node's description, ports, targets, every field, its docs, example config, the
    example's input and output rows, and the code the generator makes of that example (rows and code are
    computed in a worker thread once the dialog is open)."""
    node = get_node_type(type_id)
    with ui.dialog() as dialog, ui.card().classes("ls-help-card").mark("node-help-dialog"):
        with ui.row().classes("items-center gap-2 w-full no-wrap"):
            ui.icon(node.icon).style(f"color: {node.colour}").classes("text-3xl")
            with ui.column().classes("gap-0 grow"):
                ui.label(node.name).classes("text-h6")
                ui.label(f"{node.category.value} · {node.type}").classes("text-xs text-grey-7 ls-mono")
            ui.button(icon="close", on_click=dialog.close).props("flat round dense")
        ui.label(node.description)
        targets = ", ".join(sorted(t.value for t in node.targets))
        ins = ", ".join(p.title for p in node.inputs) or "none"
        outs = ", ".join(p.title for p in node.outputs) or ("per route" if node.dynamic_outputs else "none")
        ui.label(f"Targets: {targets}. Inputs: {ins}. Outputs: {outs}.").classes("text-sm text-grey-8")
        if node.stateful_reason:
            ui.label(f"Runs as Structured Streaming because it {node.stateful_reason}.").classes("text-sm")
        if node.docs:
            # code-friendly: default_route stays a name, its underscores are not emphasis
            ui.markdown(node.docs, extras=["fenced-code-blocks", "tables", "code-friendly"], sanitize=True) \
                .classes("ls-help-docs").mark("node-help-docs")
        ui.label("Settings").classes("text-subtitle2 q-mt-sm")
        columns = [{"name": k, "label": k.capitalize(), "field": k, "align": "left"}
                   for k in ("field", "kind", "required", "default", "description")]
        ui.table(columns=columns, rows=field_rows(node), row_key="field").props("dense flat wrap-cells") \
            .classes("w-full")
        if node.example:
            ui.label("Example").classes("text-subtitle2 q-mt-sm")
            ui.code(json.dumps(dict(node.example), indent=2, default=str), language="json").classes("w-full")
        generated = ui.column().classes("w-full gap-1").mark("node-help-example")
        with generated:
            ui.spinner(size="sm")
    dialog.open()
    example, code = await run.io_bound(_example_and_code, type_id) if node.example else (None, None)
    generated.clear()
    with generated:
        if example is not None:
            example_rows(example)
        if code is not None:
            (path, language, text), target = code
            ui.label(f"Generated code of this example ({target}, {path})").classes("text-subtitle2 q-mt-sm")
            ui.code(text, language=language).classes("w-full").mark("node-help-code")


def _example_and_code(type_id: str):
    """The node's example rows and its own lines of the example's generated code (worker thread)."""
    found = samples.sample(type_id)
    lines = samples.node_lines(*found) if found else None
    return node_example(type_id), ((lines, found[1].target) if lines else None)


def _cell(value):
    """NULL for a missing value; doubles keep their decimal point as Spark prints them (2.0, not 2)."""
    return "NULL" if value is None else str(value) if isinstance(value, float) else value


def rows_table(table: Table) -> None:
    """One example table: its title, then the rows (NULL for a missing value)."""
    ui.label(table.title).classes("text-caption text-weight-medium q-mt-xs")
    columns = [{"name": c, "label": c, "field": c, "align": "left"} for c in table.columns]
    rows = [{"_row": i, **{c: _cell(v) for c, v in zip(table.columns, values)}} for i, values in enumerate(table.rows)]
    ui.table(columns=columns, rows=rows, row_key="_row").props("dense flat bordered hide-bottom") \
        .classes("w-full ls-example-table").mark(f"example-{table.title}")


def example_rows(example: NodeExample) -> None:
    """Input rows, then output rows (or, for a sink, where the rows go), and how the output was obtained."""
    for table in example.inputs:
        rows_table(table)
    if example.computed_by == "sink":
        ui.label(example.note).classes("text-sm q-mt-xs").mark("example-destination")
    for table in example.outputs:
        rows_table(table)
    if example.computed_by != "sink":
        ui.label(" ".join(filter(None, (example.note, example.how)))).classes("text-xs text-grey-8") \
            .mark("example-how")


def show_shortcuts() -> None:
    with ui.dialog() as dialog, ui.card().mark("shortcuts-dialog"):
        ui.label("Keyboard shortcuts").classes("text-h6")
        for keys, action in SHORTCUTS:
            with ui.row().classes("w-full justify-between gap-8"):
                ui.label(keys).classes("ls-kbd")
                ui.label(action)
        ui.button("Close", on_click=dialog.close).props("flat")
    dialog.open()
