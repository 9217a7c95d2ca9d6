"""The `lakestream` command: a thin argparse front over the core; one module per subcommand."""

from __future__ import annotations

import argparse
import contextlib
import pkgutil
import re
import sys
import traceback
from collections.abc import Iterator
from importlib import import_module
from typing import Any, TextIO

from lakestream import commands
from lakestream.errors import UserError


# Characters a terminal may act on: C0 controls (escape sequences, carriage return, backspace), DEL, C1
# controls (\x9b is a one-character escape sequence) and the bidirectional overrides that reorder text.
_BEYOND_C0 = r"\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_VALUE = re.compile(rf"[\x00-\x1f{_BEYOND_C0}]")
_UNSAFE_OUTPUT = re.compile(rf"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")  # keeps tabs and newlines


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    # C0 as \x1b (never raw in JSON output); the rest as \u009b, which is also valid inside a JSON string
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


def terminal_safe(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every character a terminal could act on written as a visible escape (`\\x1b`,
    `\\u202e`): for printing user text (names, labels, messages). With `keep_lines`, newlines and tabs
    stay (a whole block of output); otherwise they are escaped too (one value on one line)."""
    return (_UNSAFE_OUTPUT if keep_lines else _UNSAFE_VALUE).sub(_escaped, text)


class _SafeStream:
    """A text stream whose writes pass through terminal_safe: whatever a command prints, user text
    cannot drive the terminal. Every other attribute is the wrapped stream's."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(terminal_safe(text, keep_lines=True))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _safe_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


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
    """Run one command; return its exit code. Errors are one line on stderr unless --debug. Control
    characters in anything printed are escaped (see terminal_safe)."""
    with _safe_output():
        return _run(argv)


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # its usage errors are printed through the safe streams too
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
