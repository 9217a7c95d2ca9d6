"""A one-page NiceGUI app showing the versions panel of one stored pipeline (for the browser test).

    LAKESTREAM_HOME=… PIPELINE_ID=… python tests/store/versions_app.py PORT
"""

from __future__ import annotations

import os
import sys

from nicegui import ui

from lakestream.store import open_store
from lakestream.ui.versions import versions_dialog


@ui.page("/")
def index() -> None:
    store = open_store("local", user="ana@example.com")
    pipeline_id = os.environ["PIPELINE_ID"]
    status = ui.label("").mark("restored")

    def restored(saved) -> None:
        status.set_text(f"editor now on version {saved.version}")

    async def open_versions() -> None:
        await versions_dialog(store, pipeline_id, current_version=store.latest_version(pipeline_id),
                              on_restored=restored)

    ui.button("Versions", on_click=open_versions)


if __name__ == "__main__":
    ui.run(host="127.0.0.1", port=int(sys.argv[1]), reload=False, show=False)
