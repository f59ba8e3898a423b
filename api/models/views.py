"""Models the console's services build and its widgets render: one class per concept, shared by both.

They live in api.models because it is the one layer both may import (services may not import widgets, widgets may
not import console; see the import-linter contracts). They are plain frozen dataclasses, not wire models: the
platform never sends or receives them (a RoomDiff carries the wire model of each participant it names).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from api.models.conferences import Participant


@dataclass(frozen=True, slots=True)
class Contact:
    """A known number: the name shown instead of it, and whether this person moderates (spared by "mute all
    except moderators" and by the room policies, marked in the roster).

    Built from the profile's address book (console.config validates the file), looked up by console.rooms'
    AddressBook, shown by widgets.roster.
    """

    name: str
    moderator: bool = False


@dataclass(frozen=True, slots=True)
class RoomSummary:
    """One watched room as the watch list shows it: counts, poll health, policy badges.

    Built by console.rooms (RoomWatch.summary, Moderator.summary), rendered by widgets.watch_list.
    """

    room: str
    participants: int | None = None
    """People in the room at the last good poll; None before the first answer."""
    muted: int | None = None
    health: str = "ok"
    """"ok", "waiting" (no answer yet), "stale" (last poll failed; see stale_for) or a short error text."""
    stale_for: float | None = None
    """Seconds since the last good poll when the roster is stale."""
    paused: bool = False
    auto_mute: bool = False
    locked: bool = False
    recent: tuple[int, ...] = ()
    """People in the room per minute over the last 30 minutes (the peak of each minute), oldest first; the
    watch list draws it as a sparkline (console.rooms.count_history keeps it)."""

    @property
    def stale(self) -> bool:
        return self.health == "stale"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One thing that happened in a room: who joined, left, was muted, kicked... when, and by whom.

    Built by console.rooms.timeline (from polls and the console's own actions; the attendance book reads them
    too), named for people by the screen (`who`), rendered by widgets.timeline. `call_id` and `cli` are empty
    for room-wide entries (policy changes).
    """

    at: datetime
    kind: str
    """joined, left, muted, unmuted, kicked, held, resumed, hand, policy, error (or any word)."""
    call_id: str = ""
    cli: str = ""
    """The participant's number as the platform sent it."""
    by: str = "platform"
    """Who caused it: "console" (this operator), "platform" (Sinch or the participant) or a policy name."""
    detail: str = ""
    who: str = ""
    """How the timeline names them (address-book name or formatted number); empty: the cli or call id."""


@dataclass(frozen=True, slots=True)
class RoomDiff:
    """What changed in a room between two answers, by callId, with the participant models as now seen.

    Built once per poll by console.rooms (RoomWatch.apply_poll); the timeline, the hands, the policies and
    widgets.roster all take this one diff (the roster never diffs the room again).

    `initial` is true for the first answer a watch gets: everyone in it is "joined" as far as the console
    knows, but they are not newcomers (policies leave them alone). `left` carries the last model seen.
    """

    room: str
    at: datetime
    joined: tuple[Participant, ...] = ()
    left: tuple[Participant, ...] = ()
    muted: tuple[Participant, ...] = ()
    unmuted: tuple[Participant, ...] = ()
    held: tuple[Participant, ...] = ()
    resumed: tuple[Participant, ...] = ()
    initial: bool = False

    def __bool__(self) -> bool:
        return any((self.joined, self.left, self.muted, self.unmuted, self.held, self.resumed))


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of time; `end` is when it stopped (the chart's end for what still goes on)."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class PresenceBar:
    """One person on the attendance chart: when they were in the room, when muted, when kicked.

    Built by console.rooms.attendance (AttendanceBook.chart), drawn by widgets.attendance_chart and written as
    SVG by console.rooms.attendance_svg.
    """

    name: str
    present: tuple[Span, ...]
    muted: tuple[Span, ...] = ()
    kicked: tuple[datetime, ...] = ()
    still_here: bool = False


@dataclass(frozen=True, slots=True)
class PresenceChart:
    """A room's attendance over the meeting's time: from the first join to the last leave (or now)."""

    room: str
    start: datetime
    end: datetime
    bars: tuple[PresenceBar, ...] = ()


@dataclass(frozen=True, slots=True)
class HourOfCalls:
    """Calls the console placed in one clock hour: how many, and what they cost so far.

    Built by console.calls.hourly, drawn by widgets.calls_per_hour.
    """

    hour: datetime
    """The start of the hour (local time)."""
    placed: int = 0
    cost: float = 0.0
