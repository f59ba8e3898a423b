"""The line under the header on every screen: where the console is connected (SANDBOX or LIVE, read-only),
a title the screen fills in, and the live-events connection when there is one; under it the mode bar
(console/screens/mode_bar.py). One place, so no screen can forget to say it is not on the real platform, or that
its events have stopped coming."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from console.screens.mode_bar import ModeBar
from console.session import Session

if TYPE_CHECKING:
    from console.events.feed import EventFeed
    from console.events.subscriber import ConnectionState


class EventsBadge(Static):
    """"events live", "events retrying in 4 s"...: the app's relay feed, hidden when it has none."""

    DEFAULT_CSS = """
    EventsBadge { dock: right; width: auto; padding: 0 1; color: $text-muted; }
    EventsBadge.down { color: $warning; }
    """

    def __init__(self) -> None:
        super().__init__("", id="events-badge")
        self._stop: Callable[[], None] | None = None

    def on_mount(self) -> None:
        feed: EventFeed | None = getattr(self.app, "events_feed", None)  # SinchConsole's; not imported here
        self.display = feed is not None
        if feed is not None:
            self._show(feed.state)
            # the feed calls back on the app's loop (its subscriber runs as an app worker)
            self._stop = feed.listen(on_state=self._show)

    def on_unmount(self) -> None:
        if self._stop is not None:
            self._stop()

    def _show(self, state: ConnectionState) -> None:
        self.update(f"events {state.describe().split(' (', 1)[0]}")  # the reason is in the Events mode's title
        self.set_class(state.kind != "live", "down")


def topbar(session: Session, title_id: str, *, events_badge: bool = True) -> ComposeResult:
    """SANDBOX/LIVE badge, READ-ONLY when the profile is, then an empty Static `title_id` for the screen; under
    it the mode bar (every mode, its digit and live counts)."""
    sandbox = session.backend.sandbox
    with Horizontal(id="topbar"):
        yield Static("SANDBOX" if sandbox else "LIVE", id="badge", classes="sandbox" if sandbox else "live")
        if session.read_only:
            yield Static("READ-ONLY", id="read-only-badge")
        yield Static("", id=title_id, classes="topbar-title")
        if events_badge:  # the Events mode says it in its own title
            yield EventsBadge()
    yield ModeBar(session)
