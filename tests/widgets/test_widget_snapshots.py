"""One snapshot per widget, frozen data, 100x24."""

from __future__ import annotations

from widget_hosts import (
    AttendanceChartSnapshot,
    CallsPerHourSnapshot,
    EmptyWatchListSnapshot,
    RosterSnapshot,
    TimelineSnapshot,
    WatchListSnapshot,
)

SIZE = (100, 24)


def test_snapshot_roster(snap_compare) -> None:
    assert snap_compare(RosterSnapshot(), terminal_size=SIZE)


def test_snapshot_watch_list(snap_compare) -> None:
    assert snap_compare(WatchListSnapshot(), terminal_size=SIZE)


def test_snapshot_watch_list_empty(snap_compare) -> None:
    assert snap_compare(EmptyWatchListSnapshot(), terminal_size=SIZE)


def test_snapshot_timeline(snap_compare) -> None:
    assert snap_compare(TimelineSnapshot(), terminal_size=SIZE)


def test_snapshot_attendance_chart(snap_compare) -> None:
    assert snap_compare(AttendanceChartSnapshot(), terminal_size=SIZE)


def test_snapshot_attendance_chart_narrow(snap_compare) -> None:
    assert snap_compare(AttendanceChartSnapshot(), terminal_size=(60, 12))


def test_snapshot_calls_per_hour(snap_compare) -> None:
    assert snap_compare(CallsPerHourSnapshot(), terminal_size=(80, 3))
