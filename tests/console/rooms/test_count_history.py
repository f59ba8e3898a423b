"""The head count per minute behind the watch list's sparkline: bounded, peaks kept, gaps filled, and the same
tuple while nothing changes (so a room polled every second is not redrawn)."""

from __future__ import annotations

from datetime import timedelta

from rooms_helpers import ROOM, START

from api.models import Conference, Participant
from console.rooms.count_history import CountHistory
from console.rooms.watch import RoomWatch


def at(minutes: float):
    return START + timedelta(minutes=minutes)


def test_one_value_per_minute_its_peak():
    history = CountHistory()
    history.add(3, at(0))
    history.add(5, at(0.5))
    history.add(4, at(0.9))
    history.add(4, at(1))
    assert history.values == (5, 4)


def test_minutes_without_polls_hold_the_last_count():
    history = CountHistory()
    history.add(2, at(0))
    history.add(6, at(0.5))
    history.add(1, at(0.8))
    history.add(3, at(4))
    assert history.values == (6, 1, 1, 1, 3)


def test_bounded_to_thirty_minutes_however_often_polled():
    history = CountHistory()
    for second in range(0, 3 * 3600, 1):
        history.add(second // 60 % 7, START + timedelta(seconds=second))
    assert len(history.values) == 30
    history.add(9, at(24 * 60))  # a day later: still thirty values
    assert len(history.values) == 30 and history.values[-1] == 9


def test_a_quiet_room_hands_out_the_same_tuple():
    history = CountHistory()
    history.add(4, at(0))
    before = history.values
    for second in range(1, 59):
        history.add(4, START + timedelta(seconds=second))
    assert history.values is before


def test_the_watch_summary_carries_the_history():
    watch = RoomWatch(ROOM)
    ada = Participant.model_validate({"id": "c1", "cli": "+46708168731", "duration": 1, "muted": False})
    bob = Participant.model_validate({"id": "c2", "cli": "+46708425201", "duration": 1, "muted": False})
    watch.apply_poll(Conference(participants=[ada]), at(0))
    watch.apply_poll(Conference(participants=[ada, bob]), at(1))
    watch.apply_failure(RuntimeError("down"), at(2))  # a failed poll adds nothing
    assert watch.summary(at(2)).recent == (1, 2)
