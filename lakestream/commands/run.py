"""`lakestream run`: run a pipeline on a local SparkSession, on event files (local profile) or real I/O.

`--events DIR` runs the local profile's code (files stand in for Kafka and Delta); `--io real` runs the databricks
profile's code against a Kafka broker and a local Delta warehouse (real_io.md in docs/codegen.md).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from lakestream.changes_runtime.versions import table_path
from lakestream.codegen import CodegenError, generate
from lakestream.commands.validate import read_pipeline
from lakestream.errors import UserError
from lakestream.nodes.base import Category
from lakestream.real_io import RealIO, run_real
from lakestream.spark_local import load_job as _load_job  # the name the tests use
from lakestream.spark_local import run_queries


def register(subparsers) -> None:
    parser = subparsers.add_parser("run", help="run a pipeline locally on event files (needs pyspark and Java)")
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument("--events", help="folder with one sub-folder of JSON-lines files per source id "
                        "(local I/O; not with --io real)")
    parser.add_argument("--out", required=True, help="folder receiving <sink id>.jsonl per table sink")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the queries (default 300)")
    parser.add_argument("--io", choices=("local", "real"), default="local",
                        help="local: event files and parquet folders (default); real: the databricks profile's "
                        "Kafka, Delta and Unity Catalog code against --kafka-bootstrap and --warehouse")
    parser.add_argument("--kafka-bootstrap", help="real I/O: the broker every Kafka node uses instead of its own")
    parser.add_argument("--from-earliest", action="store_true",
                        help="real I/O: Kafka sources that start at the latest offsets start at the earliest "
                        "(a first run otherwise reads only what arrives after it starts)")
    parser.add_argument("--warehouse", help="real I/O: folder of the local Delta warehouse (tables, checkpoints; "
                        "kept between runs, so a second run continues where the first stopped)")
    parser.add_argument("--jars", help="real I/O: folder of Spark's Kafka, Avro and Delta jars "
                        "(default $LAKESTREAM_JARS/spark or ~/.cache/lakestream/jars/spark)")
    parser.set_defaults(handler=run)




# Sources whose local code generates its own rows instead of reading DIR/<source id>/.
GENERATING_SOURCES = {"stream_simulator", "custom_python_source"}


def _start(job, spark, work: Path, events: Path):
    """Start the job's queries; a secret missing from the environment is the user's to set, not a crash."""
    before = {q.id for q in spark.streams.active}
    try:
        return job.start(spark, checkpoint_root=str(work / "checkpoints"), input_root=str(events.resolve()),
                         output_root=str(work / "output"))
    except Exception as error:
        secrets = sys.modules.get("lakestream_connectors.secrets")  # the runtime copy the job imported
        if secrets is None or not isinstance(error, secrets.MissingSecret):
            raise
        for query in spark.streams.active:
            if query.id not in before:  # the sinks started before the one that needs the secret
                query.stop()
        raise UserError(str(error)) from None


def run_local(pipeline, events: Path, out: Path, spark, timeout: float = 300.0) -> dict[str, int]:
    """Generate the local SSS code, run it over `events`, write OUT/<sink>.jsonl; return rows per sink."""
    try:
        code = generate(pipeline, "sss", "local")
    except CodegenError as error:
        raise UserError(str(error)) from None
    for node in pipeline.nodes:
        if node.spec.category is Category.SOURCE and node.type not in GENERATING_SOURCES \
                and not (events / node.id).is_dir():
            raise UserError(f"no events for source '{node.title}': create the folder {events / node.id} "
                            "with JSON-lines files")
    from pyspark.sql import functions as F

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lakestream-run-") as tmp:
        work = Path(tmp)
        code.write(work / "code")
        job = _load_job(work / "code")
        try:
            queries = run_queries(lambda: _start(job, spark, work, events), timeout)
            for query in queries:
                if query.exception() is not None:
                    raise UserError(f"query {query.name} failed: {str(query.exception()).splitlines()[0]}")
                if query.isActive:
                    query.stop()
                    raise UserError(f"query {query.name} did not finish within {timeout:g} s")
        finally:
            sys.path.remove(str(work / "code"))
        counts = {}
        for node in pipeline.nodes:
            folder = work / "output" / node.id
            if node.spec.category is not Category.SINK or not folder.is_dir():
                continue
            applied = table_path(str(folder))  # a sink applying changes keeps versions; read the live one
            folder = Path(applied) if applied else folder
            if not any(folder.glob("part-*")):
                (out / f"{node.id}.jsonl").write_text("", encoding="utf-8")
                counts[node.id] = 0
                continue
            # Sinks write parquet locally, Kafka-like sinks JSON lines; the folder's files say which.
            is_json = any(p.suffix == ".json" for p in folder.glob("part-*"))
            frame = spark.read.json(str(folder)) if is_json else spark.read.parquet(str(folder))
            rows = sorted(r[0] for r in frame.select(F.to_json(F.struct(*frame.columns))).collect())
            (out / f"{node.id}.jsonl").write_text("".join(r + "\n" for r in rows), encoding="utf-8")
            counts[node.id] = len(rows)
    return counts


def run(args) -> int:
    pipeline = read_pipeline(args.pipeline)
    if args.io == "real":
        if not args.warehouse:
            raise UserError("--io real needs --warehouse DIR (the local Delta warehouse)")
        io = RealIO(warehouse=Path(args.warehouse), kafka_bootstrap=args.kafka_bootstrap,
                    from_earliest=args.from_earliest,
                    jars=Path(args.jars) if args.jars else None)
        counts = run_real(pipeline, io, Path(args.out), args.timeout)
        for node_id, count in counts.items():
            print(f"{node_id}: {count} rows -> {Path(args.out) / (node_id + '.jsonl')}")
        return 0
    if not args.events:
        raise UserError("--events DIR is needed (or --io real)")
    events = Path(args.events)
    if not events.is_dir():
        raise UserError(f"events folder {events} does not exist")
    from lakestream.spark_local import local_session

    spark = local_session("lakestream-run")
    counts = run_local(pipeline, events, Path(args.out), spark, args.timeout)
    for node_id, count in counts.items():
        print(f"{node_id}: {count} rows -> {Path(args.out) / (node_id + '.jsonl')}")
    return 0
