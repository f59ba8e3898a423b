"""Tiny host apps for the widget tests and snapshots: one widget each, frozen data, no clock but the one given."""

from __future__ import annotations

from datetime import datetime, timedelta

from textual.app import App, ComposeResult
from textual.message import Message
from textual.widget import Widget

from api.models import Conference, Participant
from api.models.views import HourOfCalls, PresenceBar, PresenceChart, Span
from console.rooms.watch import RoomWatch
from widgets import RoomSummary, Roster, Timeline, TimelineEntry, WatchList
from widgets.attendance_chart import AttendanceChart
from widgets.calls_per_hour import CallsPerHour

FROZEN = datetime(2025, 3, 14, 9, 30, 0)
ADDRESS_BOOK = {"+14155550100": ("Ada Lovelace (CFO)", True), "+46708168731": "Sven"}


def person(call_id: str, cli: str = "+46708168731", duration: int = 5, muted: bool = False,
           on_hold: bool = False) -> Participant:
    return Participant.model_validate(
        {"id": call_id, "cli": cli, "duration": duration, "muted": muted, "onhold": on_hold}
    )


class Polls:
    """Feeds a roster as the Conferences screen does: a room's first answer drawn whole (`show`), then each poll
    as the one RoomDiff that console.rooms' RoomWatch works out (`apply`)."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.watch = RoomWatch("room")

    def __call__(self, people: list[Participant], *, now: datetime,
                 joined_at: dict[str, datetime] | None = None) -> None:
        diff = self.watch.apply_poll(Conference(participants=people), now)
        if diff.initial:
            self.roster.show(people, now=now, joined_at=joined_at)
        else:
            self.roster.apply(diff, joined_at=joined_at)


class Host(App[None]):
    """Hosts one widget and records every message it posts."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_roster_changed(self, message: Roster.Changed) -> None:
        self.messages.append(message)

    def on_roster_mute_toggle_requested(self, message: Roster.MuteToggleRequested) -> None:
        self.messages.append(message)

    def on_roster_kick_requested(self, message: Roster.KickRequested) -> None:
        self.messages.append(message)

    def on_roster_detail_requested(self, message: Roster.DetailRequested) -> None:
        self.messages.append(message)

    def on_watch_list_selected(self, message: WatchList.Selected) -> None:
        self.messages.append(message)

    def on_watch_list_remove_requested(self, message: WatchList.RemoveRequested) -> None:
        self.messages.append(message)


class RosterSnapshot(Host):
    """A live room a moment after a poll: a moderator, a muted and a held participant, a joiner, a leaver."""

    def __init__(self) -> None:
        super().__init__(Roster(address_book=ADDRESS_BOOK, clock=lambda: FROZEN))

    def on_mount(self) -> None:
        roster = self.widget
        assert isinstance(roster, Roster)
        poll = Polls(roster)
        poll([
            person("c0ffee01-aaaa-bbbb", "+14155550100", duration=1805),
            person("c0ffee02-aaaa-bbbb", "+46708168731", duration=912, muted=True),
            person("c0ffee03-aaaa-bbbb", "+442079460958", duration=64, on_hold=True),
            person("c0ffee04-aaaa-bbbb", "+4915123456789", duration=30),
        ], now=FROZEN)
        later = FROZEN + timedelta(seconds=2)
        poll([
            person("c0ffee01-aaaa-bbbb", "+14155550100", duration=1807),
            person("c0ffee02-aaaa-bbbb", "+46708168731", duration=914, muted=True),
            person("c0ffee03-aaaa-bbbb", "+442079460958", duration=66, on_hold=True),
            person("c0ffee05-aaaa-bbbb", "+33612345678", duration=1),
        ], now=later)
        roster.tick(later)  # the screen's 1 s tick: times run on between polls
        roster.set_hand("c0ffee03-aaaa-bbbb", True)
        roster.move_cursor(row=1)


