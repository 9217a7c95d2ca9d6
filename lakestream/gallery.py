"""Pipeline templates of the gallery: every `*.lakestream.json` under the templates folder (no nicegui).

A template folder (see docs/templates.md) holds the document, `template.json` ({"industry": ...}),
`events/<source id>/*.jsonl` sample events and `expected/<sink id>.jsonl` the rows each sink receives.
The UI's gallery, the golden files of generated code (`codegen.golden`) and the gallery tests read them here.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from lakestream.nodes.base import Category
from lakestream.pipeline import MAX_SAMPLE_EVENTS, DocumentError, Pipeline, load_pipeline

_PACKAGE = Path(__file__).resolve().parent
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{3,8}$")


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
    picture: str = ""  # a small SVG of the graph (graph_picture), "" when the document cannot be read

    def matches(self, query: str) -> bool:
        """Every word of the query appears in the name, description or industry (case-insensitive)."""
        text = f"{self.name} {self.description} {self.industry}".lower()
        return all(word in text for word in query.lower().split())

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
        cards.append(TemplateCard(path, doc.name, doc.description, len(doc.nodes), industry=_industry(path.parent),
                                  picture=graph_picture(doc)))
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


NODE_W, NODE_H = 220, 64  # a node card on the canvas, in canvas units


def graph_picture(doc: Pipeline, width: int = 240, height: int = 96) -> str:
    """A small SVG of the graph: node boxes where the canvas puts them, in their type's colour, and the edges.

    Only numbers and the registry's colours go into it (no label or other user text), so it needs no escaping.
    """
    if not doc.nodes:
        return ""
    xs = [n.position.x for n in doc.nodes]
    ys = [n.position.y for n in doc.nodes]
    left, top = min(xs) - 20, min(ys) - 20
    span_w, span_h = max(xs) + NODE_W + 20 - left, max(ys) + NODE_H + 20 - top
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ls-graph-picture" width="{width}" height="{height}" '
             f'viewBox="{left:g} {top:g} {span_w:g} {span_h:g}" preserveAspectRatio="xMidYMid meet" role="img">']
    nodes = doc.node_by_id
    for edge in doc.edges:
        a, b = nodes.get(edge.source), nodes.get(edge.target)
        if a is None or b is None:
            continue
        x1, y1 = a.position.x + NODE_W, a.position.y + NODE_H / 2
        x2, y2 = b.position.x, b.position.y + NODE_H / 2
        bend = max(40.0, abs(x2 - x1) / 2)
        parts.append(f'<path class="ls-gp-edge" d="M{x1:g},{y1:g} C{x1 + bend:g},{y1:g} {x2 - bend:g},{y2:g} '
                     f'{x2:g},{y2:g}" fill="none" stroke="#94a3b8" stroke-width="6"/>')
    for node in doc.nodes:
        colour = node.spec.colour if _COLOUR.match(node.spec.colour) else "#64748b"
        parts.append(f'<rect class="ls-gp-node" x="{node.position.x:g}" y="{node.position.y:g}" width="{NODE_W}" '
                     f'height="{NODE_H}" rx="12" fill="#ffffff" stroke="{colour}" stroke-width="6"/>'
                     f'<rect x="{node.position.x:g}" y="{node.position.y:g}" width="22" height="{NODE_H}" rx="8" '
                     f'fill="{colour}"/>')
    parts.append("</svg>")
    return "".join(parts)


def instantiate(card: TemplateCard) -> Pipeline:
    """A new, unsaved pipeline from a template (a fresh id, version 0) with the template's sample events."""
    doc = load_pipeline(card.path.read_text(encoding="utf-8"))
    samples = {**template_samples(card, {n.id for n in doc.nodes if n.spec.category is Category.SOURCE}), **doc.samples}
    return doc.model_copy(update={"id": str(uuid.uuid4()), "version": 0, "samples": samples})
