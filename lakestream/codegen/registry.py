"""Context functions per node type, collected from family packages; a template per (target, type)."""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from lakestream.codegen.templates import has_template
from lakestream.nodes import REGISTRY

# Each family owns one package; every module in it (but _helpers) declares CONTEXTS = {type_id: context_function}.
# A family that has not landed yet simply has no package.
FAMILIES = (
    "lakestream.codegen.nodes",  # sources, transforms and sinks (codegen)
    "lakestream.codegen.connectors",  # MQTT / REST sources, email / webhook / alert / Lakebase sinks
    "lakestream.codegen.patterns",  # CEP pattern nodes
    "lakestream.codegen.match_recognize",  # the row pattern node
)

ContextFunction = Callable[[Any], dict]


def _collect() -> dict[str, ContextFunction]:
    found: dict[str, ContextFunction] = {}
    owners: dict[str, str] = {}
    for family in FAMILIES:
        if find_spec(family) is None:
            continue
        package = import_module(family)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue  # shared helpers of the family
            module_name = f"{family}.{info.name}"
            module = import_module(module_name)
            contexts = getattr(module, "CONTEXTS", None)
            if not isinstance(contexts, dict):
                raise TypeError(f"{module_name} declares no CONTEXTS = {{type_id: function}}")
            for type_id, function in contexts.items():
                if type_id not in REGISTRY:
                    raise TypeError(f"{module_name} generates unknown node type {type_id!r}")
                if type_id in found:
                    raise TypeError(f"node type {type_id!r} has two generators: {owners[type_id]} and {module_name}")
                if not callable(function):
                    raise TypeError(f"{module_name}: the context of {type_id!r} is not a function")
                found[type_id] = function
                owners[type_id] = module_name
    return found


CONTEXTS: dict[str, ContextFunction] = _collect()


def context_function(type_id: str) -> ContextFunction | None:
    return CONTEXTS.get(type_id)


def coverage_problems() -> list[str]:
    """Every node type that claims a target it cannot generate (no context function or no template)."""
    problems = []
    for type_id, spec in REGISTRY.items():
        if type_id not in CONTEXTS:
            problems.append(f"{type_id}: no context function in any of {', '.join(FAMILIES)}")
        for target in sorted(t.value for t in spec.targets):
            if not has_template(target, type_id):
                problems.append(f"{type_id}: no template {target}/{type_id} for a target it claims")
    return problems
