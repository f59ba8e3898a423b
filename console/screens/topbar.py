"""The line under the header on every screen: where the console is connected (SANDBOX or LIVE, read-only)
and a title the screen fills in. One place, so no screen can forget to say it is not on the real platform."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from console.session import Session


def topbar(session: Session, title_id: str) -> ComposeResult:
    """SANDBOX/LIVE badge, READ-ONLY when the profile is, then an empty Static `title_id` for the screen."""
    sandbox = session.backend.sandbox
    with Horizontal(id="topbar"):
        yield Static("SANDBOX" if sandbox else "LIVE", id="badge", classes="sandbox" if sandbox else "live")
        if session.read_only:
            yield Static("READ-ONLY", id="read-only-badge")
        yield Static("", id=title_id, classes="topbar-title")
