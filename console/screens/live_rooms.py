"""The conferences screen's live view: its layout, the watched rooms, one poll timer per room, what is shown.

No keys here: `ConferencesScreen` (console/screens/conferences.py) adds the bindings and actions on top.
Polls and actions go through the session's Moderator (console.rooms), which returns models and sentences, never
exceptions; every call runs in a worker so the UI never waits. Each room has its own poll timer whose delay the
room's watch decides (interval, or backoff when failing).
"""

from __future__ import annotations

import heapq
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from api.models.views import Contact, TimelineEntry
from console.rooms import Outcome, PollResult
from console.rooms.hands import HandNote, Hands, Why
from console.screens.mode import GuardedRoster, ModeScreen
from console.screens.topbar import topbar
from console.session import Session
from widgets import Roster
from widgets.timeline import Timeline
from widgets.watch_list import WatchList


class LiveRoomsScreen(ModeScreen):
    """Shows the watched conferences and keeps them polled; subclasses add the keys."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.moderator = session.moderator
        self.room: str | None = None
        self._poll_timers: dict[str, Timer] = {}
        self._polling: set[str] = set()  # rooms with a poll in flight
        self._poll_again: set[str] = set()  # rooms asked to poll while one was in flight
        self._joined: dict[str, dict[str, datetime]] = {}  # room -> callId -> when they joined
        self.hands = Hands()
        """Raised hands per room (PIE DTMF 1 from the relay), kept whichever room is shown."""

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
                yield Timeline(id="timeline")
        yield Static("", id="status")
        yield Footer()

    def _address_book(self) -> dict[str, Contact]:
        return dict(self.session.resolved.profile.address_book)  # the same Contact the roster shows

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        for room in self.session.backend.rooms:
            self.watch_room(room)
        if self.room is None:
            self.status("No conference watched. The Sinch API cannot list conferences: press a to add one by id.")
        self.set_interval(1.0, self._tick)
        self.query_one(Roster).focus()  # the keys an operator needs first (m, k) act on the roster

    # ---- rooms ---------------------------------------------------------------------------------------

    def watch_room(self, room: str) -> None:
        """Start watching `room` (and show it when it is the first)."""
        watch_list = self.query_one(WatchList)
        if room in watch_list.rooms:
            watch_list.select(room)
            return
        self.moderator.watch(room)
        watch_list.add_room(room)  # "waiting" until its first poll
        if self.room is None:
            self.show_room(room)
        self._poll_soon(room, 0)

    def unwatch_room(self, room: str) -> None:
        self._stop_polling(room)
        self.workers.cancel_group(self, f"poll:{room}")
        self._polling.discard(room)
        self._poll_again.discard(room)
        self._joined.pop(room, None)
        self.hands.forget(room)
        self.moderator.forget(room)
        watch_list = self.query_one(WatchList)
        watch_list.remove_room(room)
        if self.room == room:
            self.room = None
            self.query_one(Roster).clear()
            self.query_one(Timeline).show([])
            rooms = watch_list.rooms
            if rooms:
                self.show_room(rooms[0])
            else:
                self._show_title()
        self.status(f"Stopped watching {room}.")

    def show_room(self, room: str) -> None:
        """Make `room` the visible one: its roster and timeline, from what was last polled."""
        self.room = room
        self.query_one(WatchList).select(room)
        roster = self.query_one(Roster)
        roster.clear()
        watch = self.moderator.watch(room)
        if watch.last_ok is not None:
            roster.show(list(watch.participants.values()), now=watch.last_ok,
                        joined_at=self._joined_at(room, watch.last_ok))
        for hand in self.hands.raised(room):
            roster.set_hand(hand.call_id, True)
        self.query_one(Timeline).show(self._room_timeline(room))
        self._show_title()

    def _show_title(self) -> None:
        title = self.query_one("#room-title", Static)
        if self.room is None:
            title.update("")
            return
        watch = self.moderator.watch(self.room)
        now = self.session.clock()
        summary = watch.summary(now)
        policy = self.moderator.policy(self.room).describe()
        people = "? in · ? muted" if watch.last_ok is None else f"{summary.participants} in · {summary.muted} muted"
        text = Text.assemble((self.room, "bold"), f" · {people} · {watch.health(now)} · every {watch.interval:g} s")
        hands = self.hands.count(self.room)
        if hands:
            text.append(f" · {hands} hand{'s' if hands != 1 else ''} up", style="bold magenta")
        if policy:
            text.append(f" · {policy}", style="bold")
        title.update(text)

    def _entry(self, event: TimelineEntry) -> TimelineEntry:
        """The service's entry, naming the person as the address book does now (it may change meanwhile)."""
        return replace(event, who=self.moderator.name(event.cli, event.call_id) if event.cli or event.call_id
                       else "room")

    def _hand_entry(self, note: HandNote) -> TimelineEntry:
        who = self._person_name(note.room, note.call_id, note.cli)
        return TimelineEntry(note.at, "hand", note.call_id, note.cli, note.by, note.detail, who=who)

    def _room_timeline(self, room: str) -> Iterator[TimelineEntry]:
        """The room's timeline with its hands' notes, by time (the room's own entry first on a tie)."""
        entries: Iterable[TimelineEntry] = map(self._entry, self.moderator.timeline(room))
        notes: Iterable[TimelineEntry] = map(self._hand_entry, self.hands.notes(room))
        return heapq.merge(entries, notes, key=lambda entry: entry.at)

    def _person_name(self, room: str, call_id: str, cli: str = "") -> str:
        """A participant as outcomes name them: the number from the last poll (or `cli`), else the call."""
        participant = self.moderator.watch(room).participants.get(call_id)
        return self.moderator.name(participant.cli if participant else cli, call_id)

    def _joined_at(self, room: str, now: datetime) -> dict[str, datetime]:
        """When each participant joined: the poll's time less their time in the call, fixed at first sight
        (recomputing it each poll would jitter by a second)."""
        joined = self._joined.setdefault(room, {})
        for participant in self.moderator.watch(room).participants.values():
            joined.setdefault(participant.call_id, now - timedelta(seconds=participant.duration))
        return joined

    # ---- polling -------------------------------------------------------------------------------------

    def _stop_polling(self, room: str) -> None:
        """Cancel the room's next scheduled poll (a poll already in flight finishes)."""
        timer = self._poll_timers.pop(room, None)
        if timer is not None:
            timer.stop()

    def _poll_soon(self, room: str, delay: float) -> None:
        self._stop_polling(room)
        # Textual timers cannot have a zero delay; a hundredth of a second is "now".
        self._poll_timers[room] = self.set_timer(max(delay, 0.01), lambda: self._start_poll(room))

    def _start_poll(self, room: str) -> None:
        """Poll `room` now; if a poll is in flight, one more follows it. An in-flight poll is never cancelled:
        it may be carrying out a policy (auto-mute, soft-lock kick) that must not be lost halfway."""
        if room not in self.query_one(WatchList).rooms:
            return
        if room in self._polling:
            self._poll_again.add(room)
            return
        self._polling.add(room)
        self.run_worker(self._poll(room), group=f"poll:{room}", exit_on_error=False)

    async def _poll(self, room: str) -> None:
        try:
            result = await self.moderator.poll(room)
        except Exception as error:  # the moderator never raises; a worker must not take the app down anyway
            self.status(f"Unexpected error while polling {room}: {error!r}", error=True)
            self._poll_soon(room, 5.0)
            return
        finally:
            self._polling.discard(room)
        again = room in self._poll_again
        self._poll_again.discard(room)
        if room not in self.query_one(WatchList).rooms:
            return  # unwatched while the request was in flight
        self._show_poll(result)
        watch = self.moderator.watch(room)
        if not watch.paused:
            self._poll_soon(room, 0 if again else watch.next_delay)

    def _show_poll(self, result: PollResult) -> None:
        room = result.room
        now = self.session.clock()
        self.query_one(WatchList).update_room(self.moderator.summary(room, now))
        present = self.moderator.watch(room).participants.keys()
        lowered = self.hands.apply_diff(result.diff, present) if result.ok else []
        if room == self.room:
            roster = self.query_one(Roster)
            if result.ok:
                roster.show(list(self.moderator.watch(room).participants.values()), now=now,
                            joined_at=self._joined_at(room, now))
            timeline = self.query_one(Timeline)
            for event in result.entries:
                timeline.add(self._entry(event))
            for note in lowered:
                roster.set_hand(note.call_id, False)
                timeline.add(self._hand_entry(note))
            self._show_title()
        for outcome in result.policy_outcomes:
            self._report(outcome, poll=False)

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

    def raise_hand(self, room: str, call_id: str, *, cli: str = "") -> bool:
        """A participant of watched `room` pressed 1 (a relay PIE): their hand shows now, without a poll.
        False when the room is not watched or the hand was already up."""
        if room not in self.query_one(WatchList).rooms:
            return False
        note = self.hands.raise_hand(room, call_id, self.session.clock(), cli=cli)
        if note is None:
            return False
        self._show_hands([note])
        who = self._person_name(room, call_id, cli)
        if room == self.room:
            self.status(f"{who} raised a hand: h lowers it (m unmutes them and lowers it).")
        else:
            self.notify(f"{who} raised a hand in {room}", title="Raised hand", timeout=6, markup=False)
        return True

    def lower_hand(self, room: str, call_id: str, *, why: Why = "lowered", by: str = "console") -> bool:
        """Lower one hand (False when it was not up)."""
        note = self.hands.lower(room, call_id, self.session.clock(), why=why, by=by)
        if note is not None:
            self._show_hands([note])
        return note is not None

    def lower_all_hands(self, room: str, *, why: Why = "lowered", by: str = "console") -> int:
        """Lower every hand of `room`; how many went down."""
        notes = self.hands.lower_all(room, self.session.clock(), why=why, by=by)
        self._show_hands(notes)
        return len(notes)

    def call_ended(self, call_id: str) -> None:
        """A DiCE for `call_id`: its raised hand, wherever it is, goes down."""
        self._show_hands(self.hands.call_ended(call_id, self.session.clock()))

    def _show_hands(self, notes: list[HandNote]) -> None:
        """Show hand changes: the visible room's roster marker and timeline line, and its title's count."""
        visible = [note for note in notes if note.room == self.room]
        if not visible:
            return
        roster = self.query_one(Roster)
        timeline = self.query_one(Timeline)
        for note in visible:
            roster.set_hand(note.call_id, note.raised)
            timeline.add(self._hand_entry(note))
        self._show_title()

    # ---- feedback ------------------------------------------------------------------------------------

    def status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#status", Static).update(Text(text))  # outcomes quote names and numbers: never markup
        self.query_one("#status").set_class(error, "error")

    def _report(self, outcome: Outcome, *, poll: bool = True) -> None:
        """Show an action's outcome in words, then look again so the roster shows its effect."""
        self.status(outcome.text, error=not outcome.ok)
        self.notify(outcome.text, severity="information" if outcome.ok else "error",
                    timeout=4 if outcome.ok else 8, markup=False)
        if outcome.room == self.room:  # the console's own actions are on the room's timeline already
            self.query_one(Timeline).show(self._room_timeline(outcome.room))
        if poll and outcome.room in self.query_one(WatchList).rooms:
            self._poll_soon(outcome.room, 0)

    def _act(self, action: Callable[[], Awaitable[Outcome]], room: str) -> None:
        """Run one moderator call in a worker and report its outcome."""

        async def run() -> None:
            try:
                outcome = await action()
            except Exception as error:  # never expected: the moderator words its failures
                self.status(f"Unexpected error: {error!r}", error=True)
                return
            self._report(outcome)

        self.run_worker(run(), group=f"action:{room}", exit_on_error=False)
