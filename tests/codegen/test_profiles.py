"""The local and databricks renderings differ only where the platform differs (sources, sinks, tables, expectations)."""

from __future__ import annotations

import pytest

from lakestream.codegen import generate
from lakestream.codegen.golden import cases
from lakestream.codegen.samples import sample_pipeline
from lakestream.nodes import REGISTRY
from lakestream.nodes.base import Category
from tests.codegen.helpers import node_text as _node_text

# Transforms that read Unity Catalog tables, call serving endpoints or use SDP expectations.
PLATFORM_TRANSFORMS = {"lookup_enrichment", "stream_static_join", "data_quality", "ml_model_endpoint"}


@pytest.mark.parametrize("case", sorted({(t, target) for t, target, _ in cases()}))
def test_profiles_differ_only_on_platform_nodes(case):
    type_id, target = case
    pipeline = sample_pipeline(type_id)
    remote = generate(pipeline, target, "databricks")
    local = generate(pipeline, target, "local")
    for node in pipeline.nodes:
        if node.spec.category in (Category.SOURCE, Category.SINK) or node.type in PLATFORM_TRANSFORMS:
            continue
        if target == "sdp-sql" and node.spec.category is Category.SOURCE:
            continue
        assert _node_text(remote, node.id) == _node_text(local, node.id), f"{node.id} differs between profiles"


def test_platform_nodes_do_differ():
    pipeline = sample_pipeline("kafka_source")
    remote = generate(pipeline, "sss", "databricks").files["stream_job.py"].text
    local = generate(pipeline, "sss", "local").files["stream_job.py"].text
    assert 'format("kafka")' in remote and 'format("kafka")' not in local
    assert "maxFilesPerTrigger" in local and REGISTRY["kafka_source"].category is Category.SOURCE
