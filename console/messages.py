"""App-wide messages that cross modes (posted to the app, handled in console/app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message


@dataclass
class CallPlaced(Message):
    """The console placed a callout: the Calls mode tracks `call_id`; a conference callout's room is watched."""

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
