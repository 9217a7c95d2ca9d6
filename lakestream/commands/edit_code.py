"""`lakestream edit-code PIPELINE.json EDITED_FILE`: an edited copy of generated code mapped back onto the document."""

from __future__ import annotations

from pathlib import Path

from lakestream.code_edit import plan_code_edit
from lakestream.commands.validate import read_pipeline, write_pipeline
from lakestream.errors import UserError

DEFAULT_PATHS = {"sdp-sql": "transformations/pipeline.sql", "sdp-python": "transformations/pipeline.py",
                 "sss": "stream_job.py"}


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "edit-code", help="map an edited copy of a pipeline's generated code back onto the pipeline (preview, --write)")
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument("edited", help="the edited code file (SDP SQL, SDP Python or SSS)")
    parser.add_argument("--target", choices=sorted(DEFAULT_PATHS) + ["hybrid"], default="sdp-sql",
                        help="the code target the file was generated for (default sdp-sql)")
    parser.add_argument("--path", help="the file's path in the generated code (default: the target's main file)")
    parser.add_argument("--profile", choices=["databricks", "local"], default="databricks")
    parser.add_argument("--write", action="store_true", help="write the changed document over PIPELINE.json")
    parser.set_defaults(handler=run)


def run(args) -> int:
    document = read_pipeline(args.pipeline)
    try:
        text = Path(args.edited).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {args.edited}: {getattr(error, 'strerror', None) or error}") from None
    path = args.path or DEFAULT_PATHS.get(args.target)
    if path is None:
        raise UserError("--path is required for --target hybrid (the generated file the edit is of)")
    plan = plan_code_edit(document, args.target, path, text, args.profile)
    if plan.after is None:
        raise UserError(f"{args.edited}: {plan.error}")
    for line in plan.preview():
        print(line)
    for note in plan.notes:
        print(f"note: {note}")
    if args.write and not plan.unchanged:
        write_pipeline(Path(args.pipeline), plan.after)
        print(f"wrote {args.pipeline}")
    return 0
