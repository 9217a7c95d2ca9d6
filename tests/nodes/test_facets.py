"""Every pattern node type owns its facets; the registry refuses one that lacks any, at import."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace

import pytest

from lakestream.cep.runtime.params import as_json, derivations, typed
from lakestream.cep.runtime.registry import ALGORITHMS, make_pattern
from lakestream.nodes import node_types
from lakestream.nodes.base import Category, IncompleteNode, NodeType, check_pattern_facets
from lakestream.nodes.patterns import count_threshold

PATTERNS = node_types(Category.PATTERN)


@pytest.mark.parametrize("spec", PATTERNS, ids=lambda n: n.type)
def test_every_registered_pattern_passes_the_import_check(spec):
    check_pattern_facets(spec)


@pytest.mark.parametrize(("change", "named"), [
    ({"pattern": None}, "pattern (PatternFacets)"),
    ({"docs": ""}, "docs"),
    ({"example": {}}, "example"),
    ({"stateful_reason": None}, "stateful_reason"),
])
def test_a_node_without_a_facet_is_refused_naming_it(change, named):
    incomplete = replace(count_threshold.NODE, **change)
    with pytest.raises(IncompleteNode, match=re.escape(f"'count_threshold' lacks: {named}")):
        check_pattern_facets(incomplete)


@pytest.mark.parametrize(("change", "named"), [
    ({"bind": None}, "bind"),
    ({"state_probes": ()}, "state_probes"),
    ({"example_rows": ()}, "example_rows"),
    ({"watermark": " "}, "watermark"),
    ({"replay": "somewhere"}, "replay (one of"),
    ({"codegen": "elsewhere"}, "codegen (one of"),
])
def test_pattern_facets_lacking_one_are_refused_naming_it(change, named):
    incomplete = replace(count_threshold.NODE, pattern=replace(count_threshold.PATTERN, **change))
    with pytest.raises(IncompleteNode, match=re.escape(named)):
        check_pattern_facets(incomplete)


def test_the_registry_runs_the_check_when_it_loads(monkeypatch):
    """A deliberately incomplete pattern module makes the registry itself refuse to load."""
    import lakestream.nodes as registry
    from lakestream.nodes import patterns

    bare = NodeType(type="count_threshold", name="Bare", category=Category.PATTERN, description="No facets.",
                    icon="x", config=count_threshold.Config, output_schema=count_threshold.output_schema)
    monkeypatch.setattr(count_threshold, "NODE", bare)
    monkeypatch.setattr(patterns, "MODULES", ["count_threshold"])
    with pytest.raises(IncompleteNode, match="'count_threshold' lacks: pattern"):
        registry._load()


def test_the_tumbling_rule_is_one_function_used_by_targets_code_and_replay():
    """Count threshold's tumbling-versus-sliding rule lives in its `native` facet only."""
    tumbling = count_threshold.Config.model_validate({**count_threshold.EXAMPLE, "mode": "tumbling"})
    sliding = count_threshold.Config.model_validate(count_threshold.EXAMPLE)
    assert count_threshold.PATTERN.native(tumbling).replay == "TumblingCount"
    assert count_threshold.PATTERN.native(sliding) is None
    assert len(count_threshold.NODE.targets_for(tumbling)) == 3 and len(count_threshold.NODE.targets_for(sliding)) == 1


def test_the_engine_refuses_a_replayed_pattern_without_its_runtime_algorithm(monkeypatch):
    from lakestream.cep import engine

    monkeypatch.delitem(engine.ALGORITHMS, "trend_detector")
    with pytest.raises(TypeError, match="without a runtime algorithm in cep/runtime/registry.py: trend_detector"):
        engine._check_algorithms()


BOUND = [spec for spec in PATTERNS if spec.pattern.bind is not None]


def _params(spec):
    return spec.pattern.bind(spec.config.model_validate(spec.example)).params


@pytest.mark.parametrize("spec", BOUND, ids=lambda n: n.type)
def test_bind_gives_typed_params_under_the_catalogue_names(spec):
    """Each field is a config field of the node, or says which config fields it is derived from and how."""
    params = _params(spec)
    assert is_dataclass(params) and type(params).__dataclass_params__.frozen
    catalogue = set(spec.config.model_fields)
    how = derivations(type(params))
    for f in fields(params):
        if f.name in how:
            assert any(re.search(rf"\b{name}\b", how[f.name]) for name in catalogue), (f.name, how[f.name])
        else:
            assert f.name in catalogue, f"{spec.type}: {f.name} is not a field of the node's config"


@pytest.mark.parametrize("spec", [s for s in BOUND if s.type in ALGORITHMS], ids=lambda n: n.type)
def test_the_runtime_reads_the_params_generated_code_passes_as_the_ones_the_engine_passes(spec):
    """Generated code passes `as_json(params)`; the shipped runtime types it back into the same value."""
    params = _params(spec)
    algorithm = ALGORITHMS[spec.type]
    assert algorithm.Params is type(params)
    assert typed(algorithm.Params, as_json(params)) == params
    settings = lambda pattern: {k: v for k, v in vars(pattern).items() if not callable(v)}  # noqa: E731
    assert settings(make_pattern(spec.type, as_json(params))) == settings(make_pattern(spec.type, params))
    with pytest.raises(TypeError):
        make_pattern(spec.type, {**as_json(params), "unknown_field": 1})
    with pytest.raises(TypeError):
        make_pattern(spec.type, {k: v for k, v in list(as_json(params).items())[1:]})
