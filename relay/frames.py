"""Websocket text frames built once per event, so one event costs one serialisation whatever the subscribers.

A server's frames are not masked (RFC 6455, 5.1): the bytes of a text frame are a two- to ten-byte header and
the UTF-8 payload, the same for every subscriber. The hub builds them once and writes the same bytes to every
subscriber's socket (relay.ws_protocol gives it the socket); joining several frames into one write is still a
valid stream of frames.
"""

from __future__ import annotations

import struct

TEXT_FIN = 0x81
"""FIN + opcode 1 (text): a whole message in one frame."""


def text_frame(payload: bytes) -> bytes:
    length = len(payload)
    if length < 126:
        header = bytes((TEXT_FIN, length))
    elif length < 1 << 16:
        header = struct.pack("!BBH", TEXT_FIN, 126, length)
    else:
        header = struct.pack("!BBQ", TEXT_FIN, 127, length)
    return header + payload
