"""`lakestream pipelines list|show|export|import|versions|diff|delete|restore` over the pipeline store."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from lakestream.cli import terminal_safe as shown
from lakestream.errors import UserError
from lakestream.pipeline import DocumentError, Pipeline, load_pipeline
from lakestream.store import Store, open_store
from lakestream.store.diff import diff, generated_code_diff


def register(subparsers) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", help="backend: local (default, or $LAKESTREAM_STORE) or volume")
    common.add_argument("--home", help="local store folder (default $LAKESTREAM_HOME or ~/.lakestream)")
    common.add_argument("--volume", help="volume folder of the volume store, /Volumes/<catalog>/<schema>/<volume>/…")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser = subparsers.add_parser("pipelines", help="list, show, export, import and compare stored pipelines")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, handler):
        sub = actions.add_parser(name, help=help_text, parents=[common])
        sub.set_defaults(handler=handler)
        return sub

    action("list", "the stored pipelines, newest first", _list).add_argument(
        "--trash", action="store_true", help="list the pipelines in the trash instead")
    show = action("show", "one pipeline: who saved it when, its nodes", _show)
    export = action("export", "write a pipeline document (a version with --version)", _export)
    for sub in (show, export):
        sub.add_argument("pipeline", help="pipeline id, unique id prefix or exact name")
        sub.add_argument("--version", type=int, help="a saved version (default: the latest)")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    imported = action("import", "store a pipeline document as a new pipeline", _import)
    imported.add_argument("file", help="a .lakestream.json document")
    imported.add_argument("--name", help="store it under this name")
    imported.add_argument("--message", default="", help="a message kept with the stored version")
    action("versions", "every saved version of a pipeline, with who and when", _versions).add_argument(
        "pipeline", help="pipeline id, unique id prefix or exact name")
    compare = action("diff", "differences between two versions or documents", _diff)
    compare.add_argument("left", help="PIPELINE@VERSION, PIPELINE (latest) or a .json file")
    compare.add_argument("right", help="PIPELINE@VERSION, PIPELINE (latest) or a .json file")
    compare.add_argument("--code", nargs="?", const="auto", metavar="TARGET",
                         help="compare the generated code instead (target: auto, sdp-sql, sdp-python, sss)")
    action("delete", "move a pipeline to the trash", _delete).add_argument(
        "pipeline", help="pipeline id, unique id prefix or exact name")
    restore = action("restore", "take a pipeline out of the trash; with --version N, save version N again as "
                     "the latest (this also repairs a pipeline whose latest version is unreadable)", _restore)
    restore.add_argument("pipeline", help="pipeline id, unique id prefix or exact name")
    restore.add_argument("--version", type=int, help="the saved version to restore as a new version")
    restore.add_argument("--message", default="", help="with --version: a message kept with the new version")


def _store(args) -> Store:
    return open_store(args.store, home=args.home, path=args.volume)


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


def _list(args) -> int:
    summaries = _store(args).list(trash=args.trash)
    if args.json:
        _print_json([s.to_dict() for s in summaries])
        return 0
    if not summaries:
        print("The trash is empty." if args.trash else "No pipelines yet.")
        return 0
    for s in summaries:
        if s.error:
            print(f"{s.id[:8]}  UNREADABLE  {shown(s.name)}: {shown(s.error)}")
            continue
        when = f"deleted {_when(s.deleted_at)}" if args.trash else f"{_when(s.updated_at)} by {shown(s.updated_by)}"
        print(f"{s.id[:8]}  {shown(s.name[:40]):<40}  v{s.version:<4} {s.node_count:>4} nodes  "
              f"{shown(s.target):<10} {when}")
    return 0


def _show(args) -> int:
    store = _store(args)
    pipeline_id = store.find(args.pipeline)
    doc = store.get_version(pipeline_id, args.version) if args.version else store.get(pipeline_id)
    if args.json:
        _print_json(doc.to_dict())
        return 0
    info = store.version_info(pipeline_id, doc.version)
    print(f"{shown(doc.name)}  ({doc.id})")
    if doc.description:
        print(f"  {shown(doc.description)}")
    print(f"version {doc.version}, saved {_when(info.saved_at)} by {shown(info.saved_by)}; target {doc.code_target}")
    if info.message:
        print(f"message: {shown(info.message)}")
    print(f"{len(doc.nodes)} nodes, {len(doc.edges)} edges:")
    for node in doc.nodes:
        print(f"  {shown(node.id):<12} {node.type:<22} {shown(node.label)}")
    return 0


def _export(args) -> int:
    store = _store(args)
    pipeline_id = store.find(args.pipeline)
    doc = store.get_version(pipeline_id, args.version) if args.version else store.get(pipeline_id)
    if not args.output:
        sys.stdout.write(doc.to_json())
        return 0
    try:
        Path(args.output).write_text(doc.to_json(), encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {args.output}: {error.strerror or error}") from None
    print(f"exported {doc.name!r} version {doc.version} to {args.output}")
    return 0


def _read_file(path: str) -> Pipeline:
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise UserError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return load_pipeline(text)
    except DocumentError as error:
        raise UserError(f"{path}: {error}") from None


def _import(args) -> int:
    doc = _read_file(args.file)
    if args.name:
        doc = doc.model_copy(update={"name": args.name})
    saved = _store(args).create(doc, note=f"imported from {Path(args.file).name}", message=args.message)
    if args.json:
        _print_json({"id": saved.id, "name": saved.name, "version": saved.version, "kept_id": saved.id == doc.id})
    else:
        kept = "" if saved.id == doc.id else " (a new id: the document's id was taken or not a UUID)"
        print(f"imported {saved.name!r} as {saved.id}{kept}")
    return 0


def _versions(args) -> int:
    store = _store(args)
    infos = store.versions(store.find(args.pipeline))
    if args.json:
        _print_json([i.to_dict() for i in infos])
        return 0
    for i in infos:
        note = f"  ({shown(i.note)})" if i.note else ""
        message = f"\n       {shown(i.message)}" if i.message else ""  # the user's own words, on a line of their own
        print(f"v{i.version:<5} {_when(i.saved_at)}  {shown(i.saved_by):<24} {i.node_count:>4} nodes  "
              f"{shown(i.name)}{note}{message}")
    return 0


def _side(store: Store, ref: str) -> Pipeline:
    if Path(ref).is_file():
        return _read_file(ref)
    name, _, version = ref.rpartition("@")
    if name and version.isdigit():
        return store.get_version(store.find(name), int(version))
    return store.get(store.find(ref))  # no @VERSION (a name may hold an @ itself)


def _diff(args) -> int:
    store = _store(args)
    left, right = _side(store, args.left), _side(store, args.right)
    if args.code:
        sys.stdout.write(generated_code_diff(left, right, args.code) or "The generated code is the same.\n")
        return 0
    result = diff(left, right)
    if args.json:
        _print_json(result.to_dict())
    else:
        print("\n".join(shown(line) for line in result.lines()))
    return 0


def _delete(args) -> int:
    store = _store(args)
    pipeline_id = store.find(args.pipeline)
    store.delete(pipeline_id)
    print(f"moved {pipeline_id} to the trash (lakestream pipelines restore {pipeline_id[:8]} brings it back)")
    return 0


def _restore(args) -> int:
    store = _store(args)
    pipeline_id = store.find(args.pipeline)
    if args.version is None:
        doc = store.restore(pipeline_id)
        message = f"restored {doc.name!r} ({doc.id}) from the trash"
    else:
        doc = store.restore_version(pipeline_id, args.version, message=args.message)
        message = f"restored version {args.version} of {doc.name!r} as version {doc.version}"
    if args.json:
        _print_json({"id": doc.id, "name": doc.name, "version": doc.version, "restored_version": args.version})
    else:
        print(message)
    return 0
