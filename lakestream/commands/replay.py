"""`lakestream replay PIPELINE.json --events FILE`: run the pattern nodes over sample events locally."""

from __future__ import annotations

import json
from dataclasses import asdict

from lakestream.cep.replay import Replayer, check_types, jsonable, read_events
from lakestream.commands.validate import read_pipeline
from lakestream.errors import UserError
from lakestream.schemas import propagate


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "replay", help="run a pipeline's filters, projections and pattern nodes over sample events (no Spark)"
    )
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument(
        "--events", action="append", metavar="[SOURCE_ID=]FILE",
        help="events as JSON lines (or .csv with a header); prefix SOURCE_ID= when the pipeline has several sources; "
             "without --events, the sample events saved in the document",
    )
    parser.add_argument("--node", help="print only this node's output rows")
    parser.add_argument("--json", action="store_true", help='print {"outputs": {...}, "late_events": N}')
    parser.add_argument(
        "--explain", metavar="KEY",
        help="print each pattern node's trace for this key (key values joined by ' | '): every event's fate, "
             "the partial matches, and why there was no match (with --json: the trace as JSON)",
    )
    parser.set_defaults(handler=run)


def _events_by_source(pipeline, specs: list[str], sources: list[str]) -> dict[str, list[dict]]:
    events: dict[str, list[dict]] = {}
    schemas = propagate(pipeline)
    for spec in specs:
        source, sep, path = spec.partition("=")
        if not sep or source not in sources:
            if len(sources) != 1:
                raise UserError(
                    f"this pipeline has {len(sources)} sources ({', '.join(sources)}); write --events SOURCE_ID=FILE"
                )
            source, path = sources[0], spec
        rows = read_events(path)
        check_types(rows, schemas.get(source) or (), f"{path}:")  # a value of the wrong type: say so, no NULL
        events.setdefault(source, []).extend(rows)
    return events


def _table(columns: list[str], rows: list[dict]) -> list[str]:
    cells = [[str(jsonable(r.get(c))) if r.get(c) is not None else "NULL" for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return lines


def jsonable_trace(key_trace) -> dict | None:
    return None if key_trace is None else json.loads(json.dumps(asdict(key_trace), default=jsonable))


def run(args) -> int:
    pipeline = read_pipeline(args.pipeline)
    sources = [n.id for n in pipeline.nodes if n.spec.category.value == "source"]
    if not sources:
        raise UserError("this pipeline has no source node to feed the events to")
    if args.events:
        events = _events_by_source(pipeline, args.events, sources)
    elif pipeline.samples:
        events = {s: rows for s, rows in pipeline.samples.items() if s in sources}
    else:
        raise UserError("this pipeline has no sample events: pass --events FILE (JSON lines or CSV)")
    result = Replayer(pipeline, explain=args.explain is not None).run(events, args.node)
    if args.json:
        outputs = {
            nid: {"columns": o.columns, "rows": [[jsonable(r.get(c)) for c in o.columns] for r in o.rows]}
            for nid, o in result.outputs.items()
        }
        doc = {"outputs": outputs, "late_events": result.late_events}
        if args.explain is not None:
            doc["explain"] = {nid: {"key": args.explain, "trace": jsonable_trace(t.keys.get(args.explain)),
                                    "why": asdict(t.why(args.explain)),
                                    "watermarks": [asdict(w) for w in t.watermarks]}
                              for nid, t in result.traces.items()}
        print(json.dumps(doc, indent=2))
        return 0
    if args.explain is not None:
        for nid, trace in result.traces.items():
            node = pipeline.node(nid)
            print(f"{nid} {node.title} ({node.type})")
            print(trace.text(args.explain))
        return 0
    for nid, output in result.outputs.items():
        node = pipeline.node(nid)
        print(f"{nid} {node.title} ({node.type}): {len(output.rows)} row(s), {output.late_events} late event(s)")
        if output.rows:
            print("\n".join("  " + line for line in _table(output.columns, output.rows)))
    print(f"late events dropped: {result.late_events}")
    return 0
