"""The demo scenario: named rooms that stay alive and change at a human pace, repeatably for a seed."""

from __future__ import annotations

import itertools

import phonenumbers
from sandbox_helpers import make_app

from sandbox import DEMO_ROOMS, Sandbox


def story(seed: int, steps: int = 40, step_seconds: float = 3.0) -> list[dict]:
    sb: Sandbox = make_app("demo", seed=seed).state.sandbox
    frames = []
    for _ in range(steps):
        sb.advance(step_seconds)
        frames.append({room: [(p.call_id, p.cli, p.muted, p.onhold) for p in conf.participants.values()]
                       for room, conf in sb.conferences.items()})
    return frames


def test_demo_rooms_are_alive_at_start() -> None:
    sb: Sandbox = make_app("demo").state.sandbox
    assert sb.rooms == list(DEMO_ROOMS) == ["standup", "board-room", "support-bridge"]
    for room in DEMO_ROOMS:
        people = sb.conference(room).participants.values()
        assert len(people) >= 2
        for person in people:
            assert phonenumbers.is_valid_number(phonenumbers.parse(person.cli))
    countries = {phonenumbers.region_code_for_number(phonenumbers.parse(p.cli))
                 for conf in sb.conferences.values() for p in conf.participants.values()}
    assert len(countries) >= 3
    assert len(sb.recordings.items) >= 3 and len(sb.numbers.items) >= 4


def test_same_seed_same_story_and_things_happen() -> None:
    first, second = story(5), story(5)
    assert first == second
    assert story(6) != first
    changes = sum(1 for before, after in itertools.pairwise(first) if before != after)
    assert changes >= 15  # something happens every few seconds
    for frame in first:
        assert set(frame) == set(DEMO_ROOMS)  # never empty


def test_emptied_room_is_refilled_soon() -> None:
    sb: Sandbox = make_app("demo", seed=3).state.sandbox
    sb.kick_all("standup")
    assert "standup" not in sb.conferences
    sb.advance(15)
    assert "standup" in sb.conferences


def test_demo_recordings_span_a_month_and_some_expire_today() -> None:
    sb: Sandbox = make_app("demo", seed=2).state.sandbox
    now = sb.now()
    ages = sorted((now - r.created_on).days for r in sb.recordings.items.values())
    assert len(ages) >= 12 and ages[0] == 0 and ages[-1] == 29
    hours_left = [(r.expires_on - now).total_seconds() / 3600 for r in sb.recordings.items.values()]
    assert sum(1 for h in hours_left if h < 24) >= 2 and all(h > 0 for h in hours_left)
    for rec in sb.recordings.items.values():  # a few seconds of audio each: tens to hundreds of KB
        assert 20_000 < rec.size < 1_000_000
        assert rec.to_wire("http://x")["headers"]["Content-Length"] == str(rec.size)


def test_demo_leavers_sometimes_leave_a_recording_of_their_call() -> None:
    sb: Sandbox = make_app("demo", seed=4).state.sandbox
    before = set(sb.recordings.items)
    sb.advance(600)
    new = [sb.recordings.items[key] for key in set(sb.recordings.items) - before]
    assert new, "ten minutes of demo left no recording"
    for rec in new:
        call = sb.calls[rec.call_id]
        assert call.status == "FINAL" and rec.created_on == call.ended_at
        assert rec.n_frames == round(8000 * max(1.0, (call.ended_at - call.answered_at).total_seconds()))


def test_empty_scenario_has_numbers_only() -> None:
    sb: Sandbox = make_app("empty").state.sandbox
    assert sb.conferences == {} and sb.recordings.items == {} and sb.rooms == []
    assert len(sb.numbers.items) == 5


def test_long_idle_catches_up_quickly() -> None:
    sb: Sandbox = make_app("demo", seed=9).state.sandbox
    sb.advance(6 * 3600)  # six hours of virtual time in one go
    assert set(sb.conferences) == set(DEMO_ROOMS)
