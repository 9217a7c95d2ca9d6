"""`lakestream paste-query PIPELINE.json QUERY.sql`: a MATCH_RECOGNIZE query added as a source and a row pattern node."""

from __future__ import annotations

from pathlib import Path

from lakestream.code_edit.paste import paste_match_recognize
from lakestream.commands.validate import read_pipeline, write_pipeline
from lakestream.errors import UserError
from lakestream.pipeline import Pipeline


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "paste-query", help="add a MATCH_RECOGNIZE query (Oracle, Trino, Snowflake, Databricks, Flink) to a pipeline")
    parser.add_argument("pipeline", help="the .lakestream.json document to add it to (created when missing)")
    parser.add_argument("query", help="a file holding the query")
    parser.set_defaults(handler=run)


def run(args) -> int:
    target = Path(args.pipeline)
    document = read_pipeline(args.pipeline) if target.exists() else Pipeline(name=target.name.split(".")[0])
    try:
        text = Path(args.query).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"cannot read {args.query}: {getattr(error, 'strerror', None) or error}") from None
    result = paste_match_recognize(document, text)
    if result.document is None:
        raise UserError(f"{args.query}: {result.error}")
    for node_id in result.node_ids:
        node = result.document.node_by_id[node_id]
        print(f"+ node {node.title} ({node.type})")
    for message in result.messages:
        print(f"check: {message}")
    write_pipeline(target, result.document)
    print(f"wrote {target}")
    return 0
