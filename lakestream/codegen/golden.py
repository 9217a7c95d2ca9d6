"""Golden files of generated code: every node type and gallery template x target x profile.

Regenerate them with `python -m lakestream.codegen.golden` (which also regenerates the node reference in
docs/nodes.md and docs/patterns.md from the registry, and docs/functions.md from lakestream.sparksql.functions), then review `git diff`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from lakestream import node_reference
from lakestream.codegen.generator import PROFILES, CodegenError, generate
from lakestream.codegen.registry import CONTEXTS
from lakestream.codegen.samples import sample_pipeline
from lakestream.gallery import list_templates, templates_folder
from lakestream.nodes import REGISTRY
from lakestream.pipeline import load_pipeline
from lakestream.sparksql import functions

GOLDEN_ROOT = Path(__file__).resolve().parents[2] / "tests" / "codegen" / "golden"
TEMPLATE_ROOT = GOLDEN_ROOT / "_templates"
EXPLICIT_TARGETS = ("sdp-sql", "sdp-python", "sss", "hybrid")


def cases() -> list[tuple[str, str, str]]:
    """(type, target, profile) for every node type with a generator and an example config."""
    out = []
    for type_id, spec in REGISTRY.items():
        if type_id not in CONTEXTS or not spec.example:
            continue
        config = spec.config.model_validate(dict(spec.example))
        for target in sorted(t.value for t in spec.targets_for(config)):
            out.extend((type_id, target, profile) for profile in PROFILES)
    return out


def render_case(type_id: str, target: str, profile: str) -> str:
    """The golden text of one node type case."""
    return render_code(generate(sample_pipeline(type_id), target, profile))


def render_code(code) -> str:
    """The golden text of generated code: target, reasons, warnings, then every file."""
    parts = [f"# target: {code.target}  profile: {code.profile}"]
    parts += [f"# reason: {r.message}" for r in code.reasons]
    parts += [f"# warning [{w.node_id} {w.field}]: {w.message}" for w in code.warnings]
    for path, generated in code.files.items():
        spans = " ".join(f"{s.node_id}:{s.start}-{s.end}" for s in generated.spans)
        parts.append(f"\n==> {path} <== {spans}".rstrip())
        parts.append(generated.text.rstrip("\n"))
    return "\n".join(parts) + "\n"


def golden_path(type_id: str, target: str, profile: str) -> Path:
    return GOLDEN_ROOT / type_id / f"{target}.{profile}.txt"


def template_cases() -> list[tuple[Path, str, str]]:
    """(document, target, profile) for every gallery template and each explicit target that accepts it."""
    out = []
    for card in list_templates(templates_folder()):
        document = _template(card.path)
        for target in EXPLICIT_TARGETS:
            try:
                generate(document, target, "databricks")
            except CodegenError:
                continue  # the target cannot express this template (the test checks the reason)
            out.extend((card.path, target, profile) for profile in PROFILES)
    return out


def _template(path: Path):
    return load_pipeline(path.read_text(encoding="utf-8"))


def render_template_case(path: Path, target: str, profile: str) -> str:
    return render_code(generate(_template(path), target, profile))


def template_golden_path(path: Path, target: str, profile: str) -> Path:
    return TEMPLATE_ROOT / path.name.removesuffix(".lakestream.json") / f"{target}.{profile}.txt"


def regenerate() -> tuple[int, int]:
    """Rewrite every golden file and delete stale ones; return (written, deleted)."""
    wanted = {golden_path(*case): render_case(*case) for case in cases()}
    wanted.update({template_golden_path(*case): render_template_case(*case) for case in template_cases()})
    deleted = 0
    for existing in [*GOLDEN_ROOT.glob("*/*.txt"), *TEMPLATE_ROOT.glob("*/*.txt")]:
        if existing not in wanted:
            existing.unlink()
            deleted += 1
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return len(wanted), deleted


if __name__ == "__main__":
    written, deleted = regenerate()
    print(f"{written} golden files under {GOLDEN_ROOT} ({deleted} stale removed); review them with git diff")
    pages = node_reference.regenerate()
    print(f"node reference regenerated from the registry ({', '.join(pages) or 'unchanged'})")
    print(f"docs/functions.md {'regenerated' if functions.write_docs() else 'unchanged'} (Spark's functions and the engine's)")
    sys.exit(0)
