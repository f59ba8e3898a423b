"""The one entry the console uses: run the sandbox with uvicorn in a daemon thread, off the UI loop.

    running = start_sandbox_thread()          # demo application, demo scenario, a free port
    client = SinchVoiceClient(application_key=running.application_key, ..., base_url=running.url)
    running.stop()
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import uvicorn
from starlette.types import ASGIApp

from sandbox.app import create_app
from sandbox.engine import Sandbox
from sandbox.faults import DroppedConnection

START_TIMEOUT = 10.0


class _HideDroppedConnections(logging.Filter):
    """An injected "drop" fault is not a server error worth a traceback on the console's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


logging.getLogger("uvicorn.error").addFilter(_HideDroppedConnections())


@dataclass
class RunningSandbox:
    """A sandbox listening on loopback. `sandbox` is the live state (for tests; the console uses HTTP)."""

    url: str
    application_key: str
    application_secret: str = field(repr=False)
    rooms: list[str]
    sandbox: Sandbox = field(repr=False)
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, timeout: float = 5.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self.sandbox.close()

    def __enter__(self) -> RunningSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_sandbox_thread(
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    application_key: str | None = None,
    application_secret: str | None = None,
    scenario: str = "demo",
    seed: int | str | None = None,
    ring_seconds: float = 2.0,
    callback_url: str | None = None,
    wrap: Callable[[ASGIApp], ASGIApp] | None = None,
) -> RunningSandbox:
    """Start uvicorn in a daemon thread and return once it listens (port 0 = any free port).

    `callback_url`: the application's primary callback URL from the start (else set it through the API).
    `wrap`: middleware put in front of the sandbox's app (a bench's own fault injection).
    """
    app = create_app(application_key=application_key, application_secret=application_secret, scenario=scenario,
                     seed=seed, ring_seconds=ring_seconds)
    sb: Sandbox = app.state.sandbox
    # ws="none": the sandbox has no websocket route, and uvicorn's "auto" imports a websockets protocol for it
    # (~20 ms of every start, the console's included).
    config = uvicorn.Config(app if wrap is None else wrap(app), host=host, port=port, log_level="warning",
                            lifespan="off", access_log=False, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sinch-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the sandbox did not start on {host}:{port} (port in use?)")
        time.sleep(0.002)  # uvicorn says it listens only by this flag; every start waits on it
    bound = server.servers[0].sockets[0].getsockname()[1]
    sb.public_url = f"http://{host}:{bound}"  # what ICE callbacks give as callResourceUrl
    if callback_url:
        with sb.lock:
            sb.callbacks.set(sb.application_key, callback_url, None)
    return RunningSandbox(url=f"http://{host}:{bound}", application_key=sb.application_key,
                          application_secret=sb.applications[sb.application_key], rooms=list(sb.rooms),
                          sandbox=sb, _server=server, _thread=thread)
