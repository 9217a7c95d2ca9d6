"""Real local servers for service tests: mosquitto, PostgreSQL, an HTTP recorder and an SMTP recorder.

Each class starts its server on 127.0.0.1 at a free port and stops it on `stop()`; the fixtures in
fixtures.py wrap them. Other test areas may import these classes (`from tests.services.servers import …`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MOSQUITTO = "/usr/sbin/mosquitto"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    """Block until something accepts connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


# -- MQTT ------------------------------------------------------------------------------------------
class Mosquitto:
    """A mosquitto broker on 127.0.0.1: anonymous, or with `users` ({name: password}) only those."""

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lakestream-mqtt-"))
        settings = [f"listener {self.port} 127.0.0.1", "persistence false"]
        if users:
            passwords = self.dir / "passwords"
            for name, password in users.items():
                subprocess.run(["mosquitto_passwd", "-b", *(["-c"] if not passwords.exists() else []),
                                str(passwords), name, password], check=True, capture_output=True)
            passwords.chmod(0o644)
            self.dir.chmod(0o755)  # a root-started broker reads it after dropping to its own user
            settings += ["allow_anonymous false", f"password_file {passwords}"]
        else:
            settings.append("allow_anonymous true")
        conf = self.dir / "mosquitto.conf"
        conf.write_text("\n".join(settings) + "\n")
        self.process = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        wait_for_port(self.port)

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def persistent_session(self, client_id: str, topic_filter: str) -> None:
        """Subscribe `client_id` with a persistent session (clean_session=False): the broker then queues
        the messages published on `topic_filter` for that client id until it reconnects."""
        import paho.mqtt.client as mqtt

        session = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                              clean_session=False)
        session.connect("127.0.0.1", self.port)
        session.loop_start()
        session.subscribe(topic_filter, qos=1)
        time.sleep(0.3)
        session.disconnect()
        session.loop_stop()

    def publish(self, topic: str, payloads: list, qos: int = 1, retain: bool = False) -> None:
        """Publish JSON payloads (str/bytes are sent as they are) and wait until each is acknowledged."""
        import paho.mqtt.client as mqtt

        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2)
        client.connect("127.0.0.1", self.port)
        client.loop_start()
        try:
            for payload in payloads:
                data = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
                client.publish(topic, data, qos=qos, retain=retain).wait_for_publish(timeout=5)
        finally:
            client.disconnect()
            client.loop_stop()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


# -- PostgreSQL ------------------------------------------------------------------------------------
class Postgres:
    """A throwaway PostgreSQL 15 cluster with password authentication (user postgres)."""

    password = "s3cret 'pw'"

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="lakestream-pg-"))
        self.data = self.dir / "data"
        pwfile = self.dir / "pw"
        pwfile.write_text(self.password + "\n")
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.dir, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "scram-sha-256",
                  f"--pwfile={pwfile}", "--no-sync", "-E", "UTF8", "--locale=C")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(PG_BIN / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")

    @property
    def params(self) -> dict:
        """psycopg connection keywords."""
        return {"host": "127.0.0.1", "port": self.port, "dbname": "postgres", "user": "postgres",
                "password": self.password}

    def query(self, statement: str, *args) -> list[tuple]:
        import psycopg

        with psycopg.connect(**self.params, autocommit=True) as conn:
            cursor = conn.execute(statement, args or None)
            return cursor.fetchall() if cursor.description else []

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# -- HTTP ------------------------------------------------------------------------------------------
@dataclass
class Recorded:
    method: str
    path: str
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class HttpRecorder:
    """An HTTP server recording every request. `fail(n, status)` answers the next n requests with an
    error; `delay` holds every answer (for timeout tests); `responses[path]` is the JSON body a GET
    returns (a list of bodies is served one per request, the last one repeated)."""

    requests: list[Recorded] = field(default_factory=list)
    responses: dict = field(default_factory=dict)
    delay: float = 0.0
    tls: tuple | None = None  # (cert.pem, key.pem): serve HTTPS
    _failures: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with recorder._lock:
                    recorder.requests.append(Recorded(self.command, self.path, dict(self.headers), body))
                    failure = recorder._failures.pop(0) if recorder._failures else None
                    answer = recorder._answer(self.path.split("?")[0])
                if recorder.delay:
                    time.sleep(recorder.delay)
                status, payload = (failure, b'{"error": "planned failure"}') if failure else (200, answer)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            do_GET = do_POST = do_PUT = do_PATCH = _handle

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        if self.tls:
            import ssl

            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, self.tls))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _answer(self, path: str) -> bytes:
        body = self.responses.get(path, {"ok": True})
        if isinstance(body, list) and body and isinstance(body[0], Served):
            body = (body.pop(0) if len(body) > 1 else body[0]).body
        return json.dumps(body).encode()

    def url(self, path: str = "/hook") -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    def fail(self, times: int, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.responses.clear()
            self._failures.clear()
            self.delay = 0.0

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Served:
    """One response body in a sequence: `recorder.responses[path] = [Served(a), Served(b)]`."""

    body: object


# -- SMTP ------------------------------------------------------------------------------------------
def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA): returns (cert.pem, key.pem)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class SmtpRecorder:
    """An aiosmtpd server keeping every message; `refuse(n, code)` answers the next n DATA commands
    with an error reply (4xx for retry tests, 5xx for permanent failures). With `tls` (cert, key) and
    `users` it offers STARTTLS, requires it, and accepts only those logins."""

    def __init__(self, tls: tuple[Path, Path] | None = None, users: dict[str, str] | None = None) -> None:
        import ssl

        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        self.messages: list = []
        self._refusals: list[int] = []
        recorder = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                if recorder._refusals:
                    code = recorder._refusals.pop(0)
                    return f"{code} planned refusal"
                from email import message_from_bytes, policy

                message = message_from_bytes(envelope.original_content, policy=policy.default)
                recorder.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
                return "250 OK"

        def authenticate(server, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and (users or {}).get(data.login.decode()) == data.password.decode()
            return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535

        options: dict = {}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*map(str, tls))
            options = {"tls_context": context, "require_starttls": True}
        if users:
            # PLAIN only: smtplib falls back from a refused PLAIN to LOGIN, which aiosmtpd 1.4 leaves hanging.
            options.update(authenticator=authenticate, auth_required=True, auth_exclude_mechanism=["LOGIN"])
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def refuse(self, times: int, code: int = 451) -> None:
        self._refusals.extend([code] * times)

    def reset(self) -> None:
        self.messages.clear()
        self._refusals.clear()

    def stop(self) -> None:
        self.controller.stop()
