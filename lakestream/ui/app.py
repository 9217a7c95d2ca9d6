"""Serving the builder: the page per browser tab over one store, and `run` for `lakestream ui`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nicegui import ui
from starlette.requests import Request

from lakestream.errors import UserError
from lakestream.ui.guard import guarded
from lakestream.ui.identity import store_for_request
from lakestream.ui.page import BuilderPage


@dataclass(frozen=True)
class UiOptions:
    store: str | None = None  # store backend name (None: $LAKESTREAM_STORE or local)
    store_options: dict[str, Any] = field(default_factory=dict)


def builder(options: UiOptions, request: Request | None = None) -> BuilderPage | None:
    """Build the page for the current client; the store belongs to the current user (None: it cannot be
    opened, and the page says why)."""
    ui.page_title("LakeStream")
    try:
        store = store_for_request(request, options.store, options.store_options)
    except UserError as error:  # e.g. App mode without the proxy's user header, or no volume configured
        with ui.column().classes("absolute-center items-center").mark("startup-error"):
            ui.icon("error_outline").classes("text-5xl text-negative")
            ui.label("LakeStream cannot open your pipelines").classes("text-h6")
            ui.label(str(error))
        return None
    page = BuilderPage(store, request)
    page.build()
    pipeline_id = request.query_params.get("open") if request is not None else None
    if pipeline_id:  # a deep link: /?open=<pipeline id>
        guarded(page.open_link)(pipeline_id)  # a document that cannot be shown is a toast, never an HTTP 500
    return page


def run(host: str, port: int, options: UiOptions) -> None:
    """Serve until interrupted (blocking)."""

    @ui.page("/")
    def index(request: Request) -> None:
        builder(options, request)

    from nicegui import app

    from lakestream.ui.workspace_dialog import warm_up

    app.on_startup(warm_up)  # databricks-sdk loads while nobody waits for it
    ui.run(host=host, port=port, title="LakeStream", reload=False, show=False, favicon="🌊",
           show_welcome_message=True, reconnect_timeout=10)
