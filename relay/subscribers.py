"""Websocket `/events`: a token check, then one task per subscriber writing its queue to the socket.

The token comes as `Authorization: Bearer TOKEN` or, for clients that cannot set headers (browsers),
`?token=TOKEN`; it is compared in constant time. A missing or wrong token is accepted and at once closed with
1008 (policy violation), so clients see a close code rather than a bare HTTP 403 they may report as a network
error. A valid token beyond `max_subscribers` is closed with 1013 (try again later): each subscriber holds a
queue of up to queue-size events, so their number bounds the relay's memory. The subscription is registered
before the handshake completes: once a client's connect returns, no event published after it is missed.

Relays sharing a stream (relay.stream) put each event's stream id in its message. A subscriber that
reconnects with `?since=ID` is first sent what came after ID (told how many had left the stream), then joins
the live fan-out with nothing between; when Redis cannot say, it is closed with 1013 and tries again. An
unusable `since`, or one given to a relay of its own, is ignored: live events only, as before.

Served by sinch-relay (relay.ws_protocol), the hub writes a subscriber's frames to its socket itself, and this
endpoint only reads until the client leaves. Under another server, each subscriber has a writer task sending
everything queued through ASGI. Either way a socket that stops reading holds up only itself; its queue in the
hub then drops its oldest events. Client messages are read (to notice a disconnect) and ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.websockets import WebSocket, WebSocketDisconnect

from relay.frames import text_frame
from relay.hub import FrameSink, Hub, Subscriber
from relay.ws_protocol import EXTENSION

if TYPE_CHECKING:
    from relay.stream import EventStream

log = logging.getLogger("relay.subscribers")
POLICY_VIOLATION = 1008
TRY_AGAIN_LATER = 1013


def token_from(websocket: WebSocket) -> str | None:
    scheme, _, value = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return websocket.query_params.get("token")


def token_ok(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def events_endpoint(hub: Hub, token: str, max_subscribers: int,
                    stream: EventStream | None = None) -> Callable[[WebSocket], Awaitable[None]]:
    async def events(websocket: WebSocket) -> None:
        client = websocket.client.host if websocket.client else "?"
        if not token_ok(token_from(websocket), token):
            log.warning("refused an events subscriber from %s: missing or wrong token", client)
            await websocket.accept()
            await websocket.close(code=POLICY_VIOLATION, reason="a valid token is required")
            return
        if hub.subscribers + hub.joining >= max_subscribers:
            log.warning("refused an events subscriber from %s: %d are connected (--max-subscribers)", client,
                        hub.subscribers)
            await websocket.accept()
            await websocket.close(code=TRY_AGAIN_LATER, reason="too many subscribers: try again later")
            return
        sink: FrameSink | None = websocket.scope.get("extensions", {}).get(EXTENSION)
        since = websocket.query_params.get("since", "")
        if stream is None or not since or not _is_stream_id(since):
            subscriber = hub.subscribe(sink)
            try:
                await websocket.accept()
                await _serve(websocket, subscriber)
            finally:
                hub.unsubscribe(subscriber)
            return
        subscriber = hub.new_subscriber(sink)
        hub.joining += 1
        try:
            await websocket.accept()
            if not await _replay(websocket, subscriber, stream, since):
                return
            hub.add(subscriber)  # in the same step as the replay's last check: nothing falls between
        finally:
            hub.joining -= 1
        try:
            await _serve(websocket, subscriber)
        finally:
            hub.unsubscribe(subscriber)

    return events


async def _replay(websocket: WebSocket, subscriber: Subscriber, stream: EventStream, since: str) -> bool:
    """Send what came after `since`; False when the client left meanwhile, or (the socket closed with 1013)
    when the stream cannot say."""
    from relay.stream import StreamUnavailable

    async def send(messages: list[str]) -> None:
        if subscriber.sink is not None:
            await subscriber.send_now(b"".join(text_frame(message.encode()) for message in messages))
        else:
            for message in messages:
                await websocket.send_text(message)

    try:
        await stream.catch_up(since, send)
    except StreamUnavailable as error:
        log.warning("could not replay the events after %s to a subscriber: %s", since, error)
        with contextlib.suppress(RuntimeError, OSError, WebSocketDisconnect):
            await websocket.close(code=TRY_AGAIN_LATER, reason="events cannot be replayed now: try again")
        return False
    except (WebSocketDisconnect, RuntimeError, OSError):  # the client left during the replay
        return False
    return True


def _is_stream_id(text: str) -> bool:
    from relay.stream import is_stream_id

    return is_stream_id(text)


async def _serve(websocket: WebSocket, subscriber: Subscriber) -> None:
    """Run until the client leaves or the socket fails, whichever first; then stop the other half."""
    tasks = {asyncio.create_task(_read_until_closed(websocket))}
    if subscriber.sink is None:
        tasks.add(asyncio.create_task(_write(websocket, subscriber)))
    else:
        subscriber.flush()  # what was published during the handshake
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, OSError):
                await task


async def _write(websocket: WebSocket, subscriber: Subscriber) -> None:
    while True:
        for message in await subscriber.next_batch():
            await websocket.send_text(message)


async def _read_until_closed(websocket: WebSocket) -> None:
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
