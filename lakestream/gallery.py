"""Pipeline templates of the gallery: every `*.lakestream.json` under the templates folder (no nicegui).

A template folder (see docs/templates.md) holds the document, `template.json` ({"industry": ...}),
`events/<source id>/*.jsonl` sample events and `expected/<sink id>.jsonl` the rows each sink receives.
The UI's gallery, the golden files of generated code (`codegen.golden`) and the gallery tests read them here.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from lakestream.nodes.base import Category
from lakestream.pipeline import MAX_SAMPLE_EVENTS, DocumentError, Pipeline, load_pipeline

_PACKAGE = Path(__file__).resolve().parent


def templates_folder() -> Path | None:
    """`lakestream/_templates` when installed, else `templates/` of the checkout (None when absent)."""
    for candidate in (_PACKAGE / "_templates", _PACKAGE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class TemplateCard:
    path: Path
    name: str
    description: str
    node_count: int
    error: str | None = None
    industry: str = ""

    @property
    def folder(self) -> Path:
        return self.path.parent

    @property
    def events(self) -> Path:
        """The sample events: `lakestream run DOC --events <this> --out OUT` reads them as they are."""
        return self.folder / "events"

    @property
    def expected(self) -> Path:
        """`<sink id>.jsonl` per sink: the rows a local run of the sample events gives (as `lakestream run` writes)."""
        return self.folder / "expected"


def _industry(folder: Path) -> str:
    try:
        return str(json.loads((folder / "template.json").read_text(encoding="utf-8")).get("industry", ""))
    except (OSError, ValueError, AttributeError):
        return ""


def list_templates(folder: Path | None = None) -> list[TemplateCard]:
    """Cards for every template document, sorted by name; an unreadable one shows its error."""
    folder = folder or templates_folder()
    if folder is None:
        return []
    cards = []
    for path in sorted(folder.rglob("*.lakestream.json")):
        try:
            doc = load_pipeline(path.read_text(encoding="utf-8"))
        except (OSError, DocumentError) as error:
            cards.append(TemplateCard(path, path.name.removesuffix(".lakestream.json"), "", 0, str(error)))
            continue
        cards.append(TemplateCard(path, doc.name, doc.description, len(doc.nodes), industry=_industry(path.parent)))
    return sorted(cards, key=lambda c: c.name.lower())


def template_samples(card: TemplateCard, source_ids: set[str]) -> dict[str, list[dict]]:
    """The template's sample events per source (`events/<source id>/*.jsonl`, files in name order)."""
    samples: dict[str, list[dict]] = {}
    for source_id in sorted(source_ids):
        rows: list[dict] = []
        for path in sorted((card.events / source_id).glob("*.jsonl")):
            rows.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        if rows:
            samples[source_id] = rows[:MAX_SAMPLE_EVENTS]
    return samples


def instantiate(card: TemplateCard) -> Pipeline:
    """A new, unsaved pipeline from a template (a fresh id, version 0) with the template's sample events."""
    doc = load_pipeline(card.path.read_text(encoding="utf-8"))
    samples = {**template_samples(card, {n.id for n in doc.nodes if n.spec.category is Category.SOURCE}), **doc.samples}
    return doc.model_copy(update={"id": str(uuid.uuid4()), "version": 0, "samples": samples})
