"""The node reference in docs/nodes.md and docs/patterns.md is the registry's: every node, every field, no drift."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lakestream import node_reference
from lakestream.nodes import node_types
from lakestream.nodes.base import Category

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_docs_are_what_the_registry_renders():
    assert node_reference.drift(DOCS) == [], "run python -m lakestream.codegen.golden and commit the docs"


def test_a_hand_edit_in_the_generated_region_is_drift(tmp_path):
    for page in node_reference.PAGES:
        shutil.copy(DOCS / page, tmp_path / page)
    page = tmp_path / "patterns.md"
    page.write_text(page.read_text().replace("| **required** |", "| `5` |", 1))
    assert node_reference.drift(tmp_path) == ["patterns.md"]
    assert node_reference.regenerate(tmp_path) == ["patterns.md"] and node_reference.drift(tmp_path) == []


@pytest.mark.parametrize("spec", node_types(), ids=lambda n: n.type)
def test_every_node_and_config_key_is_documented_with_its_default(spec):
    page = "patterns.md" if spec.category is Category.PATTERN else "nodes.md"
    text = (DOCS / page).read_text()
    sections = {part.split("`", 2)[1]: part for part in text.split("\n### ")[1:]}
    section = sections[spec.type]
    for name, info in spec.config.model_fields.items():
        default = "**required**" if info.is_required() else None
        row = next(line for line in section.splitlines() if line.startswith(f"| `{info.alias or name}` |"))
        if default:
            assert default in row


def test_nested_fields_get_rows_with_their_defaults():
    text = (DOCS / "patterns.md").read_text()
    assert "| `steps[].condition` |" in text  # a sequence's steps
    assert "| `transitions[].condition` |" in text  # a state machine's transitions
    assert "| `expectations[].action` | warn / drop / fail | `\"warn\"` |" in (DOCS / "nodes.md").read_text()
