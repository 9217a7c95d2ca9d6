"""The Jinja environment over templates/: StrictUndefined, escaping filters, and a guard against raw values."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from lakestream.sparksql.escape import FILTERS, Code
from lakestream.nodes import REGISTRY

_PACKAGE = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def template_root() -> Path:
    """The templates folder: `lakestream/_templates` in an installed wheel, else `templates/` of the checkout."""
    for candidate in (_PACKAGE / "_templates", _PACKAGE.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"LakeStream templates not found next to {_PACKAGE}: the installation is incomplete")


def _finalize(value: object) -> object:
    # Every printed value must be Code (escaped by a filter or built by the generator) or a number;
    # a raw string printed by mistake is a bug in the template, caught by the golden/injection tests.
    if isinstance(value, Code) or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    raise TypeError(f"template printed an unescaped {type(value).__name__} {str(value)[:40]!r}: pipe it through a filter")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The shared environment (templates are compiled once per process)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_root())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        finalize=_finalize,
    )
    env.filters.update(FILTERS)
    return env


# a pattern node on the shared runtime has no templates of its own: the transformWithState form, or (in SDP)
# its native window form
SHARED_PATTERN = {
    "sss": "sss/_pattern.py.j2",
    "sdp-sql": "sdp-sql/_native_window.sql.j2",
    "sdp-python": "sdp-python/_native_window.py.j2",
}


def template_path(target: str, type_id: str) -> str:
    """Where the template of a node type for a target lives, relative to the templates root."""
    spec = REGISTRY.get(type_id)
    if spec is not None and spec.pattern is not None and spec.pattern.codegen == "runtime":
        return SHARED_PATTERN[target]
    suffix = "sql" if target == "sdp-sql" else "py"
    return f"{target}/{type_id}.{suffix}.j2"


@lru_cache(maxsize=1024)
def has_template(target: str, type_id: str) -> bool:
    return (template_root() / template_path(target, type_id)).is_file()


@lru_cache(maxsize=512)
def get_template(path: str) -> jinja2.Template:
    return environment().get_template(path)


def render(path: str, context: dict) -> dict[str, str]:
    """Render a template; return its blocks ("defs" module level, "body") or {"body": whole text}."""
    template = get_template(path)
    ctx = template.new_context(context, shared=True)  # no globals needed: skips copying them per node
    if "body" in template.blocks:
        return {name: "".join(block(ctx)).strip("\n") for name, block in template.blocks.items()}
    return {"body": "".join(template.root_render_func(ctx)).strip("\n")}
