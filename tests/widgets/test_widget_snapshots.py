"""One snapshot per widget, frozen data, 100x24."""

from __future__ import annotations

from widget_hosts import EmptyWatchListSnapshot, RosterSnapshot, TimelineSnapshot, WatchListSnapshot

SIZE = (100, 24)


def test_snapshot_roster(snap_compare) -> None:
    assert snap_compare(RosterSnapshot(), terminal_size=SIZE)


def test_snapshot_watch_list(snap_compare) -> None:
    assert snap_compare(WatchListSnapshot(), terminal_size=SIZE)


def test_snapshot_watch_list_empty(snap_compare) -> None:
    assert snap_compare(EmptyWatchListSnapshot(), terminal_size=SIZE)


def test_snapshot_timeline(snap_compare) -> None:
    assert snap_compare(TimelineSnapshot(), terminal_size=SIZE)
