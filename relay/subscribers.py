"""Websocket `/events`: a token check, then one task per subscriber writing its queue to the socket.

The token comes as `Authorization: Bearer TOKEN` or, for clients that cannot set headers (browsers),
`?token=TOKEN`; it is compared in constant time. A missing or wrong token is accepted and at once closed with
1008 (policy violation), so clients see a close code rather than a bare HTTP 403 they may report as a network
error. A valid token beyond `max_subscribers` is closed with 1013 (try again later): each subscriber holds a
queue of up to queue-size events, so their number bounds the relay's memory. The subscription is registered
before the handshake completes: once a client's connect returns, no event published after it is missed.

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

from starlette.websockets import WebSocket, WebSocketDisconnect

from relay.hub import FrameSink, Hub, Subscriber
from relay.ws_protocol import EXTENSION

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


def events_endpoint(hub: Hub, token: str, max_subscribers: int) -> Callable[[WebSocket], Awaitable[None]]:
    async def events(websocket: WebSocket) -> None:
        client = websocket.client.host if websocket.client else "?"
        if not token_ok(token_from(websocket), token):
            log.warning("refused an events subscriber from %s: missing or wrong token", client)
            await websocket.accept()
            await websocket.close(code=POLICY_VIOLATION, reason="a valid token is required")
            return
        if hub.subscribers >= max_subscribers:
            log.warning("refused an events subscriber from %s: %d are connected (--max-subscribers)", client,
                        hub.subscribers)
            await websocket.accept()
            await websocket.close(code=TRY_AGAIN_LATER, reason="too many subscribers: try again later")
            return
        sink: FrameSink | None = websocket.scope.get("extensions", {}).get(EXTENSION)
        subscriber = hub.subscribe(sink)
        try:
            await websocket.accept()
            await _serve(websocket, subscriber)
        finally:
            hub.unsubscribe(subscriber)

    return events


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
