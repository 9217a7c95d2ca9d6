"""Pin every gallery template's pattern-node rows on its sample events into its document (run by hand after a
deliberate change of a template or of the engine, then review the diff):
`PYTHONPATH=$PWD python -m tests.gallery.pin_templates`. test_pattern_tests.py checks them against the rows
each template's sinks must produce (expected/<sink>.jsonl) and runs `lakestream test` over every template."""

from __future__ import annotations

import json

from lakestream.gallery import instantiate
from lakestream.nodes.base import Category
from lakestream.pattern_tests import observed
from lakestream.pipeline import FORMAT
from tests.gallery.templates import CARDS, document


def main() -> None:
    for card in CARDS:
        doc = instantiate(card)
        data = json.loads(card.path.read_text(encoding="utf-8"))
        expectations = {}
        for node in document(card).nodes:
            if node.spec.category is Category.PATTERN:
                expectations[node.id] = observed(doc, node.id)
        data["format"] = FORMAT
        data.setdefault("samples", {})
        data["expectations"] = expectations
        card.path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{card.folder.name}: " + ", ".join(f"{n} {len(r)} row(s)" for n, r in expectations.items()))


if __name__ == "__main__":
    main()
