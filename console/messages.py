"""App-wide messages that cross modes (posted to the app, handled in console/app.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message


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
