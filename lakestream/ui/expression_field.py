"""An expression field completing the word being typed with input columns: ghost text (Tab) and chips."""

# While typing `amount > 10 AND ca`, the columns (then SQL keywords and functions) that complete `ca` show
# as chips and as grey ghost text; Tab or a chip puts the completion in place of the partial word. After
# a space or an operator the chips offer every column and there is no ghost text (Tab leaves the field).
# With the caret inside the text (moved by a click or the arrow keys) the chips complete the word at the
# caret and keep the text after it; ghost text is offered only at the end. The token logic is
# `completion.py` (no nicegui).

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui

from lakestream.ui.completion import complete_at, partial_token

CHIPS = 16
# The caret position, sent after every key and click (the value itself arrives through the model).
_CARET = "(e) => emit(e.target.selectionStart)"


class ExpressionField:
    """`ui.input` whose autocomplete options (NiceGUI's ghost text, accepted with Tab) are recomputed on every
    keystroke as the text before the partial word plus each completion."""

    def __init__(self, label: str, value: str, columns: list[str], on_change: Callable[[str], None]):
        self.columns, self.on_change = columns, on_change
        self.caret: int | None = None  # None: at the end of the text
        self.input = ui.input(label, value=value, on_change=lambda e: self._changed(e.value or ""))
        self.input.props("spellcheck=false autocomplete=off").classes("ls-mono")
        for event in ("keyup", "click"):
            self.input.on(event, self._moved, js_handler=_CARET)
        self.chips = ui.row().classes("gap-1 ls-column-chips")
        self._options: list[str] = []
        self._suggest(value)

    def _changed(self, text: str) -> None:
        self._suggest(text)
        self.on_change(text)

    def _moved(self, event) -> None:
        text = self.input.value or ""
        caret = event.args if isinstance(event.args, int) else None
        caret = None if caret is None or caret >= len(text) else caret
        if caret != self.caret:
            self.caret = caret
            self._suggest(text)

    def _suggest(self, text: str) -> None:
        at_end = self.caret is None or self.caret >= len(text)
        found = complete_at(text, len(text) if at_end else self.caret, self.columns, limit=CHIPS) \
            if self.columns else []
        # Ghost text only while a word is being typed at the end: after a space or an operator Tab leaves the field.
        options = [c.value for c in found] if at_end and partial_token(text)[1] else []
        if options != self._options:  # one props update per change of the list, not per keystroke
            self._options = options
            self.input.set_autocomplete(options)
        self.chips.clear()
        with self.chips:
            for completion in found:
                ui.chip(completion.label, on_click=lambda _, c=completion: self._accept(c.value, c.cursor)) \
                    .props(f"dense outline clickable size=sm{' color=grey-7' if completion.kind != 'column' else ''}") \
                    .classes("ls-mono").mark(f"complete-{completion.label}")

    def _accept(self, value: str, caret: int) -> None:
        self.caret = None if caret >= len(value) else caret
        self.input.set_value(value)
        # Back to the field with the caret right after the inserted word (after Vue has rendered the value).
        # In the input's context: the clicked chip is gone by now, and a task in its context would be cancelled.
        with self.input:  # Quasar gives the element's id to the native <input> itself
            ui.run_javascript(f"setTimeout(() => {{ const box = document.getElementById('c{self.input.id}');"
                              f" if (box) {{ box.focus(); box.setSelectionRange({caret}, {caret}); }} }}, 50)")
