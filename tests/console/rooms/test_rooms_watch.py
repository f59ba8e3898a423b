"""RoomWatch: diffs by callId, stale-but-kept rosters, backoff and silent recovery, pause and interval."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st
from rooms_helpers import ROOM, START, conference, person

from api import errors
from api.models import Conference, Participant
from console.rooms.watch import MAX_INTERVAL, MIN_INTERVAL, RoomWatch


def test_first_answer_is_initial_and_everyone_joined():
    watch = RoomWatch(ROOM)
    diff = watch.apply_poll(conference(person("a"), person("b")), START)
    assert diff.initial
    assert [p.call_id for p in diff.joined] == ["a", "b"]
    assert watch.summary(START).health == "ok"


def test_diff_names_every_change_by_call_id():
    watch = RoomWatch(ROOM)
    watch.apply_poll(conference(person("a"), person("b", muted=True), person("c"), person("d", on_hold=True)), START)
    diff = watch.apply_poll(conference(person("a", muted=True), person("b"), person("d"), person("e")),
                            START + timedelta(seconds=1))
    assert not diff.initial
    assert [p.call_id for p in diff.joined] == ["e"]
    assert [p.call_id for p in diff.left] == ["c"]
    assert [p.call_id for p in diff.muted] == ["a"]
    assert [p.call_id for p in diff.unmuted] == ["b"]
    assert [p.call_id for p in diff.resumed] == ["d"]
    held = watch.apply_poll(conference(person("a", muted=True), person("b"), person("d", on_hold=True),
                                       person("e")), START + timedelta(seconds=2))
    assert [p.call_id for p in held.held] == ["d"]
    assert not watch.apply_poll(conference(*watch.participants.values()), START + timedelta(seconds=3))


async def test_a_failed_poll_keeps_the_roster_and_marks_it_stale_with_its_age(client, admin):
    watch = RoomWatch(ROOM, interval=2)
    first = await admin.join("+46708168731")
    watch.apply_poll(await client.conferences.get(ROOM), START)

    await admin.fault(kind="status", status=503, count=1)
    try:
        await client.conferences.get(ROOM)
    except errors.SinchError as exc:
        diff = watch.apply_failure(exc, START + timedelta(seconds=12))
    assert not diff
    assert list(watch.participants) == [first]  # the last roster is still there
    assert watch.stale
    assert watch.stale_for(START + timedelta(seconds=12)) == 12
    summary = watch.summary(START + timedelta(seconds=12))
    assert summary.participants == 1 and summary.stale and summary.stale_for == 12
    assert watch.health(START + timedelta(seconds=12)) == "stale 12 s: Service unavailable (injected fault) (50000)"

    # The platform answers again: back to normal, silently.
    watch.apply_poll(await client.conferences.get(ROOM), START + timedelta(seconds=14))
    assert not watch.stale and watch.next_delay == 2 and watch.summary().health == "ok"


async def test_a_dropped_connection_is_a_failure_worded_as_such(client, admin):
    watch = RoomWatch(ROOM)
    await admin.join("+46708168731")
    await admin.fault(kind="drop", count=1)
    try:
        await client.conferences.get(ROOM)
    except errors.SinchError as exc:
        watch.apply_failure(exc, START)
    assert watch.stale and watch.health(START).startswith("stale: No connection to the platform")


async def test_an_empty_room_40400_is_not_a_failure(client, admin):
    watch = RoomWatch(ROOM)
    call_id = await admin.join("+46708168731")
    watch.apply_poll(await client.conferences.get(ROOM), START)
    await admin.hang_up(call_id)
    try:
        await client.conferences.get(ROOM)
    except errors.NotFoundError as exc:
        diff = watch.apply_failure(exc, START + timedelta(seconds=1))
    assert [p.call_id for p in diff.left] == [call_id]
    assert not watch.stale and watch.participants == {} and watch.health() == "ok"
    assert watch.next_delay == watch.interval


def test_backoff_grows_to_its_cap_and_resets_on_success():
    watch = RoomWatch(ROOM, interval=0.5)
    failure = errors.ServerError("Service unavailable", status=503, error_code=50000)
    delays = []
    for _ in range(6):
        watch.apply_failure(failure, START)
        delays.append(watch.next_delay)
    assert delays == [1, 2, 4, 5, 5, 5]  # fresh within 5 s of the platform's return
    watch.apply_poll(Conference(), START)
    assert watch.next_delay == 0.5 and watch.failures == 0


def test_backoff_never_polls_faster_than_the_interval_and_honours_retry_after():
    slow = RoomWatch(ROOM, interval=45)
    slow.apply_failure(errors.ServerError("x", status=500), START)
    assert slow.next_delay == 45
    limited = RoomWatch(ROOM, interval=1)
    limited.apply_failure(errors.RateLimitError("Too many requests", status=429, retry_after=7), START)
    assert limited.next_delay == 7
    assert "Too many requests (429)" in limited.health(START)


def test_interval_steps_are_bounded_and_pause_shows_in_health():
    watch = RoomWatch(ROOM, interval=1)
    assert watch.slower() == 2 and watch.faster() == 1
    for _ in range(20):
        watch.faster()
    assert watch.interval == MIN_INTERVAL
    for _ in range(20):
        watch.slower()
    assert watch.interval == MAX_INTERVAL
    assert watch.set_interval(0.01) == MIN_INTERVAL and watch.set_interval(600) == MAX_INTERVAL
    assert RoomWatch(ROOM, interval=0).interval == MIN_INTERVAL
    assert watch.summary().health == "waiting"
    assert watch.toggle_pause() and watch.health() == "paused" and watch.summary().paused  # the list shows the flag
    watch.resume()
    assert not watch.paused


rosters = st.dictionaries(st.sampled_from("abcdefgh"), st.tuples(st.booleans(), st.booleans()), max_size=8)


@given(st.lists(rosters, min_size=1, max_size=6))
def test_diffs_replay_to_the_last_roster(sequence):
    """Property: applying the diffs in order to the first roster reproduces the last one."""
    watch = RoomWatch(ROOM)
    known: dict[str, Participant] = {}
    for step, roster in enumerate(sequence):
        people = [person(cid, muted=m, on_hold=h) for cid, (m, h) in sorted(roster.items())]
        diff = watch.apply_poll(conference(*people), START + timedelta(seconds=step))
        for p in diff.left:
            known.pop(p.call_id)
        for p in (*diff.joined, *diff.muted, *diff.unmuted, *diff.held, *diff.resumed):
            known[p.call_id] = p
        assert {cid: (p.muted, bool(p.on_hold)) for cid, p in known.items()} == roster
