"""The roster reconciles by callId: changed cells update in place, joiners glow, leavers linger, cursor kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import DataTable
from widget_hosts import FROZEN, Host, Polls, person

from api.models.display import clock
from widgets import Roster
from widgets.people import format_number, number_digits
from widgets.roster_rows import time_in_call, time_in_call_changes_at

T0 = FROZEN


def later(seconds: float):
    return T0 + timedelta(seconds=seconds)


def host(**options) -> Host:
    options.setdefault("clock", lambda: T0)
    return Host(Roster(address_book={"+14155550100": ("Ada (CFO)", True)}, **options))


def texts(roster: Roster, call_id: str) -> list[str]:
    return [str(cell) for cell in roster.get_row(call_id)]


async def test_cursor_stays_on_the_same_call_when_rows_above_leave_and_join() -> None:
    app = host()
    async with app.run_test() as pilot:
        roster = app.widget
        poll = Polls(roster)
        poll([person("a"), person("b"), person("c")], now=T0)
        roster.move_cursor(row=2)
        assert roster.selected_call_id == "c"
        poll([person("b"), person("c")], now=later(1))  # "a" left above the cursor: it lingers
        assert roster.selected_call_id == "c"
        poll([person("z"), person("b"), person("c")], now=later(2))  # a joiner is appended
        assert roster.selected_call_id == "c"
        poll([person("z"), person("b"), person("c")], now=later(12))  # "a" is removed after linger
        assert "a" not in roster.rows
        assert roster.selected_call_id == "c"
        assert roster.get_row_index("c") == 1
        await pilot.pause()
        changes = [(m.joined, m.left) for m in app.messages if isinstance(m, Roster.Changed)]
        assert changes == [([], ["a"]), (["z"], [])]  # the room drawn whole is nobody joining


async def test_many_leavers_above_the_cursor_are_removed_in_one_pass() -> None:
    app = host(linger=0)
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        everyone = [person(f"p{i:02d}") for i in range(30)]
        poll(everyone, now=T0)
        roster.move_cursor(row=20)
        poll(everyone[10:], now=later(1))  # ten leave above the cursor, removed at once (linger=0)
        assert roster.selected_call_id == "p20"
        assert list(roster.rows) == [f"p{i:02d}" for i in range(10, 30)]
        assert [roster.get_row_index(f"p{i:02d}") for i in range(10, 30)] == list(range(20))
        assert str(roster.get_row_at(0)[2]) == "p10"


async def test_only_changed_cells_are_updated(monkeypatch: pytest.MonkeyPatch) -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a", duration=59), person("b", "+14155550100", duration=10)], now=T0)
        touched: list[tuple[str, str]] = []
        original = DataTable.update_cell

        def spy(self, row_key, column_key, value, *, update_width=False):
            touched.append((str(row_key), str(column_key)))
            original(self, row_key, column_key, value, update_width=update_width)

        monkeypatch.setattr(DataTable, "update_cell", spy)
        poll([person("a", duration=61, muted=True), person("b", "+14155550100", duration=10)], now=later(1))
        assert sorted(touched) == [("a", "muted"), ("a", "time")]
        assert texts(roster, "a")[3:5] == ["1 min", "muted"]
        touched.clear()
        poll([person("a", duration=61, muted=True), person("b", "+14155550100", duration=10)], now=later(1))
        assert touched == []


async def test_names_moderators_and_numbers() -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a", "14155550100"), person("b", "+46708168731")], now=T0)
        assert texts(roster, "a")[:2] == ["Ada (CFO)", "★"]
        assert texts(roster, "b")[:2] == ["+46 70 816 87 31", ""]
        roster.set_address_book({"+46 70 816 87 31": "Sven"})
        assert texts(roster, "a")[:2] == ["+1 415-555-0100", ""]
        assert texts(roster, "b")[0] == "Sven"
        row = roster.participant("b")
        assert row is not None and row.name == "Sven" and row.participant.cli == "+46708168731"
        assert roster.participant("nobody") is None


async def test_joiners_are_highlighted_until_it_expires_and_joined_at_is_kept() -> None:
    app = host(highlight_for=3)
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a")], now=T0)
        first = roster.get_row("a")[0]
        assert str(first) == "+46 70 816 87 31" and not str(getattr(first, "style", ""))  # first poll: no highlight
        poll([person("a"), person("b")], now=later(1), joined_at={})
        name = roster.get_row("b")[0]
        assert "green" in str(name.style)
        assert str(roster.get_row("b")[6]) == "09:30:01"
        roster.tick(later(3.5))
        assert "green" in str(roster.get_row("b")[0].style)
        roster.tick(later(4))
        expired = roster.get_row("b")[0]
        assert str(expired) == "+46 70 816 87 31" and not str(getattr(expired, "style", ""))
        poll([person("a"), person("c")], now=later(5), joined_at={"c": T0 - timedelta(hours=1)})
        assert str(roster.get_row("c")[6]) == "08:30:00"


async def test_leavers_linger_greyed_then_disappear() -> None:
    app = host(linger=10)
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a"), person("b")], now=T0)
        poll([person("b")], now=later(1))
        cells = roster.get_row("a")
        assert str(cells[3]) == "left"
        assert "strike" in str(cells[0].style)
        assert roster.participant("a").left_at == later(1)
        roster.tick(later(10.9))
        assert "a" in roster.rows
        roster.tick(later(11))
        assert "a" not in roster.rows
        assert roster.participant("a") is None


async def test_a_leaver_who_comes_back_is_restored() -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a"), person("b")], now=T0)
        poll([person("b")], now=later(1))
        poll([person("a", duration=70), person("b")], now=later(2))
        assert texts(roster, "a")[3] == "1 min"  # their own time again, not "left"
        assert roster.participant("a").left_at is None


async def test_tick_advances_durations_between_polls() -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a", duration=58), person("b", duration=3599)], now=T0)
        roster.tick(later(2.5))
        assert texts(roster, "a")[3] == "1 min"
        assert texts(roster, "b")[3] == "1 h 00 min"
        poll([person("a", duration=60), person("b", duration=3601)], now=later(2.5))
        assert texts(roster, "a")[3] == "1 min"


async def test_filter_by_digits_name_and_call_id_keeps_the_cursor() -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a", "+46708168731"), person("b", "+14155550100"), person("c9", "+442079460958")],
                    now=T0)
        roster.move_cursor(row=1)
        roster.set_filter("0708")  # the Swedish national form of +46 70 8...
        assert list(roster.rows) == ["a"]
        roster.set_filter("ada")
        assert list(roster.rows) == ["b"]
        assert roster.selected_call_id == "b"
        roster.set_filter("+1 (415) 555")
        assert list(roster.rows) == ["b"]
        roster.set_filter("C9")
        assert list(roster.rows) == ["c9"]
        roster.set_filter("")
        assert list(roster.rows) == ["a", "b", "c9"]
        roster.move_cursor(row=1)
        roster.set_filter("4")  # everyone has a 4 in their number
        assert roster.selected_call_id == "b"
        roster.set_filter("ada")
        poll([person("a"), person("b", "+14155550100"), person("d", "+14155550100")], now=later(1))
        assert list(roster.rows) == ["b", "d"]  # a joiner that matches appears; the others stay hidden


async def test_hand_column() -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        roster.set_hand("b", True)  # an event may come before the poll that shows them
        poll([person("a"), person("b")], now=T0)
        assert texts(roster, "b")[7] == "▲"
        roster.set_hand("b", False)
        roster.set_hand("a", True)
        assert [texts(roster, key)[7] for key in ("a", "b")] == ["▲", ""]
        assert roster.participant("a").hand_raised


async def test_keys_post_requests_for_the_participant_under_the_cursor() -> None:
    app = host()
    async with app.run_test() as pilot:
        roster = app.widget
        poll = Polls(roster)
        roster.focus()
        poll([person("a"), person("b", muted=True), person("c")], now=T0)
        poll([person("b", muted=True), person("c")], now=later(1))  # "a" left: keys do nothing on it
        await pilot.press("m")
        await pilot.press("j", "m", "x", "enter")
        await pilot.press("j", "k")  # vim: k moves up and never kicks
        await pilot.pause()
        requests = [(type(m).__name__, m.call_id) for m in app.messages if isinstance(m, Roster.ParticipantRequest)]
        assert requests == [("MuteToggleRequested", "b"), ("KickRequested", "b"), ("DetailRequested", "b")]
        assert roster.selected_call_id == "b"
        mute = next(m for m in app.messages if isinstance(m, Roster.MuteToggleRequested))
        assert mute.muted is True and mute.control is roster
        ids = {binding.id for binding in Roster.BINDINGS}
        assert {"conference.mute", "conference.kick", "conference.detail"} <= ids
        assert [b.action for b in Roster.BINDINGS if b.key == "k"] == ["cursor_up"]


async def test_clear_forgets_everyone() -> None:
    app = host()
    async with app.run_test():
        roster = app.widget
        poll = Polls(roster)
        poll([person("a")], now=T0)
        roster.clear()
        poll([], now=later(1))
        assert roster.row_count == 0
        assert roster.selected_call_id is None


def test_formatting() -> None:
    assert format_number("+46708168731") == "+46 70 816 87 31"
    assert format_number("alice") == "alice"
    assert "0708168731" in number_digits("46708168731")
    assert clock(3725) == "1:02:05"
    assert clock(-3) == "0:00"
    assert [time_in_call(s) for s in (-3, 0, 59, 60, 119, 3599, 3600, 3725, 90_000)] == [
        "<1 min", "<1 min", "<1 min", "1 min", "1 min", "59 min", "1 h 00 min", "1 h 02 min", "25 h 00 min"]
    # the next second at which the words change: always a whole minute, and the words really change there
    assert [time_in_call_changes_at(s) for s in (-3, 0, 59, 60, 119, 3599)] == [60, 60, 60, 120, 120, 3600]
    for seconds in range(0, 7300, 7):
        changes_at = time_in_call_changes_at(seconds)
        assert time_in_call(changes_at - 1) == time_in_call(seconds) != time_in_call(changes_at)


async def test_a_quiet_room_of_people_in_for_minutes_repaints_once_a_minute(monkeypatch) -> None:
    """Durations over a minute show whole minutes: a tick repaints only when one turns over (idle CPU)."""
    app = host()
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        poll([person("a", duration=600), person("b", duration=630)], now=T0)
        await pilot.pause()
        repaints: list[int] = []
        real_refresh = DataTable.refresh

        def counted(self, *regions, **options):
            repaints.append(1)
            return real_refresh(self, *regions, **options)

        monkeypatch.setattr(DataTable, "refresh", counted)
        for second in range(1, 30):
            roster.tick(later(second))
        assert repaints == []
        roster.tick(later(30))  # b turns 11 minutes
        assert len(repaints) == 1 and texts(roster, "b")[3] == "11 min" and texts(roster, "a")[3] == "10 min"


async def test_a_quiet_room_in_its_first_minute_ticks_without_changing_a_cell(monkeypatch) -> None:
    """Everyone just joined: the roster says "<1 min" and no tick changes a cell (nor does its work) until the
    first minute is up. It used to count seconds, so every row changed and the table repainted every second."""
    app = host()
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        people = [person(f"p{i}", duration=0) for i in range(4)]
        poll(people, now=T0)
        await pilot.pause()
        worked: list[object] = []
        real_advance = Roster._advance
        monkeypatch.setattr(Roster, "_advance", lambda self, now: (worked.append(now), real_advance(self, now)))
        updates = roster._update_count  # DataTable counts every cell update
        for second in range(1, 60):
            poll(people, now=later(second))  # the same answer every second, as the rooms service polls
            roster.tick(later(second))
        assert roster._update_count == updates
        assert worked == [later(1)]  # the first tick worked out when anything changes next; the rest rested
        assert {texts(roster, f"p{i}")[3] for i in range(4)} == {"<1 min"}
        roster.tick(later(60))
        assert {texts(roster, f"p{i}")[3] for i in range(4)} == {"1 min"}
        assert roster._update_count == updates + 4


async def test_a_resting_tick_wakes_for_a_poll_that_moved_a_clock_and_for_rows_coming_into_view() -> None:
    app = host()
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        people = [person(f"p{i:03d}", duration=0) for i in range(100)]
        poll(people, now=T0)
        await pilot.pause()
        roster.tick(later(1))  # rests until later(60) now
        # a poll changes p000 (muted) and its clock: the platform says 58 s, so its minute is up 2 s later
        people[0] = person("p000", duration=58, muted=True)
        poll(people, now=later(5))
        roster.tick(later(6))
        assert texts(roster, "p000")[3] == "<1 min"
        roster.tick(later(7))
        assert texts(roster, "p000")[3] == "1 min"
        # p099 (off screen) is put on hold, and the platform says 30 s: its minute is up at later(38)
        poll([people[0], *people[1:99], person("p099", duration=30, on_hold=True)], now=later(8))
        roster.tick(later(40))  # off screen: its words wait until it is in view
        assert texts(roster, "p099")[3] == "<1 min"
        roster.move_cursor(row=99)
        await pilot.pause()
        roster.tick(later(40))  # same second, other rows in view: they are worded now
        assert texts(roster, "p099")[3] == "1 min"


async def test_a_leaver_removed_by_a_tick_wakes_the_next_one_for_the_row_that_moved_into_view() -> None:
    app = host(linger=10)
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        people = [person(f"p{i:02d}", duration=55) for i in range(40)]
        poll(people, now=T0)
        await pilot.pause()
        poll(people[1:], now=later(1))  # p00 leaves: greyed until later(11)
        roster.tick(later(6))  # the rows in view reach a minute; those below still say "<1 min"
        below = roster._row_locations.get_key(len(roster._visible_keys())).value
        assert texts(roster, below)[3] == "<1 min"
        roster.tick(later(11))  # p00's row goes: the row below moves into view
        await pilot.pause()
        assert below in roster._visible_keys()
        roster.tick(later(12))
        assert texts(roster, below)[3] == "1 min"


async def test_tick_rewrites_only_the_durations_on_screen_and_catches_up_when_scrolled_to() -> None:
    app = host()
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        everyone = [person(f"p{i:03d}", duration=5) for i in range(300)]
        poll(everyone, now=T0)
        await pilot.pause()
        writes: list[str] = []
        real_update = roster.update_cell
        roster.update_cell = lambda row, column, *a, **k: (writes.append(row), real_update(row, column, *a, **k))
        roster.tick(later(60))
        assert writes and len(writes) < 30  # the rows in the window, not all 300
        assert texts(roster, "p000")[3] == time_in_call(65)
        assert texts(roster, "p299")[3] == time_in_call(5)  # off screen: not rewritten
        assert roster._entries["p299"].seconds == 65  # but its clock runs: a poll of 65 s changes nothing
        roster.move_cursor(row=299)
        await pilot.pause()
        roster.tick(later(61))
        assert texts(roster, "p299")[3] == time_in_call(66)


async def test_a_poll_where_only_durations_moved_rewrites_nothing_but_what_changed() -> None:
    """The diff names who changed; time is the tick's job (on screen only), so a big room's poll costs nothing."""
    app = host()
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        poll([person(f"p{i:03d}", duration=55) for i in range(300)], now=T0)
        await pilot.pause()
        writes: list[str] = []
        real_update = roster.update_cell
        roster.update_cell = lambda row, column, *a, **k: (writes.append(row), real_update(row, column, *a, **k))
        moved = [person(f"p{i:03d}", duration=65, muted=i == 299) for i in range(300)]
        poll(moved, now=later(10))
        assert set(writes) == {"p299"} and "muted" in texts(roster, "p299")[4].lower()  # changes always drawn
        assert texts(roster, "p000")[3] == "<1 min"  # only its time moved: left for the tick
        roster.tick(later(10))
        assert texts(roster, "p000")[3] == "1 min"
        assert texts(roster, "p298")[3] == "<1 min"  # on screen only
        roster.move_cursor(row=298)
        await pilot.pause()
        roster.tick(later(10))
        assert texts(roster, "p298")[3] == "1 min"


async def test_a_poll_or_tick_that_changes_nothing_repaints_nothing(monkeypatch) -> None:
    app = host()
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        poll = Polls(roster)
        people = [person(f"p{i:02d}", duration=5) for i in range(5)]
        poll(people, now=T0)
        await pilot.pause()
        repaints: list[tuple[object, ...]] = []
        real_refresh = DataTable.refresh

        def counted(self, *regions, **options):  # DataTable's own, which the batching defers to at the end
            repaints.append(regions)
            return real_refresh(self, *regions, **options)

        monkeypatch.setattr(DataTable, "refresh", counted)
        poll(people, now=T0)  # the same answer again
        roster.tick(T0)  # and no time passed
        assert repaints == []
        roster.tick(later(54))  # still in their first minute: their words stay
        assert repaints == []
        roster.tick(later(55))  # five durations reach a minute on screen: those five cells repaint, not the table
        assert len(repaints) == 5 and all(len(regions) == 1 for regions in repaints), repaints
        cells = [regions[0] for regions in repaints]
        assert {(cell.x, cell.width) for cell in cells} == {(cells[0].x, cells[0].width)}  # one column
        assert len({cell.y for cell in cells}) == 5 and cells[0].width < roster.size.width
