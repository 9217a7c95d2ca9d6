"""The pipeline document: nodes, edges and settings, loaded, migrated and dumped as JSON."""

from __future__ import annotations

import functools
import json
import uuid
from datetime import datetime, timezone
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    TypeAdapter,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import from_json

from lakestream.gc_pause import gc_paused
from lakestream.nodes import REGISTRY, NodeType, UnknownNodeType, get_node_type
from lakestream.nodes.fields import Model

FORMAT = 3  # 2: `samples` (sample events per source) belong to the document; 3: `expectations` (pinned rows)
MAX_SAMPLE_EVENTS = 5000  # per source: samples are for looking at; `lakestream replay` takes any number
CodeTarget = Literal["auto", "sdp-sql", "sdp-python", "sss", "hybrid"]
NodeId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,64}$")]
# Sample events per source node id, in arrival order: JSON objects as the user gave them (the Timeline replays them)
Samples = dict[NodeId, Annotated[list[dict[str, Any]], Field(max_length=MAX_SAMPLE_EVENTS)]]
MAX_EXPECTED_ROWS = 5000  # per node: pinned from a Timeline replay of the samples
# Pattern tests: the output rows a node must give on the samples, per node id (JSON values as Spark prints them),
# pinned from the Timeline; `lakestream test` compares them with a replay (and with --spark, the generated code)
Expectations = dict[NodeId, Annotated[list[dict[str, Any]], Field(max_length=MAX_EXPECTED_ROWS)]]


class cached_property(functools.cached_property):  # noqa: N801 - a drop-in for the standard one
    """functools.cached_property without the lock Python 3.11 takes on every first access (3.12 dropped it):
    computing a node's parsed config twice in a race gives the same value."""

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        cache = instance.__dict__
        value = cache.get(self.attrname, _MISSING)
        if value is _MISSING:
            value = cache[self.attrname] = self.func(instance)
        return value


_MISSING = object()


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class _Doc(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, ignored_types=(cached_property,))

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False):
        """A copy without the cached derived values (parsed config, node index): they follow the fields."""
        copied = super().model_copy(update=update, deep=deep)
        for name, value in type(self).__dict__.items():
            if isinstance(value, cached_property):
                copied.__dict__.pop(name, None)
        return copied


class Position(_Doc):
    x: float = 0.0
    y: float = 0.0


class Node(_Doc):
    """A node on the canvas. `config` is stored as JSON; `parsed` is its typed, validated form.

    A draft node may hold an invalid config (a form half filled in): the document keeps it as
    typed by the user, and validation reports its errors with field paths.
    """

    id: NodeId
    type: str
    label: str = ""
    position: Position = Position()
    config: dict[str, Any] = Field(default_factory=dict)

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        get_node_type(value)  # raises UnknownNodeType with a suggestion
        return value

    @property
    def spec(self) -> NodeType:
        return REGISTRY[self.type]

    @property
    def title(self) -> str:
        return self.label or self.spec.name

    @cached_property
    def parsed(self) -> Model:
        """The typed config; raises pydantic.ValidationError with field paths when it is invalid."""
        return self.spec.config.model_validate(self.config)

    @cached_property
    def config_errors(self) -> list[dict[str, Any]]:
        """pydantic's error list for the config (empty when valid)."""
        try:
            self.parsed
        except ValidationError as error:
            return _without_echoes(error.errors(include_url=False))
        return []

    def parsed_or_none(self) -> Model | None:
        return None if self.config_errors else self.parsed


