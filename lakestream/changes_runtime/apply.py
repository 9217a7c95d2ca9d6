"""The semantics of applying change rows to a table, as Spark DataFrame code shared by every store."""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F

SEQUENCE, DELETED = "__SEQUENCE", "__DELETED"  # state columns: never in the visible table
START, END = "__START_AT", "__END_AT"  # SCD type 2 validity, named as Databricks AUTO CDC names them


def quoted(name: str) -> str:
    """A backtick-quoted column name for SQL text."""
    return "`" + name.replace("`", "``") + "`"


@dataclass(frozen=True)
class Changes:
    """How rows change a table: keyed upserts ordered by a sequence, deletes, SCD type 1 or 2.

    The state of a table is its list of changes per key, reduced: SCD type 1 keeps each key's latest
    change (a delete stays as a tombstone, so an older change arriving later cannot bring the row
    back); SCD type 2 keeps every change. The visible table is derived from the state, so applying a
    micro-batch twice, or changes out of sequence order, gives the same table.
    """

    keys: tuple[str, ...]
    sequence_by: str | None = None  # None: the micro-batch id orders the changes (merge mode)
    delete_when: str | None = None  # SQL condition marking a delete; None: no deletes
    scd_type: int = 1
    drop: tuple[str, ...] = ()  # columns not stored in the table (CDC operation columns)

    def events(self, batch: DataFrame, batch_id: int) -> DataFrame:
        """A micro-batch as state rows: the stored columns + __SEQUENCE + __DELETED (rows without a sequence are skipped)."""
        sequence = F.col(quoted(self.sequence_by)) if self.sequence_by else F.lit(batch_id).cast("bigint")
        deleted = F.coalesce(F.expr(self.delete_when), F.lit(False)) if self.delete_when else F.lit(False)
        rows = batch.withColumn(SEQUENCE, sequence).withColumn(DELETED, deleted)
        return rows.drop(*[c for c in self.drop if c in batch.columns]).where(F.col(SEQUENCE).isNotNull())

    def reduce(self, state: DataFrame | None, events: DataFrame) -> DataFrame:
        """The new state: old state + events, one row per key and sequence value (the newest wins, then a delete)."""
        fresh = events.withColumn("__fresh", F.lit(1))
        both = fresh if state is None else state.withColumn("__fresh", F.lit(0)).unionByName(fresh)
        keys = [F.col(quoted(k)) for k in self.keys]
        per_change = Window.partitionBy(*keys, F.col(SEQUENCE)).orderBy(F.col("__fresh").desc(), F.col(DELETED).desc())
        rows = both.withColumn("__n", F.row_number().over(per_change)).where("__n = 1").drop("__n", "__fresh")
        if self.scd_type == 2:
            return rows
        latest = Window.partitionBy(*keys).orderBy(F.col(SEQUENCE).desc())
        return rows.withColumn("__n", F.row_number().over(latest)).where("__n = 1").drop("__n")

    def visible(self, state: DataFrame) -> DataFrame:
        """The table's rows: SCD 1 the live rows; SCD 2 each change a version from __START_AT to the next change."""
        if self.scd_type == 1:
            return state.where(~F.col(DELETED)).drop(SEQUENCE, DELETED)
        by_key = Window.partitionBy(*[F.col(quoted(k)) for k in self.keys]).orderBy(F.col(SEQUENCE))
        versions = state.withColumn(END, F.lead(SEQUENCE).over(by_key)).where(~F.col(DELETED))
        return versions.withColumnRenamed(SEQUENCE, START).drop(DELETED)
