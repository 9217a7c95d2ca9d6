"""`lakestream generate PIPELINE.json`: write the generated code and say which target was chosen and why."""

from __future__ import annotations

from lakestream.codegen import PROFILES, TARGETS, CodegenError, generate
from lakestream.commands.validate import read_pipeline
from lakestream.errors import UserError


def register(subparsers) -> None:
    parser = subparsers.add_parser("generate", help="generate SDP SQL / SDP Python / SSS code for a pipeline")
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument("--target", choices=TARGETS, default=None,
                        help="code target (default: the document's code_target, usually auto)")
    parser.add_argument("--profile", choices=PROFILES, default="databricks",
                        help="databricks (deploy) or local (runs on a local SparkSession)")
    parser.add_argument("--allow-hybrid", action="store_true", help="let auto split into SDP + an SSS job")
    parser.add_argument("--out", default="generated", help="folder to write the files into (default: generated)")
    parser.set_defaults(handler=run)


def explain(code) -> list[str]:
    """The lines the CLI prints: target, reasons, warnings."""
    lines = [f"target: {code.target} (profile {code.profile})"]
    lines += [f"  because {r.message}" for r in code.reasons]
    lines += [f"  warning [{w.node_id}{'.' + w.field if w.field else ''}]: {w.message}" for w in code.warnings]
    if code.boundary_tables:
        lines.append("  boundary tables: " + ", ".join(code.boundary_tables))
    return lines


def run(args) -> int:
    pipeline = read_pipeline(args.pipeline)
    try:
        code = generate(pipeline, args.target or pipeline.code_target, args.profile, allow_hybrid=args.allow_hybrid)
    except CodegenError as error:
        raise UserError(str(error)) from None
    try:
        written = code.write(args.out)
    except OSError as error:
        raise UserError(f"cannot write to {args.out}: {error.strerror or error}") from None
    print("\n".join(explain(code)))
    for path in written:
        print(f"wrote {path}")
    return 0
