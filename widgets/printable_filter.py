"""A Textual line filter that keeps terminal escape sequences and control characters off the screen.

Rich `Text` keeps markup out (names like "[red]x" or "[link=...]" show literally) but lets ESC, C1 controls and
bidi overrides through to the terminal: a recording key holding "ESC ] 0 ; title BEL ESC [ 2 J" set the
window title and cleared the screen. Screens pass platform text through `printable` where they build it; this
filter is the net under every widget, including ones written later and notifications: each rendered segment
goes through the same `api.models.display.printable`, padded back to its cell width so layout never shifts.
The app installs it by overriding `App.get_line_filters`.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from api.models.display import UNSAFE_CHARACTERS, printable


class PrintableFilter(LineFilter):
    """Removes escape sequences and control characters from every rendered segment (width kept)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(UNSAFE_CHARACTERS.search(segment.text) for segment in segments):
            return segments  # nearly always: nothing to copy
        return [_printable_segment(segment) for segment in segments]


def _printable_segment(segment: Segment) -> Segment:
    text, style, control = segment
    if control or not UNSAFE_CHARACTERS.search(text):
        return segment
    return Segment(set_cell_size(printable(text), cell_len(text)), style, control)


PRINTABLE_FILTER = PrintableFilter()
"""One instance for the whole app: Textual caches filtered lines per filter object."""
