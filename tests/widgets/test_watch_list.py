"""The watch list: rooms with counts and health, selection by key, removal requests, an explained empty state."""

from __future__ import annotations

from widget_hosts import Host

from widgets import RoomSummary, WatchList
from widgets.watch_list import EMPTY_ID, describe


def selections(app: Host) -> list[str]:
    return [m.room for m in app.messages if isinstance(m, WatchList.Selected)]


async def test_empty_state_explains_that_rooms_must_be_added() -> None:
    app = Host(WatchList())
    async with app.run_test():
        watch = app.widget
        assert watch.selected_room is None and watch.rooms == []
        empty = watch.get_option(EMPTY_ID)
        assert empty.disabled
        assert "cannot list conferences" in str(empty.prompt) and "a" in str(empty.prompt)
        watch.add_room("r1")
        assert watch.rooms == ["r1"] and watch.option_count == 1
        watch.remove_room("r1")
        assert watch.get_option(EMPTY_ID)


async def test_selection_follows_the_highlight_and_enter() -> None:
    app = Host(WatchList("r1", "r2", "r3"))
    async with app.run_test() as pilot:
        watch = app.widget
        watch.focus()
        await pilot.pause()
        assert watch.selected_room == "r1"
        await pilot.press("down")
        await pilot.press("enter")
        watch.select("r3")  # the screen's own choice: highlighted but not announced back to it
        await pilot.pause()
        assert watch.selected_room == "r3"
        assert selections(app) == ["r1", "r2", "r2"]
        await pilot.press("up")  # the operator moving again is announced
        await pilot.pause()
        assert selections(app) == ["r1", "r2", "r2", "r2"]


async def test_delete_requests_removal_and_remove_moves_the_highlight() -> None:
    app = Host(WatchList("r1", "r2"))
    async with app.run_test() as pilot:
        watch = app.widget
        watch.focus()
        await pilot.press("down", "delete", "backspace")
        await pilot.pause()
        assert [m.room for m in app.messages if isinstance(m, WatchList.RemoveRequested)] == ["r2", "r2"]
        assert watch.rooms == ["r1", "r2"]  # the screen decides
        watch.remove_room("r2")
        await pilot.pause()
        assert watch.rooms == ["r1"] and watch.selected_room == "r1"


async def test_update_room_changes_only_what_is_given() -> None:
    app = Host(WatchList("r1"))
    async with app.run_test():
        watch = app.widget
        assert "waiting" in str(describe(watch.summary("r1")))
        watch.update_room("r1", participants=3, muted=1, health="ok")
        watch.update_room("r1", auto_mute=True)
        summary = watch.summary("r1")
        assert summary == RoomSummary("r1", participants=3, muted=1, health="ok", auto_mute=True)
        assert "3 in · 1 muted · ok" in str(watch.get_option("r1").prompt)
        watch.update_room("r1", health="stale", stale_for=12.4)
        assert "stale 12 s" in str(watch.get_option("r1").prompt)
        watch.update_room("r1", paused=True)
        assert "paused" in str(watch.get_option("r1").prompt)
        watch.update_room("gone", participants=1)  # a poll answering after the room was removed
        watch.add_room(RoomSummary("r1", participants=4))  # adding a watched room updates it
        assert watch.rooms == ["r1"] and watch.summary("r1").participants == 4


def test_long_errors_are_shortened() -> None:
    text = str(describe(RoomSummary("r", health="Cannot reach the platform: connection refused")))
    assert "Cannot reach the platfo…" in text
