"""`lakestream bundle PIPELINE.json --out DIR`: write a Databricks Asset Bundle folder for the pipeline."""

from __future__ import annotations

from lakestream.commands.deploy import add_options, options_from
from lakestream.commands.validate import read_pipeline


def register(subparsers) -> None:
    p = subparsers.add_parser("bundle", help="export a pipeline as a Databricks bundle folder")
    p.add_argument("pipeline", help="path of a .lakestream.json document")
    p.add_argument("--out", required=True, help="folder to write (databricks.yml, resources/, src/)")
    add_options(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    from lakestream.deploy.bundle import export_bundle

    pipeline = read_pipeline(args.pipeline)
    written = export_bundle(pipeline, args.out, options_from(args))
    for path in written:
        print(path)
    print(f"Bundle written to {args.out}: run `databricks bundle validate` then `databricks bundle deploy` there.")
    return 0
