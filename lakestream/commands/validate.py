"""`lakestream validate PIPELINE.json`: exit 0 valid (warnings allowed), 1 errors, 2 unreadable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from lakestream.errors import UserError
from lakestream.pipeline import DocumentError, Pipeline, load_pipeline
from lakestream.validate import has_errors, validate


class UnreadableDocument(UserError):
    exit_code = 2


def read_pipeline(path: str) -> Pipeline:
    """Load a pipeline file; raise UnreadableDocument (exit 2) with one clear line."""
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return load_pipeline(text)
    except DocumentError as error:
        raise UnreadableDocument(f"{path}: {error}") from None


def write_pipeline(target: Path, pipeline: Pipeline) -> None:
    """Replace a pipeline file atomically (a temp file beside it, then a rename): never a half-written document."""
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(pipeline.to_json(), encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {error.strerror or error}") from None


def register(subparsers) -> None:
    parser = subparsers.add_parser("validate", help="check a pipeline document and list every problem")
    parser.add_argument("pipeline", help="path of a .lakestream.json document")
    parser.add_argument("--json", action="store_true", help='print {"valid": bool, "issues": [...]}')
    parser.set_defaults(handler=run)


def run(args) -> int:
    try:
        pipeline = read_pipeline(args.pipeline)
    except UnreadableDocument as error:
        if not args.json:
            raise
        print(json.dumps({"valid": False, "error": str(error), "issues": []}))
        return error.exit_code
    issues = validate(pipeline)
    valid = not has_errors(issues)
    if args.json:
        print(json.dumps({"valid": valid, "issues": [i.to_dict() for i in issues]}, indent=2))
    else:
        labels = {n.id: n.title for n in pipeline.nodes}
        for issue in issues:
            where = f"{labels.get(issue.node_id, issue.node_id)}" if issue.node_id else "pipeline"
            field = f" [{issue.field}]" if issue.field else ""
            hint = f" — {issue.hint}" if issue.hint else ""
            print(f"{issue.severity:<7} {where}{field}: {issue.message}{hint}", file=sys.stdout)
        errors = sum(i.severity == "error" for i in issues)
        print(f"{pipeline.name}: {'valid' if valid else 'invalid'} ({errors} errors, {len(issues) - errors} other)")
    return 0 if valid else 1
