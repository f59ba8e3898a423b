"""A TextArea that counts its characters on its own bottom border ("42 / 600"), red once past its limit.

The count lives on the text area itself rather than on a line under it, and is set in the same call as the
edit: a key then marks one widget for repainting and draws in one frame. A separate counter line was updated
from the screen's `Changed` handler, a hop later, and a third of the keys drew twice (the text, then the count);
each frame repaints every widget that shares a parent region with what changed, ~20 on the Callouts form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.document._edit import Edit, EditResult
from textual.widgets import TextArea


def plain_count(text: str, limit: int) -> str:
    return f"{len(text)} / {limit}"


class CountedTextArea(TextArea):
    """A TextArea with `count(text, limit)` on its bottom border; class `over` past `limit` characters.

    Selection changes stop here: nothing above listens, and each would otherwise wake every container up to the
    app on every key.
    """

    DEFAULT_CSS = """
    CountedTextArea { border-subtitle-color: $text-muted; border-subtitle-align: right; }
    CountedTextArea.over { border-subtitle-color: $error; border-subtitle-style: bold; }
    """

    def __init__(self, text: str = "", *, limit: int, count: Callable[[str, int], str] = plain_count,
                 **kwargs: Any) -> None:
        super().__init__(text, **kwargs)
        self.limit = limit
        """Characters allowed; past it the count turns red (class `over`)."""
        self._count = count
        self._shown: str | None = None
        self.show_count()

    def show_count(self) -> None:
        """Put the count on the border unless it already says it (setting it repaints the whole area)."""
        text = self.text
        shown = self._count(text, self.limit)
        if shown != self._shown:
            self._shown = shown
            self.border_subtitle = shown
            self.set_class(len(text) > self.limit, "over")

    def edit(self, edit: Edit) -> EditResult:
        result = super().edit(edit)
        self.show_count()  # in the key's own frame, not a message later
        return result

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.show_count()  # what did not come through edit(): load_text, undo, redo

    def _on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        event.stop()
