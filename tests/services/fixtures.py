"""Fixtures starting real local services once per test session (see servers.py), for every test area.

tests/conftest.py loads this module as a plugin (`pytest_plugins`): tests/services, tests/gallery and any other
area ask for `mosquitto`, `postgres`, `http` or `smtp` and share the one server of the session.
"""

from __future__ import annotations

import os
import shutil
from importlib.util import find_spec

import pytest

from tests.conftest import require
from tests.services import servers


@pytest.fixture(scope="session")
def mosquitto():
    require(os.path.exists(servers.MOSQUITTO), "the mosquitto broker (.ci/services.sh)")
    require(find_spec("paho") is not None, "paho-mqtt (pip install -e '.[services]')")
    broker = servers.Mosquitto()
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def postgres():
    require((servers.PG_BIN / "initdb").exists(), "PostgreSQL 15 server binaries (.ci/services.sh)")
    require(find_spec("psycopg") is not None, "psycopg (pip install -e '.[services]')")
    require(os.geteuid() != 0 or shutil.which("runuser") is not None, "runuser (to start PostgreSQL as root)")
    server = servers.Postgres()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def http_server():
    server = servers.HttpRecorder()
    yield server
    server.stop()


def _emptied(recorder):
    """A session recorder, emptied before and after the test that uses it."""
    recorder.reset()
    yield recorder
    recorder.reset()


@pytest.fixture
def http(http_server):
    """The session HTTP recorder, emptied for this test."""
    yield from _emptied(http_server)


@pytest.fixture(scope="session")
def smtp_server():
    require(find_spec("aiosmtpd") is not None, "aiosmtpd (pip install -e '.[test]')")
    server = servers.SmtpRecorder()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The session SMTP recorder, emptied for this test."""
    yield from _emptied(smtp_server)
