"""A big, churning roster keeps a screen's worth of renders, not thousands: every tick changes the table's cache
keys, so DataTable's default caches (10,000 cells, 1,000 rows and lines) only filled with dead renders that grew
memory for minutes and that every full garbage collection walked (bench/scale_console.py)."""

from __future__ import annotations

from datetime import timedelta

from widget_hosts import FROZEN, Host, Polls, person

from api.models.common import NUMBERS_KEPT, format_number, parse_number
from widgets import Roster
from widgets.people import number_digits
from widgets.roster_table import CELLS_KEPT, LINES_KEPT


async def test_a_churning_room_keeps_a_screen_of_renders() -> None:
    app = Host(Roster(clock=lambda: FROZEN))
    async with app.run_test(size=(100, 40)) as pilot:
        roster = app.widget
        assert isinstance(roster, Roster)
        poll = Polls(roster)
        people = [person(f"p{i:04d}", cli=f"+4670{i:07d}") for i in range(1000)]
        poll(people, now=FROZEN)
        for second in range(1, 40):  # ticks and polls with joiners and leavers, each drawn
            now = FROZEN + timedelta(seconds=second)
            people = people[5:] + [person(f"n{second:02d}{i}", cli=f"+4671{second:05d}{i:02d}") for i in range(5)]
            poll(people, now=now)
            roster.tick(now)
            roster.scroll_y = (second * 23) % 900  # different rows on screen each time
            await pilot.pause()
        assert len(roster._cell_render_cache) <= CELLS_KEPT < 10_000
        for cache in (roster._row_render_cache, roster._row_renderable_cache, roster._line_cache):
            assert len(cache) <= LINES_KEPT < 1_000
        assert len(roster._cell_render_cache) > 0  # it still caches what is on screen


def test_the_number_caches_are_bounded() -> None:
    """A room brings new numbers all day: their parse and format are cached, but not without end."""
    for cached in (parse_number, format_number, number_digits):
        assert cached.cache_info().maxsize == NUMBERS_KEPT <= 4_096


async def test_a_tick_redraws_only_the_cells_that_changed(monkeypatch) -> None:
    """DataTable keys its drawn cells by an update count that every cell update moves: without the roster's own
    cache a ticking duration redrew every visible cell, each second (most of a big room's repaint)."""
    from textual.widgets import DataTable

    from widgets.roster_rows import time_in_call

    app = Host(Roster(clock=lambda: FROZEN))
    async with app.run_test(size=(100, 20)) as pilot:
        roster = app.widget
        assert isinstance(roster, Roster)
        poll = Polls(roster)
        poll([person(f"p{i:03d}", cli=f"+4670{i:07d}", duration=5) for i in range(100)], now=FROZEN)
        await pilot.pause()
        drawn: list[tuple[int, int]] = []
        draw = DataTable._render_cell

        def counted(self, row, column, *rest, **options):
            drawn.append((row, column))
            return draw(self, row, column, *rest, **options)

        monkeypatch.setattr(DataTable, "_render_cell", counted)
        roster.tick(FROZEN + timedelta(seconds=60))
        await pilot.pause()
        data_cells = [(row, column) for row, column in drawn if row >= 0]
        assert data_cells and {column for _, column in data_cells} == {3}  # the durations only
        assert time_in_call(65) in roster.render_line(1).text  # and drawn anew
