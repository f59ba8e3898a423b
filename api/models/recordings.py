"""Recording files kept in the Sinch Drive."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_validator

from api.models.base import WireModel


class Recording(WireModel):
    """One stored recording (RecordingFileInfo). Its times are always aware: Sinch writes them in UTC, so a
    timestamp that comes without a zone (`2026-12-20T10:00:00`) is taken as UTC rather than left naive (a naive
    time cannot be compared with an aware one: the console would fail on it)."""

    key: str
    url: str | None = None
    created_on: datetime | None = None
    expires_on: datetime | None = None
    headers: dict[str, Any] = Field(default_factory=dict)

    @field_validator("created_on", "expires_on")
    @classmethod
    def _utc_when_naive(cls, moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
