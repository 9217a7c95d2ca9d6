"""The last guard of every UI handler: user errors become toasts, unexpected ones are logged, never shown raw."""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any

from nicegui import ui

from lakestream.errors import UserError
from lakestream.nodes import UnknownNodeType

log = logging.getLogger("lakestream.ui")


def notify(message: str, type: str = "info", **options: Any) -> None:  # noqa: A002 (NiceGUI's own name)
    """A toast in the builder's style: bottom right, short, several lines when needed.

    Toasts do not pile up: a confirmation (positive or info) replaces the previous confirmation (one
    shared group, no counter); warnings and errors stay, and the same one repeated shows once with a count
    (Quasar groups equal messages)."""
    if type in ("positive", "info"):
        options.setdefault("group", "lakestream-status")
        options.setdefault("badgeStyle", "display: none")
    ui.notify(message, type=type, position="bottom-right", timeout=options.pop("timeout", 3000),
              multi_line=True, **options)


def _report(handler: Any, error: Exception) -> None:
    if isinstance(error, (UserError, UnknownNodeType)):
        notify(str(error), type="negative")
        return
    log.error("unexpected error in %s", getattr(handler, "__name__", handler), exc_info=error)
    notify(f"Something went wrong ({type(error).__name__}); it was logged. Your work is unchanged.", type="negative")


def guarded(handler):
    """Wrap a handler: a UserError becomes a toast, anything else a logged error and a calm message.

    Synchronous handlers stay synchronous (forms call them inline and expect the change applied).
    """
    if inspect.iscoroutinefunction(handler):

        @functools.wraps(handler)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            try:
                return await handler(*args, **kwargs)
            except Exception as error:  # never a traceback on the page
                _report(handler, error)
            return None

        return run_async

    @functools.wraps(handler)
    def run_sync(*args: Any, **kwargs: Any) -> Any:
        try:
            result = handler(*args, **kwargs)
        except Exception as error:  # never a traceback on the page
            _report(handler, error)
            return None
        if inspect.isawaitable(result):
            return guarded(_awaiting)(result)
        return result

    return run_sync


async def _awaiting(awaitable: Any) -> Any:
    return await awaitable
