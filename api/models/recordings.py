"""Recording files kept in the Sinch Drive."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import Field, field_validator

from api.models.base import WireModel
from api.models.display import Columns, Displayable, DisplayList


class Recording(Displayable, WireModel):
    """One stored recording (RecordingFileInfo). Its times are always aware: Sinch writes them in UTC, so a
    timestamp that comes without a zone (`2026-12-20T10:00:00`) is taken as UTC rather than left naive (a naive
    time cannot be compared with an aware one: the console would fail on it)."""

    display_columns: ClassVar[Columns] = (
        ("key", "key"), ("created", "created_on"), ("expires", "expires_on"), ("size", "size", "bytes"),
    )

    key: str
    url: str | None = None
    created_on: datetime | None = None
    expires_on: datetime | None = None
    headers: dict[str, Any] = Field(default_factory=dict)

    @field_validator("created_on", "expires_on")
    @classmethod
    def _utc_when_naive(cls, moment: datetime | None) -> datetime | None:
        return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment

    @property
    def size(self) -> int | None:
        """The file size in bytes from the Content-Length in `headers`, when Sinch gave one."""
        for name, value in self.headers.items():
            if name.lower() == "content-length":
                try:
                    size = int(str(value).strip())
                except (TypeError, ValueError):
                    return None
                return size if size >= 0 else None
        return None


class RecordingList(DisplayList[Recording]):
    """What `recordings.list()` returns: a list, shown as a table."""

    item_type = Recording
    noun = "recording"
