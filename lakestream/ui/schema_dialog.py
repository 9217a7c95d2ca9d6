"""The "Columns from data" dialog of a declared schema (paste or upload JSON lines or CSV), and its file upload."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from nicegui import events, ui

from lakestream.errors import UserError
from lakestream.schema_inference import infer_schema
from lakestream.ui.guard import guarded, notify

MAX_BYTES = 5_000_000


def upload_field(on_text: Callable[[str, bool], Awaitable[None] | None], marker: str) -> ui.upload:
    """An upload of a .jsonl / .csv file (5 MB at most) handing `on_text(text, is_csv)` (awaited when async)
    its UTF-8 text."""
    async def uploaded(e: events.UploadEventArguments) -> None:
        try:
            content = (await e.file.read()).decode("utf-8")
        except UnicodeDecodeError:
            notify(f"{e.file.name} is not UTF-8 text", type="negative")
            return
        if inspect.isawaitable(done := on_text(content, e.file.name.lower().endswith(".csv"))):
            await done

    return ui.upload(on_upload=guarded(uploaded), auto_upload=True, max_file_size=MAX_BYTES, label="or a file",
                     on_rejected=lambda: notify("The file is larger than 5 MB: paste a few hundred rows instead",
                                                type="negative")) \
        .props('accept=".jsonl,.json,.csv,.txt" flat dense').classes("w-full").mark(marker)


async def open_schema_dialog(on_columns: Callable[[list[dict[str, str]]], None],
                             on_events: Callable[[list[dict]], None] | None = None) -> None:
    """Infer columns from the data the user gives (lakestream.schema_inference) and hand them to `on_columns`;
    with `on_events` (a source), the rows can also become the source's sample events."""
    # the dialog lives beside the page, not in the form: the form is rebuilt when the columns arrive
    with ui.context.client.layout, ui.dialog() as dialog, \
            ui.card().classes("w-[640px] max-w-full").mark("schema-dialog"):
        ui.label("Columns from data").classes("text-h6")
        ui.label("Paste JSON lines (one object per line) or CSV with a header line, or upload a .jsonl / .csv "
                 "file. The columns and their Spark types replace this schema (Undo brings it back).") \
            .classes("text-sm text-grey-8")
        csv = ui.switch("CSV with a header line").mark("schema-csv")
        keep = ui.switch("Keep these rows as the source's sample events (the Timeline replays them)",
                         value=True).mark("schema-keep-samples")
        keep.set_visibility(on_events is not None)
        text = ui.textarea("Data").props("outlined autogrow input-style='min-height: 120px; max-height: 300px'") \
            .classes("w-full ls-mono").mark("schema-data")

        def use(content: str, as_csv: bool) -> None:
            inferred = infer_schema(content, as_csv=as_csv)  # a UserError: toast, the dialog stays open
            dialog.close()
            on_columns(inferred.schema())
            if on_events is not None and keep.value:
                on_events(inferred.events)
            notes = "; ".join(inferred.notes)
            notify(f"{len(inferred.columns)} column(s) from {inferred.rows} row(s)" + (f". {notes}" if notes else ""),
                   type="positive")

        upload_field(use, "schema-upload")
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
            ui.button("Use these columns", on_click=guarded(lambda: use(text.value or "", bool(csv.value)))) \
                .props("unelevated no-caps color=primary").mark("schema-use")
    await dialog  # until it is closed
    dialog.delete()


async def open_registry_dialog(on_columns: Callable[[list[dict[str, str]]], None], registry: str = "",
                               subject: str = "") -> None:
    """Import the latest Avro schema of a schema registry subject (lakestream.schema_registry) as the columns."""
    from nicegui import run

    from lakestream.schema_registry import import_subject

    with ui.context.client.layout, ui.dialog() as dialog, \
            ui.card().classes("w-[560px] max-w-full").mark("registry-dialog"):
        ui.label("Columns from the schema registry").classes("text-h6")
        ui.label("The latest Avro schema of the subject replaces this schema (Undo brings it back).") \
            .classes("text-sm text-grey-8")
        url = ui.input("Schema registry URL", value=registry, placeholder="http://host:8081").classes("w-full") \
            .mark("registry-url")
        name = ui.input("Subject", value=subject, placeholder="<topic>-value").classes("w-full") \
            .mark("registry-subject")
        message = ui.label("").classes("text-negative text-sm").mark("registry-message")

        async def use() -> None:
            message.set_text("")
            try:
                imported = await run.io_bound(import_subject, url.value or "", name.value or "")
            except UserError as error:
                message.set_text(str(error))  # the dialog stays open with what was typed
                return
            dialog.close()
            on_columns(imported.columns)
            notify(f"{len(imported.columns)} column(s) from {imported.subject} version {imported.version} "
                   f"(schema id {imported.id})", type="positive")

        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=dialog.close).props("flat no-caps")
            ui.button("Import columns", on_click=guarded(use)).props("unelevated no-caps color=primary") \
                .mark("registry-import")
    await dialog
    dialog.delete()
