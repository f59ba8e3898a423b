"""The participant panel (`enter` on the roster): one person, live, with the keys that act on them in place.

It stays live while open: their time in the call ticks, muted / on hold / hand follow every poll and event
(it subscribes to the rooms service like the Conferences screen does), and their history (joins, mutes, kicks,
hands) grows below. `m` mutes or unmutes them, `x` kicks them (asking first), `h` lowers their hand; on a
read-only profile `m` and `x` are hidden, as on the roster.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from api.models.display import clock
from console.rooms.updates import ActionDone, HandsChanged, RoomPolled, RoomUnwatched, RoomUpdate
from console.screens.dialogs import ConfirmScreen
from console.session import Session
from widgets.people import clock_time, format_number
from widgets.timeline import Timeline


class ParticipantPanel(ModalScreen[None]):
    """Everything known about one participant, kept up to date, with m, x and h."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="participant.close"),
        Binding("m", "mute_toggle", "Mute/unmute", id="participant.mute"),
        Binding("x", "kick", "Kick", id="participant.kick"),
        Binding("h", "lower_hand", "Lower hand", id="participant.lower_hand"),
    ]
    CHANGES: ClassVar[dict[str, str]] = {"mute_toggle": "mute", "kick": "kick"}

    DEFAULT_CSS = """
    ParticipantPanel #dialog-box { width: 90; height: auto; max-height: 90%; }
    ParticipantPanel #participant-history { height: 10; border-top: solid $primary; }
    ParticipantPanel #participant-status.error { color: $error; }
    """

    def __init__(self, session: Session, room: str, call_id: str) -> None:
        super().__init__(classes="dialog")
        self.session = session
        self.rooms = session.rooms
        self.room = room
        self.call_id = call_id
        self._unsubscribe: Callable[[], None] = lambda: None
        self._history: str | None = None  # the attendance line, until the next poll changes it
        self._shown = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Static("", id="participant-detail")
            yield Timeline(id="participant-history", max_entries=200)
            yield Static("", id="participant-status")
            yield Static("m mutes/unmutes · x kicks · h lowers the hand · escape closes", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        self._unsubscribe = self.rooms.subscribe(self._update)
        self.query_one(Timeline).show(self.rooms.timeline(self.room, self.call_id))
        self._draw()
        self.set_interval(1.0, self._draw)  # the time in the call runs on between polls

    def on_unmount(self) -> None:
        self._unsubscribe()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        change = self.CHANGES.get(action)
        return change is None or not self.session.gateway.refuses(change)

    # ---- what it shows -----------------------------------------------------------------------------------

    def _draw(self) -> None:
        moderator = self.session.moderator
        watch = moderator.watch(self.room)
        participant = watch.participants.get(self.call_id)
        cli = participant.cli if participant else ""
        name = self.rooms.person_name(self.room, self.call_id)
        contact = self.session.resolved.profile.contact(cli) if cli else None
        lines = [
            f"[b]{escape(name)}[/b]" + ("  ★ moderator" if contact and contact.moderator else ""),
            f"Number      {escape(format_number(cli))}  ({escape(cli)})" if cli else "Number      unknown",
            f"Call id     {escape(self.call_id)}",
            f"Conference  {escape(self.room)}",
        ]
        if participant is not None and watch.last_ok is not None:
            now = self.session.clock()
            seconds = participant.duration + max(0, int((now - watch.last_ok).total_seconds()))
            hand = "[b magenta]raised[/]" if self.rooms.hands.is_raised(self.room, self.call_id) else "down"
            lines += [
                f"In the call {clock(seconds)}" + (f"   (as of {watch.health(now)})" if watch.stale else ""),
                f"Muted       {'[b]yes[/b]' if participant.muted else 'no'}",
                f"On hold     {'[b]yes[/b]' if participant.on_hold else 'no'}",
                f"Hand        {hand}",
            ]
        else:
            lines.append("[b]Not in the conference any more.[/b]")
        if self._history is None:  # the whole room's report: built when a poll changed it, not every second
            row = next((row for row in moderator.attendance_report(self.room) if self.call_id in row.call_ids), None)
            self._history = "" if row is None else (
                f"First joined {clock_time(row.first_joined)}, muted {row.times_muted} time(s)"
                + (", kicked" if row.kicked else ""))
        if self._history:
            lines.append(self._history)
        text = "\n".join(lines)
        if text != self._shown:  # a tick that changes nothing lays nothing out
            self._shown = text
            self.query_one("#participant-detail", Static).update(text)

    def _update(self, update: RoomUpdate) -> None:
        if not self.is_mounted:
            return
        timeline = self.query_one(Timeline)
        if isinstance(update, RoomPolled) and update.result.room == self.room:
            for entry in update.result.entries:
                if entry.call_id == self.call_id:
                    timeline.add(self.rooms.named(entry))
            for note in update.lowered:
                if note.call_id == self.call_id:
                    timeline.add(self.rooms.hand_entry(note))
            if update.result.diff:
                self._history = None
            self._draw()
        elif isinstance(update, HandsChanged) and update.room == self.room:
            for note in update.notes:
                if note.call_id == self.call_id:
                    timeline.add(self.rooms.hand_entry(note))
            self._draw()
        elif isinstance(update, ActionDone) and update.outcome.room == self.room \
                and update.outcome.call_id == self.call_id:
            self._status(update.outcome.text, error=not update.outcome.ok)
            timeline.show(self.rooms.timeline(self.room, self.call_id))  # the console's own action is on it
        elif isinstance(update, RoomUnwatched) and update.room == self.room:
            self.dismiss(None)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#participant-status", Static)
        status.update(Text(text))  # outcomes quote names and numbers: never markup
        status.set_class(error, "error")

    # ---- keys --------------------------------------------------------------------------------------------

    def _present(self) -> bool:
        if self.call_id in self.session.moderator.watch(self.room).participants:
            return True
        self.app.bell()
        self._status("They already left: nothing to do.")
        return False

    def action_mute_toggle(self) -> None:
        if not self._present():
            return
        room, call_id = self.room, self.call_id
        if self.session.moderator.watch(room).participants[call_id].muted:
            self.rooms.act(room, lambda: self.rooms.unmute(room, call_id))
        else:
            self.rooms.act(room, lambda: self.rooms.mute(room, call_id))

    def action_kick(self) -> None:
        if not self._present():
            return
        room, call_id = self.room, self.call_id
        question = (f"Kick [b]{escape(self.rooms.person_name(room, call_id))}[/b] out of [b]{escape(room)}[/b]?\n"
                    "Their call is hung up. (y kicks, n or escape cancels)")

        def answered(yes: bool | None) -> None:
            if yes:
                self.rooms.act(room, lambda: self.rooms.kick(room, call_id))

        self.app.push_screen(ConfirmScreen(question, confirm_label="Kick"), answered)

    def action_lower_hand(self) -> None:
        if self.rooms.lower_hand(self.room, self.call_id):
            self._status("Hand lowered.")
        else:
            self.app.bell()
            self._status("Their hand is not raised.")

    def action_close(self) -> None:
        self.dismiss(None)
