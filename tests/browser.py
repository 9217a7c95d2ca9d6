"""Shared pieces of the browser tests: Chromium flags, a free port, and a real UI server in a subprocess."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(drop: tuple[str, ...] = (), **extra: str) -> dict[str, str]:
    """The environment of a real server: without pytest's and NiceGUI's variables (NiceGUI would switch to its
    own test mode), without variables starting with `drop`, plus `extra`; the repository root on PYTHONPATH."""
    prefixes = ("PYTEST_", "NICEGUI_", *drop)
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], log: Path, port: int, timeout: float = 40,
            cwd: Path | None = None) -> Iterator[str]:
    """Start a server process, wait until its page answers, yield its URL, stop it; fail with its log."""
    with open(log, "w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        url = f"http://127.0.0.1:{port}/"
        deadline = time.time() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=15)  # a first page build on a busy machine takes seconds
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    process.kill()
                    output.flush()
                    pytest.fail(f"{' '.join(command[1:4])} did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


# --- every e2e test fails on a page error or a console error ----------------------------------------------

def watch(page, errors: list[str]) -> None:
    """Record the page's uncaught exceptions and console errors (with where they came from) in `errors`."""
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def console(message) -> None:
        if message.type == "error":
            where = message.location or {}
            errors.append(f"console error: {message.text} ({where.get('url', '')}:{where.get('lineNumber', '')})")

    page.on("console", console)


@pytest.fixture(autouse=True)
def browser_errors(request, monkeypatch) -> Iterator[list[str]]:
    """In a test marked e2e, every page opened through Playwright is watched (`watch`); the test fails at
    its end if any page logged an error. Patching the public `new_page` methods covers pages the tests
    open themselves as well as the shared `page` fixture."""
    errors: list[str] = []
    if request.node.get_closest_marker("e2e") is None:
        yield errors
        return
    from playwright.sync_api import Browser, BrowserContext

    for cls in (Browser, BrowserContext):
        original = cls.new_page

        def new_page(self, *args, _original=original, **kwargs):
            created = _original(self, *args, **kwargs)
            watch(created, errors)
            return created

        monkeypatch.setattr(cls, "new_page", new_page)
    yield errors
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)
