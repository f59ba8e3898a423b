"""CallsPoller on a hand-moved clock against the in-process sandbox: when it polls, how it coalesces, what it tells.

Requests are counted (and held, to keep a poll in flight) by a thin ASGI wrapper around the sandbox, so "one
poll in flight, one queued after it" is checked by what reached the platform, not by the poller's own flags.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import httpx
import pytest
from calls_helpers import START, advance, sandbox_client

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # fake_scheduler lives in tests/
from fake_scheduler import FakeScheduler
from waiting import eventually

from console.calls import CallTracker
from console.calls.poller import CallsPoller, CallsUpdate

NUMBER = "+46701234567"
CALL_PATH = "/calling/v1/calls/id/"
TAG = "sc-0123456789ab"


class CountingGate:
    """Wraps the sandbox: counts GETs of a call, the most in flight at once, and holds them while shut."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.requests = 0
        self.in_flight = 0
        self.most_at_once = 0
        self.open = asyncio.Event()
        self.open.set()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(CALL_PATH):
            await self.app(scope, receive, send)
            return
        self.requests += 1
        self.in_flight += 1
        self.most_at_once = max(self.most_at_once, self.in_flight)
        try:
            await self.open.wait()
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


@pytest.fixture
def gate(sandbox_app) -> CountingGate:
    return CountingGate(sandbox_app)


@pytest.fixture
async def gated_client(gate: CountingGate):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate), base_url="http://sandbox.test") as http:
        voice = sandbox_client(http)
        yield voice
        await voice.aclose()


@pytest.fixture
def scheduler() -> FakeScheduler:
    return FakeScheduler(start=START)


@pytest.fixture
def calls(gated_client, tmp_path: Path, scheduler: FakeScheduler) -> CallTracker:
    return CallTracker(gated_client, tmp_path / "calls", scheduler.now)


@pytest.fixture
def poller(calls: CallTracker, scheduler: FakeScheduler):
    poller = CallsPoller(calls, clock=scheduler.now, scheduler=scheduler, interval=1.0)
    yield poller
    poller.close()


def heard(poller: CallsPoller) -> list[CallsUpdate]:
    updates: list[CallsUpdate] = []
    poller.subscribe(updates.append)
    return updates


async def place(client, calls: CallTracker) -> str:
    call_id = await client.callouts.tts(NUMBER, text="Hello there.")
    calls.track(call_id, kind="tts", destination=NUMBER, placed_at=START)  # the tracker alone: no poll asked
    return call_id


async def test_the_tick_polls_only_while_a_call_is_due(poller, calls, gated_client, gate, http, scheduler) -> None:
    updates = heard(poller)
    poller.start()
    await scheduler.advance(3)
    assert gate.requests == 0 and updates == []  # nothing tracked, nothing asked
    call_id = await place(gated_client, calls)
    await scheduler.advance(1)
    assert gate.requests == 1 and [c.call.call_id for c in updates[-1].changes] == [call_id]
    await advance(http, 60)  # the sandbox's call ends
    await scheduler.advance(1)
    assert gate.requests == 2 and calls.get(call_id).is_final and updates[-1].changes[0].became_final
    await scheduler.advance(10)
    assert gate.requests == 2  # FINAL: never asked about again
    assert scheduler.pending == [scheduler.elapsed + 1]  # still ticking, one tick armed at a time


async def test_a_burst_costs_one_poll_in_flight_and_one_after_it(poller, calls, gated_client, gate,
                                                                 scheduler) -> None:
    updates = heard(poller)
    await place(gated_client, calls)
    gate.open.clear()
    for _ in range(10):
        poller.poll_now()
    await eventually(lambda: gate.in_flight == 1, what="the first poll reaching the platform")
    for _ in range(10):
        poller.poll_now()
    assert gate.requests == 1 and poller.polling
    gate.open.set()
    await scheduler.settle()
    assert gate.requests == 2 and gate.most_at_once == 1
    assert len(updates) == 2 and not poller.polling
    poller.poll_now()  # idle again: a new request is a new poll
    await scheduler.settle()
    assert gate.requests == 3


