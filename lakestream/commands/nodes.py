"""`lakestream nodes`: the node catalogue."""

from __future__ import annotations

import json

from lakestream.catalogue import catalogue


def register(subparsers) -> None:
    parser = subparsers.add_parser("nodes", help="list the node types with their ports, targets and config fields")
    parser.add_argument("--json", action="store_true", help="print the catalogue as JSON")
    parser.set_defaults(handler=run)


def run(args) -> int:
    entries = catalogue()
    if args.json:
        print(json.dumps(entries, indent=2, default=str))
        return 0
    for category in ("source", "pattern", "transform", "sink"):
        group = [e for e in entries if e["category"] == category]
        print(f"{category.upper()}S ({len(group)})")
        for entry in group:
            required = ", ".join(f["name"] for f in entry["config"] if f["required"])
            print(f"  {entry['type']:<28} {entry['name']:<30} targets: {', '.join(entry['targets'])}")
            print(f"  {'':<28} {entry['description']}")
            if required:
                print(f"  {'':<28} required: {required}")
        print()
    return 0
