"""The console's websocket subscriber against a real relay on 127.0.0.1: events in order, a refused token,
reconnecting after the relay restarts, backoff while it is down. Every wait is bounded."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from events_helpers import TOKEN, WAIT, ace, dice, ice, pie, post_callback, settings
from waiting import eventually

from console.events import Backoff, ConnectionState, EventFeed, EventSubscriber, RelayEvent
from console.events.subscriber import events_url
from relay import RunningRelay, start_relay_thread

FAST = Backoff(base=0.05, cap=0.2)


@pytest.fixture
def running() -> Iterator[RunningRelay]:
    relay = start_relay_thread(settings())
    yield relay
    relay.stop()


@pytest.fixture
async def http(running: RunningRelay) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=running.url, trust_env=False) as client:
        yield client


class Collector:
    """Runs a subscriber in a task, keeping what it yields and every state it reports."""

    def __init__(self, url: str, token: str = TOKEN, **kw: object) -> None:
        self.events: list[RelayEvent] = []
        self.states: list[ConnectionState] = []
        self.subscriber = EventSubscriber(url, token, on_state=self.states.append, **kw)  # type: ignore[arg-type]
        self.task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async for event in self.subscriber.events():
            self.events.append(event)

    async def __aenter__(self) -> Collector:
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.subscriber.stop()
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(self.task, WAIT)

    @property
    def kinds(self) -> list[str]:
        return [state.kind for state in self.states]


async def test_events_arrive_in_order_with_their_answers(running: RunningRelay, http: httpx.AsyncClient) -> None:
    async with Collector(running.events_url) as collector:
        await eventually(lambda: collector.subscriber.state.kind == "live")
        for document in (ice("call-1"), ace("call-1"), pie("1", "call-1"), dice("call-1")):
            await post_callback(http, document)
        await eventually(lambda: len(collector.events) == 4)
    events = collector.events
    assert [event.type for event in events] == ["ice", "ace", "pie", "dice"]
    assert [event.seq for event in events] == [1, 2, 3, 4]
    assert events[0].event == ice("call-1")
    assert events[0].conference_id == "standup" and events[0].rule == "dial-in -> standup"
    assert events[0].answer is not None and events[0].answer["action"]["name"] == "connectConf"
    assert events[-1].summary() == "DiCE HUNGUP CALLERHANGUP 0:42"
    assert collector.kinds[:2] == ["connecting", "live"] and collector.kinds[-1] == "stopped"


async def test_a_wrong_token_is_reported_as_refused_and_not_retried(running: RunningRelay) -> None:
    async with Collector(running.events_url, "not-the-token", backoff=FAST) as collector:
        await asyncio.wait_for(collector.task, WAIT)  # the subscription ends by itself
    assert collector.kinds == ["connecting", "refused"]
    assert collector.states[-1].describe() == "refused: bad token"
    assert collector.events == [] and running.hub.subscribers == 0
    assert "not-the-token" not in repr(collector.subscriber)


async def test_reconnects_when_the_relay_restarts(running: RunningRelay) -> None:
    port = running.port
    async with Collector(running.events_url, backoff=FAST) as collector:
        await eventually(lambda: collector.subscriber.state.kind == "live")
        running.stop()
        await eventually(lambda: "retrying" in collector.kinds)
        restarted = start_relay_thread(settings(), port=port)
        try:
            subscriber = collector.subscriber
            await eventually(lambda: subscriber.connections == 2 and subscriber.state.kind == "live")
            async with httpx.AsyncClient(base_url=restarted.url, trust_env=False) as http:
                await post_callback(http, ace("after-restart"))
            await eventually(lambda: len(collector.events) == 1)
        finally:
            restarted.stop()
    assert collector.events[0].call_id == "after-restart" and collector.events[0].seq == 1
    retrying = next(state for state in collector.states if state.kind == "retrying")
    assert retrying.retry_in is not None and retrying.retry_in <= FAST.cap
    assert retrying.describe().startswith("retrying in 0.")


async def test_backs_off_while_nothing_listens() -> None:
    """A port nobody listens on: retries with doubling delays, capped; stop() ends the wait at once."""
    delays: list[float] = []
    stopped = asyncio.Event()

    async def sleep(seconds: float) -> None:
        delays.append(seconds)
        if len(delays) == 6:
            collector.subscriber.stop()
            stopped.set()

    collector = Collector("ws://127.0.0.1:9/events", backoff=Backoff(base=1, cap=8, jitter=0.5),
                          rng=lambda: 0.0, sleep=sleep)
    async with collector:
        await asyncio.wait_for(stopped.wait(), WAIT)
        await asyncio.wait_for(collector.task, WAIT)
    assert delays == [1, 2, 4, 8, 8, 8]
    retrying = [state for state in collector.states if state.kind == "retrying"]
    assert retrying[0].reason == "connection refused"
    assert retrying[0].describe() == "retrying in 1 s (connection refused)"
    assert collector.kinds[-1] == "stopped"


def test_backoff_is_capped_and_jittered() -> None:
    backoff = Backoff(base=0.5, cap=30, jitter=0.5)
    assert [backoff.delay(n, lambda: 0.0) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert backoff.delay(3, lambda: 1.0) == 2.0  # at most half taken off
    assert backoff.delay(500, lambda: 0.0) == 30


@pytest.mark.parametrize(("given", "expected"), [
    ("ws://relay:8600/events", "ws://relay:8600/events"),
    ("http://relay:8600", "ws://relay:8600/events"),
    ("https://relay.example.com/", "wss://relay.example.com/events"),
    ("wss://relay.example.com/sinch/events", "wss://relay.example.com/sinch/events"),
])
def test_events_url(given: str, expected: str) -> None:
    assert events_url(given) == expected


async def test_the_feed_keeps_events_and_survives_a_failing_listener(running: RunningRelay,
                                                                      http: httpx.AsyncClient) -> None:
    feed = EventFeed(running.url, TOKEN)  # the http URL of the relay works too
    seen: list[str] = []

    def broken(event: RelayEvent) -> None:
        raise RuntimeError("a listener bug")

    feed.listen(on_event=broken)
    stop = feed.listen(on_event=lambda event: seen.append(event.call_id))
    task = asyncio.create_task(feed.run())
    try:
        await eventually(lambda: feed.state.kind == "live")
        await post_callback(http, ace("a"))
        await eventually(lambda: seen == ["a"])
        stop()
        await post_callback(http, ace("b"))
        await eventually(lambda: feed.log.total == 2)
        assert seen == ["a"] and [event.call_id for event in feed.log.events] == ["a", "b"]
    finally:
        feed.stop()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, WAIT)


async def test_stop_closes_an_open_connection(running: RunningRelay) -> None:
    async with Collector(running.events_url) as collector:
        await eventually(lambda: collector.subscriber.state.kind == "live" and running.hub.subscribers == 1)
        collector.subscriber.stop()
        assert collector.task is not None
        await asyncio.wait_for(collector.task, WAIT)  # ends by itself, without being cancelled
        await eventually(lambda: running.hub.subscribers == 0)
    assert collector.kinds[-1] == "stopped" and "retrying" not in collector.kinds
