"""`lakestream import-code FILE.sql|DIR`: a hand-written Lakeflow SDP SQL pipeline onto a canvas."""

from __future__ import annotations

from pathlib import Path

from lakestream.commands.validate import write_pipeline
from lakestream.errors import UserError
from lakestream.importing import import_sdp_sql_files
from lakestream.store import open_store


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "import-code", help="import Lakeflow SDP SQL (a .sql file or a folder of them) as a pipeline")
    parser.add_argument("path", help="a .sql file, or a folder whose *.sql files (recursively) form one pipeline")
    parser.add_argument("-o", "--output", help="write the document to this .lakestream.json file instead of the store")
    parser.add_argument("--name", help="pipeline name (default: the file or folder name)")
    parser.add_argument("--store", help="backend: local (default, or $LAKESTREAM_STORE) or volume")
    parser.add_argument("--home", help="local store folder (default $LAKESTREAM_HOME or ~/.lakestream)")
    parser.add_argument("--volume", help="volume folder of the volume store")
    parser.set_defaults(handler=run)


def read_sql(path: Path) -> dict[str, str]:
    """File name -> text of the SQL file, or of every *.sql under the folder (sorted)."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.sql") if p.is_file())
        if not files:
            raise UserError(f"{path} holds no .sql file")
    elif path.is_file():
        files = [path]
    else:
        raise UserError(f"{path} does not exist")
    out = {}
    for file in files:
        try:
            out[str(file.relative_to(path) if path.is_dir() else file.name)] = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"cannot read {file}: {error}") from None
    return out


def run(args) -> int:
    path = Path(args.path)
    files = read_sql(path)
    name = args.name or (path.name if path.is_dir() else path.name.removesuffix(".sql"))
    result = import_sdp_sql_files(files, name=name)
    print(result.report())
    if not result.ok:
        raise UserError(f"nothing imported: {len(result.errors)} statement(s) cannot be read (see above)")
    document = result.document
    if args.output:
        target = Path(args.output)
        write_pipeline(target, document)
        print(f"wrote {target}")
        return 0
    stored = open_store(args.store, home=args.home, path=args.volume).create(
        document, note="imported", message=f"imported from {path.name}")
    print(f"stored pipeline {stored.name!r} ({stored.id})")
    return 0
