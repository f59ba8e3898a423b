"""One tracked call as the Calls list shows it and `calls.json` keeps it, and what a poll changed about it.

A callout whose request went out without an answer (api.errors.OutcomeUnknownError) is tracked too, under its
correlation tag (`sc-…`, sent in `custom`) instead of a callId it never got: `outcome_unknown` is set and it
is not polled until an event or a call result carrying the tag names its callId (CallTracker.resolve).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from api.models import CallResult
from api.models.common import format_number
from api.models.correlation import is_tag
from api.models.display import clock

ADDED = "added"
"""The kind of a call typed in by hand (placed elsewhere)."""


@dataclass
class TrackedCall:
    """One call: what was placed (or typed in), the latest result, the last problem and when it was asked."""

    call_id: str
    kind: str
    """"tts", "conference", "custom" for the console's own callouts; "added" for a callId typed in."""
    destination: str = ""
    placed_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    cli: str | None = None
    conference_id: str | None = None
    detail: str = ""
    result: CallResult | None = None
    error: str | None = None
    polled_at: datetime | None = None
    unknown: bool = False
    """The platform says there is no such call: no longer polled (until woken)."""
    correlation_id: str | None = None
    """The tag the console put in the callout's `custom` ("sc-0123456789ab"), when it placed the call."""
    outcome_unknown: bool = False
    """Sent, but no answer came: it may have been placed. `call_id` holds the correlation tag until resolved."""

    @property
    def is_final(self) -> bool:
        return self.result is not None and self.result.is_final

    @property
    def pollable(self) -> bool:
        """Whether asking the platform about it can tell anything new: not FINAL, not known to be no call, and
        with a callId (an unknown outcome has only its tag)."""
        return not (self.is_final or self.unknown or self.outcome_unknown)

    @property
    def status(self) -> str:
        if self.result is not None:
            return self.result.status
        return "UNKNOWN" if self.unknown or self.outcome_unknown else "…"

    @property
    def number(self) -> str:
        """Who was called, as a person reads it: the destination placed, or the platform's `to`."""
        endpoint = self.destination or (self.result.to.endpoint if self.result and self.result.to else "")
        return format_number(endpoint) if endpoint else self.call_id

    @property
    def duration(self) -> int:
        return self.result.duration if self.result else 0

    @property
    def debit(self) -> float:
        return self.result.debit.amount if self.result and self.result.debit else 0.0

    def duration_text(self) -> str:
        return clock(self.result.duration) if self.result is not None else ""

    def debit_text(self) -> str:
        """"0.0400 EUR": always with its currency (rates differ per account)."""
        money = self.result.debit if self.result else None
        return str(money) if money is not None else ""

    def search_text(self) -> str:
        result = self.result
        parts = [self.call_id, self.kind, self.destination, self.number, self.cli, self.conference_id, self.detail,
                 self.status, self.error, self.correlation_id]
        if result is not None:
            parts += [result.result, result.reason, result.to.endpoint if result.to else None,
                      result.from_.endpoint if result.from_ else None,
                      json.dumps(result.custom) if result.custom is not None else None]
        return " ".join(str(part) for part in parts if part).lower()

    def signature(self) -> tuple[Any, ...]:
        """What the list shows: a poll that leaves it equal changed nothing worth redrawing or saving."""
        r = self.result
        shown = (r.status, r.result, r.reason, r.duration, self.debit, str(r.custom)) if r is not None else None
        return shown, self.error, self.unknown, self.outcome_unknown, self.correlation_id

    # ---- file form ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "callId": self.call_id, "kind": self.kind, "destination": self.destination,
            "placedAt": self.placed_at.isoformat(), "cli": self.cli, "conferenceId": self.conference_id,
            "detail": self.detail, "error": self.error, "unknown": self.unknown,
            "correlationId": self.correlation_id, "outcomeUnknown": self.outcome_unknown,
            "polledAt": self.polled_at.isoformat() if self.polled_at else None,
            "result": self.result.model_dump(mode="json", by_alias=True) if self.result else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrackedCall:
        """ValueError/TypeError/KeyError (or pydantic's ValidationError, a ValueError) on a bad record."""
        result = data.get("result")
        return cls(
            call_id=str(data["callId"]), kind=str(data.get("kind") or ADDED),
            destination=str(data.get("destination") or ""), placed_at=_aware(data["placedAt"]),
            cli=data.get("cli"), conference_id=data.get("conferenceId"), detail=str(data.get("detail") or ""),
            error=data.get("error"), unknown=bool(data.get("unknown", False)),
            correlation_id=data.get("correlationId") if is_tag(data.get("correlationId")) else None,
            outcome_unknown=bool(data.get("outcomeUnknown", False)),
            polled_at=_aware(data["polledAt"]) if data.get("polledAt") else None,
            result=CallResult.model_validate(result) if result else None,
        )


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class CallChange:
    """What one poll changed for one call."""

    call: TrackedCall
    previous_status: str
    became_final: bool
