"""Batch replay of a match_recognize node over rows (e.g. a file for `lakestream replay`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from lakestream.cep.match_recognize.engine import Engine
from lakestream.cep.match_recognize.matcher import MatchError
from lakestream.rowpattern.program import SpecError, compile_spec
from lakestream.cep.match_recognize.runtime import EvalError
from lakestream.errors import UserError
from lakestream.nodes.patterns.match_recognize import Config


def load_config(config: Any):
    """The typed config of a match_recognize node (a dict is validated); raise UserError naming the field."""
    if isinstance(config, Config):
        return config
    try:
        return Config.model_validate(config)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"] if not str(p).startswith("function-after"))
        raise UserError(f"match_recognize config {where}: {first['msg'].removeprefix('Value error, ')}") from None


def _value_type(values: Iterable[Any]) -> str:
    for value in values:
        if isinstance(value, bool):
            return "boolean"
        if isinstance(value, int):
            return "bigint"
        if isinstance(value, float):
            return "double"
        if value is not None:
            return "string"
    return "string"


MAX_STEPS = 250_000  # row tests per match attempt in a replay: a catastrophic pattern stops in seconds


def compile_for(config: Any, columns: list[str] | None, types: dict[str, str] | None = None) -> Engine:
    """An engine for `config` over input `columns` (None: not known); raise UserError naming the field."""
    cfg = load_config(config)
    try:
        return Engine(compile_spec(cfg, columns, types), max_steps=MAX_STEPS)
    except SpecError as error:
        raise UserError(f"match_recognize {error.field}: {error}") from None


def engine_for_rows(config: Any, rows: list) -> tuple[Engine, list[str], list[tuple]]:
    """The engine for `rows` (dicts): input columns in order of appearance, typed by their values; rows as tuples."""
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    types = {c: _value_type(r.get(c) for r in rows) for c in columns}
    return compile_for(config, columns, types), columns, [tuple(row.get(c) for c in columns) for row in rows]


def replay_match_recognize(config: Any, rows: Iterable[Mapping[str, Any]]) -> tuple[list[str], list[tuple]]:
    """Run MATCH_RECOGNIZE over `rows` (dicts; input columns are the keys, in order of appearance).

    Returns (output column names, output rows as tuples): partitions in order of first appearance, each
    ordered by ORDER BY (any orderable columns). Raises UserError for a bad config or a run-time error the
    standard requires (such as AFTER MATCH SKIP to the first row of a match).
    """
    rows = list(rows)
    if not rows:  # nothing to match; the output columns still follow the config
        cfg = load_config(config)
        compile_for(cfg, None)  # a bad config is reported even without rows
        head = list(cfg.partition_by) if cfg.rows_per_match == "ONE" else []
        return head + [m.alias for m in cfg.measures], []
    engine, columns, data = engine_for_rows(config, rows)
    try:
        return engine.columns, engine.run_batch(data)
    except MatchError as error:
        raise UserError(f"match_recognize: {error}") from None
    except EvalError as error:
        raise UserError(f"match_recognize {error.field}: {error}") from None
    except TypeError as error:  # e.g. ORDER BY over a column mixing numbers and text
        raise UserError(f"match_recognize: rows cannot be compared ({error}); check the ORDER BY columns "
                        "and DEFINE/MEASURES types") from None
