"""The app message a relayed event becomes (posted to the app by the feed's listener, handled in console/app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from console.events.model import RelayEvent

if TYPE_CHECKING:
    from console.events.feed import EventFeed


@dataclass
class EventArrived(Message):
    """A callback reached the relay: the console reacts at once (polls the room, watches it, wakes the call)."""

    event: RelayEvent
    feed: EventFeed | None = None
    """The EventFeed it came from: one still queued from a profile switched away from is ignored."""
