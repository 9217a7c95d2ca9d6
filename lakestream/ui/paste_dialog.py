"""Paste a MATCH_RECOGNIZE query: the dialog to paste it into, and the report of what to check after."""

from __future__ import annotations

from nicegui import ui

EXAMPLE = """SELECT * FROM ticker MATCH_RECOGNIZE (
  PARTITION BY symbol ORDER BY tstamp
  MEASURES FIRST(DOWN.tstamp) AS start_ts, LAST(UP.tstamp) AS end_ts
  ONE ROW PER MATCH AFTER MATCH SKIP TO LAST UP
  PATTERN (DOWN+ UP+)
  DEFINE DOWN AS price < PREV(price), UP AS price > PREV(price)
)"""


async def ask_query() -> str | None:
    """The pasted query text, or None when cancelled."""
    with ui.dialog() as dialog, ui.card().classes("min-w-[640px]").mark("mr-paste-dialog"):
        ui.label("Paste a MATCH_RECOGNIZE query").classes("text-h6")
        ui.label("Oracle, Trino, Snowflake, Databricks or Flink syntax. It becomes a source placeholder (the "
                 "columns the query uses) and a Row pattern node with every clause filled in.") \
            .classes("text-sm text-grey-8")
        text = ui.textarea(placeholder=EXAMPLE).props("outlined autogrow input-style='min-height: 220px'") \
            .classes("w-full font-mono ls-mr-paste-text").mark("mr-paste-text")
        with ui.row().classes("w-full justify-end"):
            ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat no-caps")
            ui.button("Add to canvas", icon="add", on_click=lambda: dialog.submit(text.value or "")) \
                .props("unelevated no-caps color=primary").classes("ls-mr-paste-add").mark("mr-paste-add")
    result = await dialog
    dialog.delete()
    return result


def report(messages: tuple[str, ...]) -> None:
    """What the user still has to check after a paste (placeholder source, fields the query had not)."""
    with ui.dialog() as dialog, ui.card().classes("min-w-[520px] max-w-[860px]").mark("mr-paste-report"):
        ui.label("MATCH_RECOGNIZE added to the canvas").classes("text-h6")
        ui.label("Check these before you run it:").classes("text-sm text-grey-8")
        for message in messages:
            ui.label(f"• {message}").classes("text-sm ls-mr-paste-message")
        with ui.row().classes("w-full justify-end"):
            ui.button("OK", on_click=dialog.close).props("unelevated no-caps color=primary")
    dialog.open()
