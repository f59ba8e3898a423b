"""Closing a session writes what the attendance journal's writer still holds (its thread batches writes for a
moment): the screenshots' data folder was removed under a late write, and a profile switch back to the same
profile would load the book before the last changes landed."""

from __future__ import annotations

from pathlib import Path

from console_helpers import Harness, wait_for_roster


async def test_the_attendance_journal_is_on_disk_once_the_app_has_closed(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    async with h.app.run_test() as pilot:
        await wait_for_roster(h.app, pilot)
        session = h.app.session
        assert session is not None
        writer = session.moderator.attendance.writer
        assert writer is not None
        writer.batch_seconds = 60.0  # a write now waits for the batch window, as one can at any moment
        room = h.screen.room
        assert room is not None
        session.moderator.attendance.close_missing(room, [], session.clock())  # everyone left: legs change
        await session.moderator.save_attendance()
    journal = writer.journal
    assert journal.exists() and '"leg"' in journal.read_text()
