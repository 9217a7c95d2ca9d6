"""Versions panel: who saved which version when, two versions side by side, code diff, restore.

Standalone NiceGUI functions over the core store API (no graph rules or diffing here):

    await versions_dialog(store, pipeline_id, current_version=doc.version, on_restored=open_doc)
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import run, ui

from lakestream.errors import UserError
from lakestream.pipeline import Pipeline
from lakestream.store import ConflictError, Store, StoreError, VersionInfo
from lakestream.store.diff import PipelineDiff, diff, generated_code_diff

STATUS_COLOURS = {"added": "#16a34a", "removed": "#dc2626", "changed": "#d97706", "moved": "#64748b"}
MAX_ROWS = 200  # a very long history shows its newest versions; the CLI lists them all
_BOX = (430, 180)  # mini-graph size in px
_CANVAS_NODE_WIDTH = 180  # a node card's width on the canvas, in flow units


def version_rows(infos: list[VersionInfo]) -> list[dict[str, Any]]:
    """The panel's rows (newest first): plain values ready to show."""
    return [{
        "version": i.version, "when": i.saved_at.strftime("%Y-%m-%d %H:%M"), "by": i.saved_by or "unknown",
        "nodes": i.node_count, "note": i.note, "name": i.name, "readable": not i.note.startswith("unreadable"),
    } for i in infos[:MAX_ROWS]]


def graph_layout(pipeline: Pipeline, width: int = _BOX[0], height: int = _BOX[1]
                 ) -> tuple[dict[str, tuple[float, float]], float]:
    """(node id -> (x, y), node width) in a width x height box: the canvas positions scaled to fit,
    node cards scaled with them so that nodes apart on the canvas stay apart here."""
    if not pipeline.nodes:
        return {}, 0.0
    xs = [n.position.x for n in pipeline.nodes]
    ys = [n.position.y for n in pipeline.nodes]
    span_x, span_y = max(xs) - min(xs) + _CANVAS_NODE_WIDTH, max(ys) - min(ys) + 60
    scale = min((width - 10) / span_x, (height - 10) / span_y, 1.0)
    node_width = max(36.0, _CANVAS_NODE_WIDTH * scale)
    return {n.id: (5 + (n.position.x - min(xs)) * scale, 5 + (n.position.y - min(ys)) * scale)
            for n in pipeline.nodes}, node_width


def mini_graph(pipeline: Pipeline, status: dict[str, str], side: str) -> None:
    """The pipeline's graph with a coloured badge on each added/removed/changed/moved node."""
    layout, node_width = graph_layout(pipeline)
    centres = {k: (x + node_width / 2, y + 10) for k, (x, y) in layout.items()}
    lines = "".join(
        f'<line x1="{centres[e.source][0]:.1f}" y1="{centres[e.source][1]:.1f}" '
        f'x2="{centres[e.target][0]:.1f}" y2="{centres[e.target][1]:.1f}" stroke="#94a3b8" stroke-width="1.5"/>'
        for e in pipeline.edges if e.source in centres and e.target in centres)
    with ui.element("div").classes("relative border rounded bg-grey-1").style(
            f"width:{_BOX[0]}px;height:{_BOX[1]}px;overflow:hidden").mark(f"graph-{side}"):
        # only numbers go into this markup; every text below is a label (escaped by NiceGUI)
        ui.html(f'<svg width="{_BOX[0]}" height="{_BOX[1]}" style="position:absolute;left:0;top:0">{lines}</svg>',
                sanitize=False)
        for node in pipeline.nodes:
            x, y = layout[node.id]
            state = status.get(node.id)
            # unchanged nodes stay neutral so that only the status colours draw the eye
            border = STATUS_COLOURS[state] if state else "#cbd5e1"
            fill = f"linear-gradient({border}22,{border}22),#fff" if state else "#fff"  # opaque: hides edges
            strike = "line-through" if state == "removed" else "none"
            with ui.element("div").classes("absolute rounded text-[10px] px-1 truncate").style(
                    f"left:{x:.0f}px;top:{y:.0f}px;width:{node_width:.0f}px;border:2px solid {border};"
                    f"background:{fill};text-decoration:{strike}").mark(
                    f"node-{side}-{node.id}" + (f"-{state}" if state else "")):
                ui.label(node.title).classes("truncate").tooltip(f"{node.title} ({node.type})"
                                                                 + (f": {state}" if state else ""))


def change_list(result: PipelineDiff) -> None:
    """The field-level differences, one line each."""
    with ui.column().classes("gap-0 w-full").mark("diff-lines"):
        for line in result.lines():
            colour = {"+": "text-green-9", "-": "text-red-9", "~": "text-orange-10"}.get(line[:1], "")
            ui.label(line).classes(f"ls-mono text-xs {colour}")


