"""The `lakestream` command: a thin argparse front over the core; one module per subcommand."""

from __future__ import annotations

import argparse
import pkgutil
import sys
import traceback
from importlib import import_module

from lakestream import commands
from lakestream.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    """The parser with every subcommand module of lakestream.commands registered, in name order."""
    parser = argparse.ArgumentParser(
        prog="lakestream", description="Visual complex-event-processing pipelines for Databricks."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        import_module(f"lakestream.commands.{info.name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code. Errors are one line on stderr unless --debug."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except UserError as error:
        print(f"lakestream: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last guard: never a traceback unless asked for
        if args.debug:
            traceback.print_exc()
        else:
            print(f"lakestream: unexpected error: {error} (run with --debug for details)", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
