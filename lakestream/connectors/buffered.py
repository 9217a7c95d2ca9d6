"""Shared stream-reader machinery: rows buffered in the driver, offsets per reader session.

Spark keeps one reader object alive in the driver for the whole query and calls `latestOffset`,
`partitions` and `commit` on it; `read` runs in a worker on a pickled partition. So the reader
buffers converted rows, hands each micro-batch's rows to Spark inside its partitions, and forgets
them once Spark commits the batch.

Spark pickles the reader (workers call its `read`), so the constructor only checks and keeps the
options; connections, threads and the buffer are created on first use in the driver (`_open`) and
left out of the pickle.

Offsets are {"session": <reader id>, "index": n}. MQTT and polled REST endpoints cannot replay
data, so after a restart an offset from an earlier session cannot be re-read: such a range yields
no rows (delivery across restarts is at most once; MQTT persistent sessions narrow the gap).
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Iterator, Sequence

from pyspark.sql.datasource import DataSourceStreamReader, InputPartition

try:  # Spark 4.2+; on older runtimes the source simply has no availableNow support
    from pyspark.sql.streaming.datasource import SupportsTriggerAvailableNow
except ImportError:  # pragma: no cover - depends on the runtime
    SupportsTriggerAvailableNow = object  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

ROWS_PER_PARTITION = 10_000


class RowsPartition(InputPartition):
    """A slice of the buffer, shipped to the worker that turns it into rows."""

    def __init__(self, rows: list[tuple]):
        super().__init__(len(rows))
        self.rows = rows


class BufferedStreamReader(DataSourceStreamReader, SupportsTriggerAvailableNow):
    """Base of the MQTT and REST readers: subclasses call `_append(rows)` and may override `_poll()`."""

    # attributes that live only in the driver process, never pickled
    _RUNTIME = ("_lock", "_rows", "_started")

    def __init__(self, max_buffered: int = 100_000):
        self._session = uuid.uuid4().hex
        self._max_buffered = max_buffered
        self._started = False

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._RUNTIME}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._started = False

    def _start(self) -> None:
        if self._started:
            return
        self._lock = threading.Lock()
        self._rows: list[tuple] = []
        self._base = 0  # offset index of self._rows[0]
        self._dropped = 0
        self._target: int | None = None  # end offset under Trigger.AvailableNow
        self._started = True
        self._open()

    # -- filled by subclasses --------------------------------------------------------------
    def _open(self) -> None:
        """Connect (called once, in the driver, before the first offset is asked for)."""

    def _poll(self) -> None:
        """Fetch new data into the buffer (sources that pull); push sources fill it from a thread."""

    def _append(self, rows: Sequence[tuple]) -> None:
        with self._lock:
            room = self._max_buffered - len(self._rows)
            if room < len(rows):
                # Spark is not keeping up: drop the newest rather than grow without bound.
                self._dropped += len(rows) - max(room, 0)
                log.warning("buffer full (%d rows): %d rows dropped so far", self._max_buffered, self._dropped)
                rows = rows[: max(room, 0)]
            self._rows.extend(rows)

    # -- Spark's side ------------------------------------------------------------------------
    def _offset(self, index: int) -> dict:
        return {"session": self._session, "index": index}

    def initialOffset(self) -> dict:
        self._start()
        return self._offset(0)

    def latestOffset(self, start: dict | None = None, limit=None) -> dict:
        # Spark 4.2+ passes (start, limit); 4.0/4.1 call it without arguments. The buffer is bounded
        # already, so every read limit is treated as "all available".
        self._start()
        if self._target is None:
            self._poll()
        with self._lock:
            end = self._base + len(self._rows)
        if self._target is not None:
            end = min(end, self._target)
        return self._offset(end)

    def prepareForTriggerAvailableNow(self) -> None:
        self._start()
        self._poll()
        with self._lock:
            self._target = self._base + len(self._rows)

    def partitions(self, start: dict, end: dict) -> Sequence[InputPartition]:
        self._start()
        if end.get("session") != self._session:
            return []  # a range from before a restart: its data is gone
        first = start["index"] if start.get("session") == self._session else self._base
        with self._lock:
            rows = self._rows[max(first - self._base, 0): end["index"] - self._base]
        return [RowsPartition(rows[i: i + ROWS_PER_PARTITION]) for i in range(0, len(rows), ROWS_PER_PARTITION)]

    def read(self, partition: RowsPartition) -> Iterator[tuple]:
        return iter(partition.rows)

    def commit(self, end: dict) -> None:
        if not self._started or end.get("session") != self._session:
            return
        with self._lock:
            done = end["index"] - self._base
            if done > 0:
                del self._rows[:done]
                self._base = end["index"]
