"""Attendance: leave and rejoin, kicks and mutes counted once, persisted atomically, a corrupt file set aside."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest
from rooms_helpers import ROOM, START

from console.rooms.attendance import FILE_NAME, AttendanceBook
from console.rooms.attendance_journal import JOURNAL_NAME
from console.rooms.contacts import AddressBook
from console.rooms.moderator import Moderator

ADA, BOB = "+46708168731", "+46708425201"
BOOK = AddressBook({"+46 70 816 87 31": "Ada"})


async def test_leave_and_rejoin_is_one_person_with_both_calls(client, admin, clock, tmp_path):
    moderator = Moderator(client, clock=clock, attendance=AttendanceBook.load(tmp_path), address_book=BOOK)
    first = await admin.join(ADA)
    bob = await admin.join(BOB)
    await moderator.poll(ROOM)
    clock.advance(60)
    await moderator.mute(ROOM, first)
    clock.advance(1)
    await moderator.poll(ROOM)  # the mute is seen: still counted once
    clock.advance(59)
    await admin.hang_up(first)
    await moderator.poll(ROOM)  # Ada left after 120 s
    clock.advance(30)
    second = await admin.join(ADA)
    await moderator.poll(ROOM)  # and is back
    clock.advance(30)
    await moderator.kick(ROOM, bob)
    clock.advance(10)
    await moderator.poll(ROOM)

    rows = {row.cli: row for row in moderator.attendance_report(ROOM)}
    ada, bob_row = rows[ADA], rows[BOB]
    assert ada.name == "Ada (+46 70 816 87 31)" and ada.call_ids == (first, second)
    assert ada.first_joined == START and ada.last_left is None and ada.present
    assert ada.seconds_in_room == 120 + 40 and ada.times_muted == 1 and not ada.kicked
    assert bob_row.kicked and bob_row.last_left == START + timedelta(seconds=180)
    assert bob_row.seconds_in_room == 180 and not bob_row.present


async def test_attendance_survives_a_restart_and_closes_calls_that_ended_meanwhile(client, admin, clock, tmp_path):
    moderator = Moderator(client, clock=clock, attendance=AttendanceBook.load(tmp_path))
    ada = await admin.join(ADA)
    bob = await admin.join(BOB)
    await moderator.poll(ROOM)
    clock.advance(20)
    await moderator.poll(ROOM)  # last seen at +20 (kept in memory)
    await moderator.mute(ROOM, ada)  # a change: journaled, with last_seen
    assert moderator.attendance.flush()
    assert (tmp_path / JOURNAL_NAME).exists()

    await admin.hang_up(bob)  # while the console is down
    clock.advance(100)
    restarted = Moderator(client, clock=clock, attendance=AttendanceBook.load(tmp_path))
    assert restarted.attendance.load_warning is None
    await restarted.poll(ROOM)
    rows = {row.cli: row for row in restarted.attendance.report(ROOM, clock())}
    assert rows[ADA].present and rows[ADA].first_joined == START and rows[ADA].times_muted == 1
    assert rows[ADA].seconds_in_room == 120
    assert not rows[BOB].present and rows[BOB].last_left == START + timedelta(seconds=20)
    assert restarted.attendance.flush()
    assert set(AttendanceBook.load(tmp_path, now=clock()).rooms[ROOM]) == {ada, bob}


def test_a_corrupt_file_is_set_aside_and_the_book_starts_fresh(tmp_path):
    (tmp_path / FILE_NAME).write_text('{"version": 1, "rooms": {"standup": [{"call_id": ')
    book = AttendanceBook.load(tmp_path, now=START)
    assert book.rooms == {}
    assert book.load_warning and "started fresh" in book.load_warning
    aside = list(tmp_path.glob("attendance.corrupt-*.json"))
    assert len(aside) == 1 and aside[0].read_text().startswith('{"version": 1')
    assert not (tmp_path / FILE_NAME).exists()
    book.save()
    assert AttendanceBook.load(tmp_path).load_warning is None


def test_wrong_shapes_are_corrupt_too(tmp_path):
    for text in ("[]", '{"rooms": {"r": [{"call_id": "x"}]}}', '{"rooms": {"r": "abc"}}', "\x00\xff"):
        (tmp_path / FILE_NAME).write_text(text)
        assert AttendanceBook.load(tmp_path).load_warning is not None
    assert AttendanceBook.load(tmp_path / "missing").rooms == {}


async def test_export_csv_and_json_atomically(client, admin, clock, tmp_path):
    moderator = Moderator(client, clock=clock, address_book=BOOK)
    await admin.join(ADA)
    await admin.join(BOB)
    await moderator.poll(ROOM)
    clock.advance(90)
    out = tmp_path / "out"
    as_csv = await moderator.export_attendance(ROOM, out / "standup.csv")
    as_json = await moderator.export_attendance(ROOM, out / "standup.json")
    assert as_csv.ok and as_json.ok and "2 people" in as_csv.text
    rows = list(csv.DictReader((out / "standup.csv").open()))
    assert [(r["name"], r["seconds_in_room"], r["present"]) for r in rows] == [
        ("Ada (+46 70 816 87 31)", "90.0", "True"), ("+46 70 842 52 01", "90.0", "True")]
    data = json.loads((out / "standup.json").read_text())
    assert data["room"] == ROOM and data["attendance"][0]["first_joined"] == "2026-11-23T09:30:00Z"
    assert sorted(p.name for p in out.iterdir()) == ["standup.csv", "standup.json"]  # no temp files left

    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    failed = await moderator.export_attendance(ROOM, blocked / "sub" / "x.csv")
    assert not failed.ok and failed.text.startswith("Could not export attendance of standup")
    assert not (await moderator.export_attendance(ROOM, out / "x.xlsx")).ok
    assert (await moderator.export_attendance(ROOM, out / "plain", fmt="json")).ok


def test_a_failed_write_leaves_the_previous_file(tmp_path, monkeypatch):
    book = AttendanceBook(tmp_path)
    book.save()
    before = (tmp_path / FILE_NAME).read_bytes()
    import console.files as storage

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage.os, "replace", broken)
    book.rooms["x"] = {}
    with pytest.raises(OSError):
        book.save()
    assert (tmp_path / FILE_NAME).read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]


def test_join_time_is_the_poll_time_less_the_time_already_in_the_call() -> None:
    from datetime import UTC, datetime, timedelta

    from api.models import Participant
    from console.rooms import AttendanceBook, TimelineEntry

    now = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    book = AttendanceBook()
    book.record("r", [TimelineEntry(now, "joined", "c1", "+46708168731", "platform")])
    ada = Participant.model_validate({"id": "c1", "cli": "+46708168731", "duration": 334, "muted": False})
    assert book.backdate("r", [ada], now)
    row = book.report("r", now)[0]
    assert row.first_joined == now - timedelta(seconds=334)
    assert round(row.seconds_in_room) == 334
    assert not book.backdate("r", [ada], now)  # never moves later
