"""One page of recordings as the Recordings mode shows it: what each column says, marks, sorting and paging.

The platform pages newest first and knows nothing of expiry order, so sorting is within the page (the
title says so). Sizes and call ids come from a recording's `headers` when the platform sends them; a key
shaped like `<32 hex>-...` gives the call id when the headers do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from api.models import Recording
from api.models.display import human_bytes
from console.recordings.range import DateRange

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 50
SORT_KEYS = ("created", "expiry")
SOON = timedelta(hours=24)
"""Expiring within this is highlighted: the platform deletes the file by itself at expiresOn."""
_CALL_ID_IN_KEY = re.compile(r"^([0-9a-fA-F]{32})-")


def header(recording: Recording, name: str) -> Any:
    """A header of the recording, whatever case the platform wrote its name in (None when absent)."""
    wanted = name.lower()
    for key, value in recording.headers.items():
        if key.lower() == wanted:
            return value
    return None


def size_of(recording: Recording) -> int | None:
    """Bytes, from the Content-Length header, when the platform said."""
    return recording.size


def content_type_of(recording: Recording) -> str | None:
    raw = header(recording, "content-type")
    return str(raw) if raw else None


def human_size(size: int | None) -> str:
    """512 B, 140.7 KiB, 1.5 GiB ("" when unknown)."""
    return human_bytes(size)


def call_id_of(recording: Recording) -> str | None:
    """The call the recording belongs to: the callId header, else the id its key starts with."""
    raw = header(recording, "callid")
    if raw:
        return str(raw)
    found = _CALL_ID_IN_KEY.match(recording.key)
    return found.group(1).lower() if found else None


def countdown(expires: datetime | None, now: datetime) -> str:
    """"in 45 min", "in 3 h 12 min", "in 1 day 14 h", "in 12 days", "expired" ("" when unknown)."""
    if expires is None:
        return ""
    seconds = int((expires - now).total_seconds())
    if seconds <= 0:
        return "expired"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if minutes < 1:
        return "in < 1 min"
    if hours < 1:
        return f"in {minutes} min"
    if days < 1:
        rest = minutes % 60
        return f"in {hours} h {rest} min" if rest else f"in {hours} h"
    if days < 2:
        rest = hours % 24
        return f"in 1 day {rest} h" if rest else "in 1 day"
    return f"in {days} days"


def expiring_soon(recording: Recording, now: datetime) -> bool:
    """Under 24 hours left (or already past): worth downloading now if it matters."""
    return recording.expires_on is not None and recording.expires_on - now < SOON


def expired(recording: Recording, now: datetime) -> bool:
    return recording.expires_on is not None and recording.expires_on <= now


def sort_recordings(recordings: list[Recording], key: str) -> list[Recording]:
    """created: newest first (the platform's order); expiry: soonest first. Unknown times go last."""
    if key == "expiry":
        return sorted(recordings, key=lambda r: (r.expires_on is None, _naive(r.expires_on) or datetime.max, r.key))
    return sorted(recordings, key=lambda r: (r.created_on is not None, _naive(r.created_on) or datetime.min, r.key),
                  reverse=True)


def _naive(moment: datetime | None) -> datetime | None:
    """Comparable whatever the offsets (UTC, then without tzinfo)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta(0))


def next_sort_key(current: str) -> str:
    return SORT_KEYS[(SORT_KEYS.index(current) + 1) % len(SORT_KEYS)] if current in SORT_KEYS else SORT_KEYS[0]


def next_page_size(current: int, step: int) -> int:
    """The next size up (step 1) or down (step -1) among PAGE_SIZES, staying at the ends."""
    sizes = sorted({*PAGE_SIZES, current})
    index = min(max(sizes.index(current) + step, 0), len(sizes) - 1)
    return sizes[index]


def page_keeping_first(page: int, old_size: int, new_size: int) -> int:
    """The page that still shows the first recording of the current one after the page size changes."""
    return (page - 1) * old_size // new_size + 1


@dataclass
class Listing:
    """What the screen shows: the window, the page, its recordings and the marked ones (kept across pages)."""

    range: DateRange
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "created"
    recordings: list[Recording] = field(default_factory=list)
    marked: dict[str, Recording] = field(default_factory=dict)
    loaded: bool = False

    @property
    def short(self) -> bool:
        """A page with fewer recordings than it could hold is the last one."""
        return len(self.recordings) < self.page_size

    def visible(self) -> list[Recording]:
        return sort_recordings(self.recordings, self.sort)

    def get(self, key: str) -> Recording | None:
        return next((r for r in self.recordings if r.key == key), None) or self.marked.get(key)

    def toggle_mark(self, key: str) -> bool:
        """Mark or unmark; True when it is now marked."""
        if key in self.marked:
            del self.marked[key]
            return False
        recording = self.get(key)
        if recording is None:
            return False
        self.marked[key] = recording
        return True

    def toggle_page_marks(self) -> None:
        """Mark every recording of the page, or unmark them all when they already are."""
        if self.recordings and all(r.key in self.marked for r in self.recordings):
            for recording in self.recordings:
                self.marked.pop(recording.key, None)
        else:
            self.marked.update({r.key: r for r in self.recordings})

    def targets(self, selected: str | None) -> list[Recording]:
        """What an action applies to: the marked recordings when there are any, else the selected one."""
        if self.marked:
            return list(self.marked.values())
        recording = self.get(selected) if selected is not None else None
        return [recording] if recording is not None else []

    def remove(self, keys: set[str]) -> None:
        self.recordings = [r for r in self.recordings if r.key not in keys]
        for key in keys:
            self.marked.pop(key, None)

    def same_range(self, window: DateRange) -> bool:
        """`window` is the one shown: the same typed range, or the same preset (moved on with the clock)."""
        if window.preset is not None and window.preset == self.range.preset:
            return True
        return (window.start, window.end, window.preset) == (self.range.start, self.range.end, self.range.preset)

    def show(self, recordings: list[Recording], page: int, page_size: int, window: DateRange) -> int:
        """A page arrived. Marks stay across pages of one window (for recordings still on the platform as far as
        we know); another window clears them, so an action never reaches recordings outside the one shown.
        Returns how many marks that cleared."""
        cleared = 0
        if not self.same_range(window):
            cleared, self.marked = len(self.marked), {}
        self.recordings, self.page, self.page_size, self.range, self.loaded = recordings, page, page_size, window, True
        fresh = {r.key: r for r in recordings}
        for key in self.marked.keys() & fresh.keys():
            self.marked[key] = fresh[key]
        return cleared

    def off_page(self, keys: list[str]) -> int:
        """How many of `keys` are not on the page shown (marked on another page)."""
        shown = {r.key for r in self.recordings}
        return sum(key not in shown for key in keys)
