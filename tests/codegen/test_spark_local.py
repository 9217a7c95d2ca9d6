"""`lakestream run` prerequisites: a clear message when pyspark or Java is missing."""

from __future__ import annotations

import importlib.util

import pytest

from lakestream import spark_local
from lakestream.cli import main as cli_main
from lakestream.errors import UserError
from tests.codegen.helpers import three_nodes


def test_missing_pyspark_is_one_clear_line(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    with pytest.raises(UserError, match=r"pip install 'lakestream\[spark\]'"):
        spark_local.check_prerequisites()


def test_missing_java_is_one_clear_line(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(spark_local.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    doc = tmp_path / "p.json"
    doc.write_text(three_nodes().to_json())
    (tmp_path / "events").mkdir()
    assert cli_main(["run", str(doc), "--events", str(tmp_path / "events"), "--out", str(tmp_path / "o")]) == 1
    assert capsys.readouterr().err == "lakestream: Java is not installed (Spark needs Java 17): install a JDK 17 " \
                                      "and put java on PATH\n"

