"""The Log mode's API trace (issue 14): it updates live as requests are answered, has its own filter, folds a
poll's repeated GETs into one counted row, and an empty table says why; times are the one format."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_helpers import SIZE, Harness, wait_for_roster
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from waiting import eventually

from api.trace import TraceRecord
from console.screens.log import LogScreen, fold


async def open_log(h: Harness, pilot: Pilot[None]) -> LogScreen:
    await wait_for_roster(h.app, pilot)
    await pilot.press("7")
    screen = await eventually(lambda: h.app.screen if isinstance(h.app.screen, LogScreen) else None, pilot)
    assert isinstance(screen, LogScreen)
    return screen


def trace_rows(screen: LogScreen) -> list[list[str]]:
    table: DataTable[Any] = screen.query_one("#trace-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


async def test_the_trace_updates_live(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_log(h, pilot)
        await h.backend.client.numbers.list()  # a request made elsewhere while the Log is shown
        for _ in range(5):  # a few turns of the loop, well under the audit's 2 s timer
            await pilot.pause()
        assert any(row[1] == "GET" and row[2].endswith("/numbers") for row in trace_rows(screen))


async def test_the_trace_filters_and_says_when_nothing_matches(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_log(h, pilot)
        await h.backend.client.numbers.list()
        await eventually(lambda: any(row[2].endswith("/numbers") for row in trace_rows(screen)), pilot)
        empty = screen.query_one("#trace-empty", Static)
        assert not empty.display
        screen.query_one("#trace-table").focus()
        await pilot.press("slash")
        field = screen.query_one("#trace-filter", Input)
        assert field.has_focus  # `/` filters the pane the focus is in
        await pilot.press(*"numbers")
        await eventually(lambda: trace_rows(screen) and all(row[2].endswith("/numbers") for row in trace_rows(screen)),
                         pilot)
        field.value = "no-such-path"
        await eventually(lambda: not trace_rows(screen) and empty.display, pilot)
        assert str(empty.render()).startswith("No request matches no-such-path (")


def record(path: str, status: int | None = 200, method: str = "GET") -> TraceRecord:
    return TraceRecord(method=method, path=path, status=status, error_code=None, latency_ms=3.0, attempt=1)


def test_repeated_poll_gets_fold_into_one_counted_row() -> None:
    standup = [record("/conferences/id/standup") for _ in range(4)]
    board = [record("/conferences/id/board") for _ in range(3)]
    mute = record("/conferences/id/standup/c1", method="PATCH")
    failed = record("/conferences/id/standup", status=503)
    interleaved = [standup[0], board[0], standup[1], board[1], standup[2]]  # rooms polled in turn
    rows = fold([*interleaved, mute, mute, standup[3], failed, standup[0], board[2]])
    assert [(row.newest.path, row.newest.status, row.count) for row in rows] == [
        ("/conferences/id/board", 200, 2),
        ("/conferences/id/standup", 200, 3),
        ("/conferences/id/standup/c1", 200, 1), ("/conferences/id/standup/c1", 200, 1),  # changes never fold
        ("/conferences/id/standup", 200, 1),  # after a change, polls start a new row: the order stays true
        ("/conferences/id/standup", 503, 1),  # a new outcome is news
        ("/conferences/id/standup", 200, 1),
        ("/conferences/id/board", 200, 1),
    ]
    assert rows[1].newest is standup[2]  # c copies the newest of a run


async def test_the_polls_fold_on_screen(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await open_log(h, pilot)
        # the watched room is polled every second: its GETs, answered alike, become one row that counts them
        await eventually(lambda: any(row[2].endswith("/standup") and row[7] not in ("", "1")
                                     for row in trace_rows(screen)), pilot)
        assert len(trace_rows(screen)) < len(h.backend.client.trace)
