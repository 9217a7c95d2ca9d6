"""`lakestream ui`: serve the visual builder (127.0.0.1 locally; 0.0.0.0 and $DATABRICKS_APP_PORT as a Databricks App)."""

from __future__ import annotations

import os

from lakestream.errors import UserError

DEFAULT_PORT = 8080


def register(subparsers) -> None:
    parser = subparsers.add_parser("ui", help="open the visual pipeline builder in the browser")
    parser.add_argument("--host", default=None,
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 in a Databricks App)")
    parser.add_argument("--port", type=int, default=None,
                        help=f"port (default {DEFAULT_PORT}; $DATABRICKS_APP_PORT in a Databricks App)")
    parser.add_argument("--store", default=None, help="pipeline store: local (default) or volume")
    parser.set_defaults(handler=run)


def address(host: str | None, port: int | None, environ: dict[str, str] | None = None) -> tuple[str, int]:
    """Where to listen: explicit arguments first, then App mode (DATABRICKS_APP_PORT), then local defaults."""
    environ = os.environ if environ is None else environ
    app_port = environ.get("DATABRICKS_APP_PORT")
    if app_port is not None and port is None:
        try:
            port = int(app_port)
        except ValueError:
            raise UserError(f"DATABRICKS_APP_PORT must be a port number, not {app_port!r}") from None
    if host is None:
        host = "0.0.0.0" if app_port is not None else "127.0.0.1"
    port = DEFAULT_PORT if port is None else port
    if not 0 < port < 65536:
        raise UserError(f"--port must be between 1 and 65535, not {port}")
    return host, port


def run(args) -> int:
    from lakestream.store import open_store  # checks the store name before the server starts

    host, port = address(args.host, args.port)
    open_store(args.store)  # raises UnknownStore (a UserError) listing the valid names
    from lakestream.ui.app import UiOptions, run as serve

    print(f"LakeStream builder on http://{host}:{port}/")
    serve(host, port, UiOptions(store=args.store))
    return 0
