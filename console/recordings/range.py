"""The time window the Recordings mode lists: presets, typed dates, and the check made before any request.

The platform filters on createdOn between `from` and `to`, in UTC. People think in local days, so dates are
typed and shown in local time and converted to UTC only when sent. A date without a time means the start of
that day for `from` and the end of it for `to`: "from 2026-11-20 to 2026-11-20" is that whole day.

Presets are relative to the console's clock and are worked out again on every reload, so "last 7 days"
stays true for a console left open overnight. Their end is the start of the next minute: a recording made
this very second is inside the window, and the end still reads as a plain time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

PRESETS: dict[str, str] = {"today": "today", "week": "last 7 days", "month": "last 30 days"}
"""Preset name -> how the title says it."""
DEFAULT_PRESET = "month"
SHOWN = "%Y-%m-%d %H:%M"
SHORT = "%b %d %H:%M"
FORMATS_HINT = "YYYY-MM-DD, YYYY-MM-DD HH:MM, today, yesterday, now, -7d, -12h"
_RELATIVE = re.compile(r"^-\s*(\d{1,5})\s*([mhdw])$")
_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


class RangeError(ValueError):
    """A window the console will not ask for; the message says what to type instead."""


def local(moment: datetime) -> datetime:
    """`moment` in this machine's time zone (naive datetimes are taken as UTC, like the api does)."""
    return (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment).astimezone()


def shown(moment: datetime, fmt: str = SHOWN) -> str:
    return local(moment).strftime(fmt)


def start_of_day(day: date) -> datetime:
    """Local midnight of `day`, aware, with the offset in force on that day (not today's: on the days the
    clocks change, an hour apart). Days are added to the date before this, never as 24 hours after it."""
    return datetime.combine(day, time()).astimezone()


def _local_midnight(now: datetime) -> datetime:
    return start_of_day(local(now).date())


def _next_minute(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)


@dataclass(frozen=True)
class DateRange:
    """From `start` (included) to `end` (excluded), both aware. `preset` is set when a preset made it."""

    start: datetime
    end: datetime
    preset: str | None = None

    @property
    def label(self) -> str:
        return PRESETS.get(self.preset or "", "custom range")

    def describe(self, fmt: str = SHOWN) -> str:
        """"2026-10-24 09:30 → 2026-11-23 09:31", in local time."""
        return f"{shown(self.start, fmt)} → {shown(self.end, fmt)}"

    def wire(self) -> str:
        """What is sent, for the range editor's preview."""
        return f"{_iso(self.start)} → {_iso(self.end)}"

    def refreshed(self, now: datetime) -> DateRange:
        """A preset moves with the clock; a typed range stays as typed."""
        return preset_range(self.preset, now) if self.preset in PRESETS else self


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def preset_range(name: str | None, now: datetime) -> DateRange:
    """today (since local midnight), week (the last 7 days) or month (the last 30 days), up to now."""
    end = _next_minute(now)
    if name == "today":
        start = _local_midnight(now)
    elif name == "week":
        start = end - timedelta(days=7)
    elif name == "month":
        start = end - timedelta(days=30)
    else:
        raise RangeError(f"unknown preset {name!r}: use one of {', '.join(PRESETS)}")
    return DateRange(start.astimezone(UTC), end, name)


def default_range(now: datetime) -> DateRange:
    return preset_range(DEFAULT_PRESET, now)


def parse_moment(text: str, now: datetime, *, field: str = "From", end: bool = False) -> datetime:
    """One typed moment as an aware UTC datetime. `end` makes a bare date mean the end of that day.

    Accepts 2026-11-20, 2026-11-20 14:30, 2026-11-20T14:30:15, an ISO time with Z or an offset, and the words
    now, today, yesterday and -30m/-12h/-7d/-2w (before now). Local time unless an offset is given.
    """
    raw = " ".join(text.split()).lower()
    if not raw:
        raise RangeError(f"{field}: type a date ({FORMATS_HINT})")
    days = timedelta(days=1 if end else 0)
    try:
        if raw == "now":
            return now.astimezone(UTC)
        if raw in ("today", "yesterday"):
            day = local(now).date() - timedelta(days=1 if raw == "yesterday" else 0)
            return start_of_day(day + days).astimezone(UTC)
        relative = _RELATIVE.match(raw)
        if relative:
            return now.astimezone(UTC) - int(relative.group(1)) * _UNITS[relative.group(2)]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return start_of_day(date.fromisoformat(raw) + days).astimezone(UTC)
        parsed = datetime.fromisoformat(raw.upper().replace(" ", "T", 1))
        if parsed.tzinfo is None:
            parsed = parsed.astimezone()  # a naive time is local time
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise RangeError(f"{field}: {text.strip()!r} is not a date or time ({FORMATS_HINT})") from None


def check_range(start: datetime, end: datetime, start_text: str | None = None, end_text: str | None = None) -> None:
    """The API reference's own rule ("'to' must be greater than 'from'"), checked before anything is sent. The message
    quotes what was typed when given (a typed date "to 2026-11-19" ends at midnight after it)."""
    if end <= start:
        to, since = (end_text or shown(end)).strip(), (start_text or shown(start)).strip()
        raise RangeError(f"To must be after from: {to} is not after {since}")


def _to_milliseconds(moment: datetime) -> datetime:
    """As precise as the wire (the api sends milliseconds): two times apart by less than that would be sent as
    one, and the platform would refuse the window that the check above let through."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def parse_range(start_text: str, end_text: str, now: datetime) -> DateRange:
    """A custom range from the editor's two fields; RangeError says which field is wrong and why."""
    start = _to_milliseconds(parse_moment(start_text, now, field="From"))
    end = _to_milliseconds(parse_moment(end_text, now, field="To", end=True))
    check_range(start, end, start_text, end_text)
    return DateRange(start, end)
