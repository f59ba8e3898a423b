"""A TextArea that counts its characters on its own bottom border ("42 / 600"), red once past its limit, and
tells its containers about a change once typing pauses.

The count lives on the text area itself rather than on a line under it, and is set in the same call as the
edit: a key then marks one widget for repainting and draws in one frame. A separate counter line was updated
from the screen's `Changed` handler, a hop later, and a third of the keys drew twice (the text, then the count);
each frame repaints every widget that shares a parent region with what changed, ~20 on the Callouts form.

`Changed` and `SelectionChanged` stop here: each key would wake every container up to the app to pass them on,
and the screen would check the whole form again. `Settled` goes up instead, once no key came for
`SETTLE_SECONDS` (or at once when the text is replaced in code).

It is a `RewrapTextArea`: a resize repaints all of it (Textual 8 left lines wrapped at the old width on screen).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.document._edit import Edit, EditResult
from textual.message import Message
from textual.timer import Timer
from textual.widgets import TextArea

from widgets.rewrap_text import RewrapTextArea

SETTLE_SECONDS = 0.3
"""Typing pauses this long and the containers hear of the change (a typist's keys come closer together)."""


def plain_count(text: str, limit: int) -> str:
    return f"{len(text)} / {limit}"


class CountedTextArea(RewrapTextArea):
    """A TextArea with `count(text, limit)` on its bottom border; class `over` past `limit` characters. Posts
    `Settled` (not `Changed`) to its containers once typing pauses."""

    class Settled(Message):
        """The text changed and no key came for `SETTLE_SECONDS`, or it was replaced in code."""

        def __init__(self, text_area: CountedTextArea) -> None:
            super().__init__()
            self.text_area = text_area

        @property
        def control(self) -> CountedTextArea:
            return self.text_area

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
        self._edited_at = 0.0
        self._settle: Timer | None = None
        self._settled_text = text
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

    def load_text(self, text: str) -> None:
        super().load_text(text)
        self.show_count()
        self._post_settled()  # replaced in code: nobody is typing

    def _on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.show_count()  # what did not come through edit() or load_text(): undo, redo
        self._edited_at = time.monotonic()
        if self._settle is None:  # one timer per pause, not one per key
            self._settle = self.set_timer(SETTLE_SECONDS, self._check_settled)

    def _check_settled(self) -> None:
        waited = time.monotonic() - self._edited_at
        if waited < SETTLE_SECONDS:
            self._settle = self.set_timer(SETTLE_SECONDS - waited, self._check_settled)
            return
        self._settle = None
        self._post_settled()

    def _post_settled(self) -> None:
        if self.text != self._settled_text:  # typed and taken back, or loaded already: nothing new to tell
            self._settled_text = self.text
            self.post_message(self.Settled(self))

    def _on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        event.stop()
