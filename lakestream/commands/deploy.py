"""`lakestream deploy PIPELINE.json`: print the deploy plan, then apply it (or stop there with --dry-run)."""

from __future__ import annotations

import json
import sys

from lakestream.commands.validate import read_pipeline
from lakestream.errors import UserError

NO_USER = "your.name@example.com"  # shown in a dry run made without a workspace


def add_options(parser) -> None:
    """The deploy dialog's options as flags (shared with `lakestream bundle`)."""
    parser.add_argument("--target", choices=["auto", "sdp-sql", "sdp-python", "sss", "hybrid"],
                        help="code target (default: the pipeline's code_target)")
    parser.add_argument("--compute", choices=["serverless", "new_cluster", "existing_cluster"], default="serverless")
    parser.add_argument("--cluster-id", help="existing cluster id (with --compute existing_cluster)")
    parser.add_argument("--node-type", dest="node_type_id", help="node type of a new cluster")
    parser.add_argument("--workers", dest="num_workers", type=int, help="workers of a new cluster")
    parser.add_argument("--schedule", choices=["manual", "continuous", "cron"], default="manual")
    parser.add_argument("--cron", help="Quartz cron expression, e.g. '0 0/15 * * * ?'")
    parser.add_argument("--timezone", default="UTC", help="time zone of the cron schedule (IANA name)")
    parser.add_argument("--catalog", help="Unity Catalog catalog (default: the pipeline settings)")
    parser.add_argument("--schema", help="schema (default: the pipeline settings)")
    parser.add_argument("--checkpoint-root", help="root of the streaming checkpoints, e.g. /Volumes/main/x/chk")


def options_from(args, start: bool = True):
    from lakestream.deploy import parse_options

    names = ("target", "compute", "cluster_id", "node_type_id", "num_workers", "schedule", "cron", "timezone",
             "catalog", "schema", "checkpoint_root")
    values = {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}
    return parse_options({**values, "start": start})


def register(subparsers) -> None:
    p = subparsers.add_parser("deploy", help="deploy a pipeline to a Databricks workspace (or show the plan)")
    p.add_argument("pipeline", help="path of a .lakestream.json document")
    p.add_argument("--dry-run", action="store_true", help="print the plan only; no workspace needed")
    p.add_argument("--profile", help="profile in ~/.databrickscfg (default: DATABRICKS_* variables)")
    p.add_argument("--no-start", action="store_true", help="deploy without starting an update or run")
    p.add_argument("--wait", action="store_true", help="after deploying, poll the status until it finishes")
    p.add_argument("--interval", type=float, default=5.0, help="seconds between status polls with --wait")
    p.add_argument("--store", help="pipeline store holding the deploy history (default: LAKESTREAM_STORE or local)")
    p.add_argument("--json", action="store_true", help="print the plan (dry run) or the result as JSON")
    add_options(p)
    p.set_defaults(handler=run)


def _print_progress(step, total, action, state, message) -> None:
    if state != "running":
        print(f"[{step}/{total}] {'ok  ' if state == 'done' else 'FAIL'} {message}", flush=True)


def run(args) -> int:
    from lakestream.deploy import DeployError, NotConnected, apply, connect, current_user, last_details, plan
    from lakestream.deploy import store_recorder
    from lakestream.deploy.status import poll

    pipeline = read_pipeline(args.pipeline)
    options = options_from(args, start=not args.no_start)
    if args.dry_run:
        user, note = NO_USER, None
        try:
            client = connect(args.profile, retry_timeout=10)
            user = current_user(client)
        except NotConnected as error:
            note = f"Dry run without a workspace: {error}"
        the_plan = plan(pipeline, options, user=user)
        if args.json:
            print(json.dumps(the_plan.to_dict(), indent=2))
        else:
            print("\n".join(the_plan.describe()))
        if note:
            print(note, file=sys.stderr)
        return 0
    client = connect(args.profile)
    the_plan = plan(pipeline, options, user=current_user(client))
    store = _store(args, pipeline.id)
    if not args.json:
        print("\n".join(the_plan.describe()), flush=True)
    try:
        result = apply(the_plan, client, progress=None if args.json else _print_progress,
                       record=store_recorder(store, the_plan) if store else None,
                       previous=last_details(store, pipeline.id) if store else {})
    except DeployError as error:
        raise UserError(str(error)) from None
    if args.json:
        print(json.dumps(result.details(), indent=2))
    else:
        for name, link in sorted(result.links.items()):
            print(f"{name}: {link}")
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    if args.wait:
        final = None
        for final in poll(client, result.details(), interval=max(0.0, args.interval)):
            print(f"status: {final.summary()}", flush=True)
        for line in final.errors if final else []:
            print(f"error: {line}")
        return 1 if final is not None and final.failed else 0
    return 0


def _store(args, pipeline_id: str):
    """The store to record history in, when it holds this pipeline (a file deployed ad hoc has none)."""
    from lakestream.store import StoreError, open_store

    try:
        store = open_store(args.store)
        return store if store.exists(pipeline_id) else None
    except StoreError:
        return None
