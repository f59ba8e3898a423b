"""The conferences screen's live view: its layout and what it shows of the watched rooms.

No keys here: `ConferencesScreen` (console/screens/conferences.py) adds the bindings and actions on top. The
rooms are watched, polled and changed by the session's `RoomsService` (console/rooms/service.py), headless;
this screen subscribes to its updates and draws them, and hands it every action (which runs in the service's
tasks, so the UI never waits).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Input, Static

from api.models.views import Contact
from console.rooms import Outcome, PollResult
from console.rooms.hands import HandNote
from console.rooms.updates import (
    ActionDone,
    HandsChanged,
    RoomPolled,
    RoomSettingsChanged,
    RoomsNotice,
    RoomUnwatched,
    RoomUpdate,
    RoomWatched,
)
from console.screens.mode import GuardedRoster, ModeScreen
from console.screens.topbar import topbar
from console.session import Session
from widgets import Roster
from widgets.timeline import Timeline
from widgets.watch_list import WatchList

log = logging.getLogger(__name__)


class LiveRoomsScreen(ModeScreen):
    """Shows the watched conferences as the rooms service reports them; subclasses add the keys."""

    DEFAULT_CSS = """
    LiveRoomsScreen #roster-empty { height: auto; padding: 0 2; color: $text-muted; display: none; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.moderator = session.moderator
        self.rooms = session.rooms
        self.room: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._drawing = False  # between mount and unmount: updates are drawn
        self._hand_said: tuple[str, str] | None = None  # the raised hand the status line speaks of (room, call)
        self._saved: set[str] = set(session.resolved.profile.rooms)
        """Rooms saved in the profile (watched at every start); `s` saves and un-saves."""
        self._lines: dict[str, Text] = {}  # what each of the screen's own lines says now, by widget id

    # ---- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield from topbar(self.session, "room-title")
        with Horizontal(id="body"):
            yield WatchList(id="watch")
            with Vertical(id="room-pane"):
                yield Input(placeholder="filter by name, number or call id (escape closes)", id="filter")
                yield GuardedRoster(self.session, address_book=self._address_book(), clock=self.session.clock,
                                    id="roster")
                yield Static("", id="roster-empty")
                yield Timeline(id="timeline")
        yield Static("", id="status")
        yield Footer()

    def _address_book(self) -> dict[str, Contact]:
        return dict(self.session.resolved.profile.address_book)  # the same Contact the roster shows

    def on_mount(self) -> None:
        self._drawing = True
        self.query_one("#filter", Input).display = False
        self._unsubscribe = self.rooms.subscribe(self._rooms_update)
        self.rooms.start(self.session.backend.rooms)  # the app started them already; a no-op then
        watch_list = self.query_one(WatchList)
        for room in self.rooms.rooms:
            if room not in watch_list.rooms:
                self._room_watched(room)
        if self.room is None:
            self.status("No conference watched. The Sinch API cannot list conferences: press a to add one by id.")
        self.set_interval(1.0, self._tick)
        self.query_one(Roster).focus()  # the keys an operator needs first (m, x) act on the roster

    def on_unmount(self) -> None:
        self._drawing = False
        if self._unsubscribe is not None:
            self._unsubscribe()

    # ---- what the service reports -----------------------------------------------------------------------

    def _rooms_update(self, update: RoomUpdate) -> None:
        if not self._drawing:  # not composed yet, or being torn down at exit: nothing to draw into
            return
        try:
            self._draw_update(update)
        except Exception as error:  # a bug drawing one update must not leave the roster out of step for good
            log.exception("drawing %s failed", type(update).__name__)
            if self.room is not None:
                self.show_room(self.room)  # drawn whole from the service's state
            self.notify(f"The screen could not show an update ({error!r}); redrawn from the last poll.",
                        severity="warning", markup=False)

    def _draw_update(self, update: RoomUpdate) -> None:
        if isinstance(update, RoomPolled):
            self._show_poll(update.result, update.lowered)
        elif isinstance(update, HandsChanged):
            self._show_hands(update.notes)
        elif isinstance(update, ActionDone):
            self._report(update.outcome)
        elif isinstance(update, RoomWatched):
            self._room_watched(update.room)
        elif isinstance(update, RoomUnwatched):
            self._room_unwatched(update.room)
        elif isinstance(update, RoomSettingsChanged):
            self.query_one(WatchList).update_room(self.moderator.summary(update.room, self.session.clock()))
            if update.room == self.room:
                self._show_title()
        elif isinstance(update, RoomsNotice):
            self.status(update.text, error=update.error)
            self.notify(update.text, severity="warning" if update.error else "information", markup=False)

    def _room_watched(self, room: str) -> None:
        watch_list = self.query_one(WatchList)
        watch_list.add_room(room)
        watch_list.update_room(self.moderator.summary(room, self.session.clock()))  # "waiting" before its first poll
        if self.room is None:
            self.show_room(room)

    def _room_unwatched(self, room: str) -> None:
        watch_list = self.query_one(WatchList)
        watch_list.remove_room(room)
        if self.room == room:
            self.room = None
            self.query_one(Roster).clear()
            self.query_one(Timeline).show([])
            self.show_empty()
            rooms = watch_list.rooms
            if rooms:
                self.show_room(rooms[0])
            else:
                self._show_title()
        self.status(f"Stopped watching {room}.")

    # ---- rooms ---------------------------------------------------------------------------------------

    def watch_room(self, room: str) -> None:
        """Start watching `room` (and show it when it is the first); select it when it is watched already."""
        if not self.rooms.watch(room):
            self.query_one(WatchList).select(room)

    def unwatch_room(self, room: str) -> None:
        self.rooms.unwatch(room)

    def show_room(self, room: str) -> None:
        """Make `room` the visible one (or draw it again whole): its roster and timeline, from what was last
        polled. The cursor stays on the same person when the room stays the same."""
        roster = self.query_one(Roster)
        if room != self.room:
            roster.clear()
        self.room = room
        self.query_one(WatchList).select(room)
        watch = self.moderator.watch(room)
        if watch.last_ok is not None:
            roster.show(watch.participants.values(), now=watch.last_ok,
                        joined_at=self.rooms.joined_at(room, watch.last_ok))
        for hand in self.rooms.hands.raised(room):
            roster.set_hand(hand.call_id, True)
        self.query_one(Timeline).show(self.rooms.timeline(room))
        self._show_title()
        self.show_empty()

    def show_empty(self) -> None:
        """An empty roster says why in words: nobody there yet, or a filter that matches nobody."""
        roster = self.query_one(Roster)
        note = self.query_one("#roster-empty", Static)
        text = ""
        if self.room is not None and not roster.row_count:
            if roster.filter_text:
                text = f"Nobody matches “{roster.filter_text}”: escape clears the filter."
            elif self.moderator.watch(self.room).last_ok is not None:
                text = (f"Nobody is in {self.room} right now. People show here as they join (a conference exists "
                        "on the platform only while someone is in it).")
        self._set_line("roster-empty", Text(text))
        note.display = bool(text)

    def _show_title(self) -> None:
        if self.room is None:
            self._set_line("room-title", Text(""))
            return
        watch = self.moderator.watch(self.room)
        now = self.session.clock()
        summary = watch.summary(now)
        policy = self.moderator.policy(self.room).describe()
        people = "? in · ? muted" if watch.last_ok is None else f"{summary.participants} in · {summary.muted} muted"
        text = Text.assemble((self.room, "bold"), f" · {people} · {watch.health(now)}")
        retry_in = self.rooms.retry_in(self.room) if watch.stale else None
        if retry_in is not None:  # an outage says what happens next, and how not to wait for it
            text.append(f" · retrying in {retry_in:.0f} s · r retries now", style="bold")
        text.append(f" · every {watch.interval:g} s")
        hands = self.rooms.hands.count(self.room)
        if hands:
            text.append(f" · {hands} hand{'s' if hands != 1 else ''} up", style="bold magenta")
        if policy:
            text.append(f" · {policy}", style="bold")
        self._set_line("room-title", text)

    def _set_line(self, widget_id: str, text: Text) -> None:
        """Show `text` on one of the screen's lines only when it says something new: `Static.update` lays the
        whole screen out again, and a quiet room's every poll asked for the same title and empty note (the most
        of an idle console's CPU)."""
        if self._lines.get(widget_id) == text:
            return
        self._lines[widget_id] = text
        self.query_one(f"#{widget_id}", Static).update(text)

    def _person_name(self, room: str, call_id: str, cli: str = "") -> str:
        return self.rooms.person_name(room, call_id, cli)

    # ---- polls ---------------------------------------------------------------------------------------

    def _show_poll(self, result: PollResult, lowered: tuple[HandNote, ...]) -> None:
        room = result.room
        now = self.session.clock()
        self.query_one(WatchList).update_room(self.moderator.summary(room, now))
        if room != self.room:
            return
        roster = self.query_one(Roster)
        if result.ok:
            if result.diff.initial:
                self.show_room(room)
                return
            roster.apply(result.diff, joined_at=self.rooms.joined_at(room, result.diff.at))
            self.show_empty()
        timeline = self.query_one(Timeline)
        for event in result.entries:
            timeline.add(self.rooms.named(event))
        for note in lowered:
            roster.set_hand(note.call_id, False)
            timeline.add(self.rooms.hand_entry(note))
        self._show_title()

    def _tick(self) -> None:
        """Once a second: durations advance between polls, stale ages count up."""
        now = self.session.clock()
        self.query_one(Roster).tick(now)
        watch_list = self.query_one(WatchList)
        for room in watch_list.rooms:
            if self.moderator.watch(room).stale:
                watch_list.update_room(self.moderator.summary(room, now))
        if self.room is not None and self.moderator.watch(self.room).stale:
            self._show_title()

    # ---- raised hands --------------------------------------------------------------------------------

    def _show_hands(self, notes: tuple[HandNote, ...]) -> None:
        """Show hand changes: the visible room's roster marker and timeline line, and its title's count; a hand
        going up is also said (in the status line for the visible room, as a notification for another)."""
        for note in notes:
            who = self._person_name(note.room, note.call_id, note.cli)
            if not note.raised:
                if self._hand_said == (note.room, note.call_id):  # the status line no longer says it is up
                    self.status(f"{who}: {note.detail}.")
                    self._hand_said = None
                continue
            if note.room == self.room:
                self.status(f"{who} raised a hand: h lowers it (m unmutes them and lowers it).")
                self._hand_said = (note.room, note.call_id)
            else:
                self.notify(f"{who} raised a hand in {note.room}", title="Raised hand", timeout=6, markup=False)
        visible = [note for note in notes if note.room == self.room]
        if not visible:
            return
        roster = self.query_one(Roster)
        timeline = self.query_one(Timeline)
        for note in visible:
            roster.set_hand(note.call_id, note.raised)
            timeline.add(self.rooms.hand_entry(note))
        self._show_title()

    # ---- feedback ------------------------------------------------------------------------------------

    def status(self, text: str, *, error: bool = False) -> None:
        self._hand_said = None
        self.query_one("#status", Static).update(Text(text))  # outcomes quote names and numbers: never markup
        self.query_one("#status").set_class(error, "error")

    def _report(self, outcome: Outcome) -> None:
        """Show an action's outcome in words (the service polls the room again, so the roster shows its effect)."""
        self.status(outcome.text, error=not outcome.ok)
        self.notify(outcome.text, severity="information" if outcome.ok else "error",
                    timeout=4 if outcome.ok else 8, markup=False)
        if outcome.room == self.room:  # the console's own actions are on the room's timeline already
            self.query_one(Timeline).show(self.rooms.timeline(outcome.room))

    def _act(self, action: Callable[[], Awaitable[Outcome]], room: str) -> None:
        """Hand one change to the rooms service; its outcome comes back as an update."""
        self.rooms.act(room, action)