def _without_echoes(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop pydantic's length complaint about a list whose invalid items are already reported."""
    item_parents = {e["loc"][:-2] for e in errors if len(e["loc"]) >= 2} | {
        e["loc"][:i] for e in errors for i in range(1, len(e["loc"])) if isinstance(e["loc"][i], int)
    }
    return [e for e in errors if not (e["type"] in ("too_short", "too_long") and e["loc"] in item_parents)]


class Edge(_Doc):
    id: NodeId
    source: NodeId
    target: NodeId
    source_port: str = "out"
    target_port: str = "in"


class Settings(_Doc):
    catalog: str | None = Field("main", description="Default Unity Catalog catalog")
    schema_: str | None = Field(None, alias="schema", description="Default schema")
    checkpoint_root: str | None = Field(None, description="Root folder of the streaming checkpoints")


class Pipeline(_Doc):
    """One pipeline document (`*.lakestream.json`): the unit saved, versioned and generated from."""

    format: int = FORMAT
    id: str = Field(default_factory=lambda: str(uuid.uuid4()))
    name: str = "Untitled pipeline"
    description: str = ""
    code_target: CodeTarget = "auto"
    settings: Settings = Settings()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    samples: Samples = Field(default_factory=dict)
    expectations: Expectations = Field(default_factory=dict)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    version: int = 0

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return migrate(data)
        return data

    @model_validator(mode="after")
    def _referential(self):
        ids = [n.id for n in self.nodes]
        duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
        if duplicates:
            raise ValueError(f"Node ids must be unique; repeated: {', '.join(duplicates)}")
        edge_ids = [e.id for e in self.edges]
        if len(set(edge_ids)) != len(edge_ids):
            repeated = sorted({i for i in edge_ids if edge_ids.count(i) > 1})
            raise ValueError(f"Edge ids must be unique; repeated: {', '.join(repeated)}")
        return self

    @cached_property
    def node_by_id(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    def node(self, node_id: str) -> Node:
        return self.node_by_id[node_id]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _format_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 2 adds `samples` (none in a format-1 document); every other field is kept as it was."""
    data.setdefault("samples", {})
    return data


def _format_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """Format 3 adds `expectations` (none pinned in a format-2 document); every other field is kept as it was."""
    data.setdefault("expectations", {})
    return data


# Migrations: MIGRATIONS[n] turns a format-n document (a dict) into format n+1, keeping every field.
MIGRATIONS: dict[int, Any] = {1: _format_1_to_2, 2: _format_2_to_3}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a document dict to the current format; refuse one from a newer LakeStream."""
    version = data.get("format", FORMAT)
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"'format' must be a positive whole number, not {version!r}")
    if version > FORMAT:
        raise ValueError(f"This document has format {version}; this LakeStream reads up to {FORMAT}. Upgrade it.")
    while version < FORMAT:
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["format"] = version
    return data


class DocumentError(ValueError):
    """A document that cannot be loaded; `problems` lists (path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        lines = "; ".join(f"{path}: {message}" if path else message for path, message in problems)
        super().__init__(f"Not a valid pipeline document: {lines}")


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _parse_json(text: str | bytes) -> Any:
    """The JSON value of a document: pydantic's parser (twice as fast), or the standard one for what it refuses.

    The standard parser has the last word, so documents it reads (a lone surrogate escape, deep nesting)
    still load, and a broken document gets its familiar message ("Expecting ',' delimiter: line 3 …").
    """
    try:
        return from_json(text)
    except ValueError:
        pass
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise DocumentError([("", f"not JSON ({error})")]) from None


def _reference_problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Repeated node or edge ids and edges to nodes that do not exist, read from the raw document."""
    nodes = data.get("nodes") if isinstance(data.get("nodes"), list) else []
    edges = data.get("edges") if isinstance(data.get("edges"), list) else []
    node_ids = [n.get("id") for n in nodes if isinstance(n, dict) and isinstance(n.get("id"), str)]
    problems = []
    for kind, ids in (("Node", node_ids), ("Edge", [e.get("id") for e in edges if isinstance(e, dict)])):
        repeated = sorted({i for i in ids if isinstance(i, str) and ids.count(i) > 1})
        if repeated:
            problems.append(("", f"{kind} ids must be unique; repeated: {', '.join(repeated)}"))
    known = set(node_ids)
    for index, edge in enumerate(edges):
        for end in ("source", "target"):
            value = edge.get(end) if isinstance(edge, dict) else None
            if isinstance(value, str) and value not in known:
                problems.append((f"edges[{index}].{end}", f"there is no node {value!r}"))
    return problems


@gc_paused()
def load_pipeline(source: str | bytes | dict[str, Any]) -> Pipeline:
    """Parse and validate a document (JSON text or dict); raise DocumentError listing every problem.

    Node configs are not required to be valid here (drafts load); `validate` reports their errors.
    """
    if isinstance(source, (str, bytes)):
        source = _parse_json(source)
    if not isinstance(source, dict):
        raise DocumentError([("", "a pipeline document is a JSON object")])
    try:
        return Pipeline.model_validate(source)
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            message = item["msg"].removeprefix("Value error, ")
            ctx_error = (item.get("ctx") or {}).get("error")
            if isinstance(ctx_error, UnknownNodeType):
                message = str(ctx_error)
            problems.append((_path(item["loc"]), message))
        # pydantic checks the whole document only once every field is valid: list those problems too
        problems += [p for p in _reference_problems(source) if p not in problems]
        raise DocumentError(problems) from None
    except RecursionError:
        raise DocumentError([("", "the document is nested too deeply")]) from None


def typed_node_models() -> list[type[BaseModel]]:
    """One strict node model per type (config typed): the discriminated union of the document schema."""
    models = []
    for type_id, spec in REGISTRY.items():
        models.append(
            create_model(
                f"Node_{type_id}",
                __base__=_Doc,
                id=(NodeId, ...),
                type=(Literal[type_id], ...),  # type: ignore[valid-type]
                label=(str, ""),
                position=(Position, Position()),
                config=(spec.config, ...),
            )
        )
    return models


def _typed_pipeline_model() -> type[BaseModel]:
    variants = tuple(Annotated[m, Tag(m.model_fields["type"].annotation.__args__[0])] for m in typed_node_models())
    node_union = Annotated[Union[variants], Discriminator("type")]  # type: ignore[valid-type]
    return create_model(
        "LakeStreamPipeline",
        __base__=_Doc,
        format=(int, FORMAT),
        id=(str, ...),
        name=(str, ...),
        description=(str, ""),
        code_target=(CodeTarget, "auto"),
        settings=(Settings, Settings()),
        nodes=(list[node_union], []),
        edges=(list[Edge], []),
        samples=(Samples, {}),
        expectations=(Expectations, {}),
        created_at=(datetime | None, None),
        updated_at=(datetime | None, None),
        version=(int, 0),
    )


def document_json_schema() -> dict[str, Any]:
    """The JSON Schema of a complete, valid pipeline document (configs discriminated by `type`)."""
    return TypeAdapter(_typed_pipeline_model()).json_schema(by_alias=True)
