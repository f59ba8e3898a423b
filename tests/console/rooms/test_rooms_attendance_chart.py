"""The attendance chart: a bar per person with muted stretches and kicks, kept across a restart, and written as
a valid SVG file atomically like the CSV and JSON exports."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from datetime import timedelta

from rooms_helpers import ROOM, START

from api.models.views import Span
from console.rooms.attendance import AttendanceBook
from console.rooms.contacts import AddressBook
from console.rooms.moderator import Moderator

ADA, BOB = "+46708168731", "+46708425201"
BOOK = AddressBook({"+46 70 816 87 31": "Ada <the & chair>"})
SVG = "{http://www.w3.org/2000/svg}"


def at(seconds: float):
    return START + timedelta(seconds=seconds)


async def meeting(client, admin, clock, folder) -> tuple[Moderator, str, str]:
    """Ada joins, is muted 60-90 s, leaves at 120 s, is back at 150 s; Bob is kicked at 180 s."""
    moderator = Moderator(client, clock=clock, attendance=AttendanceBook.load(folder), address_book=BOOK)
    first = await admin.join(ADA)
    bob = await admin.join(BOB)
    await moderator.poll(ROOM)
    clock.advance(60)
    await moderator.mute(ROOM, first)
    clock.advance(1)
    await moderator.poll(ROOM)  # the mute seen: one muted stretch, not two
    clock.advance(29)
    await moderator.unmute(ROOM, first)
    clock.advance(30)
    await admin.hang_up(first)
    await moderator.poll(ROOM)
    clock.advance(30)
    second = await admin.join(ADA)
    await moderator.poll(ROOM)
    clock.advance(30)
    await moderator.kick(ROOM, bob)
    clock.advance(10)
    await moderator.poll(ROOM)
    return moderator, first, second


async def test_chart_has_a_bar_per_person_with_muted_stretches_and_kicks(client, admin, clock, tmp_path):
    moderator, _, _ = await meeting(client, admin, clock, tmp_path)
    chart = moderator.attendance.chart(ROOM, clock(), BOOK)
    ada, bob = chart.bars
    assert (chart.start, chart.end) == (START, at(190))
    assert ada.name.startswith("Ada") and ada.still_here
    assert ada.present == (Span(START, at(120)), Span(at(150), at(190)))
    assert ada.muted == (Span(at(60), at(90)),)
    assert bob.kicked == (at(180),) and bob.present == (Span(START, at(180)),) and not bob.still_here


async def test_muted_stretches_survive_a_restart(client, admin, clock, tmp_path):
    moderator, _, _ = await meeting(client, admin, clock, tmp_path)
    assert moderator.attendance.flush()
    again = AttendanceBook.load(tmp_path, now=clock())
    assert again.chart(ROOM, clock(), BOOK) == moderator.attendance.chart(ROOM, clock(), BOOK)
    moderator.attendance.save()  # folded into the snapshot: still there
    assert AttendanceBook.load(tmp_path, now=clock()).chart(ROOM, clock(), BOOK).bars[0].muted == (
        Span(at(60), at(90)),)


async def test_a_mute_that_never_ended_runs_to_the_leave(client, admin, clock, tmp_path):
    moderator = Moderator(client, clock=clock, attendance=AttendanceBook())
    call = await admin.join(ADA)
    await moderator.poll(ROOM)
    clock.advance(10)
    await moderator.mute(ROOM, call)
    clock.advance(20)
    await admin.hang_up(call)
    await moderator.poll(ROOM)
    (bar,) = moderator.attendance.chart(ROOM, clock()).bars
    assert bar.muted == (Span(at(10), at(30)),) and bar.present == (Span(START, at(30)),)


async def test_svg_export_is_a_valid_svg_written_atomically(client, admin, clock, tmp_path):
    moderator, _, _ = await meeting(client, admin, clock, tmp_path / "book")
    target = tmp_path / "out" / "attendance.svg"
    target.parent.mkdir()
    target.write_text("an older chart")
    outcome = await moderator.export_attendance(ROOM, target)  # the format from the suffix
    assert outcome.ok, outcome.text
    root = ET.fromstring(target.read_bytes())  # well-formed XML (the name's < and & escaped)
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    texts = [element.text or "" for element in root.iter(f"{SVG}text")]
    assert any("Ada <the & chair>" in text for text in texts) and any("+46 70 842 52 01" in text for text in texts)
    tips = [element.text or "" for element in root.iter(f"{SVG}title")]
    assert sum("in the room" in tip for tip in tips) == 3  # Ada's two stretches, Bob's one
    assert sum(": muted " in tip for tip in tips) == 1 and sum("kicked" in tip for tip in tips) == 1
    assert os.listdir(target.parent) == ["attendance.svg"]  # replaced in one rename: no temporary file left
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)  # private, like the CSV and JSON exports


def test_an_empty_room_exports_an_svg_that_says_so(tmp_path):
    path = AttendanceBook().export("nobody", tmp_path / "empty.svg", START)
    root = ET.fromstring(path.read_bytes())
    assert any("Nobody seen" in (element.text or "") for element in root.iter(f"{SVG}text"))


def test_books_written_before_mutes_were_kept_still_load(tmp_path):
    (tmp_path / "attendance.json").write_text(
        '{"version": 2, "rooms": {"standup": [["c1", "+46708168731", 0, null, null, 2, false]]}}')
    book = AttendanceBook.load(tmp_path, now=START)
    assert book.load_warning is None and book.rooms["standup"]["c1"].times_muted == 2
    assert book.chart("standup", START).bars[0].muted == ()


async def test_the_chart_is_the_last_meeting_not_the_whole_book(client, admin, clock, tmp_path):
    moderator = Moderator(client, clock=clock, attendance=AttendanceBook())
    early = await admin.join(BOB)
    await moderator.poll(ROOM)
    clock.advance(600)
    await admin.hang_up(early)
    await moderator.poll(ROOM)  # yesterday's meeting, say: over, the room empty
    clock.advance(3600)
    await admin.join(ADA)
    await moderator.poll(ROOM)
    clock.advance(60)
    chart = moderator.attendance.chart(ROOM, clock(), BOOK)
    assert (chart.start, chart.end) == (at(4200), at(4260))
    assert [bar.name[:3] for bar in chart.bars] == ["Ada"]


async def test_someone_already_muted_when_first_seen_is_shaded_from_then(client, admin, clock, tmp_path):
    moderator = Moderator(client, clock=clock, attendance=AttendanceBook())
    call = await admin.join(ADA, muted=True)
    clock.advance(5)
    await moderator.poll(ROOM)
    clock.advance(20)
    await moderator.unmute(ROOM, call)
    (bar,) = moderator.attendance.chart(ROOM, clock()).bars
    assert bar.muted == (Span(at(5), at(25)),)
