"""What the rooms service publishes (console/rooms/service.py): one small frozen type per kind of change.

A subscriber (the Conferences screen, the participant panel, a test) matches on the type and draws what it
shows; none of them asks the platform itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.rooms.hands import HandNote
from console.rooms.moderator import Outcome, PollResult


@dataclass(frozen=True, slots=True)
class RoomWatched:
    room: str


@dataclass(frozen=True, slots=True)
class RoomUnwatched:
    room: str


@dataclass(frozen=True, slots=True)
class RoomPolled:
    """One poll's result, and the hands it lowered (someone who left, or was unmuted after being muted)."""

    result: PollResult
    lowered: tuple[HandNote, ...] = ()


@dataclass(frozen=True, slots=True)
class RoomSettingsChanged:
    """Paused, resumed, or its interval changed: the title and the watch list redraw."""

    room: str


@dataclass(frozen=True, slots=True)
class HandsChanged:
    room: str
    notes: tuple[HandNote, ...]


@dataclass(frozen=True, slots=True)
class ActionDone:
    """An action on a room ended (done, failed or refused: the outcome says which, in words)."""

    outcome: Outcome


@dataclass(frozen=True, slots=True)
class RoomsNotice:
    """Something the operator should read that is not any one action's outcome."""

    text: str
    error: bool = False


RoomUpdate = RoomWatched | RoomUnwatched | RoomPolled | RoomSettingsChanged | HandsChanged | ActionDone | RoomsNotice
