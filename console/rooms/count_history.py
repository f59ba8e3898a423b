"""How many people were in a room, minute by minute, for the last 30 minutes: the watch list's sparkline.

Kept per room by its RoomWatch and fed by every good poll. Bounded whatever the poll rate: one number per
minute (the peak of that minute, so a short visit still shows), at most `minutes` of them. The values are handed
out as one tuple that changes only when a number does or a minute begins, so a room polled every second whose
count holds still yields an equal summary and the watch list does not redraw it.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

MINUTES = 30
_MINUTE = timedelta(minutes=1)


class CountHistory:
    """Peak participant count per minute, oldest first, for the last `minutes` minutes."""

    __slots__ = ("_counts", "_last", "_minute", "_values")

    def __init__(self, minutes: int = MINUTES) -> None:
        self._counts: deque[int] = deque(maxlen=minutes)
        self._minute: datetime | None = None  # the start of the newest minute
        self._last = 0  # the count of the last poll: what a minute without polls is taken to have held
        self._values: tuple[int, ...] = ()

    @property
    def values(self) -> tuple[int, ...]:
        return self._values

    def add(self, count: int, at: datetime) -> None:
        """A good poll saw `count` people at `at`."""
        minute = at.replace(second=0, microsecond=0)
        if self._minute is None or minute > self._minute:
            if self._minute is not None:  # minutes without a poll (paused, stale) held the last count seen
                gap = min(int((minute - self._minute) / _MINUTE) - 1, self._counts.maxlen or 0)
                self._counts.extend([self._last] * gap)
            self._counts.append(count)
            self._minute = minute
        elif minute == self._minute and count > self._counts[-1]:
            self._counts[-1] = count
        else:  # the same peak, or a clock moved back: nothing to show
            self._last = count
            return
        self._last = count
        self._values = tuple(self._counts)
