"""Live roster of one watched conference, polled every `poll_interval` seconds.

The walking skeleton of the moderation screen: read-only, one roster visible, `[`/`]` switch rooms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from api.errors import NotFoundError, SinchError
from console.backend import Backend
from widgets import Roster


class ConferenceScreen(Screen[None]):
    """Shows who is in a conference right now."""

    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="conference.refresh"),
        Binding("]", "next_room", "Next room", id="conference.next_room"),
        Binding("[", "previous_room", "Prev room", id="conference.previous_room"),
    ]

    def __init__(
        self, backend: Backend, *, poll_interval: float = 1.0, clock: Callable[[], datetime] = datetime.now
    ) -> None:
        super().__init__()
        self.backend = backend
        self.clock = clock
        self.poll_interval = poll_interval
        self.rooms = backend.rooms
        self.room_index = 0

    @property
    def room(self) -> str | None:
        return self.rooms[self.room_index] if self.rooms else None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="topbar"):
            yield Static("SANDBOX" if self.backend.sandbox else "LIVE", id="badge",
                         classes="sandbox" if self.backend.sandbox else "live")
            yield Static("", id="room-title")
        yield Roster(id="roster")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._show_room_title()
        if self.room is None:
            self.query_one("#status", Static).update(
                "No conference to watch. The API cannot list conferences: start with --room ROOM_ID."
            )
            return
        self.poll()
        self.set_interval(self.poll_interval, self.poll)

    def _show_room_title(self) -> None:
        if self.room is None:
            return
        position = f"  ({self.room_index + 1}/{len(self.rooms)})" if len(self.rooms) > 1 else ""
        self.query_one("#room-title", Static).update(f"Conference [b]{self.room}[/b]{position}")

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def poll(self) -> None:
        room = self.room
        if room is None:
            return
        status = self.query_one("#status", Static)
        roster = self.query_one(Roster)
        try:
            conference = await self.backend.client.conferences.get(room)
        except NotFoundError:
            roster.show([])
            status.update(f"Conference {room!r} has no participants right now (40400). Watching for joiners.")
            return
        except SinchError as error:
            status.update(f"[b]Cannot refresh[/b]: {error}. Retrying every {self.poll_interval:g} s.")
            return
        except Exception as error:  # a worker must never take the app down
            status.update(f"[b]Unexpected error[/b]: {error!r}")
            return
        if room != self.room:  # switched rooms while the request was in flight
            return
        roster.show(conference.participants)
        muted = sum(p.muted for p in conference.participants)
        count = len(conference.participants)
        stamp = self.clock().strftime("%H:%M:%S")
        status.update(f"{count} participant{'s' * (count != 1)}, {muted} muted  ·  updated {stamp}")

    def action_refresh(self) -> None:
        self.poll()

    def _switch(self, step: int) -> None:
        if len(self.rooms) < 2:
            return
        self.room_index = (self.room_index + step) % len(self.rooms)
        self.query_one(Roster).show([])
        self._show_room_title()
        self.poll()

    def action_next_room(self) -> None:
        self._switch(1)

    def action_previous_room(self) -> None:
        self._switch(-1)
