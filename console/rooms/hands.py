"""Raised hands: who pressed 1 in a conference (a PIE from the relay), per room, until the hand is lowered.

A participant raises a hand by pressing `1` in a room with DTMF detection; Sinch reports it as a PIE whose
`menuResult.value` is "1" (other digits mean nothing here). The hand stays up until

- the operator lowers it (a key on the participant, or every hand of the room),
- the console unmutes them (the usual answer to a raised hand), or a poll sees them unmuted after being muted,
- they leave (a poll no longer shows them, the console kicked them, or a DiCE says their call ended).

Kept here per room (not only in the roster widget), so hands survive switching rooms. Each change is also a
`HandNote` for the room's timeline ("Ada raised a hand", "hand lowered: unmuted"). No Textual: tested alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from console.rooms.watch import RoomDiff

RAISE_DIGITS = frozenset({"1"})
ABSENT_GRACE = timedelta(seconds=5)
"""A raised hand whose call a poll does not list is lowered only when raised at least this long before it."""
"""The DTMF value that raises a hand (menuResult.value, spaces ignored)."""

Why = Literal["pressed 1", "lowered", "unmuted", "left", "kicked", "call ended"]


def raises_hand(menu_result: Mapping[str, Any]) -> bool:
    """Whether a PIE's `menuResult` raises a hand: keys pressed (a "sequence" entered by DTMF, when it says)
    whose value is exactly "1". Any other digits, a timeout or a spoken answer: nothing."""
    kind, method, value = (menu_result.get(key) for key in ("type", "inputMethod", "value"))
    if kind not in (None, "", "sequence") or method not in (None, "", "dtmf"):
        return False
    return isinstance(value, str) and value.strip() in RAISE_DIGITS


@dataclass(frozen=True, slots=True)
class Hand:
    """One raised hand."""

    room: str
    call_id: str
    raised_at: datetime
    cli: str = ""


@dataclass(frozen=True, slots=True)
class HandNote:
    """A hand went up or down: one line of the room's timeline."""

    at: datetime
    room: str
    call_id: str
    raised: bool
    why: Why
    by: str = "platform"
    """"platform" (the participant, or the platform's view of them) or "console" (this operator)."""
    cli: str = ""
    """The participant's number when known (to name them on the timeline)."""

    @property
    def detail(self) -> str:
        if self.raised:
            return "raised a hand (pressed 1)"
        return "hand lowered" if self.why == "lowered" else f"hand lowered: {self.why}"


class Hands:
    """Raised hands of every watched room, oldest first within a room, and the notes of their changes."""

    def __init__(self, *, notes_per_room: int = 500) -> None:
        self._raised: dict[str, dict[str, Hand]] = {}
        self._notes: dict[str, deque[HandNote]] = {}
        self._notes_per_room = notes_per_room

    # ---- reading --------------------------------------------------------------------------------------

    def raised(self, room: str) -> list[Hand]:
        """The room's raised hands, in the order they went up."""
        return list(self._raised.get(room, {}).values())

    def is_raised(self, room: str, call_id: str) -> bool:
        return call_id in self._raised.get(room, {})

    def count(self, room: str) -> int:
        return len(self._raised.get(room, {}))

    def notes(self, room: str) -> list[HandNote]:
        """What happened to the room's hands, oldest first (the last `notes_per_room`)."""
        return list(self._notes.get(room, ()))

    def rooms_of(self, call_id: str) -> list[str]:
        """The rooms where `call_id` has a hand up (one, unless the call moved rooms)."""
        return [room for room, hands in self._raised.items() if call_id in hands]

    # ---- changes --------------------------------------------------------------------------------------

    def raise_hand(self, room: str, call_id: str, at: datetime, *, cli: str = "") -> HandNote | None:
        """Raise `call_id`'s hand in `room`; None when it was already up (pressing 1 again changes nothing)."""
        hands = self._raised.setdefault(room, {})
        if call_id in hands:
            return None
        hands[call_id] = Hand(room, call_id, at, cli)
        return self._note(HandNote(at, room, call_id, True, "pressed 1", cli=cli))

    def lower(self, room: str, call_id: str, at: datetime, *, why: Why = "lowered",
              by: str = "console") -> HandNote | None:
        """Lower one hand; None when it was not up."""
        hands = self._raised.get(room)
        hand = hands.pop(call_id, None) if hands else None
        if hand is None:
            return None
        return self._note(HandNote(at, room, call_id, False, why, by, hand.cli))

    def lower_all(self, room: str, at: datetime, *, why: Why = "lowered", by: str = "console") -> list[HandNote]:
        """Lower every hand of the room."""
        return [note for call_id in [hand.call_id for hand in self.raised(room)]
                if (note := self.lower(room, call_id, at, why=why, by=by)) is not None]

    def call_ended(self, call_id: str, at: datetime) -> list[HandNote]:
        """A DiCE: the call is over, its hand (in whichever room) goes down."""
        return [note for room in self.rooms_of(call_id)
                if (note := self.lower(room, call_id, at, why="call ended", by="platform")) is not None]

    def apply_diff(self, diff: RoomDiff, present: Collection[str] | None = None) -> list[HandNote]:
        """A poll's changes: leavers and participants now unmuted (after being muted) lower their hands.

        `present`, the callIds the poll saw, also lowers hands of calls it never saw that were raised more
        than ABSENT_GRACE before it (their leaving was missed: gone before a poll, DiCE off or dropped). The
        grace keeps a hand raised by someone who joined after the poll was sent.
        """
        if not self._raised.get(diff.room):
            return []
        notes: list[HandNote] = []
        if present is not None:
            for hand in list(self._raised[diff.room].values()):
                if hand.call_id not in present and hand.raised_at <= diff.at - ABSENT_GRACE:
                    note = self.lower(diff.room, hand.call_id, diff.at, why="left", by="platform")
                    if note is not None:
                        notes.append(note)
        changes: Iterable[tuple[Why, Iterable[str]]] = (
            ("left", (p.call_id for p in diff.left)), ("unmuted", (p.call_id for p in diff.unmuted)))
        for why, call_ids in changes:
            for call_id in call_ids:
                note = self.lower(diff.room, call_id, diff.at, why=why, by="platform")
                if note is not None:
                    notes.append(note)
        return notes

    def forget(self, room: str) -> None:
        """The room is no longer watched."""
        self._raised.pop(room, None)
        self._notes.pop(room, None)

    def _note(self, note: HandNote) -> HandNote:
        notes = self._notes.get(note.room)
        if notes is None:
            notes = self._notes[note.room] = deque(maxlen=self._notes_per_room)
        notes.append(note)
        return note
