"""Recording files kept in the Sinch Drive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from api.models.base import WireModel


class Recording(WireModel):
    """One stored recording (RecordingFileInfo)."""

    key: str
    url: str | None = None
    created_on: datetime | None = None
    expires_on: datetime | None = None
    headers: dict[str, Any] = Field(default_factory=dict)
