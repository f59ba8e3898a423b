"""Websocket `/events` on a real uvicorn server on 127.0.0.1: token auth, fan-out, a stalled subscriber, reconnect.

No assertion on how fast things are: every wait is bounded (it fails instead of hanging), and "not delayed"
means a reading subscriber gets each event before the next one is even sent while another subscriber sits
stalled.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from relay_helpers import TOKEN, Callbacks, ace, make_settings
from waiting import eventually
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from relay import RunningRelay, start_relay_thread
from relay.server import RedactTokens

WAIT = 30.0  # seconds: bounds a failure only (a message that should come, a close the server should see)
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def running() -> Iterator[RunningRelay]:
    relay = start_relay_thread(make_settings(queue_size=8))
    yield relay
    relay.stop()


@pytest.fixture
async def callbacks(running: RunningRelay) -> AsyncIterator[Callbacks]:
    async with httpx.AsyncClient(base_url=running.url, trust_env=False) as http:
        yield Callbacks(http)


def subscribe(url: str, **kw: Any):  # type: ignore[no-untyped-def]
    return connect(url, proxy=None, open_timeout=WAIT, **kw)


async def receive(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), WAIT))


async def closed_with(url: str, **kw: Any) -> int | None:
    async with subscribe(url, **kw) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), WAIT)
    return closed.value.rcvd.code if closed.value.rcvd else None


async def test_token_by_header_and_by_query(running: RunningRelay, callbacks: Callbacks) -> None:
    async with subscribe(running.events_url, additional_headers=BEARER) as by_header, \
            subscribe(f"{running.events_url}?token={TOKEN}") as by_query:
        assert (await callbacks.post(ace())).status_code == 200
        for ws in (by_header, by_query):
            message = await receive(ws)
            assert message["type"] == "ace" and message["seq"] == 1
            assert message["event"] == ace() and message["answer"] == {"instructions": [],
                                                                       "action": {"name": "continue"}}


@pytest.mark.parametrize("how", [
    {},                                                          # no token at all
    {"query": "?token=wrong"},
    {"query": f"?token={TOKEN}x"},
    {"headers": {"Authorization": "Bearer wrong"}},
    {"headers": {"Authorization": f"Basic {TOKEN}"}},           # right value, wrong scheme
    {"headers": {"Authorization": "Bearer "}},
])
async def test_missing_or_wrong_token_is_closed_with_1008(running: RunningRelay, how: dict[str, Any]) -> None:
    code = await closed_with(running.events_url + how.get("query", ""), additional_headers=how.get("headers"))
    assert code == 1008
    assert running.hub.subscribers == 0


async def test_fan_out_to_fifty_subscribers(running: RunningRelay, callbacks: Callbacks) -> None:
    urls = [running.events_url if n % 2 else f"{running.events_url}?token={TOKEN}" for n in range(50)]
    clients = await asyncio.gather(*(subscribe(url, additional_headers=BEARER if n % 2 else None).__aenter__()
                                     for n, url in enumerate(urls)))
    try:
        assert running.hub.subscribers == 50  # registered before each handshake completed
        for n in range(10):
            assert (await callbacks.post(ace(call_id=f"c{n}"))).status_code == 200

        async def seqs(ws: ClientConnection) -> list[int]:
            return [(await receive(ws))["seq"] for _ in range(10)]

        assert await asyncio.gather(*(seqs(ws) for ws in clients)) == [list(range(1, 11))] * 50
    finally:
        await asyncio.gather(*(ws.close() for ws in clients))
    await eventually(lambda: running.hub.subscribers == 0)
    assert running.hub.dropped == 0


def stalled_socket(running: RunningRelay) -> socket.socket:
    """A connected socket with a tiny receive buffer, so a client that stops reading backs up quickly."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", running.port))
    sock.setblocking(False)
    return sock


