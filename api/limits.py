"""One attempt of a request, bounded whatever the server does: a body size cap and an overall deadline.

httpx's `timeout` applies to each connect, write and read on its own, so a server dripping one byte every
two seconds is never "timed out", and `send()` reads a body of any size into memory (a 300 MB answer took the
console to 1.4 GB). Here every attempt is sent as a stream: the body is read piece by piece up to `max_bytes`
(stopped there, with the connection closed), and the whole attempt, from sending to the last byte, runs under
`asyncio.timeout(deadline)`. Both work on any transport (the default aiohttp one, httpx's own, ASGITransport).

A streamed 2xx answer (a recording download) is handed back unread: its body goes to disk piece by piece and
may take long, so neither limit applies to it; the deadline still covers getting its headers.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from api.errors import ResponseTooLargeError

DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
"""10 MiB: the biggest JSON answers (a conference of thousands, a page of recordings) are a few hundred KiB."""
DEFAULT_DEADLINE = 30.0
"""Seconds one attempt may take, body included."""


class DeadlineExceeded(Exception):
    """The attempt was not answered (body included) within its deadline. Internal: the client maps it."""


async def answer_within(http: httpx.AsyncClient, request: httpx.Request, *, stream: bool, deadline: float | None,
                        max_bytes: int | None) -> httpx.Response:
    """Send `request` and read its body (unless it is a streamed 2xx), within `deadline` and `max_bytes`.

    An error answer whose body is too big or breaks off is returned with its status and headers and no body:
    the status alone then says what went wrong. A 2xx whose body is too big raises ResponseTooLargeError; one
    whose body breaks off raises the transport's error. Past the deadline: DeadlineExceeded.
    """
    limit = asyncio.timeout(deadline)
    try:
        async with limit:
            return await _send_and_read(http, request, stream=stream, max_bytes=max_bytes)
    except BaseException:
        # The timeout's cancellation may surface as TimeoutError or as whatever the transport turned it into.
        if limit.expired():
            raise DeadlineExceeded from None
        raise


async def _send_and_read(http: httpx.AsyncClient, request: httpx.Request, *, stream: bool,
                         max_bytes: int | None) -> httpx.Response:
    response = await http.send(request, stream=True)
    ok = 200 <= response.status_code < 300
    if ok and stream:
        return response
    try:
        await read_capped(response, max_bytes, request)
    except BaseException as exc:
        with contextlib.suppress(Exception):
            await response.aclose()
        if ok or not isinstance(exc, Exception):  # a cancellation (the deadline) is never swallowed
            raise
        return status_only(response, request)
    return response


async def read_capped(response: httpx.Response, max_bytes: int | None, request: httpx.Request) -> bytes:
    """Read the body into `response` (so `.content` works), refusing more than `max_bytes` of it."""
    if max_bytes is not None:
        declared = _content_length(response)
        if declared is not None and declared > max_bytes:
            raise ResponseTooLargeError(limit=max_bytes, status=response.status_code, method=request.method,
                                        path=request.url.path, declared=declared)
    pieces: list[bytes] = []
    size = 0
    async for piece in response.aiter_bytes():
        size += len(piece)
        if max_bytes is not None and size > max_bytes:
            raise ResponseTooLargeError(limit=max_bytes, status=response.status_code, method=request.method,
                                        path=request.url.path)
        pieces.append(piece)
    body = b"".join(pieces)
    response._content = body  # what httpx's own aread() sets; `.content` reads it
    return body


def status_only(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    """The answer's status and headers without its body (one that could not, or must not, be read)."""
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in ("content-length", "content-encoding", "transfer-encoding")]
    return httpx.Response(response.status_code, headers=headers, request=request)


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "").strip()
    if not value or len(value) > 18 or not value.isascii() or not value.isdigit():
        return None
    return int(value)
