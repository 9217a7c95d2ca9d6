"""Deduplication replayed as the generated code runs it: Spark's dropDuplicatesWithinWatermark.

The node generates `dropDuplicatesWithinWatermark` (when `within` equals the watermark delay) or a
transformWithState processor with the same rule (runtime/dedup.py), not the shared per-key driver:
rows are emitted as they arrive, not in event-time order, so the micro-batches are replayed here."""

from __future__ import annotations

from lakestream.cep.operator_replay import OperatorReplay
from lakestream.cep.runtime.dedup import Dedup, comparable
from lakestream.cep.runtime.driver import watermark_after
from lakestream.cep.runtime.params import DeduplicationParams


class DedupSimulation(OperatorReplay):
    """Replays micro-batches exactly as the generated deduplication runs them.

    A micro-batch drops the events at or before the watermark of the batch before (late, counted);
    then, in arrival order, an event whose identity is remembered is dropped, any other is emitted at
    once and its identity remembered until expiresAt = ts + within. At the end of the batch the
    identities with expiresAt <= the batch's own watermark are forgotten (Spark evicts them then; the
    processor's timer fires then). Events are `[ts, seq, row, *identity values]`.
    """

    def __init__(self, params: DeduplicationParams, delay_us: int):
        super().__init__(delay_us)  # keys: key tuple -> {identity values: expiresAt}
        self.rule = Dedup(params)
        self.max_ts = None

    @property
    def watermark(self):
        return watermark_after(self.max_ts, self.delay_us)

    def batch(self, events):
        """Run one micro-batch of (key tuple, event) pairs in arrival order; return the (key, row) pairs kept."""
        watermark, previous = self.watermark, self.previous
        keep, keys = self.rule.keep, self.keys
        batch_max = self.max_ts
        out = []
        for key, event in events:
            ts = event[0]
            if self._is_late(ts, previous):
                continue
            if batch_max is None or ts > batch_max:
                batch_max = ts
            group = comparable(key)  # Spark groups NaN keys together, as NULL ones
            expires = keys.get(group)
            if expires is None:
                expires = keys[group] = {}
            if keep(expires, ts, event[3:]):
                out.append((key, event[2]))
        self._end_batch(watermark)
        self.max_ts = batch_max
        return out

    def _keeps(self, expires, watermark) -> bool:
        return self.rule.evict(expires, watermark) is not None

    def _size(self, expires) -> int:
        return len(expires)  # remembered identities
