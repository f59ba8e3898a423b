"""Recording routes: paged listing with the API reference's validation, streamed WAV download, delete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from api.auth import parse_timestamp
from sandbox.engine import Sandbox
from sandbox.errors import illegal
from sandbox.routes.common import base_url, endpoint, no_content, ok, param

DEFAULT_PAGE_SIZE = 50


def _positive_int(raw: str | None, default: int, message: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise illegal(message) from None
    if value <= 0:
        raise illegal(message)
    return value


def _time(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    moment = parse_timestamp(raw)
    if moment is None:
        raise illegal(f"'{name}' must be a timestamp (ISO-8601, UTC)")
    return moment


@endpoint
def list_recordings(request: Request, sb: Sandbox, body: bytes) -> Response:
    query = request.query_params
    page = _positive_int(query.get("page"), 1, "'pageNumber' must be greater than 0")
    size = _positive_int(query.get("pageSize"), DEFAULT_PAGE_SIZE, "'pageSize' must be a positive integer")
    start, end = _time(query.get("from"), "from"), _time(query.get("to"), "to")
    if start is not None and end is not None and end <= start:
        raise illegal("'to' must be greater than 'from'")
    sb.recordings.purge_expired(sb.now())
    items = sb.recordings.page(start=start, end=end, page=page, size=size)
    return ok([r.to_wire(base_url(request)) for r in items])


async def _async_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # generating a chunk is a slice of a prepared buffer: cheap enough for the event loop, and it avoids a
    # thread hop per chunk that a sync iterator would cost
    for chunk in chunks:
        yield chunk


@endpoint
def download_recording(request: Request, sb: Sandbox, body: bytes) -> Response:
    rec = sb.recordings.get(param(request, "key"))
    headers = {"Content-Length": str(sb.recordings.size(rec)),
               "Content-Disposition": f'attachment; filename="{rec.key}"'}
    return StreamingResponse(_async_chunks(sb.recordings.stream(rec)), media_type="audio/wav", headers=headers)


@endpoint
def delete_recording(request: Request, sb: Sandbox, body: bytes) -> Response:
    sb.recordings.delete(param(request, "key"))
    return no_content()


@endpoint
def no_key(request: Request, sb: Sandbox, body: bytes) -> Response:
    sb.recordings.get("")  # raises 40002 "No key specified"
    return no_content()


def routes(prefix: str) -> list[Route]:
    return [
        Route(f"{prefix}/recording", list_recordings, methods=["GET"]),
        Route(f"{prefix}/recording/", list_recordings, methods=["GET"]),
        Route(f"{prefix}/recording/", no_key, methods=["DELETE"]),
        Route(f"{prefix}/recording/{{key}}", download_recording, methods=["GET"]),
        Route(f"{prefix}/recording/{{key}}", delete_recording, methods=["DELETE"]),
    ]
