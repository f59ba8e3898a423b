"""Snapshots of the Recordings screen (frozen sandbox and clock, seeded ids, 120x36): the page with marks and
expiring rows, the empty window, an invalid range, the delete question, downloads half-way, the existing-file
question. Downloads are held half-way by the test transport (never by a timer), and the download folder is
under the test's home folder, so it reads `~/recordings` on every machine."""

from __future__ import annotations

from pathlib import Path

from recordings_helpers import SIZE, RecordingsHarness
from textual.widgets import Input
from waiting import eventually

from api.download import CHUNK_SIZE
from console.recordings import State
from console.screens.mode_bar import ModeBar
from console.screens.recording_dialogs import DeleteRecordingsScreen, ExistingFileScreen, RangeScreen
from console.screens.recording_downloads import DownloadRow, DownloadsPanel


def _scene(h: RecordingsHarness, act):
    async def scene(pilot) -> None:
        screen = await h.open(pilot, download_dir=Path.home() / "recordings")
        await act(pilot, screen)
        for field in h.app.screen.query(Input):  # a blinking cursor would race the picture
            field.cursor_blink = False
        await pilot.pause()

    return scene


def test_page_with_marks_and_expiring_rows(snap_compare, tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)

    async def act(pilot, screen) -> None:
        await pilot.press("space", "down", "space", "down", "down")

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_empty_window(snap_compare, tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)

    async def act(pilot, screen) -> None:
        await pilot.press("g")
        await eventually(lambda: isinstance(h.app.screen, RangeScreen), pilot)
        h.app.screen.query_one("#range-from", Input).value = "2025-01-01"
        h.app.screen.query_one("#range-to", Input).value = "2025-01-01"
        await pilot.press("enter")
        await eventually(lambda: screen.listing.range.preset is None and not screen.listing.recordings, pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_invalid_range(snap_compare, tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)

    async def act(pilot, screen) -> None:
        await pilot.press("g")
        await eventually(lambda: isinstance(h.app.screen, RangeScreen), pilot)
        h.app.screen.query_one("#range-from", Input).value = "2026-11-20 14:00"
        h.app.screen.query_one("#range-to", Input).value = "2026-11-19"
        await pilot.press("enter")

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_delete_question(snap_compare, tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)

    async def act(pilot, screen) -> None:
        await pilot.press(*["space"] * 7, "x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_downloads_half_way(snap_compare, tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)

    async def act(pilot, screen) -> None:
        h.transport.hold = True
        await pilot.press(*["space"] * 4, "d")
        panel = screen.query_one(DownloadsPanel)
        await eventually(lambda: [d.done for d in panel.downloads if d.state is State.RUNNING] == [CHUNK_SIZE] * 3,
                         pilot)
        # Progress is told at most every 20 ms and drawn at most ten times a second: wait for the rows to show it.
        def drawn() -> bool:
            rows = screen.query(DownloadRow)
            return len(rows) == 4 and all(str(row.query_one(".download-note").render()) == row.download.describe()
                                          for row in rows)

        await eventually(drawn, pilot)
        await eventually(lambda: not panel.pending, pilot)
        bar = screen.query_one(ModeBar)  # and the mode bar's count, checked once a second
        await eventually(lambda: bar.counts.downloads == 3, pilot)
        await pilot.pause()

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))


def test_existing_file_question(snap_compare, tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)

    async def act(pilot, screen) -> None:
        keys = h.row_keys()[:3]
        h.downloads.mkdir(parents=True)
        for key in keys[:2]:
            (h.downloads / key).write_bytes(b"old")
        await pilot.press(*["space"] * 3, "d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)

    assert snap_compare(h.app, terminal_size=SIZE, run_before=_scene(h, act))
