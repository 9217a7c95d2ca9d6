"""Change feeds: which nodes carry a CDC stream's change events, and which table sinks apply them (or merge)."""

from __future__ import annotations

from dataclasses import dataclass

from lakestream.graph import PipelineGraph
from lakestream.nodes.sources.cdc_stream import OPERATION_COLUMNS

# Transforms that keep each change row a change row (one row in, at most one out, columns kept unless
# a projection drops them): a CDC stream's events still reach a table through them.
ROW_WISE = frozenset({"filter", "map_select", "rename_cast", "watermark", "data_quality", "custom_python_udf",
                      "ml_model_endpoint", "lookup_enrichment", "stream_static_join", "split_router"})
TABLE_SINKS = frozenset({"delta_table_sink", "unity_catalog_table_sink"})
CHANGE_TYPE = "_change_type"
OPERATIONS = tuple(c.name for c in OPERATION_COLUMNS)
DELETE_WHEN = "`_change_type` = 'delete'"


@dataclass(frozen=True)
class Apply:
    """How a table sink applies its input: keyed upserts ordered by a sequence, deletes, SCD type."""

    keys: tuple[str, ...]
    sequence_by: str | None  # None: merge mode without a sequence column (the later micro-batch wins)
    scd_type: int
    deletes: bool  # rows with _change_type = 'delete' delete their key
    drop: tuple[str, ...]  # CDC operation columns not stored in the table
    source: str | None  # the CDC stream's node id; None for a Delta sink in merge mode

    @property
    def delete_when(self) -> str | None:
        return DELETE_WHEN if self.deletes else None


@dataclass(frozen=True)
class Note:
    """A validation finding about change feeds (turned into a validation Issue)."""

    severity: str
    code: str
    message: str
    node_id: str
    field: str | None = None
    hint: str | None = None


@dataclass
class ChangePlan:
    feeds: dict[str, str]  # node id -> id of the CDC stream whose change events its output carries
    applies: dict[str, Apply]  # table sink id -> how it applies its input
    notes: list[Note]


def _feeds(graph: PipelineGraph) -> dict[str, str]:
    """Each CDC stream, and each row-wise transform whose one input carries a CDC stream's events."""
    feeds: dict[str, str] = {}
    if not any(n.type == "cdc_stream" for n in graph.pipeline.nodes):
        return feeds
    done: set[str] = set()
    node = graph.pipeline.node
    for start in graph.pipeline.nodes:
        # Walk up through single-input row-wise transforms (iteratively: chains can be long; cycles end it).
        chain, node_id = [], start.id
        while node_id not in done and node_id not in chain:
            chain.append(node_id)
            edges = graph.in_edges(node_id)
            if node(node_id).type not in ROW_WISE or len(edges) != 1:
                break
            node_id = edges[0].source
        source = node_id if node(node_id).type == "cdc_stream" else feeds.get(node_id)
        for member in chain:
            done.add(member)
            if source is not None and (member == source or node(member).type in ROW_WISE):
                feeds[member] = source
    return feeds


def _why_not(node, config, columns: set[str], cdc) -> str | None:
    """Why a table sink fed by change events cannot apply them (None: it can)."""
    if node.type == "unity_catalog_table_sink" and config.mode == "complete":
        return "complete mode rewrites the table from an aggregation"
    missing = [c for c in (*cdc.keys, cdc.sequence_by, CHANGE_TYPE) if c not in columns]
    if missing:
        return f"the column(s) {', '.join(dict.fromkeys(missing))} do not reach it (dropped or renamed on the way)"
    return None


def _sink(graph, node, schemas, feeds, notes) -> Apply | None:
    config = node.parsed_or_none()
    edges = graph.in_edges(node.id)
    if config is None or len(edges) != 1:
        return None
    merge = node.type == "delta_table_sink" and config.mode == "merge"
    source_id = feeds.get(edges[0].source)
    if source_id is None:
        return Apply(config.merge_keys, config.sequence_by, 1, False, (), None) if merge else None
    source = graph.pipeline.node(source_id)
    cdc = source.parsed_or_none()
    columns = {c.name for c in schemas.get(edges[0].source) or ()}
    if cdc is None or not columns:
        return None
    why = _why_not(node, config, columns, cdc)
    if why:
        notes.append(Note("warning", "cdc.not_applied", f"{node.title} stores the change events of "
                          f"{source.title} as plain rows: {why}", node.id,
                          hint="Keep the key, sequence and _change_type columns to apply the changes"))
        return None
    if merge and (set(config.merge_keys) != set(cdc.keys) or config.sequence_by != cdc.sequence_by):
        notes.append(Note("error", "cdc.merge_conflict", f"{source.title} feeds this table: it applies its changes "
                          f"on the keys {', '.join(cdc.keys)} ordered by {cdc.sequence_by}, not on merge_keys / sequence_by",
                          node.id, "merge_keys", hint="Set mode to append (the CDC changes are applied), or use "
                          "the CDC stream's keys and sequence_by in merge_keys and sequence_by"))
        return None
    drop = tuple(c for c in OPERATIONS if c in columns)
    notes.append(Note("info", "cdc.applied", f"{node.title} applies the changes of {source.title}: keys "
                      f"{', '.join(cdc.keys)}, sequence by {cdc.sequence_by}, SCD type {cdc.scd_type}, deletes "
                      f"where _change_type = 'delete'", node.id))
    return Apply(tuple(cdc.keys), cdc.sequence_by, cdc.scd_type, True, drop, source_id)


def _source_notes(graph, feeds: dict[str, str], applies: dict[str, Apply], notes: list[Note]) -> None:
    """Per CDC stream: say where its events arrive as plain rows, and when its apply options go unused."""
    for source_id in dict.fromkeys(feeds.values()):
        source = graph.pipeline.node(source_id)
        plain = []
        for node_id, fed_by in feeds.items():
            for edge in graph.out_edges(node_id) if fed_by == source_id else ():
                target = graph.pipeline.node(edge.target)
                if target.type not in ROW_WISE and target.type not in TABLE_SINKS and target.title not in plain:
                    plain.append(target.title)
        if plain:
            notes.append(Note("info", "cdc.plain_rows", f"{', '.join(plain)} receive(s) the change events of "
                              f"{source.title} as plain rows (_change_type tells inserts, updates and deletes "
                              "apart); keys, sequence_by and scd_type apply only in table sinks", source_id))
        if not any(a.source == source_id for a in applies.values()):
            notes.append(Note("warning", "cdc.unused", "keys, sequence_by and scd_type are not used: no table "
                              f"sink applies the changes of {source.title}", source_id, "keys",
                              hint="Connect a Delta or Unity Catalog table directly or through row-wise "
                              "transforms (filter, map, rename, watermark, data quality, UDF, lookup)"))


def change_plan(graph: PipelineGraph, schemas: dict) -> ChangePlan:
    """The change feeds of a pipeline, the table sinks that apply them, and what to tell the user."""
    feeds = _feeds(graph)
    notes: list[Note] = []
    applies = {}
    for node in graph.pipeline.nodes:
        if node.type in TABLE_SINKS:
            found = _sink(graph, node, schemas, feeds, notes)
            if found is not None:
                applies[node.id] = found
    if feeds:
        _source_notes(graph, feeds, applies, notes)
    return ChangePlan(feeds, applies, notes)
