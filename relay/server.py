"""Run the relay with uvicorn in a daemon thread: what `sinch-relay` does, and what the console will call.

    running = start_relay_thread(settings)            # port 0 = any free port
    running.url          # http://127.0.0.1:PORT      (give Sinch  running.callback_url)
    running.events_url   # ws://127.0.0.1:PORT/events (subscribe with the token)
    running.stop()

uvicorn settings chosen for this job: its websocket protocol with raw frame writes for the hub
(relay.ws_protocol), no per-message deflate (each of N subscribers would compress the same
small message again, costing more than the bytes saved on loopback or a LAN), a small inbound websocket
limit (subscribers have nothing to say), keep-alive pings so a vanished subscriber is noticed, a short
graceful shutdown (open websockets would otherwise hold it up), and the HTTP protocol of relay.limits
(connection limits, deadlines on every request's headers and body), idle kept-alive connections closed after
the read timeout.

uvicorn logs a websocket's path with its query string, which may hold `?token=`, and at debug level every
handshake header: relay.redact's filter hides the token and Authorization values.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette

from relay.app import create_app
from relay.hub import Hub
from relay.limits import ConnectionLimits, fit_open_file_limit, guarded_protocol
from relay.redact import RedactTokens, install
from relay.settings import RelaySettings
from relay.ws_protocol import FramesProtocol

START_TIMEOUT = 10.0
install()

__all__ = ["RedactTokens", "RunningRelay", "start_relay_thread", "uvicorn_config"]


def uvicorn_config(app: Starlette, *, host: str, port: int, log_level: str = "warning") -> uvicorn.Config:
    settings: RelaySettings = app.state.settings
    max_connections = fit_open_file_limit(settings.max_connections)
    limits = ConnectionLimits(max_connections=max_connections, max_per_client=settings.max_connections_per_client,
                              header_timeout=settings.read_timeout, body_timeout=settings.read_timeout)
    # the shared stream's tasks start and stop with the lifespan
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                          lifespan="on" if settings.redis_url else "off",
                          http=guarded_protocol(limits, app.state.connections),
                          # the protocol refuses beyond max_connections at connect time; uvicorn's own check
                          # (which counts the connection asking) stays as the backstop on running tasks
                          limit_concurrency=max_connections + 1,
                          timeout_keep_alive=max(1, math.ceil(settings.read_timeout)),
                          ws=FramesProtocol, ws_per_message_deflate=False, ws_max_size=64 * 1024, ws_ping_interval=20.0,
                          ws_ping_timeout=20.0, timeout_graceful_shutdown=2)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


@dataclass
class RunningRelay:
    """A relay listening on a socket. `hub` is live (tests read its counters; clients use `/health`)."""

    url: str
    settings: RelaySettings = field(repr=False)
    app: Starlette = field(repr=False)
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def hub(self) -> Hub:
        return self.app.state.hub

    @property
    def callback_url(self) -> str:
        return self.url + self.settings.callback_path

    @property
    def events_url(self) -> str:
        return "ws" + self.url.removeprefix("http") + "/events"

    def is_alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)

    def __enter__(self) -> RunningRelay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_relay_thread(settings: RelaySettings, *, host: str = "127.0.0.1", port: int = 0,
                       log_level: str = "warning") -> RunningRelay:
    """Start uvicorn in a daemon thread and return once it listens (port 0 = any free port)."""
    app = create_app(settings)
    server = uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level=log_level))
    thread = threading.Thread(target=server.run, name="sinch-relay", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the relay did not start on {host}:{port} (port in use?)")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return RunningRelay(url=f"http://{_url_host(host)}:{bound}", settings=settings, app=app, _server=server,
                        _thread=thread)
