"""The palette: every registered node type in four collapsible categories, searchable, draggable."""

from __future__ import annotations

import json
from collections.abc import Callable

from nicegui import ui

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


class Palette:
    def __init__(self, on_add: Callable[[str], None], on_help: Callable[[str], None]):
        self.on_add, self.on_help = on_add, on_help
        self.items: dict[str, ui.element] = {}
        self.sections: dict[Category, ui.expansion] = {}
        ui.input(placeholder="Search nodes…", on_change=lambda e: self.filter(e.value or "")) \
            .props("dense outlined clearable").classes("w-full").mark("palette-search")
        with ui.column().classes("w-full gap-0 ls-palette"):
            for category in CATEGORY_TITLES:
                types = node_types(category)
                with ui.expansion(self.heading(category, len(types), len(types)), value=True) \
                        .classes("w-full ls-palette-section") \
                        .props("dense header-class=ls-palette-header") as section:
                    self.sections[category] = section
                    for node in types:
                        self.items[node.type] = self._item(node)
        self.empty = ui.label("No node matches").classes("text-grey-6 text-sm hidden")

    def _item(self, node: NodeType) -> ui.element:
        with ui.row().classes("ls-palette-item items-center no-wrap w-full gap-2") \
                .props(f'draggable=true data-node-type="{node.type}"') as item:
            ui.icon(node.icon).style(f"color: {node.colour}")
            ui.label(node.name).classes("grow ellipsis")
            # native titles, not tooltip elements: 96 fewer components on every page load
            ui.button(icon="add", on_click=lambda t=node.type: self.on_add(t)) \
                .props('flat round dense size=sm title="Add to the canvas"').mark(f"add-{node.type}")
            ui.button(icon="info_outline", on_click=lambda t=node.type: self.on_help(t)) \
                .props('flat round dense size=sm title="Documentation"').mark(f"help-{node.type}")
            ui.tooltip(node.description).props("anchor='center right' self='center left' :delay=600")
        # the drop handler on the canvas reads this and asks Python to add the node there
        item.on("dragstart", js_handler=f"(e) => e.dataTransfer.setData({json.dumps(DRAG_TYPE)}, {json.dumps(node.type)})")
        item.on("dblclick", lambda t=node.type: self.on_add(t))
        return item

    @staticmethod
    def heading(category: Category, shown: int, total: int) -> str:
        """"Sources (10)", or "Sources (2 of 10)" while a search hides some."""
        return f"{CATEGORY_TITLES[category]} ({shown if shown == total else f'{shown} of {total}'})"

    def filter(self, query: str) -> None:
        shown = 0
        for category, section in self.sections.items():
            types = node_types(category)
            found = 0
            for node in types:
                visible = matches(node, query)
                self.items[node.type].set_visibility(visible)
                found += visible
            shown += found
            section.set_text(self.heading(category, found, len(types)))
            section.set_visibility(bool(found))
            if query:
                section.set_value(True)
        self.empty.classes(remove="hidden") if not shown else self.empty.classes(add="hidden")
