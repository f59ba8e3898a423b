"""The console's event feed resumes by itself (issue 15): two relays share a real Redis; the relay a console
listens to stops, events keep arriving at the other, the relay comes back on its port, and the feed's log has
every event once, in order, without the console doing anything but reconnect."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
from redis_server import RedisServer
from relay_helpers import TOKEN, Callbacks, ace, make_settings
from waiting import eventually

from console.events import Backoff, EventFeed
from console.events.subscriber import with_since
from relay import start_relay_thread

FAST = Backoff(base=0.05, cap=0.2)


def test_since_is_added_to_the_url_once() -> None:
    assert with_since("ws://relay/events", None) == "ws://relay/events"
    assert with_since("ws://relay/events?x=1&since=1-1", "5-7") == "ws://relay/events?x=1&since=5-7"


async def test_the_feed_resumes_after_its_relay_restarts(redis_server: RedisServer) -> None:
    listened = start_relay_thread(make_settings(redis_url=redis_server.url))
    other = start_relay_thread(make_settings(redis_url=redis_server.url))
    port = listened.port
    feed = EventFeed(listened.events_url, TOKEN, backoff=FAST)
    running = asyncio.create_task(feed.run())
    try:
        async with httpx.AsyncClient(base_url=other.url, trust_env=False) as http:
            poster = Callbacks(http)
            await eventually(lambda: feed.state.kind == "live" and listened.hub.subscribers == 1
                             and other.hub.last_id is not None)
            await poster.post(ace("before"))
            await eventually(lambda: feed.log.total == 1)
            listened.stop()
            await eventually(lambda: feed.state.kind == "retrying")
            for n in range(3):
                await poster.post(ace(f"while-away-{n}"))
            listened = start_relay_thread(make_settings(redis_url=redis_server.url), port=port)
            await eventually(lambda: feed.log.total == 4)
            await eventually(lambda: listened.hub.subscribers == 1)
            await poster.post(ace("after"))
            await eventually(lambda: feed.log.total == 5)
        events = feed.log.events
        assert [event.call_id for event in events] == ["before", "while-away-0", "while-away-1", "while-away-2",
                                                        "after"]
        assert feed.subscriber.connections == 2 and feed.subscriber.last_id == events[-1].stream_id
    finally:
        feed.stop()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        listened.stop()
        other.stop()
