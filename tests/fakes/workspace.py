"""A wire-level fake Databricks workspace: a local HTTP server answering the REST paths databricks-sdk calls.

Usage::

    with FakeWorkspace() as ws:
        w = ws.client()                      # a real WorkspaceClient talking HTTP to 127.0.0.1
        w.workspace.mkdirs("/Workspace/Users/tester@example.com/x")
        ws.inject("POST", r"/api/2.0/pipelines$", status=500)   # the next create fails once
        ws.requests                          # every request: method, path, query, headers, json

State lives in plain attributes (`objects`, `files`, `pipelines`, `jobs`, `runs`, `catalogs`) so tests
can look at it and seed it. Request bodies are validated against databricks-sdk's own dataclasses.

Controls: `add_user(token, email)` (tokens are users; "dapi-test" is tester@example.com),
`deny(method, path_regex, user=None)` (403 PERMISSION_DENIED), `inject(...)` (failures and delays),
`add_table(full_name, [(column, type)])`, `add_service_principal(client_id, secret, name)` (OAuth M2M,
routes_oauth.py), `add_warehouse(id)` and `table_rows` (Statement Execution API
INSERTs, routes_sql.py), `pipeline_outcome` / `run_outcome` / `failure_message`
(how updates and runs end), `calls(method, path_regex)` (recorded requests).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, unquote, urlsplit

from . import routes_catalog, routes_compute, routes_oauth, routes_sql, routes_workspace
from .validation import ApiError

DEFAULT_TOKEN = "dapi-test"
DEFAULT_USER = "tester@example.com"

_DEFAULT_ERRORS = {
    400: "INVALID_PARAMETER_VALUE",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_DOES_NOT_EXIST",
    409: "RESOURCE_CONFLICT",
    429: "REQUEST_LIMIT_EXCEEDED",
    500: "INTERNAL_ERROR",
    503: "TEMPORARILY_UNAVAILABLE",
}


@dataclass
class Request:
    """One recorded request (the token is kept only as `user`, the identity it resolved to)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    user: str | None = None

    @property
    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})

    @classmethod
    def of(cls, data: Any, status: int = 200) -> "Response":
        return cls(status, json.dumps(data).encode())


@dataclass
class Injection:
    method: str
    pattern: re.Pattern[str]
    status: int | None
    times: int
    delay: float
    body: Any


Route = tuple[str, re.Pattern[str], Callable[..., Any]]


class FakeWorkspace:
    """The fake workspace server; a context manager that starts and stops it on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.requests: list[Request] = []
        self.users: dict[str, str] = {DEFAULT_TOKEN: DEFAULT_USER}
        self.denied: list[tuple[str, re.Pattern[str], str | None]] = []
        self._injections: list[Injection] = []
        self._next_id = 1000
        self.routes: list[Route] = []
        for module in (routes_workspace, routes_compute, routes_catalog, routes_sql, routes_oauth):
            module.install(self)
        self._server: ThreadingHTTPServer | None = None

    # ---- lifecycle ----------------------------------------------------------------------------
    def __enter__(self) -> "FakeWorkspace":
        fake = self

        class Handler(_Handler):
            workspace = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        assert self._server is not None, "use FakeWorkspace as a context manager"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def client(self, token: str = DEFAULT_TOKEN, *, retry_timeout: float = 5, http_timeout: float = 2):
        """A real databricks-sdk WorkspaceClient for this fake (personal access token auth)."""
        from databricks.sdk import WorkspaceClient
        from databricks.sdk.config import Config

        config = Config(
            host=self.url, token=token, auth_type="pat",
            retry_timeout_seconds=retry_timeout, http_timeout_seconds=http_timeout,
        )
        return WorkspaceClient(config=config)

    # ---- test controls ------------------------------------------------------------------------
    def add_user(self, token: str, email: str) -> None:
        """Accept `token` as the personal access token of `email`."""
        with self.lock:
            self.users[token] = email

    def deny(self, method: str, path_regex: str, user: str | None = None) -> None:
        """Answer 403 PERMISSION_DENIED to matching requests (of one user, or everybody)."""
        with self.lock:
            self.denied.append((method.upper(), re.compile(path_regex), user))

    def inject(self, method: str, path_regex: str, status: int | None = 500, times: int = 1,
               delay: float = 0.0, body: Any = None) -> None:
        """Make the next `times` matching requests wait `delay` s, then fail with `status`.

        `status=None` only delays (the request is then handled normally), which simulates a slow
        workspace; `method="*"` matches any method. `body` overrides the JSON error body.
        """
        with self.lock:
            self._injections.append(
                Injection(method.upper(), re.compile(path_regex), status, times, delay, body)
            )

    def new_id(self) -> int:
        with self.lock:
            self._next_id += 1
            return self._next_id

    def calls(self, method: str, path_regex: str) -> list[Request]:
        """The recorded requests matching a method and a path regex."""
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method.upper() and pattern.search(r.path)]

    # ---- dispatch -----------------------------------------------------------------------------
    def _take_injection(self, method: str, path: str) -> Injection | None:
        with self.lock:
            for item in self._injections:
                if item.times > 0 and item.method in ("*", method) and item.pattern.search(path):
                    item.times -= 1
                    return item
        return None

    def handle(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request)
        injection = self._take_injection(request.method, request.path)
        if injection is not None:
            if injection.delay:
                time.sleep(injection.delay)
            if injection.status is not None:
                body = injection.body or {
                    "error_code": _DEFAULT_ERRORS.get(injection.status, "UNKNOWN"),
                    "message": f"injected failure {injection.status}",
                }
                return Response.of(body, injection.status)
        try:
            return self._route(request)
        except ApiError as error:
            return Response.of({"error_code": error.error_code, "message": error.message}, error.status)

    def _route(self, request: Request) -> Response:
        oauth = routes_oauth.answer(self, request)  # host metadata and the OAuth token endpoint: no token needed
        if oauth is not None:
            return oauth
        auth = request.headers.get("authorization", "")
        user = self.users.get(auth.removeprefix("Bearer ")) if auth.startswith("Bearer ") else None
        if user is None:
            raise ApiError(401, "UNAUTHENTICATED", "Invalid access token.")
        request.user = user
        home = f"/Workspace/Users/{user}"
        with self.lock:  # every user has a home folder, as in a real workspace
            self.objects.setdefault(home, {"object_type": "DIRECTORY", "object_id": self.new_id()})
        with self.lock:
            for method, pattern, who in self.denied:
                if method in ("*", request.method) and pattern.search(request.path) and who in (None, user):
                    raise ApiError(403, "PERMISSION_DENIED", f"User {user} does not have permission for this action.")
            for method, pattern, handler in self.routes:
                if method != request.method:
                    continue
                match = pattern.fullmatch(request.path)
                if match:
                    result = handler(request, *match.groups())
                    return result if isinstance(result, Response) else Response.of(result or {})
        raise ApiError(404, "ENDPOINT_NOT_FOUND", f"No API found for '{request.method} {request.path}'")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    workspace: FakeWorkspace

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=unquote(parts.path),
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.workspace.handle(request)
        self.send_response(response.status)
        headers = {"Content-Length": str(len(response.body)), **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer carries the headers of the GET, never a body
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve
