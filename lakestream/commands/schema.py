"""`lakestream schema`: the JSON Schema of the pipeline document."""

from __future__ import annotations

import json

from lakestream.pipeline import document_json_schema


def register(subparsers) -> None:
    parser = subparsers.add_parser("schema", help="print the JSON Schema of a pipeline document")
    parser.set_defaults(handler=run)


def run(args) -> int:
    print(json.dumps(document_json_schema(), indent=2))
    return 0
