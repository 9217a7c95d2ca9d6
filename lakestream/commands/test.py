"""`lakestream test PIPELINE [--spark] [--pin]`: the pinned rows of a pipeline checked on its samples (exit 0/1)."""

from __future__ import annotations

import json
from pathlib import Path

from lakestream.commands.run import run_local
from lakestream.commands.validate import read_pipeline, write_pipeline
from lakestream.nodes.base import Category
from lakestream.pattern_tests import pin, run_tests


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "test", help="check the rows pinned per node against a replay of the samples (exit 1 on a difference)")
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument("--spark", action="store_true",
                        help="run the generated code (local profile) on local Spark instead of the engine")
    parser.add_argument("--pin", action="store_true",
                        help="pin the current rows of the pattern nodes (or --node) into the file instead of testing")
    parser.add_argument("--node", action="append", help="with --pin: only this node (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    pipeline = read_pipeline(args.pipeline)
    if args.pin:
        pinned = pin(pipeline, args.node)
        write_pipeline(Path(args.pipeline), pinned)
        for node_id in args.node or [n.id for n in pinned.nodes if n.spec.category is Category.PATTERN]:
            print(f"pinned {node_id}: {len(pinned.expectations[node_id])} row(s)")
        return 0
    spark = None
    if args.spark:
        from lakestream.spark_local import local_session

        spark = local_session("lakestream-test")
    outcomes = run_tests(pipeline, spark, run_local)
    if args.json:
        print(json.dumps({"passed": all(o.passed for o in outcomes), "nodes": [o.to_json() for o in outcomes]},
                         indent=2, ensure_ascii=False))
    else:
        for outcome in outcomes:
            verdict = "ok" if outcome.passed else "FAILED"
            print(f"{verdict}: {outcome.node_id} {outcome.title}: {outcome.got} row(s), {outcome.expected} pinned")
            for row in outcome.missing:
                print(f"  - expected, not given: {json.dumps(row, ensure_ascii=False)}")
            for row in outcome.unexpected:
                print(f"  + given, not expected: {json.dumps(row, ensure_ascii=False)}")
        failed = sum(not o.passed for o in outcomes)
        print(f"{len(outcomes) - failed} passed, {failed} failed ({'Spark' if spark else 'engine'})")
    return 1 if any(not o.passed for o in outcomes) else 0
