"""RoomsService without a UI: polling on its own timers, coalescing, backoff, pause, hands, actions, events.

The sandbox runs in process; time is a FakeScheduler's, moved by hand, so a 30 s backoff is checked at once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rooms_helpers import ROOM

from console.events.model import parse_message
from console.events.routing import EventRouter
from console.rooms import Moderator
from console.rooms.service import RoomsService
from console.rooms.updates import (
    ActionDone,
    HandsChanged,
    RoomPolled,
    RoomSettingsChanged,
    RoomsNotice,
    RoomUnwatched,
    RoomUpdate,
    RoomWatched,
)
from tests.fake_scheduler import FakeScheduler
from tests.waiting import eventually

ADA, BO = "+46708168731", "+46708425201"


class Counted:
    """Counts conference GETs per room; `gate` holds them in flight until set (to test coalescing)."""

    def __init__(self, client: Any) -> None:
        self.gets: list[str] = []
        self.gate: asyncio.Event | None = None
        self.held = 0  # requests waiting at the gate
        get = client.conferences.get

        async def counted(room: str, *args: Any, **kwargs: Any) -> Any:
            self.gets.append(room)
            if self.gate is not None:
                self.held += 1
                await self.gate.wait()
                self.held -= 1
            return await get(room, *args, **kwargs)

        client.conferences.get = counted


@pytest.fixture
def scheduler() -> FakeScheduler:
    return FakeScheduler()


@pytest.fixture
def counted(client) -> Counted:
    return Counted(client)


@pytest.fixture
def service(client, scheduler, counted) -> RoomsService:
    moderator = Moderator(client, clock=scheduler.now, interval=1.0)
    return RoomsService(moderator, scheduler=scheduler, max_from_events=3)


def record(service: RoomsService) -> list[RoomUpdate]:
    updates: list[RoomUpdate] = []
    service.subscribe(updates.append)
    return updates


def polled(updates: list[RoomUpdate]) -> list[RoomPolled]:
    return [update for update in updates if isinstance(update, RoomPolled)]


async def test_a_watched_room_is_polled_at_once_then_every_interval_with_one_diff(service, scheduler, counted,
                                                                                 admin) -> None:
    updates = record(service)
    ada = await admin.join(ADA)
    assert service.watch(ROOM) and not service.watch(ROOM)  # watching twice: no second timer
    await scheduler.advance(0)
    assert counted.gets == [ROOM] and isinstance(updates[0], RoomWatched)
    first = polled(updates)[0].result
    assert first.ok and first.diff.initial and [p.call_id for p in first.diff.joined] == [ada]
    bo = await admin.join(BO)
    await scheduler.advance(1.0)
    assert counted.gets == [ROOM, ROOM]
    second = polled(updates)[1].result.diff
    assert not second.initial and [p.call_id for p in second.joined] == [bo]
    await scheduler.advance(3.0)
    assert len(counted.gets) == 5 and scheduler.pending == [5.0]


async def test_a_burst_of_requests_costs_one_poll_in_flight_and_one_after(service, scheduler, counted) -> None:
    service.watch(ROOM)
    await scheduler.advance(0)
    counted.gate = asyncio.Event()
    service.refresh(ROOM)
    await eventually(lambda: counted.held == 1)
    for _ in range(10):  # events, r presses: all while the poll is in flight
        service.poll_soon(ROOM)
        service.refresh(ROOM)
    await scheduler.advance(0, settle=False)  # the timers fire: they queue behind the poll in flight
    assert counted.gets == [ROOM, ROOM]
    counted.gate.set()
    await scheduler.advance(0)
    assert counted.gets == [ROOM, ROOM, ROOM]  # exactly one more after it
    await scheduler.advance(0.5)
    assert len(counted.gets) == 3


async def test_failures_back_off_and_the_first_answer_returns_to_the_interval(service, scheduler, counted,
                                                                             admin) -> None:
    await admin.fault(kind="status", status=503, count=3)
    service.watch(ROOM)
    await scheduler.advance(0)
    delays = []
    for _ in range(3):
        delays.append(scheduler.pending[0] - scheduler.elapsed)
        await scheduler.advance(scheduler.pending[0] - scheduler.elapsed)
    assert delays == [1.0, 2.0, 4.0]  # after failures 1, 2, 3 (never faster than the interval)
    assert scheduler.pending[0] - scheduler.elapsed == 1.0  # answered: back to the interval
    assert not service.moderator.watch(ROOM).stale


async def test_pause_stops_polling_refresh_looks_once_resume_polls_now(service, scheduler, counted) -> None:
    updates = record(service)
    service.watch(ROOM)
    await scheduler.advance(0)
    assert service.toggle_pause(ROOM) is True and scheduler.pending == []
    await scheduler.advance(10)
    assert len(counted.gets) == 1
    service.refresh(ROOM)
    await scheduler.settle()
    assert len(counted.gets) == 2 and scheduler.pending == []  # looked once, still paused
    service.poll_soon(ROOM)  # what an event asks; the router does not for a paused room (tested below)
    assert service.toggle_pause(ROOM) is False
    await scheduler.advance(0)
    assert len(counted.gets) == 3 and scheduler.pending == [11.0]
    assert sum(isinstance(update, RoomSettingsChanged) for update in updates) == 2
    assert service.slower(ROOM) == 2.0 and service.faster(ROOM) == 1.0


async def test_a_room_unwatched_during_its_poll_publishes_nothing_more(service, scheduler, counted) -> None:
    updates = record(service)
    service.watch(ROOM)
    counted.gate = asyncio.Event()
    await scheduler.advance(0, settle=False)
    await eventually(lambda: counted.held == 1)
    service.unwatch(ROOM)
    counted.gate.set()
    await scheduler.settle()
    assert [type(update) for update in updates] == [RoomWatched, RoomUnwatched]
    assert scheduler.pending == [] and ROOM not in service


async def test_the_next_poll_keeps_a_fixed_rate_when_a_poll_is_slow(service, scheduler, counted) -> None:
    service.watch(ROOM)
    gate = counted.gate = asyncio.Event()
    await scheduler.advance(0, settle=False)
    await eventually(lambda: counted.held == 1)
    scheduler.elapsed += 0.4  # the answer takes 0.4 s (a big room, a busy loop)
    gate.set()
    await scheduler.settle()
    assert scheduler.pending == [pytest.approx(1.0)]  # an interval after the poll started, not after it ended


async def test_hands_go_up_from_an_event_and_down_on_unmute_kick_or_leaving(service, scheduler, admin) -> None:
    updates = record(service)
    ada, bo = await admin.join(ADA, muted=True), await admin.join(BO)
    assert not service.raise_hand(ROOM, ada)  # not watched: nothing
    service.watch(ROOM)
    await scheduler.advance(0)
    assert service.raise_hand(ROOM, ada, cli=ADA) and not service.raise_hand(ROOM, ada)
    assert service.raise_hand(ROOM, bo, cli=BO)
    assert (await service.unmute(ROOM, ada)).ok
    assert not service.hands.is_raised(ROOM, ada)
    await admin.hang_up(bo)
    await scheduler.advance(1.0)
    lowered = polled(updates)[-1].lowered
    assert [(note.call_id, note.why) for note in lowered] == [(bo, "left")]
    hand_notes = [note.why for update in updates if isinstance(update, HandsChanged) for note in update.notes]
    assert hand_notes == ["pressed 1", "pressed 1", "unmuted"]


async def test_an_action_publishes_its_outcome_and_polls_again(service, scheduler, counted, admin) -> None:
    updates = record(service)
    ada = await admin.join(ADA)
    service.watch(ROOM)
    await scheduler.advance(0)
    service.act(ROOM, lambda: service.mute(ROOM, ada))
    await scheduler.advance(0)
    done = [update.outcome for update in updates if isinstance(update, ActionDone)]
    assert [outcome.text for outcome in done] == [f"Muted {ADA[:3]} {ADA[3:5]} {ADA[5:8]} {ADA[8:10]} {ADA[10:]}"]
    assert len(counted.gets) == 2 and [p.call_id for p in polled(updates)[-1].result.diff.muted] == [ada]


async def test_a_broken_listener_stops_neither_polling_nor_the_others(service, scheduler, counted) -> None:
    def broken(update: RoomUpdate) -> None:
        raise RuntimeError("a view with a bug")

    service.subscribe(broken)
    updates = record(service)
    service.watch(ROOM)
    await scheduler.advance(2.0)
    assert len(counted.gets) == 3 and len(polled(updates)) == 3


async def test_close_stops_every_timer(service, scheduler, counted) -> None:
    service.watch(ROOM)
    service.watch("retro")
    await scheduler.advance(0)
    service.close()
    await scheduler.advance(10)
    assert len(counted.gets) == 2 and not service.watch("board")


# ---- relayed events reach the service, never a screen --------------------------------------------------


class Calls:
    def __init__(self) -> None:
        self.tracked = {"call-9"}
        self.matched: list[tuple[object, str]] = []
        self.woken: list[str | None] = []
        self.polls = 0

    def __contains__(self, call_id: object) -> bool:
        return call_id in self.tracked

    def match_custom(self, custom: object, call_id: str) -> None:
        self.matched.append((custom, call_id))

    def wake(self, call_id: str | None = None) -> None:
        self.woken.append(call_id)

    def poll(self) -> None:
        self.polls += 1


def event(document: dict[str, Any]) -> Any:
    parsed = parse_message(json.dumps({"type": document["event"], "seq": 1, "received_at": "2026-11-23T09:30:00Z",
                                       "event": document}))
    assert parsed is not None
    return parsed


def pie(call_id: str, value: str = "1", menu_id: str = ROOM) -> dict[str, Any]:
    return {"event": "pie", "callId": call_id, "menuResult": {"type": "sequence", "value": value, "menuId": menu_id,
                                                              "inputMethod": "dtmf"}}


def in_room(kind: str, call_id: str, room: str, **extra: Any) -> dict[str, Any]:
    return {"event": kind, "callId": call_id, "conferenceId": room, **extra}


async def test_events_poll_watch_raise_hands_and_reach_tracked_calls(service, scheduler, counted) -> None:
    updates = record(service)
    calls = Calls()
    router = EventRouter(service, calls, calls.poll)
    service.watch(ROOM)
    await scheduler.advance(0)
    router.route(event(pie("c-1")))  # conference DTMF detection names the room as the menu
    await scheduler.advance(0)
    assert counted.gets == [ROOM, ROOM] and service.hands.is_raised(ROOM, "c-1")
    router.route(event(pie("c-2", menu_id="main-menu")))  # a runMenu's menu: not a room, not watched
    router.route(event(pie("c-3", value="2")))  # another digit: a poll, no hand
    await scheduler.advance(0)
    assert service.rooms == [ROOM] and not service.hands.is_raised(ROOM, "c-3")
    router.route(event(in_room("dice", "c-4", "gone-room")))  # a call ending is no reason to watch a room
    router.route(event(in_room("ace", "c-5", "retro")))  # an event names a room: it is watched
    await scheduler.advance(0)
    assert service.rooms == [ROOM, "retro"]
    for room in ("board", "sales", "ops"):  # max_from_events=3: the fourth is refused, said once
        router.route(event(in_room("ace", f"c-{room}", room)))
    notices = [update for update in updates if isinstance(update, RoomsNotice)]
    assert service.rooms == [ROOM, "retro", "board"] and len(notices) == 1 and notices[0].error
    service.toggle_pause(ROOM)
    await scheduler.advance(0)
    before = counted.gets.count(ROOM)
    router.route(event(in_room("ace", "c-6", ROOM)))  # paused by the operator: an event does not overrule it
    await scheduler.advance(0)
    assert counted.gets.count(ROOM) == before
    router.route(event(in_room("dice", "c-1", ROOM)))  # the hand of a call that ended goes down
    assert not service.hands.is_raised(ROOM, "c-1")
    router.route(event({"event": "dice", "callId": "call-9", "custom": "sc-0123456789ab"}))
    router.route(event({"event": "ace", "callId": "call-10"}))
    assert calls.matched[-2:] == [("sc-0123456789ab", "call-9"), (None, "call-10")]  # every event with a call
    assert calls.woken == ["call-9"] and calls.polls == 1  # a tracked call's DiCE polls the calls now


async def test_r_looks_now_without_starting_a_second_chain_of_polls(service, scheduler, counted) -> None:
    service.watch(ROOM)
    await scheduler.advance(0)
    for _ in range(4):  # the operator presses r four times between polls
        service.refresh(ROOM)
        await scheduler.advance(0.1)
    gets = len(counted.gets)
    await scheduler.advance(10)
    assert len(counted.gets) - gets == 10  # one poll a second, as before any r


async def test_a_healthy_room_does_not_overrule_another_rooms_retry_after(service, scheduler, counted,
                                                                           admin) -> None:
    service.watch("retro")
    await scheduler.advance(0)
    await admin.fault(kind="rate_limit", count=1, retry_after=30)
    service.refresh("retro")
    await scheduler.advance(0)  # retro: 429, told to wait 30 s
    service.watch(ROOM)
    await scheduler.advance(10)  # ROOM answers ten times meanwhile
    assert counted.gets.count("retro") == 2
    await scheduler.advance(20.5)  # Retry-After over (t = 30): asked again
    assert counted.gets.count("retro") == 3


async def test_closing_cancels_what_is_still_in_flight_after_its_grace(service, scheduler, counted) -> None:
    service.watch(ROOM)
    counted.gate = asyncio.Event()  # a request into an outage that never answers
    await scheduler.advance(0, settle=False)
    await eventually(lambda: counted.held == 1)
    await service.aclose(grace=0.01)
    assert all(task.done() for task in scheduler.tasks)
