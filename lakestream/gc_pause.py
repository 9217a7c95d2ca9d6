"""Pause Python's cyclic garbage collector around a burst of allocations that mostly stay alive."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic collector off, then restore it (usable as a decorator).

    Loading and validating a large document allocates some 300,000 objects that stay alive (the JSON,
    the models, the parsed expressions). Each 700 allocations trigger a young-generation collection
    that walks them all again, and the older generations walk every object of the process (NiceGUI,
    pydantic and sqlglot included): about a tenth of the run, and most of its slowest runs. Reference
    counting still frees everything at once; cycles made meanwhile wait for the next collection.
    Nested or concurrent uses are safe: only the outermost one that turned the collector off turns it
    back on.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
