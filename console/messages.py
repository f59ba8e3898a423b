"""App-wide messages that cross modes (posted to the app, handled in console/app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from console.events.feed import EventFeed
    from console.events.model import RelayEvent


@dataclass
class CallPlaced(Message):
    """The console placed a callout (or sent one whose outcome is unknown): the Calls mode tracks it; a conference
    callout's room is watched."""

    call_id: str
    kind: str
    """"tts", "conference" or "custom"."""
    destination: str
    """E.164 number or username, as sent."""
    placed_at: datetime
    cli: str | None = None
    conference_id: str | None = None
    detail: str = ""
    """A short description for the Calls list, e.g. the first words of the TTS text."""
    correlation_id: str | None = None
    """The tag sent in the callout's `custom` ("sc-0123456789ab")."""
    outcome_unknown: bool = False
    """Sent but unanswered: it may have been placed. `call_id` is then the correlation tag (no callId came)."""


@dataclass
class EventArrived(Message):
    """A callback reached the relay: the console reacts at once (polls the room, watches it, wakes the call).
    Posted to the app by the events feed's listener; it lives here, not in console/events, which has no Textual."""

    event: RelayEvent
    feed: EventFeed | None = None
    """The EventFeed it came from: one still queued from a profile switched away from is ignored."""