async def test_stalled_subscriber_does_not_delay_others_and_is_told_what_it_lost(
        running: RunningRelay, callbacks: Callbacks) -> None:
    # Big events fill the stalled socket's buffers (mostly the kernel's send buffer, ~4 MB by default) in tens
    # of events, not tens of thousands; the cap allows for kernels tuned to 16 times that.
    padding = "x" * 60_000
    async with subscribe(running.events_url, additional_headers=BEARER, sock=stalled_socket(running),
                         max_queue=1, max_size=None) as stalled, \
            subscribe(running.events_url, additional_headers=BEARER, max_size=None) as reader:
        sent = 0
        while not running.hub.dropped:
            assert sent < 1200, "the stalled subscriber never fell behind"
            sent += 1
            response = await callbacks.post(ace(call_id=f"c{sent}", custom=padding))
            assert response.status_code == 200  # answered while a subscriber is stuck
            assert (await receive(reader))["seq"] == sent  # before the next event is even sent: not held up
        for _ in range(3):  # a few after the loss, which the stalled one must still get
            sent += 1
            assert (await callbacks.post(ace(call_id=f"c{sent}", custom=padding))).status_code == 200
            assert (await receive(reader))["seq"] == sent

        # the stalled subscriber wakes up: events in order, each gap announced by a dropped notice first
        last, lost, notices = 0, 0, 0
        while last < sent:
            message = await receive(stalled)
            if message["type"] == "dropped":
                notices += 1
                lost += message["count"]
                gap = message["count"]
                message = await receive(stalled)
                assert message["type"] == "ace" and message["seq"] == last + gap + 1, "the oldest were dropped"
            assert message["seq"] > last
            last = message["seq"]
        assert notices >= 1 and lost == running.hub.dropped
    assert running.hub.dropped < sent  # the newest survived


async def test_reconnect_gets_later_events(running: RunningRelay, callbacks: Callbacks) -> None:
    async with subscribe(running.events_url, additional_headers=BEARER) as first:
        await callbacks.post(ace(call_id="before"))
        assert (await receive(first))["event"]["callId"] == "before"
    await eventually(lambda: running.hub.subscribers == 0)
    await callbacks.post(ace(call_id="while-away"))  # nobody listening: nothing kept for later
    async with subscribe(running.events_url, additional_headers=BEARER) as again:
        await callbacks.post(ace(call_id="after"))
        message = await receive(again)
        assert message["event"]["callId"] == "after" and message["seq"] == 3
    await eventually(lambda: running.hub.subscribers == 0)  # the server's side of the close may lag
    health = (await callbacks.http.get("/health")).json()
    assert health["relayed"] == 3 and health["subscribers"] == 0


async def test_health_counts_subscribers(running: RunningRelay, callbacks: Callbacks) -> None:
    async with subscribe(running.events_url, additional_headers=BEARER), \
            subscribe(running.events_url, additional_headers=BEARER):
        health = (await callbacks.http.get("/health")).json()
        assert health["subscribers"] == 2 and health["queue_size"] == 8


async def test_events_and_health_also_under_the_prefix() -> None:
    relay = start_relay_thread(make_settings(path_prefix="/sinch"))
    try:
        async with httpx.AsyncClient(base_url=relay.url, trust_env=False) as http, \
                subscribe(relay.url.replace("http", "ws") + "/sinch/events", additional_headers=BEARER) as ws:
            assert (await http.get("/sinch/health")).json()["subscribers"] == 1
            assert (await Callbacks(http, path="/sinch/callback").post(ace())).status_code == 200
            assert (await receive(ws))["type"] == "ace"
    finally:
        relay.stop()


async def test_stopping_with_subscribers_connected_does_not_hang() -> None:
    relay = start_relay_thread(make_settings())
    async with subscribe(relay.events_url, additional_headers=BEARER) as ws:
        await asyncio.to_thread(relay.stop)
        assert not relay.is_alive()
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), WAIT)


def test_tokens_in_uvicorn_log_lines_are_redacted() -> None:
    # uvicorn logs `"WebSocket /events?token=..." [accepted]` at info level: the filter is installed on import
    assert any(isinstance(f, RedactTokens) for f in logging.getLogger("uvicorn.error").filters)
    record = logging.LogRecord("uvicorn.error", logging.INFO, __file__, 1, '%s - "WebSocket %s" [accepted]',
                               ("127.0.0.1:5000", f"/events?token={TOKEN}&x=1"), None)
    RedactTokens().filter(record)
    assert TOKEN not in record.getMessage() and "token=[redacted]&x=1" in record.getMessage()