def compare_view(old: Pipeline, new: Pipeline, *, code_target: str = "auto") -> None:
    """Two versions side by side (graph badges), the changes list, and the generated-code diff on demand."""
    result = diff(old, new)
    status = result.node_status()
    with ui.row().classes("w-full gap-4 no-wrap"):
        for doc, side in ((old, "old"), (new, "new")):
            with ui.column().classes("gap-1"):
                ui.label(f"Version {doc.version}: {doc.name}").classes("text-subtitle2")
                mini_graph(doc, {k: v for k, v in status.items() if (v == "removed") == (side == "old")}, side)
    with ui.row().classes("gap-3 text-xs"):
        for state, colour in STATUS_COLOURS.items():
            ui.label(state).style(f"border-left:10px solid {colour};padding-left:4px")
    change_list(result)
    code_area = ui.column().classes("w-full")

    async def show_code() -> None:
        code_area.clear()
        with code_area:
            try:
                text = await run.io_bound(generated_code_diff, old, new, code_target)
            except UserError as error:
                ui.label(f"Code generation unavailable: {error}").classes("text-negative").mark("code-diff-error")
                return
            if not text:
                ui.label("The generated code is the same.").mark("code-diff-same")
            else:
                with ui.scroll_area().classes("w-full h-80 border rounded"):
                    ui.code(text, language="diff").classes("w-full text-xs").mark("code-diff")

    ui.button("Compare generated code", icon="code", on_click=show_code).props("flat dense").mark("show-code-diff")


async def versions_dialog(store: Store, pipeline_id: str, *, current_version: int,
                          on_restored: Callable[[Pipeline], Awaitable[None] | None] | None = None,
                          code_target: str = "auto") -> None:
    """Open the versions of a pipeline: compare any two, restore one as a new version.

    `current_version` is the version open in the editor: restoring on top of a newer save is refused
    with the store's conflict message. `on_restored(saved)` gets the restored document.
    """
    try:
        infos = await run.io_bound(store.versions, pipeline_id)
        latest = await run.io_bound(store.get_version, pipeline_id, infos[0].version)
    except StoreError as error:
        ui.notify(str(error), type="negative")
        return
    rows = version_rows(infos)
    choices = {r["version"]: f"v{r['version']} · {r['when']} · {r['by']}" for r in rows if r["readable"]}
    state = {"old": rows[1]["version"] if len(rows) > 1 else rows[0]["version"], "new": rows[0]["version"]}

    @ui.refreshable
    async def comparison() -> None:
        try:
            old = await run.io_bound(store.get_version, pipeline_id, state["old"])
            new = await run.io_bound(store.get_version, pipeline_id, state["new"])
        except StoreError as error:
            ui.label(str(error)).classes("text-negative")
            return
        compare_view(old, new, code_target=code_target)

    async def pick(which: str, value: int) -> None:
        state[which] = value
        await comparison.refresh()

    async def restore(version: int) -> None:
        try:
            saved = await run.io_bound(store.restore_version, pipeline_id, version, current_version)
        except ConflictError as conflict:
            ui.notify(f"{conflict} Reload it before restoring.", type="warning", multi_line=True)
            return
        except StoreError as error:
            ui.notify(str(error), type="negative")
            return
        ui.notify(f"Restored version {version} as version {saved.version}", type="positive")
        dialog.close()
        if on_restored is not None:
            result = on_restored(saved)
            if inspect.isawaitable(result):
                await result

    with ui.dialog() as dialog, ui.card().classes("min-w-[720px] max-w-[960px]").mark("versions-dialog"):
        ui.label(f"Versions of {latest.name}").classes("text-h6")
        with ui.scroll_area().classes("w-full h-40 shrink-0 border rounded"):
            for row in rows:
                with ui.row().classes("w-full items-center gap-3 no-wrap").mark(f"version-{row['version']}"):
                    ui.label(f"v{row['version']}").classes("text-weight-medium w-10")
                    ui.label(row["when"]).classes("text-xs w-32")
                    ui.label(row["by"]).classes("text-xs w-48 truncate")
                    ui.label(f"{row['nodes']} nodes").classes("text-xs w-16")
                    ui.label(row["note"]).classes("text-xs text-grey-7 grow truncate")
                    if row["version"] != rows[0]["version"] and row["readable"]:
                        ui.button("Restore", on_click=lambda v=row["version"]: restore(v)) \
                            .props("flat dense size=sm").mark(f"restore-{row['version']}")
        with ui.row().classes("items-center gap-2"):
            ui.select(choices, value=state["old"], label="Compare",
                      on_change=lambda e: pick("old", e.value)).props("dense").mark("compare-old")
            ui.label("with")
            ui.select(choices, value=state["new"], label="",
                      on_change=lambda e: pick("new", e.value)).props("dense").mark("compare-new")

        compare_box = ui.column().classes("w-full")
        ui.button("Close", on_click=dialog.close).props("flat").mark("versions-close")
    dialog.open()  # shown at once; the comparison fills in when the two versions are read
    with compare_box:
        await comparison()
