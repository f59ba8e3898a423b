"""Conferences: watch several rooms, see one roster live, moderate it with single keys.

The screen only schedules and shows. Polls and actions go through the session's Moderator (console.rooms),
which returns models and sentences, never exceptions; every call runs in a worker so the UI never waits.
Each room has its own poll timer whose delay the room's watch decides (interval, or backoff when failing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Static

from console.rooms import Outcome, PollResult
from console.rooms import TimelineEntry as RoomEvent
from console.screens.conference_dialogs import AttendanceScreen, ParticipantScreen
from console.screens.dialogs import ConfirmScreen, PromptScreen, TypedConfirmScreen
from console.session import Session
from widgets import Roster
from widgets.timeline import Timeline, TimelineEntry
from widgets.watch_list import RoomSummary, WatchList

MAX_ROOM_ID = 64


class ConferencesScreen(Screen[None]):
    """Live moderation of the watched conferences."""

    BINDINGS = [
        Binding("a", "add_room", "Add room", id="conference.add_room"),
        Binding("s", "save_room", "Save room", show=False, id="conference.save_room"),
        Binding("M", "mute_all", "Mute all", id="conference.mute_all"),
        Binding("U", "unmute_all", "Unmute all", show=False, id="conference.unmute_all"),
        Binding("E", "mute_all_except_moderators", "Mute all but moderators", show=False,
                id="conference.mute_all_except_moderators"),
        Binding("K", "kick_all", "Kick all", id="conference.kick_all"),
        Binding("slash", "filter", "Filter", id="conference.filter"),
        Binding("r", "refresh", "Refresh", show=False, id="conference.refresh"),
        Binding("p", "pause", "Pause", id="conference.pause"),
        Binding("plus", "slower", "Poll less often", show=False, id="conference.slower"),
        Binding("minus", "faster", "Poll more often", show=False, id="conference.faster"),
        Binding("A", "auto_mute", "Auto-mute newcomers", show=False, id="conference.auto_mute"),
        Binding("L", "soft_lock", "Soft lock", show=False, id="conference.soft_lock"),
        Binding("R", "attendance", "Attendance", show=False, id="conference.attendance"),
        Binding("right_square_bracket", "next_room", "Next room", show=False, id="conference.next_room"),
        Binding("left_square_bracket", "previous_room", "Previous room", show=False, id="conference.previous_room"),
        Binding("escape", "close_filter", "Close filter", show=False, id="conference.close_filter"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.moderator = session.moderator
        self.room: str | None = None
        self._poll_timers: dict[str, Timer] = {}

    # ---- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        backend = self.session.backend
        yield Header()
        with Horizontal(id="topbar"):
            yield Static("SANDBOX" if backend.sandbox else "LIVE", id="badge",
                         classes="sandbox" if backend.sandbox else "live")
            if self.session.read_only:
                yield Static("READ-ONLY", id="read-only-badge")
            yield Static("", id="room-title")
        with Horizontal(id="body"):
            yield WatchList(id="watch")
            with Vertical(id="room-pane"):
                yield Input(placeholder="filter by name, number or call id (escape closes)", id="filter")
                yield Roster(address_book=self._address_book(), clock=self.session.clock, id="roster")
                yield Timeline(id="timeline")
        yield Static("", id="status")
        yield Footer()

    def _address_book(self) -> dict[str, tuple[str, bool]]:
        book = self.session.resolved.profile.address_book
        return {number: (contact.name, contact.moderator) for number, contact in book.items()}

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
        watch_list.add_room(RoomSummary(room, health="waiting"))
        if self.room is None:
            self.show_room(room)
        self._poll_soon(room, 0)

    def unwatch_room(self, room: str) -> None:
        timer = self._poll_timers.pop(room, None)
        if timer is not None:
            timer.stop()
        self.workers.cancel_group(self, f"poll:{room}")
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
            roster.show(list(watch.participants.values()), now=watch.last_ok)
        self.query_one(Timeline).show(self._entry(event) for event in self.moderator.timeline(room))
        self._show_title()

    def _show_title(self) -> None:
        title = self.query_one("#room-title", Static)
        if self.room is None:
            title.update("")
            return
        watch = self.moderator.watch(self.room)
        summary = watch.summary(self.session.clock())
        policy = self.moderator.policy(self.room).describe()
        parts = [f"[b]{self.room}[/b]", f"{summary.participants} in", f"{summary.muted} muted",
                 summary.health, f"every {watch.interval:g} s"]
        if policy:
            parts.append(f"[b]{policy}[/b]")
        title.update(" · ".join(parts))

    def _entry(self, event: RoomEvent) -> TimelineEntry:
        return TimelineEntry(event.at, event.kind, event.call_id, self.moderator.name(event.cli, event.call_id),
                             event.by, event.detail)

    def _summary(self, room: str, now: datetime) -> RoomSummary:
        watch = self.moderator.watch(room)
        policy = self.moderator.policy(room)
        health = "stale" if watch.stale else watch.health(now)
        return RoomSummary(
            room,
            participants=len(watch.participants) if watch.last_ok is not None else None,
            muted=sum(p.muted for p in watch.participants.values()) if watch.last_ok is not None else None,
            health="ok" if health == "paused" else health,
            stale_for=watch.stale_for(now) if watch.stale else None,
            paused=watch.paused,
            auto_mute=policy.auto_mute,
            locked=policy.soft_lock,
        )

    # ---- polling -------------------------------------------------------------------------------------

    def _poll_soon(self, room: str, delay: float) -> None:
        timer = self._poll_timers.pop(room, None)
        if timer is not None:
            timer.stop()
        # Textual timers cannot have a zero delay; a hundredth of a second is "now".
        self._poll_timers[room] = self.set_timer(max(delay, 0.01), lambda: self._start_poll(room))

    def _start_poll(self, room: str) -> None:
        if room in self.query_one(WatchList).rooms:
            self.run_worker(self._poll(room), group=f"poll:{room}", exclusive=True, exit_on_error=False)

    async def _poll(self, room: str) -> None:
        try:
            result = await self.moderator.poll(room)
        except Exception as error:  # the moderator never raises; a worker must not take the app down anyway
            self.status(f"Unexpected error while polling {room}: {error!r}", error=True)
            self._poll_soon(room, 5.0)
            return
        if room not in self.query_one(WatchList).rooms:
            return  # unwatched while the request was in flight
        self._show_poll(result)
        watch = self.moderator.watch(room)
        if not watch.paused:
            self._poll_soon(room, watch.next_delay)

    def _show_poll(self, result: PollResult) -> None:
        room = result.room
        now = self.session.clock()
        self.query_one(WatchList).update_room(self._summary(room, now))
        if room == self.room:
            if result.ok:
                self.query_one(Roster).show(list(self.moderator.watch(room).participants.values()), now=now)
            timeline = self.query_one(Timeline)
            for event in result.entries:
                timeline.add(self._entry(event))
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
                watch_list.update_room(self._summary(room, now))
        if self.room is not None and self.moderator.watch(self.room).stale:
            self._show_title()

    # ---- feedback ------------------------------------------------------------------------------------

    def status(self, text: str, *, error: bool = False) -> None:
        self.query_one("#status", Static).update(text)
        self.query_one("#status").set_class(error, "error")

    def _report(self, outcome: Outcome, *, poll: bool = True) -> None:
        """Show an action's outcome in words, then look again so the roster shows its effect."""
        self.status(outcome.text, error=not outcome.ok)
        self.notify(outcome.text, severity="information" if outcome.ok else "error",
                    timeout=4 if outcome.ok else 8)
        if outcome.room == self.room:  # the console's own actions are on the room's timeline already
            self.query_one(Timeline).show(self._entry(event) for event in self.moderator.timeline(outcome.room))
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

    def _selected(self) -> tuple[str, str] | None:
        """The visible room and the callId under the roster cursor, or None with a hint."""
        call_id = self.query_one(Roster).selected_call_id
        if self.room is None or call_id is None:
            self.status("No participant selected.")
            return None
        return self.room, call_id

    def _who(self, room: str, call_id: str) -> str:
        participant = self.moderator.watch(room).participants.get(call_id)
        return self.moderator.name(participant.cli if participant else "", call_id)

    # ---- one participant (the roster posts these on m, k, enter) ---------------------------------------

    @on(Roster.MuteToggleRequested)
    def _mute_toggle(self, message: Roster.MuteToggleRequested) -> None:
        if self.room is not None:
            room, call_id = self.room, message.call_id
            action = self.moderator.unmute if message.muted else self.moderator.mute
            self._act(lambda: action(room, call_id), room)

    @on(Roster.KickRequested)
    def _kick(self, message: Roster.KickRequested) -> None:
        if self.room is None:
            return
        room, call_id = self.room, message.call_id
        question = f"Kick [b]{self._who(room, call_id)}[/b] out of [b]{room}[/b]?\nTheir call is hung up."

        def answered(yes: bool | None) -> None:
            if yes:
                self._act(lambda: self.moderator.kick(room, call_id), room)

        self.app.push_screen(ConfirmScreen(question, confirm_label="Kick"), answered)

    @on(Roster.DetailRequested)
    def _detail(self, message: Roster.DetailRequested) -> None:
        if self.room is not None:
            self.app.push_screen(ParticipantScreen(self.session, self.room, message.call_id))

    # ---- the whole room ------------------------------------------------------------------------------

    def action_kick_all(self) -> None:
        if self.room is None:
            return
        room = self.room
        count = len(self.moderator.watch(room).participants)
        question = (f"Kick [b]all {count}[/b] participants out of [b]{room}[/b]? Every call is hung up.\n"
                    f"Type the room id to confirm.")

        def answered(value: str | None) -> None:
            if value == room:
                self._act(lambda: self.moderator.kick_all(room), room)

        self.app.push_screen(TypedConfirmScreen(question, room), answered)

    def _bulk(self, verb: str, run: Callable[..., Awaitable[Outcome]]) -> None:
        if self.room is None:
            return
        room = self.room

        def progress(done: int, total: int) -> None:
            self.status(f"{verb} in {room}: {done}/{total}")

        self._act(lambda: run(room, on_progress=progress), room)

    def action_mute_all(self) -> None:
        self._bulk("Muting everyone", self.moderator.mute_all)

    def action_unmute_all(self) -> None:
        self._bulk("Unmuting everyone", self.moderator.unmute_all)

    def action_mute_all_except_moderators(self) -> None:
        self._bulk("Muting all but moderators", self.moderator.mute_all_except_moderators)

    def action_auto_mute(self) -> None:
        if self.room is not None:
            room = self.room
            on_now = not self.moderator.policy(room).auto_mute
            self._act(lambda: self.moderator.set_auto_mute(room, on_now), room)

    def action_soft_lock(self) -> None:
        if self.room is not None:
            room = self.room
            on_now = not self.moderator.policy(room).soft_lock
            self._act(lambda: self.moderator.set_soft_lock(room, on_now), room)

    def action_attendance(self) -> None:
        if self.room is not None:
            self.app.push_screen(AttendanceScreen(self.session, self.room))

    # ---- watching ------------------------------------------------------------------------------------

    def action_add_room(self) -> None:
        watched = self.query_one(WatchList).rooms

        def check(value: str) -> str | None:
            if not value:
                return "Type a conference id, or escape to cancel."
            if len(value) > MAX_ROOM_ID:
                return f"A conference id has at most {MAX_ROOM_ID} characters."
            if value in watched:
                return f"{value} is already watched."
            return None

        def added(room: str | None) -> None:
            if room:
                self.watch_room(room)
                self.show_room(room)

        self.app.push_screen(PromptScreen("Watch which conference? (its conferenceId)", check=check), added)

    def action_save_room(self) -> None:
        if self.room is None:
            return
        room, resolved = self.room, self.session.resolved

        async def save() -> None:
            import asyncio

            from console.config import ConfigError, add_saved_room

            try:
                await asyncio.to_thread(add_saved_room, resolved.config_path, resolved.profile_name, room)
            except (ConfigError, OSError) as error:
                self.status(f"Not saved: {error}", error=True)
                return
            self.status(f"Saved {room} in profile {resolved.profile_name} ({resolved.config_path}).")

        self.run_worker(save(), group="config", exit_on_error=False)

    @on(WatchList.Selected)
    def _room_selected(self, message: WatchList.Selected) -> None:
        if message.room != self.room:
            self.show_room(message.room)

    @on(WatchList.RemoveRequested)
    def _room_removed(self, message: WatchList.RemoveRequested) -> None:
        self.unwatch_room(message.room)

    def _step_room(self, step: int) -> None:
        rooms = self.query_one(WatchList).rooms
        if self.room in rooms and len(rooms) > 1:
            self.show_room(rooms[(rooms.index(self.room) + step) % len(rooms)])

    def action_next_room(self) -> None:
        self._step_room(1)

    def action_previous_room(self) -> None:
        self._step_room(-1)

    def action_refresh(self) -> None:
        if self.room is not None:
            self._poll_soon(self.room, 0)

    def action_pause(self) -> None:
        if self.room is None:
            return
        watch = self.moderator.watch(self.room)
        watch.toggle_pause()
        if watch.paused:
            timer = self._poll_timers.pop(self.room, None)
            if timer is not None:
                timer.stop()
            self.status(f"Polling of {self.room} paused: p resumes.")
        else:
            self._poll_soon(self.room, 0)
            self.status(f"Polling of {self.room} resumed.")
        self.query_one(WatchList).update_room(self._summary(self.room, self.session.clock()))
        self._show_title()

    def _set_interval(self, change: Callable[[], float]) -> None:
        if self.room is not None:
            seconds = change()
            self.status(f"{self.room} is polled every {seconds:g} s.")
            self._show_title()

    def action_slower(self) -> None:
        if self.room is not None:
            self._set_interval(self.moderator.watch(self.room).slower)

    def action_faster(self) -> None:
        if self.room is not None:
            self._set_interval(self.moderator.watch(self.room).faster)

    # ---- filter --------------------------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def action_close_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display:
            field.value = ""
            field.display = False
            self.query_one(Roster).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, message: Input.Changed) -> None:
        self.query_one(Roster).set_filter(message.value)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, message: Input.Submitted) -> None:
        if not message.value:
            message.input.display = False
        self.query_one(Roster).focus()
