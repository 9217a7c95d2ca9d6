"""Deploy test fixtures: a fresh fake workspace per test, and the repo root importable as `tests.*`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # plain `pytest` puts only tests/ on sys.path
    sys.path.insert(0, str(ROOT))

from tests.fakes.workspace import FakeWorkspace  # noqa: E402


@pytest.fixture
def fake():
    with FakeWorkspace() as ws:
        yield ws
