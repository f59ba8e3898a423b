"""The attendance journal: changes appended off the loop, replayed on load, compacted with a retention."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console.rooms import attendance_journal as journal
from console.rooms.attendance import SEEN_EVERY, AttendanceBook
from console.rooms.timeline import TimelineEntry

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
ADA, BOB = "+46708168731", "+46708425201"


def entry(kind: str, call_id: str, cli: str, seconds: float) -> TimelineEntry:
    return TimelineEntry(T0 + timedelta(seconds=seconds), kind, call_id, cli, "platform")


def journal_lines(folder: Path) -> list[list[object]]:
    path = folder / journal.JOURNAL_NAME
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def rows(book: AttendanceBook, room: str = "r", at: float = 600) -> list[tuple[str, float, bool, int]]:
    return [(row.cli, row.seconds_in_room, row.present, row.times_muted)
            for row in book.report(room, T0 + timedelta(seconds=at))]


def test_changes_are_journaled_replayed_and_compacted_into_the_snapshot(tmp_path: Path) -> None:
    book = AttendanceBook(tmp_path)
    book.record("r", [entry("joined", "c1", ADA, 0), entry("joined", "c2", BOB, 5)])
    book.record("r", [entry("muted", "c1", ADA, 30), entry("left", "c2", BOB, 65)])
    assert book.flush()
    lines = journal_lines(tmp_path)
    assert [line[0] for line in lines] == ["leg", "leg"]  # one line per changed leg, the latest state of each
    assert not (tmp_path / journal.SNAPSHOT_NAME).exists()  # nothing rewrote the whole book

    assert rows(AttendanceBook.load(tmp_path, now=T0)) == rows(book) == [(ADA, 600, True, 1), (BOB, 60, False, 0)]

    book.save()  # compaction: the snapshot holds everything, the journal is empty
    assert journal_lines(tmp_path) == []
    assert json.loads((tmp_path / journal.SNAPSHOT_NAME).read_text())["version"] == journal.VERSION
    assert rows(AttendanceBook.load(tmp_path, now=T0)) == rows(book)


def test_last_seen_is_one_line_per_room_and_bounds_a_leave_after_a_restart(tmp_path: Path) -> None:
    book = AttendanceBook(tmp_path)
    people = [entry("joined", f"c{n}", f"+4670816{n:04d}", 0) for n in range(200)]
    book.record("r", people)
    book.seen("r", [p.call_id for p in people], T0)
    assert book.save_soon()
    book.seen("r", [p.call_id for p in people], T0 + timedelta(seconds=10))
    assert not book.save_soon()  # a quiet room: its "last seen" waits for SEEN_EVERY
    later = T0 + SEEN_EVERY + timedelta(seconds=10)
    book.seen("r", [p.call_id for p in people], later)
    assert book.save_soon()
    assert book.flush()
    assert [line[0] for line in journal_lines(tmp_path)].count("seen") == 2  # not 200 per poll

    restarted = AttendanceBook.load(tmp_path, now=T0)
    assert restarted.close_missing("r", [], later + timedelta(hours=1))  # everyone left while we were away
    assert {leg.left for leg in restarted.rooms["r"].values()} == {later}


def test_a_torn_last_line_is_skipped_quietly_and_garbage_is_reported(tmp_path: Path) -> None:
    book = AttendanceBook(tmp_path)
    book.record("r", [entry("joined", "c1", ADA, 0)])
    assert book.flush()
    path = tmp_path / journal.JOURNAL_NAME
    with path.open("a") as file:
        file.write('["leg","r",["c2","+4670')  # the console died mid-append
    loaded = AttendanceBook.load(tmp_path, now=T0)
    assert loaded.load_warning is None and set(loaded.rooms["r"]) == {"c1"}
    with path.open("a") as file:
        file.write('\n["what"]\nnot json\n')
    assert "unreadable lines" in (AttendanceBook.load(tmp_path, now=T0).load_warning or "")


def test_retention_drops_legs_that_left_long_ago_on_load_and_at_compaction(tmp_path: Path) -> None:
    book = AttendanceBook(tmp_path)
    book.record("old", [entry("joined", "c1", ADA, 0), entry("left", "c1", ADA, 60)])
    book.record("r", [entry("joined", "c2", BOB, 0)])  # still present: kept however old
    assert book.flush()
    much_later = T0 + timedelta(days=40)
    loaded = AttendanceBook.load(tmp_path, now=much_later, retention=timedelta(days=30))
    assert set(loaded.rooms) == {"r"}

    writer = journal.JournalWriter(tmp_path, clock=lambda: much_later, retention=timedelta(days=30))
    writer.compact_now()
    on_disk = journal.read_snapshot(tmp_path / journal.SNAPSHOT_NAME)
    assert set(on_disk) == {"r"} and journal_lines(tmp_path) == []


def test_the_writer_compacts_by_itself_after_enough_lines(tmp_path: Path) -> None:
    book = AttendanceBook(tmp_path)
    writer = journal.JournalWriter(tmp_path, compact_lines=50, batch_seconds=0)
    book._writer = writer
    for n in range(60):
        book.record("r", [entry("joined", f"c{n}", ADA, n)])
        assert book.flush()
    assert writer.lines_since_compaction < 50
    assert len(journal.read_snapshot(tmp_path / journal.SNAPSHOT_NAME)["r"]) >= 50
    assert len(AttendanceBook.load(tmp_path, now=T0).rooms["r"]) == 60


def test_a_journal_grown_over_many_short_runs_is_compacted(tmp_path: Path) -> None:
    """Each run's writer counted from 0: runs shorter than `compact_lines` never compacted, and the journal,
    replayed on every start, grew without end. The lines on disk now count."""
    for run in range(4):  # four short sessions of 20 changes, 50 lines before compacting
        book = AttendanceBook.load(tmp_path, now=T0)
        book._writer = journal.JournalWriter(tmp_path, compact_lines=50, batch_seconds=0)
        for n in range(20):
            book.record("r", [entry("joined", f"c{run}-{n}", ADA, n)])
            assert book.flush()
    assert len(journal_lines(tmp_path)) < 50
    assert len(AttendanceBook.load(tmp_path, now=T0).rooms["r"]) == 80


def test_save_soon_returns_while_the_disk_is_stuck(tmp_path: Path, monkeypatch) -> None:
    """A poll never waits for the disk: with the writer blocked in a write, queuing still returns at once."""
    stuck, entered = threading.Event(), threading.Event()
    real_write = journal.os.write

    def slow_write(fd: int, data: bytes) -> int:
        entered.set()
        stuck.wait(10)
        return real_write(fd, data)

    monkeypatch.setattr(journal.os, "write", slow_write)
    book = AttendanceBook(tmp_path)
    book.writer.batch_seconds = 0  # type: ignore[union-attr]
    book.record("r", [entry("joined", "c1", ADA, 0)])
    assert book.save_soon()
    assert entered.wait(10)  # the writer thread is inside the write now
    book.record("r", [entry("joined", "c2", BOB, 1)])
    assert book.save_soon()  # returned although the disk has not answered
    assert not book.writer.flush(timeout=0.05)  # type: ignore[union-attr]
    stuck.set()
    assert book.flush()
    assert set(AttendanceBook.load(tmp_path, now=T0).rooms["r"]) == {"c1", "c2"}


def test_a_failed_write_is_reported_kept_and_retried(tmp_path: Path, monkeypatch) -> None:
    failing = [True]
    real_write = journal.os.write

    def full_disk(fd: int, data: bytes) -> int:
        if failing[0]:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(journal.os, "write", full_disk)
    book = AttendanceBook(tmp_path)
    book.writer.retry_seconds = 0  # type: ignore[union-attr]
    book.record("r", [entry("joined", "c1", ADA, 0)])
    assert not book.flush()
    assert book.save_error == "Attendance not saved: No space left on device"
    failing[0] = False
    assert book.flush(timeout=10)
    assert book.save_error is None
    assert set(AttendanceBook.load(tmp_path, now=T0).rooms["r"]) == {"c1"}


def test_a_version_1_book_still_loads(tmp_path: Path) -> None:
    leg = {"call_id": "c1", "cli": ADA, "joined": "2026-11-23T09:30:00Z", "left": "2026-11-23T09:31:00Z",
           "last_seen": None, "times_muted": 2, "kicked": True}
    (tmp_path / journal.SNAPSHOT_NAME).write_text(json.dumps({"version": 1, "rooms": {"r": [leg]}}))
    book = AttendanceBook.load(tmp_path, now=T0)
    assert book.load_warning is None
    assert rows(book) == [(ADA, 60, False, 2)] and book.rooms["r"]["c1"].kicked


def test_closing_folds_a_long_journal_into_the_snapshot(tmp_path: Path) -> None:
    """Every start replays the journal (~80 ms for 9,000 lines), and it was folded in only at 20,000: a session
    that ends with a long one now leaves the next start a snapshot to read."""
    book = AttendanceBook(tmp_path)
    book._writer = journal.JournalWriter(tmp_path, batch_seconds=0)
    book.record("r", [entry("joined", f"c{n}", ADA, n) for n in range(journal.CLOSE_COMPACT_LINES)])
    book.save_soon()
    assert book._writer.close()
    assert journal_lines(tmp_path) == []
    assert len(AttendanceBook.load(tmp_path, now=T0).rooms["r"]) == journal.CLOSE_COMPACT_LINES


def test_closing_leaves_a_short_journal_to_be_replayed(tmp_path: Path) -> None:
    book = AttendanceBook(tmp_path)
    book._writer = journal.JournalWriter(tmp_path, batch_seconds=0)
    book.record("r", [entry("joined", f"c{n}", ADA, n) for n in range(10)])
    book.save_soon()
    assert book._writer.close()
    assert len(journal_lines(tmp_path)) == 10 and not (tmp_path / journal.SNAPSHOT_NAME).exists()
    assert len(AttendanceBook.load(tmp_path, now=T0).rooms["r"]) == 10


def test_lines_another_console_appends_while_this_one_compacts_are_kept(tmp_path: Path, monkeypatch) -> None:
    """Two consoles on one profile (two terminals; browser mode runs one per session) share the journal. One
    folded it in and emptied it while the other appended in between: that console's lines were lost."""
    ours, theirs = journal.JournalWriter(tmp_path, batch_seconds=0), journal.JournalWriter(tmp_path, batch_seconds=0)

    def leg(call_id: str) -> list[object]:
        return ["leg", "r", [call_id, ADA, journal.to_micros(T0), None, None, 0, False]]

    ours.append([leg(f"ours-{n}") for n in range(10)])
    assert ours.flush()
    real_write, appended = journal.atomic_write, threading.Event()

    def snapshot_while_they_append(*args: object, **kwargs: object) -> None:
        real_write(*args, **kwargs)  # type: ignore[arg-type]
        theirs.append([leg("theirs")])  # their writer thread: with the lock it waits until we are done
        threading.Thread(target=lambda: appended.set() if theirs.flush(10) else None, daemon=True).start()
        appended.wait(0.5)  # without a lock their line is on disk now, before we empty the journal

    monkeypatch.setattr(journal, "atomic_write", snapshot_while_they_append)
    ours.compact_now()
    monkeypatch.undo()
    assert theirs.flush(10)
    book = AttendanceBook.load(tmp_path, now=T0)
    assert {"theirs", "ours-0", "ours-9"} <= set(book.rooms["r"])
