"""textual-serve's Server as `sinch-console serve` runs it: the guard in front of every route, and output that
shows the token only on the one line telling the operator where to go.

Kept apart from console.serve so that importing that module (the notebook does) does not load aiohttp and
textual-serve.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from rich.logging import RichHandler
from textual_serve.server import Server

from console.serve import READY_PREFIX
from console.serve_guard import TICKET_ROUTE, RedactTokens, ServeGuard


class ConsoleServer(Server):
    """One console session per browser websocket, for holders of the token from allowed origins only."""

    def __init__(self, command: str, *, guard: ServeGuard, host: str, port: int, title: str,
                 public_url: str | None) -> None:
        super().__init__(command, host=host, port=port, title=title, public_url=public_url)
        self.public_url = self.public_url.rstrip("/")  # textual-serve appends paths that start with "/"
        self.guard = guard

    @property
    def browser_url(self) -> str:
        """The URL to open: the page with the token, which then sets the cookie."""
        return f"{self.public_url}/?token={self.guard.token}"

    def initialize_logging(self) -> None:
        super().initialize_logging()
        redact = RedactTokens(self.guard.token)
        for handler in logging.getLogger().handlers:
            handler.addFilter(redact)  # access log lines carry request paths and Referers
            if isinstance(handler, RichHandler):
                handler.tracebacks_show_locals = False  # a traceback's locals could show the token

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard.middleware())
        # The page's JavaScript appends "?width=..&height=.." to the URL it is given, so the token rides in the
        # path: a notebook's IFrame is usually cross-site, where a SameSite=Strict cookie is not sent.
        app.router.add_get("/ws/{ticket}", self.handle_websocket, name=TICKET_ROUTE)
        return app

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        # the undecorated original (functools.wraps keeps it in __wrapped__, which the stubs do not declare)
        context: dict[str, Any] = await Server.handle_index.__wrapped__(self, request)  # type: ignore[attr-defined]
        context["app_websocket_url"] = f"{context['app_websocket_url']}/{self.guard.token}"
        return context

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: textual-serve's banner prints the whole command, and it comes before the socket listens."""

    def serve(self, debug: bool = False) -> None:
        """textual-serve's serve(), but announcing the URL through run_app's `print`, which aiohttp calls once
        every site listens (on_startup runs before that, so a client reading the URL there could be refused).
        That line is the only place the token is printed."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for stop in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(stop, self.request_exit)

        def announce(*_: object) -> None:
            print(f"{READY_PREFIX}{self.browser_url}  (open it in a browser; Ctrl+C stops)", flush=True)

        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=announce)


__all__ = ["ConsoleServer"]
