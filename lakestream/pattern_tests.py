"""Pattern tests: output rows pinned per node ("these detections are right"), checked against a replay of the
pipeline's samples in the engine, or against the generated code on local Spark."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lakestream.cep.replay import jsonable, replay
from lakestream.sparksql.runtime.sqlfuncs import to_timestamp
from lakestream.editing import set_expectations
from lakestream.errors import UserError
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline, load_pipeline
from lakestream.schemas import propagate


def _sources(pipeline: Pipeline) -> list[str]:
    return [n.id for n in pipeline.nodes if n.spec.category is Category.SOURCE]


def _samples(pipeline: Pipeline) -> dict[str, list[dict]]:
    if not pipeline.samples:
        raise UserError("this pipeline has no sample events: pattern tests run on the samples (add them in the "
                        "Timeline, or import a template)")
    return {s: rows for s, rows in pipeline.samples.items() if s in _sources(pipeline)}


def observed(pipeline: Pipeline, node_id: str) -> list[dict]:
    """A node's output rows on the samples, replayed as the Timeline does, as JSON values."""
    output = replay(pipeline, _samples(pipeline), node_id).outputs[node_id]
    return [{c: jsonable(r.get(c)) for c in output.columns} for r in output.rows]


def pin(pipeline: Pipeline, node_ids: list[str] | None = None) -> Pipeline:
    """The pipeline with the given nodes' (default: every pattern node's) current rows pinned as expected."""
    ids = node_ids or [n.id for n in pipeline.nodes if n.spec.category is Category.PATTERN]
    if not ids:
        raise UserError("this pipeline has no pattern node to pin")
    for node_id in ids:
        pipeline = set_expectations(pipeline, node_id, observed(pipeline, node_id))
    return pipeline


def canonical(row: dict) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)


@dataclass
class Outcome:
    """One pinned node: the rows expected but not given, and the rows given but not expected."""

    node_id: str
    title: str
    expected: int
    got: int
    missing: list[dict] = field(default_factory=list)
    unexpected: list[dict] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected

    def to_json(self) -> dict:
        return {"node_id": self.node_id, "title": self.title, "passed": self.passed, "expected": self.expected,
                "got": self.got, "missing": self.missing, "unexpected": self.unexpected}


def compare(node_id: str, title: str, expected: list[dict], got: list[dict]) -> Outcome:
    """Rows compared as multisets of JSON texts: order-insensitive, exact values."""
    want, have = Counter(map(canonical, expected)), Counter(map(canonical, got))
    missing = [json.loads(t) for t in (want - have).elements()]
    unexpected = [json.loads(t) for t in (have - want).elements()]
    return Outcome(node_id, title, len(expected), len(got), missing, unexpected)


def run_tests(pipeline: Pipeline, spark=None, runner=None) -> list[Outcome]:
    """Every pinned node checked on the samples: in the engine, or (given a SparkSession and `lakestream run`'s
    runner, `commands.run.run_local`) the generated code."""
    if not pipeline.expectations:
        raise UserError("this pipeline has no pinned rows: pin a node's detections in the Timeline "
                        "(or run lakestream test --pin)")
    unknown = [n for n in pipeline.expectations if n not in pipeline.node_by_id]
    if unknown:
        raise UserError(f"rows are pinned for nodes this pipeline no longer has: {', '.join(unknown)}")
    ids = list(pipeline.expectations)
    got = spark_rows(pipeline, ids, spark, runner) if spark is not None else {n: observed(pipeline, n) for n in ids}
    return [compare(n, pipeline.node(n).title, pipeline.expectations[n], got[n]) for n in ids]


# --- the generated code on local Spark ------------------------------------------------------------------------


def with_sinks(pipeline: Pipeline, node_ids: list[str]) -> tuple[Pipeline, dict[str, str]]:
    """The part of the pipeline that feeds `node_ids`, each followed by a table sink of its own (its rows)."""
    from lakestream.graph import PipelineGraph

    graph = PipelineGraph(pipeline)
    keep = set(node_ids)
    for node_id in node_ids:
        keep |= graph.upstream(node_id)
    data = pipeline.to_dict()
    taken = set(pipeline.node_by_id)
    sinks: dict[str, str] = {}
    data["nodes"] = [n for n in data["nodes"] if n["id"] in keep]
    data["edges"] = [e for e in data["edges"] if e["source"] in keep and e["target"] in keep]
    for index, node_id in enumerate(node_ids):
        sink = f"expected_rows_{index}"
        while sink in taken:
            sink += "_"
        sinks[node_id] = sink
        data["nodes"].append({"id": sink, "type": "delta_table_sink", "label": f"Rows of {node_id}",
                              "position": {"x": 0, "y": 0}, "config": {"table": f"main.lakestream_tests.t{index}"}})
        data["edges"].append({"id": f"{sink}_in", "source": node_id, "target": sink})
    data["expectations"] = {}
    return load_pipeline(data), sinks


def spark_rows(pipeline: Pipeline, node_ids: list[str], spark, runner, events: dict[str, list[Path]] | None = None,
               timeout: float = 600.0) -> dict[str, list[dict]]:
    """Each node's output rows from the local profile's generated code over the samples (one file per source,
    so one micro-batch) or the given event files (one micro-batch per file), as JSON values. `runner` is
    `lakestream run`'s `run_local` (a front's function, passed in by the fronts)."""
    derived, sinks = with_sinks(pipeline, node_ids)
    schemas = propagate(derived)
    with tempfile.TemporaryDirectory(prefix="lakestream-test-") as tmp:
        folder = Path(tmp) / "events"
        for source in _sources(derived):
            target = folder / source
            target.mkdir(parents=True)
            if events is not None:
                for index, path in enumerate(events.get(source, [])):  # names in batch order for the file source
                    shutil.copyfile(path, target / f"{index:06d}-{path.name}")  # own files: own times
            else:
                rows = pipeline.samples.get(source, [])
                (target / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        _in_name_order(folder)
        runner(derived, folder, Path(tmp) / "out", spark, timeout)
        out = {}
        for node_id, sink in sinks.items():
            columns = [(c.name, c.type.lower()) for c in schemas.get(node_id) or ()]
            text = (Path(tmp) / "out" / f"{sink}.jsonl").read_text(encoding="utf-8")
            out[node_id] = [_row(json.loads(line), columns) for line in text.splitlines() if line]
    return out


def _in_name_order(folder: Path) -> None:
    """Modification times increasing in name order: Spark's file source reads files by modification time."""
    for source in folder.iterdir():
        for index, path in enumerate(sorted(source.iterdir())):
            stamp = 1_700_000_000 + index
            os.utime(path, (stamp, stamp))


def _row(data: dict, columns: list[tuple[str, str]]) -> dict:
    """A row Spark wrote as JSON (timestamps ISO, NULL columns absent) as the engine's JSON values."""
    row = {}
    for name, kind in columns:
        value = data.get(name)
        if value is not None and kind.startswith("timestamp"):
            value = jsonable(to_timestamp(value))
        row[name] = value
    return row
