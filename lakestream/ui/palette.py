"""The palette: every registered node type in four collapsible categories, searchable, draggable."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.element import Element

from lakestream.nodes import node_types
from lakestream.nodes.base import Category, NodeType

CATEGORY_TITLES = {
    Category.SOURCE: "Sources",
    Category.PATTERN: "Patterns (CEP)",
    Category.TRANSFORM: "Transforms",
    Category.SINK: "Sinks",
}
DRAG_TYPE = "application/x-lakestream-node"


def matches(node: NodeType, query: str) -> bool:
    """Search by name, type id or description, every word must appear."""
    text = f"{node.name} {node.type} {node.description}".lower()
    return all(word in text for word in query.lower().split())


def sections() -> list[dict]:
    """The palette's content: per category, its node types in palette order (plain data for the browser)."""
    return [{"category": category.value, "title": title,
             "items": [{"type": n.type, "name": n.name, "icon": n.icon, "colour": n.colour,
                        "description": n.description} for n in node_types(category)]}
            for category, title in CATEGORY_TITLES.items()]


class PaletteList(Element, component="palette.js"):
    """The list of node types, rendered in the browser (one element instead of six per node type).

    Emits `add` {type} and `help` {type}; `hidden` lists the types a search hides."""

    def __init__(self) -> None:
        super().__init__()
        self._props["sections"] = sections()
        self._props["hidden"] = []
        self._props["dragType"] = DRAG_TYPE
        self.classes("w-full")

    def hide(self, types: list[str]) -> None:
        self._props["hidden"] = types
        self.update()


class Palette:
    def __init__(self, on_add: Callable[[str], None], on_help: Callable[[str], None]):
        self.on_add, self.on_help = on_add, on_help
        ui.input(placeholder="Search nodes…", on_change=lambda e: self.filter(e.value or "")) \
            .props("dense outlined clearable").classes("w-full").mark("palette-search")
        self.list = PaletteList()
        self.list.on("add", lambda e: self.on_add(str(e.args.get("type", ""))))
        self.list.on("help", lambda e: self.on_help(str(e.args.get("type", ""))))
        self.empty = ui.label("No node matches").classes("text-grey-6 text-sm hidden")

    def filter(self, query: str) -> None:
        hidden = [node.type for node in node_types() if not matches(node, query)]
        self.list.hide(hidden)
        self.empty.classes(remove="hidden") if len(hidden) == len(node_types()) else self.empty.classes(add="hidden")
