"""Every mode at 80x24, 120x36 and 200x60 (issue 14, any terminal): below 110 columns the watch list folds away
and the mode bar takes short names, a short terminal gives the timeline fewer rows and a tall one more, and no
footer or dialog is wider than the terminal. Frozen in-process sandbox, as console/screenshots.py opens each mode.
Plus the keys and counts behind the pictures: `w`, the mode bar's counts and `?` grouped by mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from console_helpers import Harness, wait_for_roster
from textual.pilot import Pilot
from textual.widgets import DataTable
from waiting import eventually

from console.screens.help import EVERYWHERE, HelpScreen
from console.screens.mode_bar import ModeBar
from widgets.watch_list import WatchList

SIZES = [(80, 24), (120, 36), (200, 60)]
MODES = ["conferences", "callouts", "calls", "recordings", "numbers", "events", "log"]
KEYS = {mode: str(digit) for digit, mode in enumerate(MODES, start=1)}


async def open_mode(h: Harness, pilot: Pilot[None], mode: str) -> None:
    """Switch to `mode` by its digit, as a moderator does, and wait until it shows what it loads."""
    await wait_for_roster(h.app, pilot)
    session = h.app.session
    assert session is not None
    session.download_dir = Path("/home/moderator/Downloads/sinch-recordings")  # not this run's temporary folder
    if mode == "log":  # the trace holds wall-clock times and poll counts: stop polling, start it empty
        await session.rooms.aclose()
        await session.calls_poller.aclose()
        session.backend.client.tracer.records.clear()
    if mode != "conferences":
        await pilot.press(KEYS[mode])
        await eventually(lambda: h.app.current_mode == mode and h.app.screen.query(ModeBar), pilot)
    screen = h.app.screen
    if mode == "recordings":
        await eventually(lambda: screen.query_one("#recordings", DataTable).row_count > 0, pilot)
    if mode == "numbers":
        await eventually(lambda: not getattr(screen, "fetching", True) and getattr(screen, "items", None), pilot)
    for _ in range(5):
        await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("mode", MODES)
def test_every_mode_at_every_size(snap_compare, tmp_path: Path, mode: str, size: tuple[int, int]) -> None:
    h = Harness(tmp_path, seed=7)

    async def scene(pilot: Pilot[None]) -> None:
        await open_mode(h, pilot, mode)

    assert snap_compare(h.app, terminal_size=size, run_before=scene)


async def test_the_watch_list_folds_below_110_columns_and_w_toggles_it(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=(80, 24)) as pilot:
        await wait_for_roster(h.app, pilot)
        watch_list = h.screen.query_one(WatchList)
        await eventually(lambda: not watch_list.display, pilot)  # folded away at 80 columns
        roster = h.roster

        def every_column_in_view() -> bool:  # name, muted and hand among them: nothing to scroll sideways for
            return roster.size.width >= 76 and roster.virtual_size.width <= roster.scrollable_content_region.width

        await eventually(every_column_in_view, pilot)
        await pilot.press("w")
        await eventually(lambda: watch_list.display, pilot)
        await pilot.press("w")
        await eventually(lambda: not watch_list.display, pilot)
        await pilot.resize_terminal(140, 36)
        await eventually(lambda: watch_list.display, pilot)  # wide enough: shown by itself
        await pilot.press("w")
        await eventually(lambda: not watch_list.display, pilot)


async def test_the_mode_bar_counts_rooms_and_raised_hands_and_marks_the_mode(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=(140, 36)) as pilot:
        screen = await wait_for_roster(h.app, pilot)
        bar = screen.query_one(ModeBar)
        assert "1 Conferences 3 rooms" in bar.render().plain
        assert "▲" not in bar.render().plain
        assert screen.room is not None
        person = next(iter(screen.moderator.watch(screen.room).participants.values()))
        screen.rooms.raise_hand(screen.room, person.call_id, cli=person.cli)  # as a relayed PIE "1" does
        await eventually(lambda: "3 rooms ▲1" in bar.render().plain, pilot)
        await pilot.press("3")
        await eventually(lambda: h.app.current_mode == "calls" and h.app.screen.query(ModeBar), pilot)
        calls_bar = h.app.screen.query_one(ModeBar)
        marked = [span for span in calls_bar.render().spans if "reverse" in str(span.style)]
        assert [calls_bar.render().plain[span.start:span.end].strip() for span in marked] == ["3 Calls"]


async def test_help_lists_the_keys_of_everywhere_then_of_the_mode(tmp_path: Path) -> None:
    h = Harness(tmp_path, seed=7)
    async with h.app.run_test(size=(80, 24)) as pilot:
        await wait_for_roster(h.app, pilot)
        await pilot.press("question_mark")
        help_screen = await eventually(lambda: h.app.screen if isinstance(h.app.screen, HelpScreen) else None, pilot)
        ids = [row.binding_id for row in help_screen.rows]
        digits = [f"app.mode.{mode}" for mode in MODES]
        assert ids[:len(digits)] == digits  # the modes' digits first, in mode order
        everywhere = [row.everywhere for row in help_screen.rows]
        assert everywhere == sorted(everywhere, reverse=True)  # all the global keys before any of the mode's
        assert "conference.toggle_watch" in ids and "conference.mute" in ids
        table = help_screen.query_one("#help-table", DataTable)
        labels = [str(table.get_row_at(index)[1]) for index in range(table.row_count)]
        assert labels[0] == EVERYWHERE and "Conferences (this mode)" in labels
