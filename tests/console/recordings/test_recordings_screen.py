"""The Recordings screen driven by keys on the frozen in-process demo sandbox: the page, the window, downloads,
deletes, failures in words. What the sandbox holds and what lands on disk are checked, not only the screen."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from recordings_helpers import DEMO_COUNT, RecordingsHarness, count_calls, files
from textual.widgets import Button, Input
from waiting import eventually

from api.models import Recording
from api.resources.recordings import RECORDINGS_PATH
from console.backend import FROZEN_AT
from console.gateway import read_only_text
from console.recordings import Download, State
from console.screens.dialogs import PromptScreen
from console.screens.recording_dialogs import DeleteRecordingsScreen, ExistingFileScreen, RangeScreen
from console.screens.recording_downloads import DownloadRow, DownloadsPanel
from console.screens.recordings import SOON_STYLE, RecordingsScreen
from sandbox.audio import render_wav

SIZE = (120, 36)
OLD = b"the file that was there first"


def platform_bytes(h: RecordingsHarness, key: str) -> bytes:
    rec = h.sandbox_app.state.sandbox.recordings.items[key]
    return render_wav(rec.key, rec.n_frames)


def audit(h: RecordingsHarness, action: str) -> list[dict]:
    path = h.folder / "audit.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []
    return [line for line in lines if line["action"] == action]


def downloaded(h: RecordingsHarness) -> list[str]:
    return files(h.downloads)


# ---- the page ---------------------------------------------------------------------------------------------------

async def test_columns_expiry_highlight_and_detail(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.open(pilot)
        stored = await h.stored()
        keys = h.row_keys()
        created = [stored[key]["createdOn"] for key in keys]
        assert created == sorted(created, reverse=True)  # newest first, as the platform pages
        newest, oldest, second_oldest = keys[0], keys[-1], keys[-2]
        assert h.cell(oldest, "expires") == "in 3 h 36 min" and h.cell(second_oldest, "expires") == "in 14 h 24 min"
        assert h.table.get_cell(oldest, "expires").style == SOON_STYLE
        assert h.table.get_cell(keys[-3], "expires").style == ""  # in 3 days: not highlighted
        assert h.cell(newest, "expires") == "in 29 days" and h.cell(newest, "created") == "Nov 23 08:18"
        assert h.cell(newest, "size") == "140.7 KiB" and stored[newest]["bytes"] == 144044
        assert h.cell(newest, "call") == stored[newest]["headers"]["callId"]
        title = h.text("#recordings-title")
        assert "last 30 days (Oct 24 09:31 → Nov 23 09:31)" in title and "page 1 · 16 (50 per page)" in title
        detail = h.text("#recording-detail")
        assert f"url http://sandbox/calling/v1/recording/{newest}" in detail and '"Content-Length": "144044"' in detail


async def test_countdowns_follow_the_session_clock(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        oldest = h.row_keys()[-1]
        assert h.app.session is not None
        h.app.session.clock = lambda: FROZEN_AT + timedelta(hours=1)
        screen._tick()
        assert h.cell(oldest, "expires") == "in 2 h 36 min"
        listed = count_calls(h.client.recordings, "list")
        h.app.session.clock = lambda: FROZEN_AT + timedelta(hours=4)
        screen._tick()  # past its expiry: the platform has deleted it, so the page is asked for again
        await eventually(lambda: listed() == 1, pilot)


async def test_paging_and_page_size(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        first_page = h.row_keys()
        await pilot.press("minus")
        await eventually(lambda: screen.listing.page_size == 25, pilot)
        await pilot.press("minus")
        await eventually(lambda: screen.listing.page_size == 10 and h.table.row_count == 10, pilot)
        assert h.row_keys() == first_page[:10] and "page 1 · 10 (10 per page)" in h.text("#recordings-title")
        await pilot.press("minus")
        assert "Pages hold at least 10 recordings." in h.status()
        await pilot.press("right_square_bracket")
        await eventually(lambda: screen.listing.page == 2 and h.table.row_count == 6, pilot)
        assert h.row_keys() == first_page[10:]
        listed = count_calls(h.client.recordings, "list")
        await pilot.press("right_square_bracket")  # a short page is the last one: nothing is asked
        await eventually(lambda: "No more recordings: page 2 is the last one (6 of at most 10)." in h.status(), pilot)
        assert listed() == 0 and screen.listing.page == 2
        await pilot.press("left_square_bracket")
        await eventually(lambda: screen.listing.page == 1 and h.row_keys() == first_page[:10], pilot)
        await pilot.press("left_square_bracket")
        assert "Already on the first page." in h.status()
        await pilot.press("plus")  # 25 per page keeps the first row in view
        await eventually(lambda: screen.listing.page_size == 25 and h.table.row_count == DEMO_COUNT, pilot)


async def test_a_full_last_page_asks_and_says_there_is_no_more(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        for _ in range(4):
            await h.add_recording(seconds=2)
        await pilot.press("minus", "minus")
        await eventually(lambda: screen.listing.page_size == 10 and h.table.row_count == 10, pilot)
        await pilot.press("right_square_bracket")
        await eventually(lambda: screen.listing.page == 2 and h.table.row_count == 10, pilot)
        second_page = h.row_keys()
        listed = count_calls(h.client.recordings, "list")
        await pilot.press("right_square_bracket")
        await eventually(lambda: "No more recordings: page 2 is the last one." in h.status(), pilot)
        assert listed() == 1 and screen.listing.page == 2 and h.row_keys() == second_page  # the page stays


async def test_presets(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("t")
        await eventually(lambda: screen.listing.range.preset == "today" and h.table.row_count == 2, pilot)
        assert "today (Nov 23 00:00 → Nov 23 09:31)" in h.text("#recordings-title")
        await pilot.press("w")
        await eventually(lambda: screen.listing.range.preset == "week" and h.table.row_count == 9, pilot)
        await pilot.press("m")
        await eventually(lambda: screen.listing.range.preset == "month" and h.table.row_count == DEMO_COUNT, pilot)


async def test_range_editor_refuses_to_before_from_and_sends_nothing(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        listed = count_calls(h.client.recordings, "list")
        await pilot.press("g")
        await eventually(lambda: isinstance(h.app.screen, RangeScreen), pilot)
        dialog = h.app.screen
        assert dialog.query_one("#range-from", Input).value == "2026-10-24 09:31"
        dialog.query_one("#range-from", Input).value = "2026-11-20"
        dialog.query_one("#range-to", Input).value = "2026-11-19"
        await pilot.pause()
        preview = str(dialog.query_one("#range-preview").render())
        assert preview == "To must be after from: 2026-11-19 is not after 2026-11-20"
        assert dialog.query_one("#apply").disabled
        dialog.query_one("#range-to", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert h.app.screen is dialog and listed() == 0  # still asking; no request went out
        dialog.query_one("#range-to", Input).value = "2026-11-22"
        await pilot.pause()
        assert "Sent as 2026-11-20T00:00:00Z → 2026-11-23T00:00:00Z (UTC)" in str(
            dialog.query_one("#range-preview").render())
        await pilot.press("enter")
        await eventually(lambda: h.app.screen is screen and screen.listing.range.preset is None
                    and h.table.row_count == 5, pilot)
        assert listed() == 1 and "custom range (Nov 20 00:00 → Nov 23 00:00)" in h.text("#recordings-title")


async def test_an_empty_window_says_so(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("g")
        await eventually(lambda: isinstance(h.app.screen, RangeScreen), pilot)
        h.app.screen.query_one("#range-from", Input).value = "2025-01-01"
        h.app.screen.query_one("#range-to", Input).value = "2025-01-01"
        await pilot.press("enter")
        await eventually(lambda: screen.listing.range.preset is None and screen.listing.loaded
                    and h.table.row_count == 0, pilot)
        assert "No recordings between 2025-01-01 00:00 and 2025-01-02 00:00 (custom range)." in h.text(
            "#recordings-empty")
        assert screen.query_one("#recordings-empty").display and not h.table.display
        # Nothing is focused now, so only the screen's own bindings answer: the parts' keys must be bound there.
        assert screen.focused is None
        await pilot.press("x")
        assert h.status() == "Nothing to delete: no recording selected."
        await pilot.press("d")
        assert h.status() == "Nothing to download: no recording selected."
        await pilot.press("c")
        assert h.status() == "No download is running."
        await pilot.press("f")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)


async def test_the_platforms_refusal_is_worded_and_the_table_stays(tmp_path: Path) -> None:
    """A 400 from the platform on the list (a sandbox fault: the console itself never sends a window the API reference
    refuses) goes the whole way: the key, the worker, the client, the wording."""
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await h.fault(kind="status", status=400, count=1, path=RECORDINGS_PATH)
        await pilot.press("r")
        await eventually(lambda: "refused" in h.status(), pilot)
        assert h.status() == "The platform refused the request (40003): Injected fault"
        assert h.table.row_count == DEMO_COUNT and screen.is_attached
        assert not (await h.state())["faults"]  # it was the list that met it


async def test_a_failed_first_load_says_why_where_the_rows_would_be(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    await h.fault(kind="status", status=500, count=-1, path=RECORDINGS_PATH)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot, rows=None)
        await eventually(lambda: "Could not list recordings" in h.status(), pilot)
        empty = h.text("#recordings-empty")
        assert empty.startswith("Could not list recordings") and "(50000)" in empty and "r tries again" in empty
        assert "Loading" not in empty and screen.query_one("#recordings-empty").display
        await h.clear_faults()
        await pilot.press("r")
        await eventually(lambda: h.table.row_count == DEMO_COUNT, pilot)
        assert h.table.display and not screen.query_one("#recordings-empty").display


async def test_the_timer_never_cancels_a_page_just_asked_for(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("minus", "minus")
        await eventually(lambda: screen.listing.page_size == 10 and h.table.row_count == 10, pilot)
        await h.fault(kind="latency", seconds=1.0, count=1, path=RECORDINGS_PATH)
        listed = count_calls(h.client.recordings, "list")
        await pilot.press("right_square_bracket")
        assert h.status() == "Loading page 2 (last 30 days)…"
        assert h.app.session is not None
        h.app.session.clock = lambda: FROZEN_AT + timedelta(days=31)  # every row shown has expired meanwhile
        screen._tick()  # it would reload: not while a page is on its way
        await eventually(lambda: screen.listing.page == 2, pilot)
        assert h.status() == "6 recordings on page 2 (last 30 days)." and listed() == 1


async def test_an_unexpected_error_in_the_timer_is_worded_not_fatal(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        naive = Recording.model_construct(key="naive.wav", expires_on=datetime(2026, 12, 20, 10, 0))  # unvalidated
        screen.listing.recordings.append(naive)
        screen._tick()  # a timer callback that raises closes the app
        screen.listing.recordings.remove(naive)
        assert h.status().startswith("Unexpected error: TypeError: ") and screen.is_attached
        await pilot.pause()
        assert h.app.is_running and h.app.screen is screen


async def test_server_errors_and_a_dead_network_are_worded(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.open(pilot)
        await h.fault(kind="status", status=500, count=-1, path=RECORDINGS_PATH)
        await pilot.press("r")
        await eventually(lambda: "Could not list recordings" in h.status(), pilot)
        assert "(50000)" in h.status() and h.table.row_count == DEMO_COUNT
        await h.clear_faults()
        await h.fault(kind="drop", count=-1, path=RECORDINGS_PATH)
        await pilot.press("r")
        await eventually(lambda: "No connection to the platform" in h.status(), pilot)
        assert h.table.row_count == DEMO_COUNT
        await h.clear_faults()
        await pilot.press("r")
        await eventually(lambda: h.status() == "16 recordings on page 1 (last 30 days).", pilot)


async def test_sort_by_expiry_and_the_cursor_stays_on_its_recording(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        keys = h.row_keys()
        await pilot.press("down", "down", "down")
        assert screen.selected_key() == keys[3]
        await pilot.press("o")
        assert h.row_keys() == list(reversed(keys)) and "expiring first" in h.text("#recordings-title")
        assert screen.selected_key() == keys[3]
        new = await h.add_recording(seconds=3)  # a new recording comes first after a reload
        await pilot.press("o", "r")
        await eventually(lambda: h.table.row_count == DEMO_COUNT + 1, pilot)
        assert h.row_keys()[0] == new["key"] and screen.selected_key() == keys[3]


# ---- downloads --------------------------------------------------------------------------------------------------

async def test_download_lands_with_the_platforms_bytes_and_is_audited(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        key = h.row_keys()[0]
        assert str(h.downloads) in h.text("#download-folder")
        await pilot.press("d")
        await eventually(lambda: h.status().startswith("Saved"), pilot)
        assert downloaded(h) == [key]
        assert (h.downloads / key).read_bytes() == platform_bytes(h, key)
        assert (h.downloads / key).read_bytes() == await h.bytes_of(key)
        assert h.status() == f"Saved {h.downloads / key}"
        (row,) = screen.query(DownloadRow)
        assert row.download.state is State.DONE and str(row.query_one(".download-note").render()) == "saved"
        assert "1 of 1 saved" in h.text("#downloads-title")
        lines = audit(h, "download_recording")
        assert [line["phase"] for line in lines] == ["attempt", "outcome"] and lines[1]["outcome"] == "ok"


async def test_an_existing_file_is_skipped_overwritten_or_kept_with_a_new_one(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        key = h.row_keys()[0]
        h.downloads.mkdir(parents=True)
        (h.downloads / key).write_bytes(OLD)
        await pilot.press("d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        assert not h.app.screen.query("#apply-all")  # one file: nothing to apply to
        await pilot.press("s")
        await eventually(lambda: h.status() == f"Skipped: {key} already exists", pilot)
        assert (h.downloads / key).read_bytes() == OLD and downloaded(h) == [key]
        await pilot.press("d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        await pilot.press("k")
        second = key.replace(".wav", " (1).wav")
        await eventually(lambda: h.status() == f"Saved {h.downloads / second}", pilot)
        assert (h.downloads / key).read_bytes() == OLD
        assert (h.downloads / second).read_bytes() == platform_bytes(h, key)
        (row,) = screen.query(DownloadRow)
        assert str(row.query_one(".download-note").render()) == f"saved as {second}"
        await pilot.press("d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        await pilot.press("o")
        await eventually(lambda: h.status() == f"Saved {h.downloads / key}", pilot)
        assert (h.downloads / key).read_bytes() == platform_bytes(h, key)
        assert downloaded(h) == sorted([key, second])
        await pilot.press("d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        await pilot.press("escape")
        await eventually(lambda: h.status() == "Download cancelled: nothing was replaced.", pilot)


async def test_bulk_download_is_bounded_and_one_answer_can_apply_to_all(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        keys = h.row_keys()[:6]
        h.downloads.mkdir(parents=True)
        for key in keys[1:3]:
            (h.downloads / key).write_bytes(OLD)
        await pilot.press(*["space"] * 6)
        assert list(screen.listing.marked) == keys and "6 marked" in h.text("#recordings-title")
        assert [h.cell(key, "mark") for key in keys] == ["●"] * 6
        h.transport.hold = True
        await pilot.press("d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        assert "Apply to the 1 other existing file" in str(h.app.screen.query_one("#apply-all").render())
        await pilot.press("a", "k")  # keep both, for this one and the next
        await eventually(lambda: h.transport.open == 3, pilot)
        for _ in range(20):
            await pilot.pause()
        assert h.transport.open == 3 and screen.downloads_panel.downloader.in_flight == 3
        assert [d.state for d in screen.downloads_panel.downloads].count(State.QUEUED) == 3
        assert "0 of 6 saved · 3 running · 3 queued" in h.text("#downloads-title")
        assert len(screen.query(DownloadRow)) == 6
        h.transport.release()
        await eventually(lambda: h.status().startswith("Saved 6 recordings"), pilot)
        assert h.transport.max_open == 3 and screen.downloads_panel.downloader.max_in_flight == 3
        for key in keys:
            landed = h.downloads / (key.replace(".wav", " (1).wav") if key in keys[1:3] else key)
            assert landed.read_bytes() == platform_bytes(h, key)
        assert all((h.downloads / key).read_bytes() == OLD for key in keys[1:3])
        assert len(downloaded(h)) == 8


async def test_apply_to_all_is_visible_however_ticked_and_one_key_answers_for_all(tmp_path: Path) -> None:
    """Issue 14, bug 3: "apply to the other existing file" seemed ignored; whether an answer stands for the other
    files must show in words (not only the box's colour), and S/O/K answer for all in one key."""
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.open(pilot)
        keys = h.row_keys()[:3]
        h.downloads.mkdir(parents=True)
        for key in keys:
            (h.downloads / key).write_bytes(OLD)
        await pilot.press(*["space"] * 3, "d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        dialog = h.app.screen
        await pilot.press("shift+tab", "space")  # the box ticked the way checkboxes are, not with `a`
        ticked = "ON: applies to the 2 other existing files too"
        await eventually(lambda: ticked in str(dialog.query_one("#apply-all").render()), pilot)
        assert str(dialog.query_one("#keep-both").render()).strip() == "Keep both for all (k)"
        await pilot.press("k")
        await eventually(lambda: h.status().startswith("Saved 3 recordings"), pilot)  # each kept beside its file
        assert not isinstance(h.app.screen, ExistingFileScreen)  # asked once for the three
        assert all((h.downloads / key).read_bytes() == OLD for key in keys)
        await pilot.press("d")
        await eventually(lambda: isinstance(h.app.screen, ExistingFileScreen), pilot)
        await pilot.press("O")  # overwrite this one and the others, in one key
        await eventually(lambda: all((h.downloads / key).read_bytes() == platform_bytes(h, key) for key in keys),
                         pilot)
        assert not isinstance(h.app.screen, ExistingFileScreen)


async def test_an_unticked_apply_to_all_box_has_no_tick(tmp_path: Path) -> None:
    """Issue 14, bug 3: "apply to the other existing file" was ignored because it was never on: Textual's box draws
    its X ticked or not (only the colour changes; tmux at 80x24 showed "▐X▌ Apply to the 1 other existing file"
    before any key), so the answer went to one file and the next one asked again. Unticked, the box is blank."""
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=(80, 24)) as pilot:
        await h.open(pilot)
        keys = h.row_keys()[:2]
        h.downloads.mkdir(parents=True)
        for key in keys:
            (h.downloads / key).write_bytes(OLD)
        await pilot.press("space", "space", "d")
        dialog = await eventually(lambda: h.app.screen if isinstance(h.app.screen, ExistingFileScreen) else None,
                                  pilot)

        def box() -> str:
            return dialog.query_one("#apply-all").render().plain

        assert box().startswith("▐ ▌ Apply to the 1 other existing file")
        await pilot.press("a")
        await eventually(lambda: box().startswith("▐X▌ ON: applies"), pilot)
        await pilot.pause()
        inside = dialog.query_one("#dialog-box").content_region
        assert all(inside.contains_region(button.region) for button in dialog.query(Button))  # "Cancel" too
        await pilot.press("a")
        await eventually(lambda: box().startswith("▐ ▌ Apply to"), pilot)
        await pilot.press("a", "s")
        await eventually(lambda: h.status() == "Saved 0 of 2 recordings to " + str(h.downloads) + ", 2 skipped", pilot)
        assert not isinstance(h.app.screen, ExistingFileScreen)  # asked once for the two


async def test_cancel_leaves_nothing(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        h.transport.hold = True
        await pilot.press("d")
        panel = screen.downloads_panel
        await eventually(lambda: panel.downloads and panel.downloads[0].done > 0, pilot)
        assert [name for name in downloaded(h) if name.endswith(".part")]  # half-way: only the temporary file
        await pilot.press("c")
        cancelled = f"Download of {h.row_keys()[0]} cancelled: nothing partial was kept"
        await eventually(lambda: h.status() == cancelled, pilot)
        assert panel.downloads[0].state is State.CANCELLED and "1 cancelled" in h.text("#downloads-title")
        assert downloaded(h) == []
        await pilot.press("escape")  # nothing running: the finished round is put away
        assert h.status() == "Finished downloads cleared from the panel (the files stay)."
        assert not screen.query(DownloadRow) and not screen.query_one("#downloads").display
        await pilot.press("escape")
        assert h.status() == "No download is running."


async def test_an_interrupted_download_leaves_nothing(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.open(pilot)
        key = h.row_keys()[0]
        await h.fault(kind="drop", count=-1, path=f"{RECORDINGS_PATH}/{key}")
        await pilot.press("d")
        await eventually(lambda: h.status().startswith("Could not download"), pilot)
        assert h.status() == f"Could not download {key}: Connection lost: the download stopped and nothing was kept"
        assert downloaded(h) == []
        assert audit(h, "download_recording")[-1]["outcome"] == "failed"


async def test_the_folder_can_change_for_the_session(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.open(pilot)
        (tmp_path / "a-file").write_text("x")
        await pilot.press("f")
        await eventually(lambda: isinstance(h.app.screen, PromptScreen), pilot)
        prompt = h.app.screen
        prompt.query_one(Input).value = str(tmp_path / "a-file")
        await pilot.press("enter")
        assert "is a file, not a folder" in str(prompt.query_one("#dialog-error").render())
        prompt.query_one(Input).value = str(tmp_path / "elsewhere")
        await pilot.press("enter")
        await eventually(lambda: str(tmp_path / "elsewhere") in h.text("#download-folder"), pilot)
        await pilot.press("d")
        await eventually(lambda: h.status().startswith("Saved"), pilot)
        assert files(tmp_path / "elsewhere") == [h.row_keys()[0]]


# ---- deletes ----------------------------------------------------------------------------------------------------

async def test_delete_asks_naming_it_and_cancel_keeps_it(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        keys = h.row_keys()
        await pilot.press("down", "down")
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)
        question = str(h.app.screen.query_one("#dialog-question").render())
        assert "Delete 1 recording from the Sinch Drive?" in question and keys[2] in question
        await pilot.press("n")
        await eventually(lambda: h.status() == "Nothing deleted.", pilot)
        assert keys[2] in await h.stored() and h.table.row_count == DEMO_COUNT
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: h.status() == f"Deleted {keys[2]}", pilot)
        assert keys[2] not in await h.stored()
        await eventually(lambda: h.row_keys() == keys[:2] + keys[3:], pilot)
        assert screen.selected_key() == keys[3]  # the cursor stays where it was: on the next recording
        lines = audit(h, "delete_recording")
        assert [(line["phase"], line["outcome"], line["message"]) for line in lines] == [
            ("attempt", None, keys[2]), ("outcome", "ok", None)]


async def test_delete_many_names_a_few_and_counts_them(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        keys = h.row_keys()
        await pilot.press(*["space"] * 7)
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)
        question = str(h.app.screen.query_one("#dialog-question").render())
        assert "Delete 7 recordings from the Sinch Drive?" in question
        assert all(key in question for key in keys[:5]) and keys[5] not in question and "and 2 more" in question
        await pilot.press("y")
        await eventually(lambda: h.status() == "Deleted 7 recordings", pilot)
        assert not set(keys[:7]) & set(await h.stored())
        await eventually(lambda: h.row_keys() == keys[7:], pilot)
        assert screen.listing.marked == {} and len(audit(h, "delete_recording")) == 14


async def test_deleting_one_already_gone_says_so_and_drops_the_row(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        await h.open(pilot)
        key = h.row_keys()[0]
        await h.client.recordings.delete(key)  # behind the console's back
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: "40400" in h.status(), pilot)
        assert h.status() == "Not found (40400): the recording was already deleted"
        await eventually(lambda: key not in h.row_keys() and h.table.row_count == DEMO_COUNT - 1, pilot)


async def test_read_only_refuses_to_delete_but_downloads(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path, read_only=True)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        key = h.row_keys()[0]
        assert "delete" not in offered(screen) and {"download", "edit_range"} <= offered(screen)
        await pilot.press("x")  # not offered, and the key does nothing (check_action)
        await pilot.pause()
        assert "Read-only" not in h.status() and audit(h, "delete_recording") == []
        screen.action_delete()  # reached anyway (a stale palette entry, say): the gateway refuses, audited
        await eventually(lambda: "Read-only" in h.status(), pilot)
        assert not isinstance(h.app.screen, DeleteRecordingsScreen)
        assert h.status() == read_only_text("delete_recording")
        assert key in await h.stored() and h.table.row_count == DEMO_COUNT
        assert [line["outcome"] for line in audit(h, "delete_recording")] == ["refused"]
        await pilot.press("d")
        await eventually(lambda: _landed(h, key), pilot)
        assert screen.is_attached


async def test_a_second_x_does_not_cancel_the_delete_under_way(tmp_path: Path) -> None:
    """x, y, then x again while the DELETE waits for its answer: the second x says so; the first DELETE is not
    cut off (its outcome would be unknown), its row goes, and no second question opens."""
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        key = h.row_keys()[0]
        await h.fault(kind="latency", seconds=1.0, count=1, path=f"{RECORDINGS_PATH}/{key}")
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)
        await pilot.press("y")
        await eventually(lambda: h.status() == "Deleting 1 recording…", pilot)
        await pilot.press("x")
        assert h.status() == "A delete is already under way: wait for it to finish."
        await pilot.pause()
        assert h.app.screen is screen
        await eventually(lambda: h.status() == f"Deleted {key}", pilot)
        assert key not in await h.stored() and key not in h.row_keys() and not screen.deletes.deleting
        lines = audit(h, "delete_recording")
        assert [(line["phase"], line["outcome"]) for line in lines] == [("attempt", None), ("outcome", "ok")]
        await pilot.press("x")  # over: the next delete asks again
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)


async def test_pressing_d_twice_downloads_once(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        key = h.row_keys()[0]
        h.transport.hold = True
        await pilot.press("d")
        panel = screen.downloads_panel
        await eventually(lambda: panel.downloads and panel.downloads[0].done > 0, pilot)
        await pilot.press("d")
        await eventually(lambda: h.status() == f"Skipped: {key} is already downloading", pilot)
        assert h.app.screen is screen and len(screen.query(DownloadRow)) == 1  # no question, no second row
        h.transport.release()
        await eventually(lambda: h.status() == f"Saved {h.downloads / key}", pilot)
        assert downloaded(h) == [key] and h.transport.downloads == 1


async def test_marks_are_cleared_when_the_window_changes_not_the_page(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        await pilot.press("minus", "minus")
        await eventually(lambda: screen.listing.page_size == 10 and h.table.row_count == 10, pilot)
        marked = h.row_keys()[:3]
        await pilot.press("space", "space", "space", "right_square_bracket")
        await eventually(lambda: screen.listing.page == 2 and h.table.row_count == 6, pilot)
        assert list(screen.listing.marked) == marked and "3 marked" in h.text("#recordings-title")
        await pilot.press("space")  # one of this page too
        await pilot.press("x")
        await eventually(lambda: isinstance(h.app.screen, DeleteRecordingsScreen), pilot)
        question = str(h.app.screen.query_one("#dialog-question").render())
        assert "Delete 4 recordings" in question and "3 of them are not on the page shown" in question
        await pilot.press("n")
        assert h.app.session is not None
        h.app.session.clock = lambda: FROZEN_AT + timedelta(minutes=1)
        await pilot.press("r")  # the same preset, moved on with the clock: the same window
        await eventually(lambda: h.status() == "6 recordings on page 2 (last 30 days).", pilot)
        assert len(screen.listing.marked) == 4
        await pilot.press("w")
        await eventually(lambda: screen.listing.range.preset == "week", pilot)
        assert screen.listing.marked == {} and "marked" not in h.text("#recordings-title")
        assert h.status() == "9 recordings on page 1 (last 7 days). 4 marks cleared: the range changed."
        assert "●" not in [h.cell(key, "mark") for key in h.row_keys()]


async def test_progress_is_drawn_at_most_ten_times_a_second(tmp_path: Path) -> None:
    h = RecordingsHarness(tmp_path)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        panel = screen.query_one(DownloadsPanel)
        now = [1000.0]
        panel.clock = lambda: now[0]  # type: ignore[method-assign]
        download = Download(screen.listing.recordings[0], h.downloads / "x.wav", total=1_000_000)
        screen.downloads_panel.downloads = [download]
        panel.show(screen.downloads_panel.downloads)
        await eventually(lambda: screen.query(DownloadRow) and screen.query_one(DownloadRow).is_mounted, pilot)
        row = screen.query_one(DownloadRow)

        def note() -> str:
            return str(row.query_one(".download-note").render())

        download.state = State.RUNNING
        screen.downloads_panel._download_changed(download)  # a change of state: drawn at once
        draws = panel.draws
        for chunk in range(1, 200):  # 200 chunks in the same instant
            download.done = chunk * 4096
            screen.downloads_panel._download_changed(download)
        assert panel.draws == draws and panel.pending and note() == "0% of 976.6 KiB"
        now[0] += 0.1
        download.done = 500_000
        screen.downloads_panel._download_changed(download)  # a tenth of a second on: drawn
        assert panel.draws == draws + 1 and not panel.pending and note() == "50% of 976.6 KiB"
        now[0] += 0.01
        download.done = 600_000
        screen.downloads_panel._download_changed(download)
        assert panel.pending and note() == "50% of 976.6 KiB"
        await eventually(lambda: not panel.pending, pilot)  # the chunks paused: the last progress is drawn anyway
        assert note() == "60% of 976.6 KiB" and panel.draws == draws + 2
        download.done, download.state, download.message = 700_000, State.FAILED, "Connection lost"
        screen.downloads_panel._download_changed(download)  # the same instant, but a change of state
        assert panel.draws == draws + 3 and note() == "Connection lost" and "1 failed" in h.text("#downloads-title")


@pytest.mark.parametrize("read_only", [False, True])
async def test_palette_commands_follow_the_profile(tmp_path: Path, read_only: bool) -> None:
    h = RecordingsHarness(tmp_path, read_only=read_only)
    async with h.app.run_test(size=SIZE) as pilot:
        screen = await h.open(pilot)
        commands = {title: callback for title, _, callback in screen.palette_commands()}
        assert all(title.startswith("recordings: ") for title in commands)
        assert ("recordings: delete" in commands) is not read_only
        assert ("delete" in offered(screen)) is not read_only
        assert {"recordings: download", "recordings: reload", "recordings: last 7 days"} <= set(commands)
        commands["recordings: last 7 days"]()
        await eventually(lambda: screen.listing.range.preset == "week" and h.table.row_count == 9, pilot)


def offered(screen: RecordingsScreen) -> set[str]:
    """The actions the footer shows."""
    return {b.binding.action for b in screen.active_bindings.values() if b.enabled and b.binding.show}


async def _landed(h: RecordingsHarness, key: str) -> bool:
    return (h.downloads / key).exists() and (h.downloads / key).read_bytes() == await h.bytes_of(key)
