"""From a pattern node's config to what its runtime reads: the node's own `bind` facet, with key and watermark.

The event fields are Spark SQL expression texts. The generated Spark code computes them with
`F.expr` before the groupBy; the local engine evaluates the very same texts with lakestream.sparksql.evaluator. So both
feed identical events to the identical runtime algorithm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lakestream.errors import UserError
from lakestream.nodes import REGISTRY
from lakestream.nodes.patterns.common import micros


@dataclass(frozen=True)
class Binding:
    """What the engine and the generated processor need to run one pattern node."""

    type_id: str
    params: Any  # the typed config of cep/runtime/params.py the node's algorithm runs with
    key_columns: tuple[str, ...]
    time_column: str
    delay_us: int
    fields: dict[str, tuple[str, ...]]  # input port -> Spark SQL texts of the event fields
    passthrough: bool = False  # deduplication: outputs are the input rows


def bind(type_id: str, config) -> Binding:
    """The binding of a validated config; raise UserError for a node the engine cannot run."""
    spec = REGISTRY[type_id]
    if spec.pattern is None or spec.pattern.bind is None:
        raise UserError(f"{spec.name} nodes run only on Spark; the local engine cannot replay them")
    bound = spec.pattern.bind(config)
    return Binding(
        type_id=type_id,
        params=bound.params,
        key_columns=tuple(bound.key_columns),
        time_column=config.event_time_column,
        delay_us=micros(config.watermark_delay),
        fields=dict(bound.fields),
        passthrough=bound.passthrough,
    )
