"""The shipped gallery templates, their sample events and expected rows, shared by the gallery tests."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from lakestream.cep.replay import read_events
from lakestream.gallery import TemplateCard, list_templates, templates_folder
from lakestream.nodes.base import Category
from lakestream.pipeline import Pipeline, load_pipeline

CARDS = list_templates(templates_folder())
IDS = [card.folder.name for card in CARDS]
SERVICES_SINKS = {"alert_sink", "email_sink", "rest_webhook_sink"}
_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def document(card: TemplateCard) -> Pipeline:
    return load_pipeline(card.path.read_text(encoding="utf-8"))


def sources(doc: Pipeline) -> list[str]:
    return [n.id for n in doc.nodes if n.spec.category is Category.SOURCE]


def sinks(doc: Pipeline) -> list[str]:
    return [n.id for n in doc.nodes if n.spec.category is Category.SINK]


def sample_events(card: TemplateCard, doc: Pipeline) -> dict[str, list[dict]]:
    """Each source's sample events, files in name order (the order `lakestream run` reads them)."""
    return {s: [row for path in sorted((card.events / s).glob("*.jsonl")) for row in read_events(path)]
            for s in sources(doc)}


def expected_lines(card: TemplateCard, sink_id: str) -> list[str]:
    return (card.expected / f"{sink_id}.jsonl").read_text(encoding="utf-8").splitlines()


def expected_rows(card: TemplateCard, sink_id: str) -> list[dict]:
    return [json.loads(line) for line in expected_lines(card, sink_id)]


def python_value(value):
    """An expected JSON value as Spark hands it to Python (timestamps as naive UTC datetimes)."""
    if isinstance(value, str) and _TIMESTAMP.match(value):
        return datetime.fromisoformat(value.removesuffix("Z"))
    return value


def python_row(row: dict) -> dict:
    return {k: python_value(v) for k, v in row.items()}


def canonical(rows: list[dict]) -> list[str]:
    """Rows as sorted JSON texts: an order-insensitive, exact comparison."""
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def template_dir() -> Path:
    folder = templates_folder()
    assert folder is not None, "no templates folder"
    return folder
