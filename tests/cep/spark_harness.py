"""Runs a scenario through the generated SSS code (local profile) on the shared local SparkSession."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import uuid
from pathlib import Path

from lakestream.codegen import generate
from lakestream.pipeline import Pipeline, load_pipeline
from lakestream.spark_local import run_queries
from tests.cep.scenarios import Scenario


def scenario_pipeline(scenario: Scenario, sink: str = "out"):
    """Source(s) with the scenario's columns -> the pattern node -> a sink."""
    columns = [{"name": n, "type": t} for n, t in zip(scenario.columns, scenario.types) if n != "_port"]
    ports = [p.name for p in scenario.node_spec.inputs]
    nodes, edges = [], []
    for i, port in enumerate(ports):
        sid = f"src_{port}"
        nodes.append({"id": sid, "type": "kafka_source", "config": {
            "bootstrap_servers": "localhost:9092", "topics": [f"t_{port}"], "schema": columns}})
        edges.append({"id": f"e{i}", "source": sid, "target": "p", "target_port": port})
    nodes.append({"id": "p", "type": scenario.node, "config": scenario.raw["config"]})
    nodes.append({"id": sink, "type": "delta_table_sink", "label": sink, "config": {"table": "main.test.out"}})
    edges.append({"id": "eo", "source": "p", "target": sink})
    return load_pipeline({"name": f"scenario {scenario.id}", "nodes": nodes, "edges": edges})


def write_batches(scenario: Scenario, input_root: Path) -> None:
    """One JSON-lines file per micro-batch per source; modification times keep the batch order."""
    ports = [p.name for p in scenario.node_spec.inputs]
    for port in ports:
        (input_root / f"src_{port}").mkdir(parents=True, exist_ok=True)
    for number, batch in enumerate(scenario.raw["batches"]):
        for port in ports:
            rows = []
            for values in batch:
                row = dict(zip(scenario.columns, values))
                if row.pop("_port", "in") != port:
                    continue
                for name, kind in zip(scenario.columns, scenario.types):
                    if kind == "timestamp" and row.get(name) is not None:
                        row[name] = f"1970-01-01T{row[name]}Z"
                rows.append(json.dumps(row))
            path = input_root / f"src_{port}" / f"b{number:04d}.json"
            path.write_text("\n".join(rows) + ("\n" if rows else ""))
            os.utime(path, (1_000_000 + number, 1_000_000 + number))


def source_pipeline(name: str, schema: list[dict], node_type: str, config: dict, sink: str) -> dict:
    """The document of one Kafka source (a JSON folder `src` locally) -> one node "p" -> one table sink."""
    return {"name": name, "nodes": [
        {"id": "src", "type": "kafka_source",
         "config": {"bootstrap_servers": "b:9092", "topics": ["t"], "schema": schema}},
        {"id": "p", "type": node_type, "config": config},
        {"id": sink, "type": "delta_table_sink", "label": sink, "config": {"table": "main.t.o"}},
    ], "edges": [{"id": "e1", "source": "src", "target": "p"}, {"id": "e2", "source": "p", "target": sink}]}


def write_job(document, folder: Path):
    """Generate the local SSS code of a pipeline (document or loaded) into `folder`; return (job module, code)."""
    pipeline = document if isinstance(document, Pipeline) else load_pipeline(document)
    code = generate(pipeline, "sss", "local")
    code.write(folder)
    return load_job(folder), code


def load_job(folder: Path):
    spec = importlib.util.spec_from_file_location(f"job_{uuid.uuid4().hex}", folder / "stream_job.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(folder))
    try:
        stale = [m for m in sys.modules
                 if m.split(".")[0] == "lakestream_cep" or ("." not in m and m.endswith("_processor"))]
        for name in stale:  # every job brings its own copy of the runtime (and of a custom processor)
            del sys.modules[name]
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    return module


def run_scenario(spark, scenario: Scenario, work: Path, timeout: float = 180) -> Path:
    """Generate, write the events, run the queries to their end (spark_local.run_queries: started again when a
    Python process missed Spark's fixed 10 s on a loaded machine) and check none failed; return the output folder."""
    sink = f"out_{uuid.uuid4().hex[:12]}"  # a unique query name: several scenarios may run at once
    job, _ = write_job(scenario_pipeline(scenario, sink), work / "code")
    write_batches(scenario, work / "events")
    queries = run_queries(lambda: job.start(spark, checkpoint_root=str(work / "cp"), input_root=str(work / "events"),
                                            output_root=str(work / "output")), timeout)
    for query in queries:
        assert query.exception() is None, query.exception()
        assert not query.isActive, f"{query.name} did not end within {timeout:g} s"
    return work / "output" / sink


def read_rows(spark, folder: Path, columns: list[str]) -> list[tuple]:
    if not folder.exists() or not any(folder.glob("*.parquet")):
        return []
    return [tuple(r[c] for c in columns) for r in spark.read.parquet(str(folder)).collect()]