class WatchListSnapshot(Host):
    def __init__(self) -> None:
        super().__init__(WatchList(
            RoomSummary("board-meeting", participants=12, muted=9, auto_mute=True, locked=True,
                        recent=(0, 2, 5, 9, 11, 12, 12, 12, 10, 12, 12, 12)),
            RoomSummary("support-bridge", participants=3, muted=0, health="stale", stale_for=12,
                        recent=(1, 1, 2, 3, 3, 2, 1, 1, 2, 3, 3, 3, 4, 5, 4, 3, 3, 2, 2, 3, 3, 3, 3, 4, 4, 3, 3, 3,
                                3, 3)),
            RoomSummary("all-hands", participants=None, muted=None, health="Not found (40400)"),
            RoomSummary("standup", participants=5, muted=1, paused=True),
        ))

    def on_mount(self) -> None:
        self.widget.styles.width = 40


class EmptyWatchListSnapshot(Host):
    def __init__(self) -> None:
        super().__init__(WatchList())

    def on_mount(self) -> None:
        self.widget.styles.width = 40


TIMELINE = [
    TimelineEntry(FROZEN, "joined", "c0ffee01", who="Ada Lovelace (CFO)"),
    TimelineEntry(FROZEN + timedelta(seconds=4), "joined", "c0ffee02", who="+46 70 816 87 31"),
    TimelineEntry(FROZEN + timedelta(seconds=4), "muted", "c0ffee02", who="+46 70 816 87 31", by="policy",
                  detail="auto-mute on join"),
    TimelineEntry(FROZEN + timedelta(seconds=40), "unmuted", "c0ffee02", who="+46 70 816 87 31", by="console"),
    TimelineEntry(FROZEN + timedelta(seconds=65), "held", "c0ffee03", who="+44 20 7946 0958"),
    TimelineEntry(FROZEN + timedelta(seconds=70), "kicked", "c0ffee04", who="+49 1512 3456789", by="console"),
    TimelineEntry(FROZEN + timedelta(seconds=70), "left", "c0ffee04", who="+49 1512 3456789"),
    TimelineEntry(FROZEN + timedelta(seconds=90), "policy", by="console", detail="room locked"),
]


class TimelineSnapshot(Host):
    def __init__(self) -> None:
        super().__init__(Timeline())

    def on_mount(self) -> None:
        timeline = self.widget
        assert isinstance(timeline, Timeline)
        timeline.show(TIMELINE)


def minutes(value: float) -> datetime:
    return FROZEN + timedelta(minutes=value)


CHART = PresenceChart("board-meeting", FROZEN, minutes(60), (
    PresenceBar("Ada Lovelace (CFO)", (Span(FROZEN, minutes(60)),), still_here=True),
    PresenceBar("+46 70 816 87 31", (Span(minutes(2), minutes(25)), Span(minutes(31), minutes(60))),
                muted=(Span(minutes(5), minutes(18)), Span(minutes(40), minutes(60))), still_here=True),
    PresenceBar("+44 20 7946 0958", (Span(minutes(10), minutes(42)),), kicked=(minutes(42),)),
    PresenceBar("+49 1512 3456789", (Span(minutes(12), minutes(14)),)),
))


class AttendanceChartSnapshot(Host):
    """A one-hour meeting: the chair throughout, one muted twice and back after a drop, one kicked, one brief."""

    def __init__(self) -> None:
        super().__init__(AttendanceChart(CHART))


class CallsPerHourSnapshot(Host):
    """Twelve hours of callouts: a busy morning, a quiet lunch."""

    def __init__(self) -> None:
        super().__init__(CallsPerHour())

    def on_mount(self) -> None:
        placed = (0, 0, 1, 4, 9, 12, 7, 2, 0, 3, 5, 1)
        hours = tuple(HourOfCalls(FROZEN.replace(minute=0) + timedelta(hours=index - 11), count,
                                  round(count * 0.037, 4))
                      for index, count in enumerate(placed))
        widget = self.widget
        assert isinstance(widget, CallsPerHour)
        widget.show(hours, "EUR")
