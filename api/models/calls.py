"""Call results and manage-call requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from api.models.base import WireModel
from api.models.common import Identity, Money
from api.models.display import Columns, Displayable

CALL_STATUSES = ("INITIATED", "RINGING", "ONGOING", "FINAL")
CALL_RESULTS = ("N/A", "ANSWERED", "BUSY", "NOANSWER", "FAILED")
CALL_REASONS = (
    "N/A", "TIMEOUT", "CALLERHANGUP", "CALLEEHANGUP", "BLOCKED", "NOCREDITPARTNER", "MANAGERHANGUP",
    "CANCEL", "GENERALERROR",
)


class CallResult(Displayable, WireModel):
    """GET /calls/id/{callId}: where a call is and, once FINAL, how it ended and what it cost.

    Status, result and reason stay plain strings: Sinch may add values and a console must still show them.
    """

    display_columns: ClassVar[Columns] = (
        ("callId", "call_id"), ("status", "status"), ("result", "result"), ("reason", "reason"),
        ("duration", "duration", "clock"), ("from", "from_.endpoint"), ("to", "to.endpoint"), ("domain", "domain"),
        ("time", "timestamp"), ("rate", "user_rate"), ("debit", "debit"),
    )

    from_: Identity | None = Field(default=None, alias="from")
    to: Identity | None = None
    domain: str | None = None
    call_id: str = ""
    duration: int = 0
    status: str = "N/A"
    result: str = "N/A"
    reason: str = "N/A"
    timestamp: datetime | None = None
    custom: Any = None
    user_rate: Money | None = None
    debit: Money | None = None

    @property
    def is_final(self) -> bool:
        return self.status == "FINAL"
