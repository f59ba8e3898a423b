"""A virtual clock: the sandbox's only source of "now".

Real mode follows the wall clock (plus any offset added by `advance`), so a console watching the demo sees
durations grow in real time. Manual mode is frozen until a test moves it, which makes every duration, debit
and scenario event reproducible.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from api.auth import utc_timestamp

DEFAULT_START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


class Clock:
    """`now()` in UTC. `Clock()` is real time; `Clock.manual(start)` is frozen until `advance`/`set`."""

    def __init__(self, *, manual: bool = False, start: datetime | None = None) -> None:
        self._manual = manual
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen = _utc(start or DEFAULT_START) if manual else None
        if not manual and start is not None:
            self._offset = _utc(start) - datetime.now(UTC)

    @classmethod
    def manual(cls, start: datetime | None = None) -> Clock:
        return cls(manual=True, start=start)

    @property
    def is_manual(self) -> bool:
        return self._manual

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move time forward (never backwards: scheduled events must not run twice or out of order)."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._frozen is not None:
                self._frozen += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, moment: datetime) -> datetime:
        """Jump to `moment` (manual mode; in real mode this sets the offset)."""
        target = _utc(moment)
        if target < self.now():
            raise ValueError("the clock only moves forward")
        with self._lock:
            if self._frozen is not None:
                self._frozen = target
            else:
                self._offset = target - datetime.now(UTC)
        return self.now()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def wire_time(moment: datetime) -> str:
    """A response timestamp: UTC, milliseconds, `Z` (what Sinch sends and sinch 1.1.4 parses); the same
    format as an x-timestamp, so one function writes both. Naive datetimes are taken to be UTC."""
    return utc_timestamp(_utc(moment))
