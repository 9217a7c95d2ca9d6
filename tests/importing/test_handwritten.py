"""Hand-written Lakeflow SDP SQL pipelines (tests/importing/pipelines/*/pipeline.sql, each naming the documentation
page it follows) import into valid pipelines, with a report of what became SQL transform nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakestream.codegen import generate
from lakestream.importing import import_sdp_sql
from lakestream.validate import validate

PIPELINES = Path(__file__).parent / "pipelines"
NAMES = sorted(p.name for p in PIPELINES.iterdir() if (p / "pipeline.sql").is_file())


def imported(name: str):
    text = (PIPELINES / name / "pipeline.sql").read_text(encoding="utf-8")
    return text, import_sdp_sql(text, name=name)


def test_at_least_fifteen_pipelines_each_citing_its_source():
    assert len(NAMES) >= 15
    for name in NAMES:
        assert "https://" in (PIPELINES / name / "pipeline.sql").read_text(encoding="utf-8").split("\n\n")[0], name


@pytest.mark.parametrize("name", NAMES)
def test_imports_into_a_valid_pipeline(name):
    _, result = imported(name)
    assert result.ok, result.report()
    errors = [i for i in validate(result.document) if i.severity == "error"]
    assert errors == [], (errors, result.report())
    code = generate(result.document, "sdp-sql", "databricks")
    assert "transformations/pipeline.sql" in code.files
    # every dataset statement is accounted for in the report
    assert all(s.reason for s in result.statements)
