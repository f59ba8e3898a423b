"""The sandbox's records: calls, conference participants, recordings, owned numbers.

Plain dataclasses with their wire form next to them, so what a client reads is defined in one place.
Durations are computed from the clock when asked (lazy), never ticked by a background task.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sandbox import audio
from sandbox.clock import wire_time
from sandbox.rates import CURRENCY

if TYPE_CHECKING:
    from sandbox.menus import MenuState

# The documented demo application: works out of the box, never a real Sinch credential.
DEMO_APPLICATION_KEY = "5a4c0d3e-7f6b-4e21-9c8d-0b1a2f3e4d5c"
DEMO_APPLICATION_SECRET = "c2luY2gtc2FuZGJveC0xNg=="  # base64 of b"sinch-sandbox-16"

RECORDING_RETENTION = timedelta(days=30)


def _seconds(start: datetime | None, end: datetime) -> int:
    return 0 if start is None else max(0, int((end - start).total_seconds()))


@dataclass
class Call:
    """One call leg. `plan` says what happens once it is answered: speak, join, stay."""

    call_id: str
    kind: str  # "tts" | "conference" | "custom" | "inbound"
    to: dict[str, str]
    cli: str | None
    created_at: datetime
    rate: float
    application_key: str
    domain: str = "pstn"
    custom: Any = None
    behaviour: str = "answer"  # "answer" | "busy" | "noanswer" | "restricted"
    plan: str = "stay"  # "speak" | "join" | "stay" | "hangup"
    speak_seconds: float = 0.0
    max_duration: int | None = None
    status: str = "INITIATED"
    result: str = "N/A"
    reason: str = "N/A"
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    conference_id: str | None = None
    end_generation: int = 0  # bumps when a planned end moves, so stale scheduled ends are ignored
    planned_end: datetime | None = None
    recording_since: datetime | None = None
    menu: MenuState | None = None  # set while the call runs an IVR menu (SVAML runMenu)
    inline_pie: dict[str, Any] | None = None  # a custom callout's inline `pie` SVAML, applied instead of a PIE

    @property
    def is_final(self) -> bool:
        return self.status == "FINAL"

    def duration(self, now: datetime) -> int:
        return _seconds(self.answered_at, self.ended_at or now)

    def debit(self, now: datetime) -> float:
        """Billed per started minute of talk time; unanswered calls cost nothing."""
        return round(self.rate * math.ceil(self.duration(now) / 60), 4)

    def to_wire(self, now: datetime) -> dict[str, Any]:
        body: dict[str, Any] = {}
        # `from` only when a caller id is known: sinch 1.1.4 crashes on any non-empty `from`
        # (it does `call_origin.get["endpoint"]`), so callouts without cli stay readable by it.
        if self.cli:
            body["from"] = {"type": "number", "endpoint": self.cli}
        body.update(
            {
                "to": dict(self.to),
                "domain": self.domain,
                "callId": self.call_id,
                "duration": self.duration(now),
                "status": self.status,
                "result": self.result,
                "reason": self.reason,
                "timestamp": wire_time(self.created_at),
                "custom": self.custom,
                "userRate": {"currencyId": CURRENCY, "amount": self.rate},
                "debit": {"currencyId": CURRENCY, "amount": self.debit(now)},
            }
        )
        return body


@dataclass
class Participant:
    """A call leg in a room. The wire form has exactly the five keys sinch 1.1.4 unpacks."""

    call_id: str
    cli: str
    joined_at: datetime
    muted: bool = False
    onhold: bool = False

    def to_wire(self, now: datetime) -> dict[str, Any]:
        return {"cli": self.cli, "id": self.call_id, "duration": _seconds(self.joined_at, now),
                "muted": self.muted, "onhold": self.onhold}


@dataclass
class Conference:
    """A room exists while it has participants (the API has no "create" or "list")."""

    conference_id: str
    created_at: datetime
    participants: dict[str, Participant] = field(default_factory=dict)


@dataclass
class Recording:
    """A stored file. Audio is rendered on download from (key, frames): nothing big is kept in memory."""

    key: str
    call_id: str
    created_on: datetime
    n_frames: int
    expires_on: datetime

    @property
    def size(self) -> int:
        """Bytes of the WAV file (header and samples)."""
        return audio.file_size(self.n_frames)

    def to_wire(self, base_url: str) -> dict[str, Any]:
        return {
            "key": self.key,
            "url": f"{base_url.rstrip('/')}/calling/v1/recording/{self.key}",
            "createdOn": wire_time(self.created_on),
            "expiresOn": wire_time(self.expires_on),
            "headers": {"Content-Type": "audio/wav", "Content-Length": str(self.size), "callId": self.call_id},
        }


@dataclass
class OwnedNumber:
    """A number of the account; `application_key` is set while it is assigned to an app."""

    number: str
    capability: str = "voice"
    application_key: str | None = None

    def to_wire(self) -> dict[str, Any]:
        body: dict[str, Any] = {"number": self.number}
        if self.application_key:
            body["applicationkey"] = self.application_key
        body["capability"] = self.capability
        return body
