"""Build the streaming MATCH_RECOGNIZE over a DataFrame: watermark, group by partition, transformWithStateInPandas."""

from __future__ import annotations

from typing import Any

from lakestream.rowpattern.pattern import has_anchor, parse_pattern
from lakestream.rowpattern.program import SpecError, compile_spec
from lakestream.cep.match_recognize.replay import load_config
from lakestream.errors import UserError
from lakestream.sparksql.types import is_timestamp

_CONSTANT_KEY = "__match_recognize_key"


def streaming_spec(config: Any, columns: list[str], types: dict[str, str]) -> dict:
    """The compiled spec for streaming, after the streaming rules; raise UserError naming the field."""
    cfg = load_config(config)
    if not cfg.order_by:
        raise UserError("match_recognize order_by: streaming orders by the event time; add it first in ORDER BY "
                        "(a replay without ORDER BY keeps the input order)")
    first = cfg.order_by[0]
    if cfg.watermark_delay is None:
        raise UserError("match_recognize watermark_delay: streaming needs a watermark delay, e.g. '10 seconds'")
    if first.desc or not is_timestamp(types.get(first.column)):
        raise UserError(f"match_recognize order_by[0]: streaming orders by the event time first, ascending; "
                        f"{first.column} is {types.get(first.column, 'missing')}{' DESC' if first.desc else ''}")
    if has_anchor(parse_pattern(cfg.pattern), "$"):
        raise UserError("match_recognize pattern: $ (end of partition) never comes in a stream; use it in batch")
    try:
        spec = compile_spec(cfg, columns, types)
    except SpecError as error:
        raise UserError(f"match_recognize {error.field}: {error}") from None
    return spec


def output_ddl(spec: dict, types: dict[str, str]) -> tuple[str, list[str]]:
    """The output schema as DDL, and the Spark type of each output column."""
    columns = [spec["columns"][i] for i in spec["partition_by"]] if spec["rows_per_match"] == "ONE" \
        else list(spec["columns"])
    kinds = [types[c] for c in columns] + list(spec["measure_types"])
    names = columns + list(spec["measure_aliases"])
    ddl = ", ".join(f"`{n.replace('`', '``')}` {k}" for n, k in zip(names, kinds))
    return ddl, kinds


def match_recognize_stream(df, config: Any):
    """Return the streaming DataFrame of MATCH_RECOGNIZE over `df` (watermarked on the first ORDER BY column)."""
    from lakestream.cep.match_recognize.processor import MatchRecognizeProcessor

    types = {f.name: f.dataType.simpleString() for f in df.schema.fields}
    time_zone = df.sparkSession.conf.get("spark.sql.session.timeZone")
    spec = streaming_spec(config, list(df.columns), types)
    cfg = load_config(config)
    ddl, kinds = output_ddl(spec, types)
    from pyspark.sql import functions as F

    selected = df.select(*[F.col(f"`{c.replace('`', '``')}`") for c in spec["columns"]])  # the processor reads by position
    watermarked = selected.withWatermark(cfg.order_by[0].column, cfg.watermark_delay)
    keys = list(cfg.partition_by)
    if not keys:  # one global partition: transformWithState needs a grouping key
        watermarked, keys = watermarked.withColumn(_CONSTANT_KEY, F.lit(0)), [_CONSTANT_KEY]
    return watermarked.groupBy(*keys).transformWithStateInPandas(
        MatchRecognizeProcessor(spec, kinds, time_zone), ddl, "append", "EventTime")
