"""The config form of a node, generated from its pydantic config model (widgets chosen by fieldspec)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from nicegui import ui
from pydantic import BaseModel

from lakestream.labels import item_label
from lakestream.ui.expression_field import ExpressionField
from lakestream.ui.fieldspec import Spec, default_of, describe, is_schema, key_of, path_text, title_of
from lakestream.ui.schema_dialog import open_registry_dialog, open_schema_dialog
from lakestream.ui.workspace_dialog import schema_import_button, table_picker_button

Path = tuple[Any, ...]
OnChange = Callable[[dict[str, Any], Path, bool], None]  # (config, path, structural) -> None

_QUASAR_FIELDS = (ui.input, ui.number, ui.select, ui.textarea)
PLACEHOLDERS = {"duration": "e.g. 10 minutes", "table": "catalog.schema.table", "url": "https://host/path",
                "name": "letters, digits, _"}
COLUMN_LISTS = ("schema", "table_columns")  # column lists a Unity Catalog table's columns can fill


class ConfigForm:
    """Widgets for one node's config. `on_change(config, path, structural)` receives the whole new
    config after every edit; `structural` edits (list add/remove) need the form rebuilt."""

    def __init__(self, model: type[BaseModel], config: dict[str, Any], columns: Callable[[str | None], list[str]],
                 on_change: OnChange, on_events: Callable[[list[dict]], None] | None = None):
        self.model = model
        self.config = copy.deepcopy(config)
        self.columns = columns
        self.on_change = on_change
        self.on_events = on_events  # a source's sample events, from the rows its schema was inferred from
        self.errors: dict[str, ui.label] = {}  # path text -> the label under that field
        self.fields: dict[str, ui.element] = {}
        self.column_fields: list[tuple[ui.select, str | None]] = []  # column choosers, refreshed by set_columns
        with ui.column().classes("w-full gap-1") as self.container:
            self.general_error = ui.label().classes("ls-field-error hidden")
            self._model_fields(model, self.config, ())

    # --- values -------------------------------------------------------------------------------
    def _set(self, path: Path, value: Any, structural: bool = False) -> None:
        target = self.config
        for part in path[:-1]:
            target = target[part]
        if value is None or value == "" or value == []:
            if isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = value
        else:
            target[path[-1]] = value
        self.on_change(copy.deepcopy(self.config), path, structural)

    # --- layout -------------------------------------------------------------------------------
    def _model_fields(self, model: type[BaseModel], values: dict[str, Any], prefix: Path) -> None:
        # required fields first: what must be filled in comes before the optional tuning
        fields = sorted(model.model_fields.items(), key=lambda item: not item[1].is_required())
        for name, info in fields:
            key = key_of(name, info)
            spec = describe(info)
            path = prefix + (key,)
            with ui.column().classes("w-full gap-0 ls-field").props(f'data-field="{path_text(path)}"'):
                self._widget(spec, title_of(name, info) + ("" if info.is_required() else ""),
                             values.get(key, default_of(info)), path, info.is_required())
                if info.description:
                    ui.label(info.description).classes("ls-field-help")
                self.errors[path_text(path)] = ui.label().classes("ls-field-error hidden")

    def _widget(self, spec: Spec, title: str, value: Any, path: Path, required: bool) -> None:
        label = title + (" *" if required else "")
        on = lambda e, p=path: self._set(p, e.value)  # noqa: E731
        widget: ui.element
        if spec.widget == "select":
            options = list(spec.options)
            widget = ui.select(options, value=value if value in options else None, label=label,
                               clearable=spec.optional, on_change=on)
        elif spec.widget == "switch":
            widget = ui.switch(label, value=bool(value), on_change=on)
        elif spec.widget == "number":
            widget = ui.number(label, value=value, format="%d" if spec.integer else None,
                               on_change=lambda e, p=path, i=spec.integer: self._set(
                                   p, (int(e.value) if i else e.value) if e.value is not None else None))
        elif spec.widget == "expression":  # columns complete the word being typed (chips, Tab)
            widget = ExpressionField(label, value or "", self.columns(spec.port),
                                     lambda text, p=path: self._set(p, text)).input
        elif spec.widget == "spark_type":  # Spark's common types; a valid complex type may be typed (Enter)
            options = list(spec.options) + ([value] if value and value not in spec.options else [])
            widget = ui.select(options, value=value or None, label=label, with_input=True,
                               new_value_mode="add-unique", clearable=spec.optional, on_change=on)
        elif spec.widget == "column":
            choices = self.columns(spec.port)
            if value and value not in choices:
                choices = [*choices, value]
            widget = ui.select(choices, value=value or None, label=label, with_input=True,
                               new_value_mode="add-unique", clearable=True, on_change=on)
            self.column_fields.append((widget, spec.port))
        elif spec.widget in ("columns", "list"):
            current = list(value or [])
            choices = self.columns(spec.port) if spec.widget == "columns" else list(spec.options)
            widget = ui.select(sorted(set(choices) | set(current), key=(choices + current).index), value=current,
                               label=label, multiple=True, with_input=True, new_value_mode="add-unique",
                               on_change=lambda e, p=path: self._set(p, list(e.value or [])))
            widget.props("use-chips")
        elif spec.widget == "code":
            ui.label(label).classes("ls-field-title")
            language = "Python" if spec.kind and spec.kind.value == "python" else "SQL"
            widget = ui.codemirror(value or "", language=language, on_change=on).classes("ls-code-field")
        elif spec.widget == "template":
            widget = ui.textarea(label, value=value or "", on_change=on).props("autogrow")
        elif spec.widget == "model" and spec.model is not None:
            if spec.optional:
                # an optional group stays out of the config until the user turns it on
                ui.switch(label, value=isinstance(value, dict),
                          on_change=lambda e, p=path: self._set(p, {} if e.value else None, structural=True))
                if not isinstance(value, dict):
                    return
            else:
                ui.label(label).classes("ls-field-title")
            nested = value if isinstance(value, dict) else {}
            if not isinstance(value, dict):
                self._nested_placeholder(path, nested)
            with ui.column().classes("w-full ls-nested"):
                self._model_fields(spec.model, nested, path)
            return
        elif spec.widget == "items" and spec.model is not None:
            self._items(spec, label, list(value or []), path)
            if is_schema(spec):
                def from_data(p: Path = path) -> Any:
                    return open_schema_dialog(lambda columns: self._set(p, columns, structural=True), self.on_events)

                ui.button("Columns from data", icon="dataset", on_click=from_data) \
                    .props("flat dense no-caps").classes("ls-add-item").mark(f"schema-from-data-{path_text(path)}")
                if path == ("schema",) and "schema_registry_url" in self.model.model_fields:
                    def from_registry() -> Any:
                        topics = self.config.get("topics") or [""]
                        return open_registry_dialog(lambda columns: self._set(("schema",), columns, structural=True),
                                                    self.config.get("schema_registry_url") or "",
                                                    f"{topics[0]}-value" if topics[0] else "")

                    ui.button("Columns from the schema registry", icon="schema", on_click=from_registry) \
                        .props("flat dense no-caps").classes("ls-add-item").mark("schema-from-registry")
            return
        elif spec.widget == "json":
            widget = ui.textarea(label, value="" if value is None else json.dumps(value),
                                 on_change=lambda e, p=path: self._json(p, e.value)).classes("ls-mono")
        else:
            widget = ui.input(label, value="" if value is None else str(value), on_change=on,
                              placeholder=PLACEHOLDERS.get(spec.kind.value if spec.kind else "", ""))
            if spec.kind and spec.kind.value == "table":  # pick from Unity Catalog (workspace_dialog)
                with widget.add_slot("append"):
                    table_picker_button(widget.set_value, lambda w=widget: w.value or "")
        widget.mark(f"field-{path_text(path)}")
        if isinstance(widget, _QUASAR_FIELDS):
            widget.classes("w-full").props("dense")
        self.fields[path_text(path)] = widget

    def _nested_placeholder(self, path: Path, nested: dict[str, Any]) -> None:
        """Put an empty dict in the config so nested widgets have somewhere to write."""
        target = self.config
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = nested

    def _items(self, spec: Spec, label: str, items: list[Any], path: Path) -> None:
        """A list of sub-forms (steps, routes, mappings, expectations) with add and remove."""
        with ui.row().classes("w-full items-center justify-between no-wrap"):
            ui.label(label).classes("ls-field-title")
            if path[-1] in COLUMN_LISTS:  # a source's or lookup's columns: import them from a UC table
                schema_import_button(lambda fields, p=path: self._set(p, fields, structural=True))
        target = self.config
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = items
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                items[index] = item = {}
            with ui.card().classes("w-full ls-item").props("flat bordered"):
                with ui.row().classes("w-full items-center justify-between"):
                    ui.label(f"{item_label(str(path[-1]))} {index + 1}").classes("ls-item-number")
                    ui.button(icon="delete", on_click=lambda p=path, i=index: self._remove(p, i)) \
                        .props("flat dense round size=sm").tooltip("Remove") \
                        .mark(f"remove-item-{path_text(path + (index,))}")
                self._model_fields(spec.model, item, path + (index,))
        ui.button("Add", icon="add", on_click=lambda p=path: self._add(p)).props("flat dense no-caps") \
            .classes("ls-add-item").mark(f"add-item-{path_text(path)}")

    def _add(self, path: Path) -> None:
        items = self._at(path)
        self._set(path, [*items, {}], structural=True)

    def _remove(self, path: Path, index: int) -> None:
        items = list(self._at(path))
        del items[index]
        self._set(path, items, structural=True)

    def _at(self, path: Path) -> Any:
        target: Any = self.config
        for part in path:
            target = target[part]
        return target

    def _json(self, path: Path, text: str) -> None:
        try:
            value = json.loads(text) if text.strip() else None
        except ValueError as error:
            self.show_errors({path_text(path): f"Not JSON: {error}"}, None)
            return
        self._set(path, value)

    def set_columns(self, columns: Callable[[str | None], list[str]]) -> None:
        """Offer the columns as they are now (a source's Event time lists the schema just typed)."""
        self.columns = columns
        for widget, port in self.column_fields:
            choices = columns(port)
            if widget.value and widget.value not in choices:
                choices = [*choices, widget.value]
            if list(widget.options) != choices:
                widget.set_options(choices, value=widget.value)

    # --- errors -------------------------------------------------------------------------------
    def show_errors(self, by_field: dict[str, str], general: str | None) -> None:
        """Show each message under its field (and clear the others); `general` above the form."""
        for field, label in self.errors.items():
            message = by_field.get(field)
            label.set_text(message or "")
            label.classes(remove="hidden") if message else label.classes(add="hidden")
            widget = self.fields.get(field)
            if isinstance(widget, _QUASAR_FIELDS) and widget.props.get("error") != bool(message):
                widget.props["error"] = bool(message)
                widget.update()
        self.general_error.set_text(general or "")
        self.general_error.classes(remove="hidden") if general else self.general_error.classes(add="hidden")
