"""Shared fixtures: one local SparkSession per test session, service prerequisites, CI rules, local services."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from lakestream.spark_local import session_builder

pytest_plugins = ["tests.services.fixtures", "tests.browser"]  # local services; browser errors fail e2e tests

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str) -> None:
    """Skip when a prerequisite is missing locally; fail under CI=true, where everything must be installed."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide {what}: install it in .ci/run")
    pytest.skip(f"{what} is not available (CI installs it)")


def console_script(name: str) -> str | None:
    """A console script of the running Python's environment (beside its interpreter: a venv's script even when
    the venv is not activated), else the one on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


@contextmanager
def session_conf(spark, key: str, value: str):
    """The shared session's `key` set to `value` inside the block, restored after it (also after a failure)."""
    previous = spark.conf.get(key)
    spark.conf.set(key, value)
    try:
        yield spark
    finally:
        spark.conf.set(key, previous)


@pytest.fixture(scope="session")
def spark():
    """A local SparkSession shared by the whole test session (start ≈4 s)."""
    require(importlib.util.find_spec("pyspark") is not None, "pyspark (pip install -e '.[spark]')")
    require(shutil.which("java") is not None, "Java 17")
    session = session_builder("lakestream-tests").getOrCreate()
    yield session
    session.stop()
