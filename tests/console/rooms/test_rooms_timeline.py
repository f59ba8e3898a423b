"""Timeline: platform changes become entries; a console action seen again in the next poll is listed once."""

from __future__ import annotations

from datetime import timedelta

from rooms_helpers import ROOM, START, conference, person

from console.rooms.moderator import Moderator
from console.rooms.timeline import Timeline
from console.rooms.watch import RoomWatch


def kinds(timeline: Timeline) -> list[tuple[str, str, str]]:
    return [(e.kind, e.call_id, e.by) for e in timeline]


def test_platform_changes_are_entries_by_the_platform():
    watch, timeline = RoomWatch(ROOM), Timeline(ROOM)
    timeline.apply_diff(watch.apply_poll(conference(person("a")), START))
    later = START + timedelta(seconds=1)
    timeline.apply_diff(watch.apply_poll(conference(person("a", muted=True), person("b")), later))
    timeline.apply_diff(watch.apply_poll(conference(person("b")), START + timedelta(seconds=2)))
    assert kinds(timeline) == [("joined", "a", "platform"), ("joined", "b", "platform"),
                               ("muted", "a", "platform"), ("left", "a", "platform")]
    assert timeline.entries[0].detail == "present when watching started"


def test_a_console_mute_seen_in_the_next_poll_is_not_listed_twice():
    watch, timeline = RoomWatch(ROOM), Timeline(ROOM)
    timeline.apply_diff(watch.apply_poll(conference(person("a"), person("b")), START))
    timeline.record_action("muted", "a", "+1", START + timedelta(seconds=1))
    timeline.record_action("kicked", "b", "+2", START + timedelta(seconds=1))
    added = timeline.apply_diff(watch.apply_poll(conference(person("a", muted=True)), START + timedelta(seconds=2)))
    assert added == []
    assert kinds(timeline)[2:] == [("muted", "a", "console"), ("kicked", "b", "console")]


def test_an_unconfirmed_console_action_cannot_claim_a_later_platform_change():
    watch, timeline = RoomWatch(ROOM, interval=1), Timeline(ROOM, expect_for=30)
    timeline.apply_diff(watch.apply_poll(conference(person("a")), START))
    timeline.record_action("muted", "a", "+1", START)
    # The platform shows "unmuted"? No change at all is seen, then much later the platform mutes: its own event.
    timeline.apply_diff(watch.apply_poll(conference(person("a")), START + timedelta(seconds=1)))
    later = timeline.apply_diff(watch.apply_poll(conference(person("a", muted=True)), START + timedelta(seconds=60)))
    assert [(e.kind, e.by) for e in later] == [("muted", "platform")]


def test_the_opposite_change_cancels_the_expectation():
    watch, timeline = RoomWatch(ROOM), Timeline(ROOM)
    timeline.apply_diff(watch.apply_poll(conference(person("a", muted=True)), START))
    timeline.record_action("muted", "a", "+1", START)  # redundant mute; meanwhile someone unmutes on the platform
    timeline.apply_diff(watch.apply_poll(conference(person("a")), START + timedelta(seconds=1)))
    again = timeline.apply_diff(watch.apply_poll(conference(person("a", muted=True)), START + timedelta(seconds=2)))
    assert [(e.kind, e.by) for e in again] == [("muted", "platform")]


def test_the_timeline_is_bounded():
    timeline = Timeline(ROOM, limit=3)
    for n in range(5):
        timeline.record_policy(f"p{n}", START)
    assert [e.detail for e in timeline] == ["p2", "p3", "p4"] and len(timeline) == 3


async def test_moderator_mute_then_poll_gives_one_console_entry_against_the_sandbox(client, admin, clock):
    moderator = Moderator(client, clock=clock)
    ada = await admin.join("+46708168731")
    await moderator.poll(ROOM)
    assert (await moderator.mute(ROOM, ada)).ok
    clock.advance(1)
    result = await moderator.poll(ROOM)
    assert result.entries == ()
    assert kinds(moderator.timeline(ROOM)) == [("joined", ada, "platform"), ("muted", ada, "console")]

    # The same person muted on the platform side later (after an unmute there) is the platform's doing.
    await client.conferences.unmute(ROOM, ada)
    await moderator.poll(ROOM)
    await client.conferences.mute(ROOM, ada)
    clock.advance(1)
    await moderator.poll(ROOM)
    assert kinds(moderator.timeline(ROOM))[-2:] == [("unmuted", ada, "platform"), ("muted", ada, "platform")]
