"""The watched conference rooms, one entry per room: counts, poll health and policy badges.

An OptionList rather than a DataTable: there are tens of rooms, not thousands; the list lives in a narrow side
pane where five columns would not fit, so each room is a two-line card (room id and badges, then counts and
health, then a sparkline of the last 30 minutes' head count once there are two minutes of it) that wraps
naturally; and the empty state is an ordinary disabled option, so the list stays one
focusable widget with the cursor, scrolling and highlight messages OptionList already has.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rich.color import Color
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.renderables.sparkline import Sparkline
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from api.models.display import printable
from api.models.views import RoomSummary  # built by console.rooms (Moderator.summary)

__all__ = ["EMPTY_ID", "EMPTY_MESSAGE", "RoomSummary", "WatchList", "card", "describe"]

SPARK_WIDTH = 22
"""Cells of the head-count sparkline: the 34-column pane keeps room for "max 123" beside it."""
SPARK_LOW, SPARK_HIGH = Color.parse("#3a6f8f"), Color.parse("#5fd7ff")

EMPTY_ID = "watch-list-empty"
EMPTY_MESSAGE = (
    "No rooms watched.\n\n"
    "The Sinch API cannot list conferences, so tell the console which ones to watch: press [b]a[/b] and type "
    "a conference id. Saved rooms and rooms your own conference callouts create appear here too."
)


def describe(summary: RoomSummary) -> Text:
    """The two-line card for one room."""
    card = Text(printable(summary.room), style="bold", no_wrap=True, overflow="ellipsis")  # may come from events
    if summary.auto_mute:
        card.append(" auto-mute", style="bold dark_orange")
    if summary.locked:
        card.append(" locked", style="bold red")
    people = "?" if summary.participants is None else str(summary.participants)
    muted = "?" if summary.muted is None else str(summary.muted)
    card.append(f"\n  {people} in · {muted} muted · ")
    card.append(*_health(summary))
    return card


def card(summary: RoomSummary) -> RenderableType:
    """What the list shows for one room: `describe`, and under it the head count of the last 30 minutes drawn
    by Textual's Sparkline (the renderable its Sparkline widget draws with: an option's prompt is a renderable,
    not a widget). Nothing before two minutes are known: one value would be a full bar that says nothing."""
    text = describe(summary)
    recent = summary.recent
    if len(recent) < 2:
        return text
    line = Table.grid(padding=0)
    line.add_column(width=2)
    line.add_column(width=min(len(recent), SPARK_WIDTH))
    line.add_column(no_wrap=True)
    line.add_row("", Sparkline(recent, width=min(len(recent), SPARK_WIDTH), min_color=SPARK_LOW,
                               max_color=SPARK_HIGH), Text(f" max {max(recent)}", style="dim"))
    return Group(text, line)


def _health(summary: RoomSummary) -> tuple[str, str]:
    if summary.paused:
        return "paused", "dim"
    if summary.health == "ok":
        return "ok", "green"
    if summary.health == "waiting":
        return "waiting", "dim"
    if summary.health == "stale":
        age = f" {summary.stale_for:.0f} s" if summary.stale_for is not None else ""
        return f"stale{age}", "bold yellow"
    error = summary.health if len(summary.health) <= 24 else summary.health[:23] + "…"
    return error, "bold red"


class WatchList(OptionList):
    """Watched rooms. Feed it `RoomSummary`s; it posts which room the operator picks or wants removed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "remove_room", "Unwatch", id="watch.remove"),
    ]
    """
    | Key(s) | Id | Description |
    | :- | :- | :- |
    | delete, backspace | watch.remove | Post `RemoveRequested` for the highlighted room. |

    Plus OptionList's own: up/down/home/end/page keys move, enter posts `Selected`.
    """

    class RoomMessage(Message):
        """Base of the watch list's messages: which room the operator pointed at."""

        def __init__(self, watch_list: WatchList, room: str) -> None:
            self.watch_list = watch_list
            self.room = room
            super().__init__()

        @property
        def control(self) -> WatchList:
            return self.watch_list

    class Selected(RoomMessage):
        """The operator moved to a room (highlight changed) or pressed enter on it."""

    class RemoveRequested(RoomMessage):
        """The operator asked to stop watching a room (the screen decides, e.g. confirms if it is saved)."""

    def __init__(
        self,
        *rooms: str | RoomSummary,
        empty_message: str = EMPTY_MESSAGE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """
        Args:
            rooms: rooms to start with.
            empty_message: console markup shown when no room is watched (name the key that adds one).
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._empty_message = empty_message
        self._summaries: dict[str, RoomSummary] = {}
        self._announced: str | None = None
        for room in rooms:
            self.add_room(room)
        if not self._summaries:
            self._show_empty()

    @property
    def rooms(self) -> list[str]:
        """Watched rooms, in list order."""
        return list(self._summaries)

    @property
    def selected_room(self) -> str | None:
        """The highlighted room, or None when the list is empty."""
        option = self.highlighted_option
        return option.id if option is not None and option.id in self._summaries else None

    def summary(self, room: str) -> RoomSummary | None:
        return self._summaries.get(room)

    def add_room(self, room: str | RoomSummary) -> None:
        """Watch a room (a no-op apart from updating it if it is already watched)."""
        summary = room if isinstance(room, RoomSummary) else RoomSummary(room, health="waiting")
        if summary.room in self._summaries:
            self.update_room(summary)
            return
        if not self._summaries and self.option_count:
            self.clear_options()  # the empty-state option
        self._summaries[summary.room] = summary
        self.add_option(Option(card(summary), id=summary.room))
        if self.highlighted is None:
            self.highlighted = 0

    def update_room(self, room: str | RoomSummary, **changes: Any) -> None:
        """Replace a room's summary, or change some of its fields: `update_room("r1", participants=3)`.

        Repaints the room's entry only when what it shows changed. Unknown rooms are ignored (the operator may
        have removed the room while a poll was in flight).
        """
        name = room.room if isinstance(room, RoomSummary) else room
        current = self._summaries.get(name)
        if current is None:
            return
        summary = room if isinstance(room, RoomSummary) else current
        summary = replace(summary, **changes) if changes else summary
        if summary == current:
            return
        self._summaries[name] = summary
        self.replace_option_prompt(name, card(summary))

    def remove_room(self, room: str) -> None:
        """Stop showing a room; the highlight moves to a neighbour."""
        if room not in self._summaries:
            return
        del self._summaries[room]
        self.remove_option(room)
        if self._announced == room:
            self._announced = None
        if not self._summaries:
            self._show_empty()

    def select(self, room: str) -> None:
        """Highlight a room without announcing it: the caller already knows (posting `Selected` back made two
        quick room switches bounce between rooms for ever)."""
        if room in self._summaries:
            self._announced = room
            self.highlighted = self.get_option_index(room)

    def _show_empty(self) -> None:
        self.clear_options()
        self.add_option(Option(Text.from_markup(self._empty_message), id=EMPTY_ID, disabled=True))

    def action_remove_room(self) -> None:
        room = self.selected_room
        if room is not None:
            self.post_message(self.RemoveRequested(self, room))

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        room = event.option.id
        if room in self._summaries and room != self._announced:
            self._announced = room
            self.post_message(self.Selected(self, room))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        room = event.option.id
        if room in self._summaries:
            self._announced = room
            self.post_message(self.Selected(self, room))
