"""Dialogs of the builder: confirm, rename, open (pipeline list), templates gallery, save conflict."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from lakestream.gallery import TemplateCard
from lakestream.store import Summary


async def confirm(message: str, ok: str = "Continue", cancel: str = "Cancel") -> bool:
    with ui.dialog() as dialog, ui.card().mark("confirm-dialog"):
        ui.label(message)
        with ui.row().classes("w-full justify-end"):
            ui.button(cancel, on_click=lambda: dialog.submit(False)).props("flat").mark("confirm-cancel")
            ui.button(ok, on_click=lambda: dialog.submit(True)).props("unelevated color=primary").mark("confirm-ok")
    result = await dialog
    dialog.delete()
    return bool(result)


UNSAVED = "You have unsaved changes. Save them first, or discard them?"


async def unsaved_changes(message: str = UNSAVED) -> str | None:
    """'save' | 'discard' | None (cancel): what to do with unsaved work before another document replaces it."""
    with ui.dialog() as dialog, ui.card().mark("unsaved-dialog"):
        ui.label(message)
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat").mark("confirm-cancel")
            ui.button("Discard changes", on_click=lambda: dialog.submit("discard")).props("flat color=negative") \
                .mark("confirm-ok")
            ui.button("Save", icon="save", on_click=lambda: dialog.submit("save")) \
                .props("unelevated color=primary").mark("confirm-save")
    result = await dialog
    dialog.delete()
    return result


async def ask_text(title: str, value: str, label: str = "Name") -> str | None:
    with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("text-dialog"):
        ui.label(title).classes("text-h6")
        field = ui.input(label, value=value).classes("w-full").mark("text-dialog-input") \
            .on("keydown.enter", lambda: dialog.submit(field.value))
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
            ui.button("OK", on_click=lambda: dialog.submit(field.value)).props("unelevated color=primary") \
                .mark("text-dialog-ok")
    result = await dialog
    dialog.delete()
    return result


def _when(summary: Summary) -> str:
    return summary.updated_at.strftime("%Y-%m-%d %H:%M") if summary.updated_at else ""


def open_dialog(summaries: list[Summary], on_open: Callable[[str], Awaitable[None]],
                on_repair: Callable[[str], Awaitable[None]] | None = None) -> None:
    """The pipeline list with search and last-modified; a row click opens the pipeline. A pipeline whose
    latest version cannot be read offers its versions instead (`on_repair`), to restore a readable one."""
    rows = [{"id": s.id, "name": s.name, "nodes": s.node_count, "updated": _when(s), "by": s.updated_by,
             "error": s.error or ""} for s in sorted(summaries, key=lambda s: _when(s), reverse=True)]
    columns = [
        {"name": "name", "label": "Name", "field": "name", "align": "left", "sortable": True},
        {"name": "nodes", "label": "Nodes", "field": "nodes", "sortable": True},
        {"name": "updated", "label": "Last modified", "field": "updated", "sortable": True},
        {"name": "by", "label": "By", "field": "by", "align": "left"},
        {"name": "error", "label": "", "field": "error", "align": "left",
         "style": "white-space: normal; max-width: 240px", "classes": "text-negative text-xs"},
    ]
    with ui.dialog() as dialog, ui.card().classes("min-w-[640px]").mark("open-dialog"):
        ui.label("Open a pipeline").classes("text-h6")
        if not rows:
            ui.label("No saved pipelines yet. Build one and press Save.").classes("text-grey-7")
        else:
            search = ui.input(placeholder="Search…").props("dense outlined clearable").classes("w-full") \
                .mark("open-search")
            table = ui.table(columns=columns, rows=rows, row_key="id", pagination=10).classes("w-full") \
                .props("dense flat").mark("open-table")
            search.bind_value_to(table, "filter")

            damaged = {row["id"] for row in rows if row["error"]}

            async def pick(e: Any) -> None:
                row = e.args[1] if isinstance(e.args, list) and len(e.args) > 1 else {}
                if row.get("id"):
                    dialog.close()
                    await (on_repair if row["id"] in damaged and on_repair else on_open)(row["id"])

            table.on("rowClick", pick)  # Quasar's row-click event, camel-cased as NiceGUI expects
            if damaged and on_repair is not None:
                _repair_list([s for s in summaries if s.id in damaged], dialog, on_repair)
        ui.button("Close", on_click=dialog.close).props("flat")
    dialog.open()


def _repair_list(damaged: list[Summary], dialog: ui.dialog, on_repair: Callable[[str], Awaitable[None]]) -> None:
    """Pipelines whose latest version cannot be read, each with a way to restore an earlier version."""
    with ui.column().classes("w-full gap-1 border rounded p-2").mark("open-damaged"):
        ui.label("These pipelines cannot be opened: their latest version is damaged. Their earlier versions "
                 "are kept.").classes("text-sm text-negative")
        for summary in damaged:
            async def repair(pipeline_id: str = summary.id) -> None:
                dialog.close()
                await on_repair(pipeline_id)

            with ui.row().classes("w-full items-center no-wrap gap-2"):
                ui.label(summary.name).classes("text-weight-medium truncate")
                ui.label(summary.error or "").classes("text-xs text-grey-7 grow truncate").tooltip(summary.error or "")
                ui.button("Restore a previous version…", icon="history", on_click=repair) \
                    .props("flat dense no-caps size=sm").mark(f"repair-{summary.id}")


def gallery_dialog(cards: list[TemplateCard], on_pick: Callable[[TemplateCard], Awaitable[None]]) -> None:
    """Template cards with a picture of each graph; the search box keeps the cards whose words match."""
    with ui.dialog() as dialog, ui.card().classes("ls-gallery").mark("gallery-dialog"):
        with ui.row().classes("w-full items-center no-wrap"):
            ui.label("Start from a template").classes("text-h6 grow")
            search = ui.input(placeholder="Search templates…").props("dense outlined clearable autofocus") \
                .classes("w-64").mark("gallery-search")
        if not cards:
            ui.label("No pipeline templates are installed.").classes("text-grey-7")
        shown: list[tuple[TemplateCard, ui.card]] = []
        with ui.element("div").classes("ls-gallery-grid"):
            for card in cards:
                async def choose(c: TemplateCard = card) -> None:
                    dialog.close()
                    await on_pick(c)

                with ui.card().classes("ls-template-card cursor-pointer no-wrap").on("click", choose) \
                        .mark(f"template-{card.path.stem}") as element:
                    if card.picture:  # numbers and registry colours only (gallery.graph_picture)
                        ui.html(card.picture, sanitize=False).classes("ls-template-picture")
                    ui.label(card.name).classes("text-subtitle1 text-weight-medium")
                    if card.industry:
                        ui.label(card.industry).classes("text-xs text-primary text-weight-medium")
                    ui.label(card.description or " ").classes("text-sm text-grey-8")
                    ui.label(card.error or f"{card.node_count} nodes").classes(
                        "text-xs mt-auto " + ("text-negative" if card.error else "text-grey-6"))
                shown.append((card, element))
        nothing = ui.label("No template matches your search.").classes("text-grey-7").mark("gallery-none")
        nothing.set_visibility(False)

        def filter_cards(query: str | None) -> None:
            for card, element in shown:
                element.set_visibility(card.matches(query or ""))
            nothing.set_visibility(bool(cards) and not any(element.visible for _, element in shown))

        search.on_value_change(lambda e: filter_cards(e.value))
        ui.button("Close", on_click=dialog.close).props("flat")
    dialog.open()


async def conflict_dialog(message: str) -> str | None:
    """'reload' | 'copy' | 'overwrite' | None: the choices after a refused stale save."""
    with ui.dialog() as dialog, ui.card().classes("max-w-[520px]").mark("conflict-dialog"):
        ui.label("This pipeline changed since you opened it").classes("text-h6")
        ui.label(message)
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
            ui.button("Reload theirs", on_click=lambda: dialog.submit("reload")).props("flat")
            ui.button("Save mine as a copy", on_click=lambda: dialog.submit("copy")).props("flat")
            ui.button("Overwrite", on_click=lambda: dialog.submit("overwrite")).props("unelevated color=negative")
    result = await dialog
    dialog.delete()
    return result


def problems_dialog(title: str, problems: list[str]) -> None:
    """A list of messages (an import that failed), rendered as text."""
    with ui.dialog() as dialog, ui.card().classes("max-w-[640px]").mark("import-error-dialog"):
        ui.label(title).classes("text-h6 text-negative")
        with ui.column().classes("gap-1"):
            for problem in problems[:30]:
                ui.label(problem).classes("text-sm ls-mono")
            if len(problems) > 30:
                ui.label(f"… and {len(problems) - 30} more").classes("text-sm")
        ui.label("Nothing was changed: your current pipeline is as it was.").classes("text-sm text-grey-7")
        ui.button("Close", on_click=dialog.close).props("flat")
    dialog.open()
