"""Conferences: watch several rooms, see one roster live, moderate it with single keys.

The screen only shows (`LiveRoomsScreen`, console/screens/live_rooms.py; the rooms service polls); this module adds
the keys:
one participant (the roster posts m, x, enter; h lowers a raised hand), the whole room (H lowers every hand),
the watch list, the filter. Unmuting someone (m on a muted participant) or kicking them lowers their hand too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from rich.markup import escape
from textual import on
from textual.binding import Binding
from textual.widgets import Input

from console.rooms import Outcome
from console.rooms.service import MAX_ROOM_ID
from console.screens.dialogs import ConfirmScreen, PromptScreen, TypedConfirmScreen
from console.screens.live_rooms import LiveRoomsScreen
from widgets import Roster
from widgets.watch_list import WatchList


class ConferencesScreen(LiveRoomsScreen):
    """Live moderation of the watched conferences."""

    MODE = "conferences"
    """The app mode this screen is (the mode bar marks it)."""

    CHANGES: ClassVar[dict[str, str]] = {
        "mute_all": "mute_all", "unmute_all": "unmute_all", "mute_all_except_moderators": "mute_all_except_moderators",
        "kick_all": "kick_all", "auto_mute": "auto_mute_on", "soft_lock": "soft_lock_on"}
    BINDINGS = [
        # The footer offers what fits 80 columns, most needed first; show=False keys work the same and `?` lists them.
        Binding("a", "add_room", "Add room", show=False, id="conference.add_room"),
        Binding("s", "save_room", "Save/un-save room", show=False, id="conference.save_room"),
        Binding("M", "mute_all", "Mute all", id="conference.mute_all"),
        Binding("U", "unmute_all", "Unmute all", show=False, id="conference.unmute_all"),
        Binding("E", "mute_all_except_moderators", "Mute all but moderators", show=False,
                id="conference.mute_all_except_moderators"),
        Binding("K", "kick_all", "Kick all", show=False, id="conference.kick_all"),
        Binding("h", "lower_hand", "Lower hand", show=False, id="conference.lower_hand"),
        Binding("H", "lower_all_hands", "Lower all hands", show=False, id="conference.lower_all_hands"),
        Binding("slash", "filter", "Filter", id="conference.filter"),
        Binding("r", "refresh", "Refresh", show=False, id="conference.refresh"),
        Binding("p", "pause", "Pause", show=False, id="conference.pause"),
        Binding("plus", "slower", "Poll less often", show=False, id="conference.slower"),
        Binding("minus", "faster", "Poll more often", show=False, id="conference.faster"),
        Binding("A", "auto_mute", "Auto-mute newcomers", show=False, id="conference.auto_mute"),
        Binding("L", "soft_lock", "Soft lock", show=False, id="conference.soft_lock"),
        Binding("R", "attendance", "Attendance", show=False, id="conference.attendance"),
        Binding("right_square_bracket", "next_room", "Next room", show=False, id="conference.next_room"),
        Binding("left_square_bracket", "previous_room", "Previous room", show=False, id="conference.previous_room"),
        Binding("escape", "close_filter", "Close filter", show=False, id="conference.close_filter"),
        Binding("w", "toggle_watch", "Watch list", id="conference.toggle_watch"),
    ]

    # ---- one participant (the roster posts these on m, x, enter) ---------------------------------------

    def _who(self, room: str, call_id: str) -> str:
        return self._person_name(room, call_id)

    @on(Roster.MuteToggleRequested)
    def _mute_toggle(self, message: Roster.MuteToggleRequested) -> None:
        if self.room is None:
            return
        room, call_id = self.room, message.call_id
        if message.muted:  # given the floor: the service lowers their hand too
            self._act(lambda: self.rooms.unmute(room, call_id), room)
        else:
            self._act(lambda: self.rooms.mute(room, call_id), room)

    @on(Roster.KickRequested)
    def _kick(self, message: Roster.KickRequested) -> None:
        if self.room is None:
            return
        room, call_id = self.room, message.call_id

        def kick() -> Awaitable[Outcome]:
            return self.rooms.kick(room, call_id)

        if self.session.gateway.refuses("kick"):  # refused at once, in the gateway's words; no dialog first
            self._act(kick, room)
            return
        question = (f"Kick [b]{escape(self._who(room, call_id))}[/b] out of [b]{escape(room)}[/b]?\n"
                    "Their call is hung up. (y kicks, n or escape cancels)")

        def answered(yes: bool | None) -> None:
            if yes:
                self._act(kick, room)

        self.app.push_screen(ConfirmScreen(question, confirm_label="Kick"), answered)

    @on(Roster.DetailRequested)
    def _detail(self, message: Roster.DetailRequested) -> None:
        if self.room is not None:
            from console.screens.participant_panel import ParticipantPanel  # loaded on first use, not at start-up

            self.app.push_screen(ParticipantPanel(self.session, self.room, message.call_id))

    def action_lower_hand(self) -> None:
        """Lower the raised hand of the participant under the cursor (only here: nothing is sent)."""
        call_id = self.query_one(Roster).selected_call_id
        if self.room is None or call_id is None:
            self.app.bell()
            return
        who = self._who(self.room, call_id)
        if self.rooms.lower_hand(self.room, call_id):
            self.status(f"Lowered {who}'s hand.")
        else:
            self.app.bell()
            self.status(f"{who} has no raised hand.")

    def action_lower_all_hands(self) -> None:
        if self.room is None:
            return
        count = self.rooms.lower_all_hands(self.room)
        self.status(f"Lowered {count} hand{'s' if count != 1 else ''} in {self.room}." if count
                    else f"No raised hand in {self.room}.")

    # ---- the whole room ------------------------------------------------------------------------------

    def action_kick_all(self) -> None:
        if self.room is None:
            return
        room = self.room
        count = len(self.moderator.watch(room).participants)
        if self.session.gateway.refuses("kick_all"):
            self._act(lambda: self.rooms.kick_all(room), room)
            return
        question = (f"Kick [b]all {count}[/b] participants out of [b]{escape(room)}[/b]? Every call is hung up.\n"
                    "Type the room id to confirm.")

        def answered(value: str | None) -> None:
            if value == room:
                self._act(lambda: self.rooms.kick_all(room), room)

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
            from console.screens.conference_dialogs import AttendanceScreen  # with its chart: on first use

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
        """Save the visible room in the profile (watched at every start), or un-save it when it is saved."""
        if self.room is None:
            return
        self._change_saved(self.room, save=self.room not in self._saved)

    def _change_saved(self, room: str, *, save: bool) -> None:
        resolved = self.session.resolved

        async def change() -> None:
            import asyncio

            from console.config import ConfigError, add_saved_room, remove_saved_room

            change = add_saved_room if save else remove_saved_room
            try:
                await asyncio.to_thread(change, resolved.config_path, resolved.profile_name, room)
            except (ConfigError, OSError) as error:
                self.status(f"Not {'saved' if save else 'un-saved'}: {error}", error=True)
                return
            where = f"profile {resolved.profile_name} ({resolved.config_path})"
            if save:
                self._saved.add(room)
                self.status(f"Saved {room} in {where}: watched at every start; s again un-saves it.")
            else:
                self._saved.discard(room)
                watched = " (still watched now)" if room in self.rooms else ""
                self.status(f"Un-saved {room} from {where}: not watched at the next start{watched}.")

        self.run_worker(change(), group="config", exit_on_error=False)

    @on(WatchList.Selected)
    def _room_selected(self, message: WatchList.Selected) -> None:
        if message.room != self.room:
            self.show_room(message.room)

    @on(WatchList.RemoveRequested)
    def _room_removed(self, message: WatchList.RemoveRequested) -> None:
        """Stop watching; a saved room would come back at the next start, so ask whether to un-save it too."""
        room = message.room
        if room not in self._saved:
            self.unwatch_room(room)
            return
        question = (f"Stop watching [b]{escape(room)}[/b]. It is saved in profile "
                    f"[b]{escape(self.session.resolved.profile_name)}[/b], so it comes back at the next start.\n"
                    "y also removes it from the profile; n or escape only stops watching it now.")

        def answered(unsave: bool | None) -> None:
            self.unwatch_room(room)
            if unsave:
                self._change_saved(room, save=False)

        self.app.push_screen(ConfirmScreen(question, confirm_label="Remove from profile", danger=False), answered)

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
            self.rooms.refresh(self.room)

    def action_pause(self) -> None:
        if self.room is None:
            return
        if self.rooms.toggle_pause(self.room):
            self.status(f"Polling of {self.room} paused: p resumes.")
        else:
            self.status(f"Polling of {self.room} resumed.")

    def _set_interval(self, change: Callable[[str], float]) -> None:
        if self.room is not None:
            seconds = change(self.room)
            self.status(f"{self.room} is polled every {seconds:g} s.")

    def action_slower(self) -> None:
        self._set_interval(self.rooms.slower)

    def action_faster(self) -> None:
        self._set_interval(self.rooms.faster)

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
        self.show_empty()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, message: Input.Submitted) -> None:
        if not message.value:
            message.input.display = False
        self.query_one(Roster).focus()

    def action_toggle_watch(self) -> None:
        """Show or hide the watch list: folded away below 110 columns (the breakpoint classes of
        console/screens/mode.py and console.tcss), so `w` shows it there and hides it on a wider terminal."""
        self.toggle_class("-watch-toggled")
        self.call_after_refresh(self._focus_off_hidden_watch_list)  # the styles follow the class on the refresh

    def _focus_off_hidden_watch_list(self) -> None:
        watch_list = self.query_one(WatchList)
        if watch_list.has_focus and not watch_list.display:
            self.query_one(Roster).focus()
