"""Bulk actions: bounded concurrency, per-participant failures with words and codes, progress, kick all."""

from __future__ import annotations

import asyncio

from rooms_helpers import ROOM

from api import errors
from console.rooms.bulk import run_bulk
from console.rooms.contacts import AddressBook, Contact
from console.rooms.moderator import Moderator


async def test_run_bulk_bounds_concurrency_and_captures_every_failure():
    in_flight = peak = 0
    progress: list[tuple[int, int]] = []

    async def action(call_id: str) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001)
        in_flight -= 1
        if call_id == "c3":
            raise errors.NotFoundError("Participant not found", status=404, error_code=40400)
        if call_id == "c5":
            raise RuntimeError("boom")

    targets = [f"c{n}" for n in range(20)]
    result = await run_bulk(targets, action, limit=4, on_progress=lambda d, t: progress.append((d, t)))
    assert peak == 4
    assert result.total == 20 and len(result.succeeded) == 18 and not result.ok
    assert [(i.call_id, i.error, i.code) for i in result.failed] == [
        ("c3", "Not found (40400): the participant already left", 40400),
        ("c5", "Unexpected error: RuntimeError: boom", None)]
    assert [i.call_id for i in result.items] == [f"c{n}" for n in range(20)]  # the order given
    assert progress == [(n, 20) for n in range(1, 21)]


async def test_a_broken_progress_callback_and_async_callbacks():
    seen = []

    async def record(done: int, total: int) -> None:
        seen.append(done)

    async def ok(call_id: str) -> None:
        return None

    assert (await run_bulk(["a", "b"], ok, on_progress=record)).ok and sorted(seen) == [1, 2]
    assert (await run_bulk(["a"], ok, on_progress=lambda d, t: 1 / 0)).ok
    assert (await run_bulk([], ok)).total == 0


async def test_bulk_mute_of_30_with_one_kicked_just_before_reports_partial_failure(client, admin, clock):
    moderator = Moderator(client, clock=clock)
    people = [await admin.join(f"+4670000{n:04d}") for n in range(30)]
    await moderator.poll(ROOM)
    await client.conferences.kick(ROOM, people[7])  # gone, but still on the last roster
    progress: list[int] = []
    outcome = await moderator.mute_all(ROOM, on_progress=lambda done, total: progress.append(done))
    assert not outcome.ok and outcome.bulk is not None
    assert len(outcome.bulk.succeeded) == 29
    assert [(i.call_id, i.code) for i in outcome.bulk.failed] == [(people[7], 40400)]
    assert outcome.text == ("Muted 29 of 30 in standup; 1 failed: +46 70 000 00 07: "
                            "Not found (40400): the participant already left")
    assert outcome.code == 40400 and sorted(progress) == list(range(1, 31))
    roster = await admin.roster()
    assert len(roster) == 29 and all(p["muted"] for p in roster.values())


async def test_unmute_all_and_mute_all_except_moderators(client, admin, clock):
    book = AddressBook({"+46708168731": Contact("Mia", moderator=True)})
    moderator = Moderator(client, clock=clock, address_book=book, bulk_limit=3)
    mia = await admin.join("+46708168731", muted=True)
    others = [await admin.join(f"+4670000{n:04d}", muted=True) for n in range(5)]
    await moderator.poll(ROOM)
    assert (await moderator.unmute_all(ROOM)).text == "Unmuted 6 of 6 in standup"
    assert not any(p["muted"] for p in (await admin.roster()).values())
    await moderator.poll(ROOM)
    outcome = await moderator.mute_all_except_moderators(ROOM)
    assert outcome.ok and outcome.text == "Muted 5 of 5 in standup"
    roster = await admin.roster()
    assert not roster[mia]["muted"] and all(roster[c]["muted"] for c in others)


async def test_kick_all_in_one_request(client, admin, clock):
    moderator = Moderator(client, clock=clock)
    for n in range(4):
        await admin.join(f"+4670000{n:04d}")
    await moderator.poll(ROOM)
    before = len(client.trace)
    outcome = await moderator.kick_all(ROOM)
    assert outcome.ok and outcome.text == "Kicked everyone (4) from standup"
    assert [(r.method, r.path) for r in client.trace[before:]] == [("DELETE", "/calling/v1/conferences/id/standup")]
    assert (await admin.roster()) == {}
    again = await moderator.kick_all(ROOM)
    assert not again.ok
    assert again.text == "Could not kick everyone from standup: Not found (40400): no participants right now"
    await moderator.poll(ROOM)
    assert all(row.kicked and not row.present for row in moderator.attendance_report(ROOM))
    assert (await moderator.mute_all(ROOM)).text == "No one to mute in standup"
