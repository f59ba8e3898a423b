"""What the gateway returns for one change: its status, its words, and what the request answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

T = TypeVar("T")
Status = Literal["done", "failed", "refused", "unknown"]


@dataclass(frozen=True)
class Change(Generic[T]):
    """One change as it ended. Surfaces present `text`; they never word a refusal themselves.

    "unknown": the request went out and no answer said what became of it (api.errors.OutcomeUnknownError),
    so it may have happened; it is never reported as "failed", which would invite sending it again.
    """

    status: Status
    text: str
    action: str
    value: T | None = None
    """What the request returned when it was done (a callId, say)."""
    error: BaseException | None = None
    error_code: int | None = None
    note: str = ""
    """" (the audit log could not be written: …)" when the change went through without its audit line."""

    @property
    def ok(self) -> bool:
        return self.status == "done"

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    @property
    def unknown(self) -> bool:
        return self.status == "unknown"