async def test_close_stops_ticking_and_lets_the_poll_in_flight_finish(poller, calls, gated_client, gate,
                                                                      scheduler) -> None:
    updates = heard(poller)
    call_id = await place(gated_client, calls)
    poller.start()
    gate.open.clear()
    poller.poll_now()
    await eventually(lambda: gate.in_flight == 1, what="the poll reaching the platform")
    poller.poll_now()  # queued: dropped by the close
    poller.close()
    assert scheduler.pending == []
    gate.open.set()
    await scheduler.settle()
    assert gate.requests == 1 and calls.get(call_id).result is not None  # answered, not cancelled halfway
    assert len(updates) == 1
    poller.poll_now()
    poller.wake()
    await scheduler.advance(5)
    assert gate.requests == 1


async def test_wake_asks_again_at_once_about_a_call_the_tick_gave_up_on(poller, calls, gate, scheduler) -> None:
    poller.start()
    poller.add("typo-id")
    await scheduler.settle()
    assert gate.requests == 1 and calls.get("typo-id").unknown  # typed in and not known: not polled again
    await scheduler.advance(5)
    assert gate.requests == 1
    poller.wake("typo-id")
    await scheduler.settle()
    assert gate.requests == 2


async def test_a_failing_call_backs_off_by_the_trackers_rule_and_recovers(poller, calls, gated_client, gate, http,
                                                                          scheduler) -> None:
    call_id = await place(gated_client, calls)
    await http.post("/_sandbox/faults", json={"kind": "status", "status": 503, "count": -1, "path": CALL_PATH})
    poller.start()
    asked_at: list[float] = []
    for _ in range(16):
        before = gate.requests
        await scheduler.advance(1)
        if gate.requests > before:
            asked_at.append(scheduler.elapsed)
    # failures sit out 0, 1, 3, 7 ticks (MAX_BACKOFF_TICKS caps it): asked at 1, 2, 4, 8 and 16 s
    assert asked_at == [1, 2, 4, 8, 16]
    assert calls.get(call_id).error
    await http.delete("/_sandbox/faults")
    poller.wake(call_id)
    await scheduler.settle()
    assert calls.get(call_id).error is None and calls.get(call_id).result is not None


async def test_a_listener_that_raises_stops_neither_the_poller_nor_the_others(poller, calls, gated_client, gate,
                                                                               scheduler, caplog) -> None:
    def broken(update: CallsUpdate) -> None:
        raise RuntimeError("listener bug")

    poller.subscribe(broken)
    updates = heard(poller)
    await place(gated_client, calls)
    poller.start()
    with caplog.at_level(logging.ERROR, logger="console.calls.poller"):
        await scheduler.advance(2)
    assert gate.requests == 2 and len(updates) == 2
    assert "listener bug" in caplog.text
    assert scheduler.pending == [3.0]


async def test_unsubscribe_and_an_unexpected_error_in_words(poller, calls, gated_client, scheduler,
                                                             monkeypatch) -> None:
    updates = heard(poller)
    others: list[CallsUpdate] = []
    stop = poller.subscribe(others.append)
    stop()
    stop()  # twice is harmless

    async def bug(now=None):
        raise ValueError("tracker bug")

    monkeypatch.setattr(calls, "poll_due", bug)
    await place(gated_client, calls)
    poller.poll_now()
    await scheduler.settle()
    assert others == []
    assert updates[-1].changes == () and "tracker bug" in (updates[-1].error or "")
    poller.poll_now()  # the poller is still usable after it
    await scheduler.settle()
    assert len(updates) == 2


async def test_track_and_match_custom_poll_at_once(poller, calls, gated_client, gate, scheduler) -> None:
    updates = heard(poller)
    call_id = await gated_client.callouts.tts(NUMBER, text="Hello there.")
    poller.track(TAG, kind="tts", destination=NUMBER, placed_at=START, correlation_id=TAG,
                 outcome_unknown=True)
    await scheduler.settle()
    assert gate.requests == 0 and len(updates) == 1  # nothing to ask (no callId yet), but the list moved
    assert poller.match_custom(TAG, call_id) is not None
    await scheduler.settle()
    assert gate.requests == 1 and calls.get(call_id).result is not None
    assert poller.match_custom("other", call_id) is None


async def test_aclose_waits_for_the_poll_in_flight(poller, calls, gated_client, gate, scheduler) -> None:
    call_id = await place(gated_client, calls)
    poller.start()
    gate.open.clear()
    poller.poll_now()
    await eventually(lambda: gate.in_flight == 1, what="the poll reaching the platform")
    closing = asyncio.ensure_future(poller.aclose())
    await asyncio.sleep(0)
    assert not closing.done() and scheduler.pending == []  # no more ticks, the answer still awaited
    gate.open.set()
    await closing
    assert calls.get(call_id).result is not None and not poller.polling
