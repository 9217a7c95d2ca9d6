"""Where applied changes live: versioned parquet folders (local profile) or Delta tables (Databricks)."""

from __future__ import annotations

import os
import shutil

from .apply import DELETED, SEQUENCE, START, Changes, quoted
from .versions import live_version, switch


class ParquetVersions:
    """A local table as version folders `root/v<batch>/{state,table}`; `root/_current` names the live one.

    Each micro-batch reads the live state, writes the new state and table to a new folder, then
    switches `_current` in one atomic rename, so a reader never sees half a batch. A batch replayed
    after a crash finds its own version already live and does nothing.
    """

    def __init__(self, changes: Changes, root: str):
        self.changes = changes
        self.root = root

    def __call__(self, batch, batch_id: int) -> None:
        live, version = live_version(self.root), f"v{batch_id:010d}"
        if live == version:
            return
        spark = batch.sparkSession
        state = spark.read.parquet(os.path.join(self.root, live, "state")) if live else None
        new_state = self.changes.reduce(state, self.changes.events(batch, batch_id))
        folder = os.path.join(self.root, version)
        new_state.write.mode("overwrite").parquet(os.path.join(folder, "state"))
        written = spark.read.parquet(os.path.join(folder, "state"))
        self.changes.visible(written).write.mode("overwrite").parquet(os.path.join(folder, "table"))
        switch(self.root, version)
        if live:
            shutil.rmtree(os.path.join(self.root, live), ignore_errors=True)


class DeltaTables:
    """A Delta table kept by MERGE, its change state in the companion table `<table>__changes`.

    Each micro-batch reduces the state of the keys it touches (the same `Changes` semantics as the
    local profile), merges that state into the companion table, then merges the touched keys' rows
    into the table (deleting SCD type 1 rows whose latest change is a delete).
    """

    def __init__(self, changes: Changes, table: str, partition_by=(), cluster_by=()):
        self.changes = changes
        self.table = table
        self.state_table = table + "__changes"
        self.partition_by = tuple(partition_by)
        self.cluster_by = tuple(cluster_by)

    def _on(self, *extra: str) -> str:
        return " AND ".join(f"t.{quoted(c)} <=> s.{quoted(c)}" for c in (*self.changes.keys, *extra))

    def _create_or_merge(self, spark, table: str, rows, on: str, scd1_deletes: bool = False) -> None:
        from delta.tables import DeltaTable  # Databricks runtime

        data = [c for c in rows.columns if c not in (SEQUENCE, DELETED)] if scd1_deletes else rows.columns
        if not spark.catalog.tableExists(table):
            first = rows.where(f"NOT {DELETED}").select(*data) if scd1_deletes else rows
            writer = first.write.format("delta")
            if table == self.table and self.partition_by:
                writer = writer.partitionBy(*self.partition_by)
            if table == self.table and self.cluster_by:
                writer = writer.clusterBy(*self.cluster_by)
            writer.saveAsTable(table)
            return
        values = {quoted(c): f"s.{quoted(c)}" for c in data}
        merge = DeltaTable.forName(spark, table).alias("t").merge(rows.alias("s"), on)
        if scd1_deletes:
            merge = (merge.whenMatchedDelete(f"s.{DELETED}").whenMatchedUpdate(set=values)
                     .whenNotMatchedInsert(condition=f"NOT s.{DELETED}", values=values))
        else:
            merge = merge.whenMatchedUpdate(set=values).whenNotMatchedInsert(values=values)
        merge.execute()

    def __call__(self, batch, batch_id: int) -> None:
        spark = batch.sparkSession
        events = self.changes.events(batch, batch_id).persist()
        keys = list(self.changes.keys)
        state = None
        if spark.catalog.tableExists(self.state_table):
            state = spark.read.table(self.state_table).join(events.select(*keys).distinct(), keys, "left_semi")
        new_state = self.changes.reduce(state, events).persist()
        scd2 = self.changes.scd_type == 2
        self._create_or_merge(spark, self.state_table, new_state, self._on(SEQUENCE) if scd2 else self._on())
        if scd2:
            self._create_or_merge(spark, self.table, self.changes.visible(new_state), self._on(START))
        else:
            self._create_or_merge(spark, self.table, new_state, self._on(), scd1_deletes=True)
        new_state.unpersist()
        events.unpersist()
