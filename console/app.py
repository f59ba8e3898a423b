"""The Textual application: connects off the UI loop, then shows the conference roster."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from console.backend import Backend
from console.screens.conference import ConferenceScreen


class SinchConsole(App[None]):
    """Keyboard-first console for live Sinch conferences."""

    TITLE = "sinch-console"
    CSS_PATH = "console.tcss"
    BINDINGS = [Binding("q", "quit", "Quit", id="app.quit")]

    def __init__(
        self,
        connect: Callable[[], Backend],
        *,
        poll_interval: float = 1.0,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__()
        self._connect = connect
        self.poll_interval = poll_interval
        self.clock = clock
        self.backend: Backend | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Connecting…", id="splash")
        yield Footer()

    def on_mount(self) -> None:
        self.start_backend()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def start_backend(self) -> None:
        try:
            # connect() may start the sandbox server: a thread keeps the UI responsive meanwhile.
            backend = await asyncio.to_thread(self._connect)
        except Exception as error:
            self.query_one("#splash", Static).update(f"Could not connect: {error}\nPress q to quit.")
            return
        self.backend = backend
        self.sub_title = backend.label
        await self.push_screen(ConferenceScreen(backend, poll_interval=self.poll_interval, clock=self.clock))

    async def on_unmount(self) -> None:
        if self.backend is not None:
            backend, self.backend = self.backend, None
            await backend.close()
