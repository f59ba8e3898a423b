"""`create_app(settings)`: the relay's Starlette application.

    POST {prefix}/callback[/...]   Sinch callbacks (signed), answered with SVAML        relay.callback
    WS   /events                   live events for consoles (token)                      relay.subscribers
    GET  /health                   {"status", "subscribers", "relayed", "dropped", ...}  here

With `settings.redis_url`, callbacks go to the team's shared stream, which is also its replay guard
(relay.stream; `replays` then decides only while Redis does not answer), started and stopped with the
application's lifespan; `/health` adds
`"redis": {"reachable", "lag", "buffered", "lost", ...}`. Without it, nothing of Redis is imported.

`clock` (epoch seconds) is what timestamps are checked against and replays expire by; `replays` is the replay
guard (one in memory, holding at most `settings.replay_capacity` callbacks, unless given). Tests pass both.

The token and secrets are registered with relay.redact, so no log line (ours, uvicorn's) shows them.

`/health` needs no token: it holds counts only, for a load balancer or a console's status line. `/events` and
`/health` also answer under the prefix, so one proxy location can carry all three. Unknown paths
and methods answer in the Sinch error shape, and slashes are never redirected (a redirect would lose a signed
POST).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from api.auth import basic_authorization
from relay.callback import CallbackStats, callback_endpoint
from relay.errors import error_response
from relay.hub import FLUSH_DELAY, Hub
from relay.limits import ConnectionStats
from relay.redact import protect
from relay.replay import Clock, MemoryReplayGuard, ReplayGuard
from relay.settings import RelaySettings
from relay.subscribers import events_endpoint

if TYPE_CHECKING:
    from relay.stream import EventStream


def basic_credentials(key: str, secret: str) -> str:
    """What follows `Basic ` for this application: the secret in a thin disguise, so never logged either."""
    return basic_authorization(key, secret).partition(" ")[2]


def create_app(settings: RelaySettings, *, clock: Clock = time.time, replays: ReplayGuard | None = None) -> Starlette:
    protect(settings.token, *settings.secrets, *(basic_credentials(settings.application_key, secret)
                                                for secret in settings.secrets))
    # reading a shared stream already gathers events (relay.stream.READ_PAUSE): write them at once
    hub = Hub(settings.queue_size, flush_delay=0.0 if settings.redis_url else FLUSH_DELAY)
    stats = CallbackStats()
    connections = ConnectionStats()
    stream: EventStream | None = None
    replays = replays or MemoryReplayGuard(settings.replay_capacity, clock)
    if settings.redis_url:
        from relay.stream import EventStream

        protect(*filter(None, [urlsplit(settings.redis_url).password]))
        prefix = f"sinch-relay:{settings.application_key}"
        stream = EventStream(settings.redis_url, key_prefix=prefix, hub=hub, retention=settings.retention,
                             buffer_limit=settings.redis_buffer, clock=clock)
    callback = callback_endpoint(settings, settings.rules, hub, stats, clock=clock, replays=replays, stream=stream)
    events = events_endpoint(hub, settings.token, settings.max_subscribers, stream)

    async def health(request: Request) -> Response:
        shared: dict[str, Any] = {} if stream is None else {"redis": {**await stream.health(),
                                                                       "retried": stats.retried}}
        return JSONResponse({"status": "ok", "subscribers": hub.subscribers, "relayed": hub.relayed,
                             "dropped": hub.dropped, "cut_slow": hub.cut_slow, "queued": hub.queued,
                             "queue_size": hub.queue_size,
                             "refused": stats.refused, "unparsed": stats.unparsed, "replayed": stats.replayed,
                             "previous_secret": stats.previous_secret,
                             "connections_open": connections.open, "connections_refused": connections.refused,
                             "connections_cut": connections.cut,
                             "bodies_cut": connections.bodies_cut + stats.slow_bodies, **shared})

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return error_response(40400, "Not found")
        if status == 405:
            return error_response(40003, "Invalid request: method not allowed", status=405)
        return error_response(50000, "Internal error", status=status)

    routes: list[BaseRoute] = [
        Route(settings.callback_path, callback, methods=["POST"]),
        Route(settings.callback_path + "/{tail:path}", callback, methods=["POST"]),
    ]
    for prefix in dict.fromkeys(["", settings.path_prefix]):
        routes += [Route(f"{prefix}/health", health, methods=["GET"]), WebSocketRoute(f"{prefix}/events", events)]
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if stream is not None:
            await stream.start()
        try:
            yield
        finally:
            if stream is not None:
                await stream.stop()

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error}, lifespan=lifespan)
    app.router.redirect_slashes = False
    app.state.settings = settings
    app.state.hub = hub
    app.state.stream = stream
    app.state.stats = stats
    app.state.connections = connections  # counted by the server's protocol (relay.limits), when there is one
    return app
