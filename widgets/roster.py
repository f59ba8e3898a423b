"""The conference roster: one row per participant, keyed by callId.

A room is drawn whole once (`show`: its first answer, or switching to it); after that each poll arrives as the
rooms service's `RoomDiff` (`apply`), so only the rows it names are touched and the room is never diffed twice:
changed cells are updated in place, joiners are appended (highlighted for `highlight_for` seconds), leavers stay
greyed for `linger` seconds, and the cursor stays on the same person whoever joins or leaves above them.
Between polls `tick(now)` advances the durations so the clock keeps running without a request.

Time is always passed in (`now=`) or read from the injected `clock`, so tests never sleep. How each step
becomes table changes (add, restyle, grey, expire, filter) is the base class's, `widgets/roster_reconcile.py`;
what a row says and how it is styled, `widgets/roster_rows.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import ClassVar

from rich.cells import cell_len
from textual.binding import Binding, BindingType
from textual.message import Message

from api.models import Participant
from api.models.views import RoomDiff
from widgets.people import AddressBookInput, format_number, normalise_address_book, short_call_id
from widgets.roster_reconcile import ReconcilingRoster
from widgets.roster_rows import COLUMNS, TIME, Entry, RosterRow, styled_cell, time_in_call, time_in_call_changes_at
from widgets.roster_table import batched

__all__ = ["COLUMNS", "Roster", "RosterRow", "format_number", "short_call_id"]

QUIET_AT_MOST = timedelta(minutes=1)
"""The longest a tick rests without working everything out again (a safety net: the rest is exact)."""


class Roster(ReconcilingRoster):
    """Participants of one conference. Give it models with `show()`; it never fetches.

    Keys post requests; the screen decides what they do (confirm, call the API, audit).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="roster.down"),
        Binding("k", "cursor_up", "Up", show=False, id="roster.up"),
        Binding("m", "mute_toggle", "Mute/unmute", id="conference.mute"),
        Binding("x", "kick", "Kick", id="conference.kick"),
        Binding("enter", "detail", "Details", id="conference.detail"),
    ]
    """
    | Key(s) | Id | Description |
    | :- | :- | :- |
    | j / k | roster.down / roster.up | Move the cursor down / up (vim: `k` never kicks). |
    | m | conference.mute | Post `MuteToggleRequested` for the participant under the cursor. |
    | x | conference.kick | Post `KickRequested` for the participant under the cursor. |
    | enter | conference.detail | Post `DetailRequested` for the participant under the cursor. |
    """

    class Changed(Message):
        """Posted after reconciling when someone joined or left in this update (callIds)."""

        def __init__(self, roster: Roster, joined: list[str], left: list[str]) -> None:
            self.roster = roster
            self.joined = joined
            self.left = left
            super().__init__()

        @property
        def control(self) -> Roster:
            return self.roster

    class ParticipantRequest(Message):
        """Base of the key requests: which participant the operator pointed at."""

        def __init__(self, roster: Roster, call_id: str) -> None:
            self.roster = roster
            self.call_id = call_id
            super().__init__()

        @property
        def control(self) -> Roster:
            return self.roster

    class MuteToggleRequested(ParticipantRequest):
        """`m`: mute the participant, or unmute them if `muted` (the state shown now)."""

        def __init__(self, roster: Roster, call_id: str, muted: bool) -> None:
            super().__init__(roster, call_id)
            self.muted = muted

    class KickRequested(ParticipantRequest):
        """`k`: remove the participant from the conference (the screen confirms first)."""

    class DetailRequested(ParticipantRequest):
        """`enter`: show everything known about the participant."""

    def __init__(
        self,
        *,
        address_book: AddressBookInput | None = None,
        linger: float = 10.0,
        highlight_for: float = 3.0,
        clock: Callable[[], datetime] = datetime.now,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """
        Args:
            address_book: number -> Contact, (name, moderator) or name; numbers match in any format.
            linger: seconds a leaver stays greyed before its row is removed.
            highlight_for: seconds a joiner stays highlighted.
            clock: where `show`/`tick` read the time when not given `now`.
        """
        super().__init__(address_book=address_book, linger=linger, highlight_for=highlight_for, name=name, id=id,
                         classes=classes, disabled=disabled)
        self._clock = clock

    def on_mount(self) -> None:
        self._ensure_columns()

    # -- what the screen calls -----------------------------------------------------------------------------

    @batched
    def show(
        self,
        participants: Iterable[Participant],
        *,
        now: datetime | None = None,
        joined_at: Mapping[str, datetime] | None = None,
    ) -> None:
        """Draw a whole room anew: its first answer, or the room just switched to. Raised hands stay (they are
        set by callId, even before a row exists). Every later poll comes as a diff: `apply`.

        Args:
            participants: everyone in the conference now.
            now: when the poll answered (default: the clock).
            joined_at: known join times by callId (default: `now`).
        """
        now = now or self._clock()
        given = joined_at or {}
        selected = self.selected_call_id
        self._forget_rows()
        self._ensure_columns()
        for participant in participants:
            self._add(participant, given.get(participant.call_id, now), now, highlight=False)
            self._present.add(participant.call_id)
        self._keep_cursor_on(selected)

    @batched
    def apply(self, diff: RoomDiff, *, joined_at: Mapping[str, datetime] | None = None) -> None:
        """Take one poll's diff, worked out once by the rooms service: only the rows it names are touched.

        Everyone else keeps their row as it is (their time runs on in `tick` from their last model). The first
        answer of a room, or a roster that was cleared, needs the whole room: call `show` for that.
        """
        now = diff.at
        if not diff and not self._fresh and not self._leaving and self.columns:
            return  # a quiet room's poll: nobody to touch, no highlight or leaver to expire (most polls)
        given = joined_at or {}
        self._ensure_columns()
        selected = self.selected_call_id
        entries = self._entries
        joined: list[str] = []
        for participant in diff.joined:
            call_id = participant.call_id
            entry = entries.get(call_id)
            if entry is not None and entry.left_at is not None:  # back before their row was removed
                self._revive(call_id, entry, participant, now)
            elif entry is None:
                self._add(participant, given.get(call_id, now), now, highlight=True)
            self._present.add(call_id)
            joined.append(call_id)
        for participant in (*diff.muted, *diff.unmuted, *diff.held, *diff.resumed):
            entry = entries.get(participant.call_id)
            if entry is not None and entry.left_at is None:
                before = entry.participant
                entry.participant, entry.polled_at, entry.seconds = participant, now, participant.duration
                if participant.cli != before.cli:
                    self._identify(entry)
                self._update(participant.call_id, entry)
        left = [participant.call_id for participant in diff.left if participant.call_id in entries]
        for call_id in left:
            self._present.discard(call_id)
            self._mark_left(call_id, entries[call_id], now)
        self._expire(now)
        self._keep_cursor_on(selected)
        if joined or left:
            self.post_message(self.Changed(self, joined, left))

    def tick(self, now: datetime | None = None) -> None:
        """Advance the durations by the time since their last poll; clear expired highlights and leavers.

        A tick changes something only when a shown duration reaches its next minute, a highlight or a leaver's
        time runs out, or other rows come into view: until the first of those (worked out by the last tick that
        did the work) a tick does nothing at all, so a quiet room costs no work most seconds.
        """
        now = now or self._clock()
        if self._quiet_until is not None and now < self._quiet_until and self._window() == self._quiet_window:
            return
        self._advance(now)

    @batched
    def _advance(self, now: datetime) -> None:
        """The tick's work. Only rows on screen get their cell rewritten: in a room of 1,000 rewriting every
        duration each second (and re-measuring each cell) was most of the console's CPU. A row scrolled into view
        shows its time from the next tick on (within a second), the same staleness a tick has anyway."""
        rows = self.rows
        visible = self._visible_keys()
        wake = now + QUIET_AT_MOST
        for call_id, entry in self._entries.items():
            if entry.left_at is not None:
                continue
            duration = entry.participant.duration
            seconds = duration + int((now - entry.polled_at).total_seconds())
            if seconds > entry.seconds:  # never run the clock backwards between polls
                entry.seconds = seconds
            if visible is not None and call_id not in visible:
                continue
            # when its words change next: the clock reaches the next minute's seconds (from its last poll)
            wake = min(wake, entry.polled_at + timedelta(seconds=time_in_call_changes_at(entry.seconds) - duration))
            text = time_in_call(entry.seconds)
            before = entry.cells[TIME]
            if text == before:
                continue
            entry.cells[TIME] = text
            if call_id in rows:
                cell = styled_cell(TIME, text, entry.look)
                self.update_cell(call_id, "time", cell, update_width=cell_len(text) > cell_len(before))
        self._quiet_until = wake
        self._expire(now)  # a row it restyled or removed wakes the next tick (rows may have come into view)
        if self._quiet_until is not None:
            linger = timedelta(seconds=self.linger)
            self._quiet_until = min((wake, *self._fresh.values(), *(at + linger for at in self._leaving.values())))
        self._quiet_window = self._window()

    @batched
    def set_hand(self, call_id: str, raised: bool) -> None:
        """Raise or lower a participant's hand (from relay events); remembered even before they appear."""
        if raised:
            self._hands.add(call_id)
        else:
            self._hands.discard(call_id)
        entry = self._entries.get(call_id)
        if entry is not None:
            self._update(call_id, entry)

    @batched
    def set_address_book(self, address_book: AddressBookInput | None) -> None:
        """Replace the address book: names and moderator marks update in place."""
        self._contacts = normalise_address_book(address_book)
        for call_id, entry in self._entries.items():
            self._identify(entry)
            self._update(call_id, entry)
        if self._filter:
            self._rebuild()  # names decide what the filter matches

    def clear(self, columns: bool = False) -> Roster:
        """Forget everyone (e.g. when switching rooms): no lingering leavers, no highlights, no hands."""
        self._hands.clear()
        self._forget_rows(columns)
        return self

    def participant(self, call_id: str) -> RosterRow | None:
        """The last model and display name of a participant still on the roster (lingering leavers included)."""
        entry = self._entries.get(call_id)
        if entry is None:
            return None
        return entry.row(call_id in self._hands)

    # -- keys -----------------------------------------------------------------------------------------------

    def _pointed_at(self) -> Entry | None:
        call_id = self.selected_call_id
        entry = self._entries.get(call_id) if call_id else None
        if entry is None or entry.left_at is not None:  # nothing to act on: they already left
            self.app.bell()
            return None
        return entry

    def action_mute_toggle(self) -> None:
        if entry := self._pointed_at():
            call_id = entry.participant.call_id
            self.post_message(self.MuteToggleRequested(self, call_id, entry.participant.muted))

    def action_kick(self) -> None:
        if entry := self._pointed_at():
            self.post_message(self.KickRequested(self, entry.participant.call_id))

    def action_detail(self) -> None:
        call_id = self.selected_call_id
        if call_id in self._entries:  # details of a leaver are still useful
            self.post_message(self.DetailRequested(self, call_id))
