"""A room's timeline: who joined, left, was muted, kicked... when, and by whom (the console or the platform).

A RichLog rather than a DataTable or ListView: the timeline is append-only text that is read, not navigated
row by row; RichLog appends a line in O(1), bounds itself (`max_lines`), and scrolls to the end on request, so
"follow the newest unless the operator scrolled up" is one check per write. Entries are kept as data as well
(`entries`), so switching rooms (`show`) re-renders from models and tests assert on data, not on pixels.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from rich.text import Text
from textual.widgets import RichLog

from api.models.display import printable
from api.models.views import TimelineEntry  # built by console.rooms.timeline, named by the screen
from widgets.people import clock_time

KIND_STYLES = {
    "joined": "green",
    "left": "dim",
    "muted": "dark_orange",
    "unmuted": "cyan",
    "kicked": "bold red",
    "held": "yellow",
    "resumed": "cyan",
    "hand": "magenta",
    "policy": "bold magenta",
    "error": "red",
}
"""Known kinds and their colour; any other kind is shown plain."""

WHO_WIDTH = 22


def describe(entry: TimelineEntry) -> Text:
    """`09:14:03  muted     Ada (CFO)              by console   auto-mute on join`."""
    who = printable(entry.who or entry.cli or entry.call_id or "room")  # a cli or call id from the platform
    if len(who) > WHO_WIDTH:
        who = who[: WHO_WIDTH - 1] + "…"
    line = Text(no_wrap=True, overflow="ellipsis")
    line.append(clock_time(entry.at), style="dim")
    line.append(f"  {entry.kind:<8} ", style=KIND_STYLES.get(entry.kind, ""))
    line.append(f"{who:<{WHO_WIDTH}} ")
    line.append(f"by {entry.by:<9}", style="bold" if entry.by == "console" else "dim")
    if entry.detail:
        line.append(f" {printable(entry.detail)}")
    return line


class Timeline(RichLog):
    """The events of one room, newest at the bottom; follows new entries unless scrolled up."""

    DEFAULT_CSS = """
    Timeline {
        height: 1fr;
    }
    """

    def __init__(
        self,
        *,
        max_entries: int = 500,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """
        Args:
            max_entries: how many entries to keep; older ones are dropped.
        """
        super().__init__(
            max_lines=max_entries, wrap=False, markup=False, auto_scroll=False,
            name=name, id=id, classes=classes, disabled=disabled,
        )
        self._entries: deque[TimelineEntry] = deque(maxlen=max_entries)

    @property
    def entries(self) -> list[TimelineEntry]:
        """What the timeline holds, oldest first (at most `max_entries`)."""
        return list(self._entries)

    @property
    def following(self) -> bool:
        """True when the view is at the bottom, so new entries scroll into view."""
        return self.scroll_offset.y >= self.max_scroll_y

    def add(self, entry: TimelineEntry) -> None:
        """Append one entry; scroll to it only if the operator was already looking at the newest."""
        self._entries.append(entry)
        self.write(describe(entry), scroll_end=self.following)

    def show(self, entries: Iterable[TimelineEntry]) -> None:
        """Replace everything (e.g. when switching rooms), keeping the newest `max_entries`, and follow."""
        self.clear()
        self._entries.extend(entries)
        for entry in self._entries:
            self.write(describe(entry), scroll_end=False)
        self.scroll_end(animate=False, immediate=False, x_axis=False)

    def clear(self) -> Timeline:
        self._entries.clear()
        super().clear()
        return self
