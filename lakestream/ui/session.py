"""One browser tab's editing state: the document history, selection, clipboard, and saved state.

No nicegui here: the page's handlers call these methods and then refresh the views.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any

from lakestream import editing
from lakestream.pipeline import Pipeline
from lakestream.validate import Issue, validate


@dataclass
class EditorSession:
    history: editing.History
    saved: Pipeline | None = None  # the document as last opened or saved (None: never saved)
    selection: list[str] = field(default_factory=list)
    clip: editing.Clip = field(default_factory=editing.Clip)
    _issues: list[Issue] | None = None
    _issues_for: Pipeline | None = None

    @classmethod
    def start(cls, pipeline: Pipeline | None = None, saved: bool = False) -> EditorSession:
        doc = pipeline or Pipeline()
        return cls(editing.History(doc), saved=doc if saved else None)

    @property
    def doc(self) -> Pipeline:
        return self.history.present

    @property
    def dirty(self) -> bool:
        """Unsaved changes: a never-saved pipeline with nodes, or anything changed since the last save."""
        if self.saved is None:
            return bool(self.doc.nodes) or self.doc.name != Pipeline.model_fields["name"].default
        return self.doc != self.saved

    @property
    def issues(self) -> list[Issue]:
        """Validation issues of the present document (computed once per document)."""
        if self._issues_for is not self.doc:
            self._issues, self._issues_for = validate(self.doc), self.doc
        return self._issues or []

    def apply(self, document: Pipeline, key: Any = None) -> None:
        """Make `document` the present one, as an undo step (edits with the same key merge)."""
        self.history.push(document, key)
        self._drop_missing_selection()

    def open(self, document: Pipeline, saved: bool = True) -> None:
        """Replace the whole session's document (open, new, template): nothing to undo.

        The document is validated first: should that fail, the session keeps its document (as the canvas does).
        """
        issues = validate(document)
        self.history.reset(document)
        self.saved = document if saved else None
        self.selection = []
        self._issues, self._issues_for = issues, document

    def snapshot(self) -> EditorSession:
        """A copy to `restore` if opening another document fails half way."""
        return replace(self, history=copy.copy(self.history), selection=list(self.selection))

    def restore(self, snapshot: EditorSession) -> None:
        self.history, self.saved, self.selection = snapshot.history, snapshot.saved, snapshot.selection
        self._issues_for = None

    def mark_saved(self, document: Pipeline) -> None:
        """The store saved the present document as `document` (new version): no undo step."""
        self.history.replace(document)
        self.saved = document

    def undo(self) -> bool:
        if not self.history.can_undo:
            return False
        self.history.undo()
        self._drop_missing_selection()
        return True

    def redo(self) -> bool:
        if not self.history.can_redo:
            return False
        self.history.redo()
        self._drop_missing_selection()
        return True

    def _drop_missing_selection(self) -> None:
        self.selection = [i for i in self.selection if i in self.doc.node_by_id]

    @property
    def selected_node(self) -> str | None:
        """The node the config panel shows: the only selected one."""
        return self.selection[0] if len(self.selection) == 1 else None
