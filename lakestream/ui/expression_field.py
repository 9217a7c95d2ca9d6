"""An expression field completing the word being typed with input columns: ghost text (Tab) and chips."""

# While typing `amount > 10 AND ca`, the columns (then SQL keywords and functions) that complete `ca` show
# as chips and as grey ghost text; Tab or a chip puts the completion in place of the partial word. After
# a space or an operator the chips offer every column and there is no ghost text (Tab leaves the field).
# The token logic is `completion.py` (no nicegui).

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from lakestream.ui.completion import complete, partial_token

CHIPS = 16


class ExpressionField:
    """`ui.input` whose autocomplete options (NiceGUI's ghost text, accepted with Tab) are recomputed on every
    keystroke as the text before the partial word plus each completion."""

    def __init__(self, label: str, value: str, columns: list[str], on_change: Callable[[str], None]):
        self.columns, self.on_change = columns, on_change
        self.input = ui.input(label, value=value, on_change=lambda e: self._changed(e.value or ""))
        self.input.props("spellcheck=false autocomplete=off").classes("ls-mono")
        self.chips = ui.row().classes("gap-1 ls-column-chips")
        self._options: list[str] = []
        self._suggest(value)

    def _changed(self, text: str) -> None:
        self._suggest(text)
        self.on_change(text)

    def _suggest(self, text: str) -> None:
        found = complete(text, self.columns, limit=CHIPS) if self.columns else []
        # Ghost text only while a word is being typed: after a space or an operator Tab leaves the field.
        options = [c.value for c in found] if partial_token(text)[1] else []
        if options != self._options:  # one props update per change of the list, not per keystroke
            self._options = options
            self.input.set_autocomplete(options)
        self.chips.clear()
        with self.chips:
            for completion in found:
                ui.chip(completion.label, on_click=lambda _, v=completion.value: self._accept(v)) \
                    .props(f"dense outline clickable size=sm{' color=grey-7' if completion.kind != 'column' else ''}") \
                    .classes("ls-mono").mark(f"complete-{completion.label}")

    def _accept(self, value: str) -> None:
        self.input.set_value(value)
        self.input.run_method("focus")
