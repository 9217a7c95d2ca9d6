"""What the replays of Spark's own operators share (the interval join, dropDuplicatesWithinWatermark).

Such a node generates a Spark operator rather than the shipped per-key driver, so its micro-batches are
replayed beside the engine: per-key state, events at or before the previous micro-batch's watermark
late (dropped, counted), state evicted at the end of each micro-batch by that batch's watermark.
"""

from __future__ import annotations


class OperatorReplay:
    """Per-key state, the watermark the previous micro-batch ran with, the late count, end-of-batch eviction.

    A subclass defines `watermark` (the one the next micro-batch runs with), `batch(events)`,
    `_keeps(state, watermark)` (evict what the watermark put out of reach; whether anything is left)
    and `_size(state)`.
    """

    def __init__(self, delay_us: int):
        self.delay_us = delay_us
        self.keys: dict = {}
        self.previous = None  # the watermark the previous micro-batch ran with: lateness is judged by it
        self.late = 0
        self.trace = None  # the explain recorder (lakestream/cep/explain.py), or None: off
    def _is_late(self, ts: int, previous) -> bool:
        if previous is not None and ts <= previous:
            self.late += 1
            return True
        return False

    def _end_batch(self, watermark) -> None:
        """Evict by the batch's own watermark, which the next micro-batch judges lateness by."""
        self._evict(watermark)
        self.previous = watermark

    def finish(self):
        """The final no-data batch (as availableNow runs): evict what the last watermark allows; nothing to emit."""
        self._evict(self.watermark)
        return []

    def _evict(self, watermark) -> None:
        if watermark is None:
            return
        for key in [k for k, state in self.keys.items() if not self._keeps(state, watermark)]:
            del self.keys[key]

    def state_size(self) -> int:
        """Total state kept across keys (for bounded-state tests)."""
        return sum(self._size(state) for state in self.keys.values())
