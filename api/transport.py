"""The default transport: httpx on aiohttp's connection handling, with response bodies in big pieces.

Imported only when a client builds its own HTTP client (aiohttp costs ~150 ms to import).
"""

from __future__ import annotations

import httpx
from httpx_aiohttp import AiohttpTransport
from httpx_aiohttp.transport import AiohttpResponseStream

BODY_PIECE_BYTES = 256 * 1024


class Transport(AiohttpTransport):
    """httpx-aiohttp hands a body over 16 KiB at a time (AiohttpResponseStream.CHUNK_SIZE): a 200 MB recording
    is then 12,000 trips through aiohttp's and httpx's stream wrappers. Pieces of up to 256 KiB (whatever has
    arrived: nothing waits to fill one; aiohttp raises its read buffer to match) make big downloads faster
    (bench/download.py); small answers are unchanged. If httpx-aiohttp renames the attribute, this does nothing."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if isinstance(response.stream, AiohttpResponseStream):
            response.stream.CHUNK_SIZE = BODY_PIECE_BYTES  # an instance attribute: the class keeps 16 KiB
        return response
