"""Blocking work for a dock tab, off the event loop, where only the latest request's result is shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from nicegui import background_tasks, run, ui


class LatestOnly:
    """Runs `work` in a worker thread and hands its result to `show`, unless a newer request came meanwhile.

    With `debounce_s`, a request waits that long first, so typing replays only the last keystroke's
    document. The spinner shows while work runs. A result of None (the server shutting down) is dropped.
    """

    def __init__(self, spinner: ui.element, name: str, debounce_s: float = 0.0):
        self.spinner = spinner
        self.name = name
        self.debounce_s = debounce_s
        self.generation = 0

    def supersede(self) -> None:
        """Drop the result of any request still running (a newer state will be asked for later)."""
        self.generation += 1
        self.spinner.classes(add="hidden")

    def request(self, work: Callable[[], Any], show: Callable[[Any], None]) -> None:
        self.supersede()
        background_tasks.create(self._run(self.generation, work, show), name=self.name)

    async def _run(self, generation: int, work: Callable[[], Any], show: Callable[[Any], None]) -> None:
        if self.debounce_s:
            await asyncio.sleep(self.debounce_s)
        if generation != self.generation:
            return
        self.spinner.classes(remove="hidden")
        try:
            result = await run.io_bound(work)
        finally:
            if generation == self.generation:  # a newer request shows its own spinner
                self.spinner.classes(add="hidden")
        if result is not None and generation == self.generation:
            show(result)
