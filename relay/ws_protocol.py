"""uvicorn's websocket protocol with one addition: the hub may write pre-built frames straight to the socket.

Through ASGI, each message to each subscriber is one `send()`: an await, a frame serialised again, a socket
write (~42 us per delivery: 1,000 events/s to 100 subscribers is four seconds of work per second). This
protocol hands the application a `RawFrames` for the connection, in the scope's extensions under
`relay.frames`; the hub writes the bytes of a frame it built once (relay.frames), several queued frames in one
write, and learns from the transport when the subscriber's write buffer passes `WRITE_BOUND` (paused) and when
it has drained (resumed). The handshake, pings, client messages and the close still go through uvicorn's
code and websockets' state machine; frames written here are whole, unfragmented and uncompressed (the relay
turns per-message deflate off), so nothing in that state machine needs to know about them.

An application served by another server sees no extension and sends through ASGI as before
(relay.subscribers).
"""

from __future__ import annotations

from asyncio.transports import BaseTransport
from collections.abc import Callable

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.http11 import Request

EXTENSION = "relay.frames"
WRITE_BOUND = 256 * 1024
"""Bytes waiting in our write buffer beyond which a subscriber is slow: the hub stops writing to it and its
queue drops oldest (the kernel's socket buffers come before this: a few MB on loopback)."""


class RawFrames:
    """The socket under one accepted websocket, as the hub needs it."""

    def __init__(self, protocol: FramesProtocol) -> None:
        self._protocol = protocol
        self.on_pause: Callable[[], object] | None = None
        self.on_resume: Callable[[], object] | None = None

    @property
    def open(self) -> bool:
        protocol = self._protocol
        return (protocol.handshake_complete and not protocol.close_sent and not protocol.disconnected
                and not protocol.transport.is_closing())

    @property
    def paused(self) -> bool:
        """The write buffer passed WRITE_BOUND and has not drained below a quarter of it since."""
        return not self._protocol.writable.is_set()

    def write(self, data: bytes) -> None:
        if self.open:
            self._protocol.transport.write(data)

    def abort(self) -> None:
        """Drop the connection now: a close frame would wait behind everything the client did not read."""
        self._protocol.transport.abort()


class FramesProtocol(WebSocketsSansIOProtocol):
    raw_frames: RawFrames

    def connection_made(self, transport: BaseTransport) -> None:
        super().connection_made(transport)
        self.raw_frames = RawFrames(self)
        self.transport.set_write_buffer_limits(high=WRITE_BOUND, low=WRITE_BOUND // 4)

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        scope = getattr(self, "scope", None)
        if scope is not None:  # a handshake uvicorn refused builds none
            scope["extensions"][EXTENSION] = self.raw_frames

    def pause_writing(self) -> None:
        super().pause_writing()
        _call(self.raw_frames.on_pause)

    def resume_writing(self) -> None:
        super().resume_writing()
        _call(self.raw_frames.on_resume)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        _call(self.raw_frames.on_resume)  # whoever waits for a drain learns it will not come (writes are ignored)


def _call(callback: Callable[[], object] | None) -> None:
    if callback is not None:
        callback()


__all__ = ["EXTENSION", "WRITE_BOUND", "FramesProtocol", "RawFrames"]
