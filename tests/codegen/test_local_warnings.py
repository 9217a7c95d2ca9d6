"""Every local-profile substitution is in the warnings: wherever a node's code differs between the
`databricks` and `local` profiles, the local generation carries a "Local profile: …" warning for it.

The cases are every node type's sample pipeline on every target it supports (the node under test and
the sources and sinks around it) and every gallery template on its own target, so a node type is
checked in its example config and in the configs the templates use.
"""

from __future__ import annotations

import pytest

from lakestream.codegen import generate
from lakestream.codegen.golden import cases
from lakestream.codegen.samples import sample_pipeline
from lakestream.gallery import instantiate, list_templates
from tests.codegen.helpers import node_text as _node_text



def _pipelines():
    for type_id, target in sorted({(t, target) for t, target, _ in cases()}):
        yield f"{type_id}-{target}", sample_pipeline(type_id), target
    for card in list_templates():
        pipeline = instantiate(card)
        yield f"template-{card.folder.name}", pipeline, pipeline.code_target


PIPELINES = list(_pipelines())


def _substituted(pipeline, target):
    """(node, its local warnings) for every node whose code the local profile changes."""
    remote = generate(pipeline, target, "databricks")
    local = generate(pipeline, target, "local")
    assert remote.target == local.target
    out = []
    for node in pipeline.nodes:
        if _node_text(remote, node.id) != _node_text(local, node.id):
            warned = [w for w in local.warnings if w.node_id == node.id and w.message.startswith("Local profile:")]
            out.append((node, warned))
    return out


@pytest.mark.parametrize("name,pipeline,target", PIPELINES, ids=[p[0] for p in PIPELINES])
def test_every_local_substitution_is_warned(name, pipeline, target):
    silent = [f"{node.id} ({node.type})" for node, warned in _substituted(pipeline, target) if not warned]
    assert not silent, f"the local profile changes the code of {silent} without a 'Local profile:' warning"


def test_the_substituting_node_types_are_the_known_ones():
    """The enumeration finds the node types the docs name, so the check above is not vacuous."""
    types = {node.type for _, pipeline, target in PIPELINES for node, _ in _substituted(pipeline, target)}
    assert {"kafka_source", "auto_loader", "delta_table_sink", "unity_catalog_table_sink", "dead_letter_queue",
            "data_quality", "ml_model_endpoint", "lookup_enrichment"} <= types
    assert "filter" not in types and "sequence_detector" not in types


def test_warnings_name_the_table_replaced():
    pipeline = sample_pipeline("unity_catalog_table_sink")
    sink = next(n for n in pipeline.nodes if n.type == "unity_catalog_table_sink")
    sss = [w.message for w in generate(pipeline, "sss", "local").warnings if w.node_id == sink.id]
    assert any(f"OUTPUT_ROOT/{sink.id}" in m and sink.parsed.table in m for m in sss), sss
    assert not [w for w in generate(pipeline, "sss", "databricks").warnings if w.message.startswith("Local profile")]
