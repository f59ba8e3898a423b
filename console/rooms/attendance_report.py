"""What the attendance book's legs say to a person: the report (a row per person), the chart of the last meeting,
and their exports (CSV, JSON, SVG).

Read-only over the legs `AttendanceBook` keeps (console/rooms/attendance.py owns recording and persistence);
legs are grouped per person (number; per call when the number is hidden), so someone who leaves and dials in
again is one row whose time in the room is the union of their calls, and one bar.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from api.models.views import PresenceBar, PresenceChart, Span
from console.files import atomic_write
from console.rooms.attendance_svg import chart_svg
from console.rooms.contacts import AddressBookLike, display_name

if TYPE_CHECKING:
    from console.rooms.attendance import Leg

CSV_FIELDS = ("room", "name", "cli", "call_ids", "first_joined", "last_left", "seconds_in_room",
              "times_muted", "kicked", "present")


@dataclass(frozen=True)
class AttendanceRow:
    """One person in the report."""

    room: str
    name: str
    cli: str
    call_ids: tuple[str, ...]
    first_joined: datetime
    last_left: datetime | None  # None while still present
    seconds_in_room: float
    times_muted: int
    kicked: bool
    present: bool


def people(legs: Iterable[Leg]) -> list[list[Leg]]:
    """The room's legs per person, each person's sorted by join."""
    grouped: dict[str, list[Leg]] = {}
    for leg in legs:
        grouped.setdefault(leg.cli or f"call:{leg.call_id}", []).append(leg)
    for person in grouped.values():
        person.sort(key=lambda leg: leg.joined)
    return list(grouped.values())


def report(room: str, legs: Iterable[Leg], now: datetime, book: AddressBookLike | None = None) -> list[AttendanceRow]:
    """One row per person, by first join."""
    rows = []
    for person in people(legs):
        present = any(leg.left is None for leg in person)
        rows.append(AttendanceRow(
            room=room,
            name=display_name(person[0].cli, book),
            cli=person[0].cli,
            call_ids=tuple(leg.call_id for leg in person),
            first_joined=person[0].joined,
            last_left=None if present else max(leg.left for leg in person if leg.left is not None),
            seconds_in_room=_union_seconds(person, now),
            times_muted=sum(leg.times_muted for leg in person),
            kicked=any(leg.kicked for leg in person),
            present=present,
        ))
    rows.sort(key=lambda row: (row.first_joined, row.cli))
    return rows


def chart(room: str, legs: Iterable[Leg], now: datetime, book: AddressBookLike | None = None) -> PresenceChart:
    """The last meeting as a picture: a bar per person (in the report's order) from the first join to the
    last leave (now while anyone is present), with muted stretches and kicks. A meeting is a stretch when the
    room was never empty; earlier ones in the book are left out."""
    bars: list[tuple[datetime, str, PresenceBar]] = []
    for person in people(legs):
        muted = [Span(start, stop or leg.left or now)
                 for leg in person for start, stop in (leg.mutes or ()) if start is not None]
        bars.append((person[0].joined, person[0].cli, PresenceBar(
            name=display_name(person[0].cli, book) if person[0].cli else f"call {person[0].call_id[:8]}",
            present=_merged([Span(leg.joined, leg.left or now) for leg in person]),
            muted=_merged(muted),
            kicked=tuple(leg.left for leg in person if leg.kicked and leg.left is not None),
            still_here=any(leg.left is None for leg in person),
        )))
    bars.sort(key=lambda item: (item[0], item[1]))
    if not bars:
        return PresenceChart(room, now, now)
    # The book keeps a room for 90 days: the chart is its last meeting, the last stretch it was never empty.
    meeting = _merged([span for _, _, bar in bars for span in bar.present])[-1]
    shown = [_clipped(bar, meeting) for _, _, bar in bars
             if any(span.start <= meeting.end and span.end >= meeting.start for span in bar.present)]
    return PresenceChart(room, meeting.start, meeting.end, tuple(shown))


def export(room: str, legs: Iterable[Leg], path: str | os.PathLike[str], now: datetime,
           book: AddressBookLike | None = None, *, fmt: str | None = None) -> Path:
    """Write the report as CSV or JSON, or the chart as SVG (by `fmt` or the file's suffix), atomically, as
    every export is (a reader never sees half a file). Returns the path."""
    target = Path(path)
    kind = (fmt or target.suffix.lstrip(".") or "csv").lower()
    if kind == "svg":
        return atomic_write(target, chart_svg(chart(room, legs, now, book)), private=True)
    rows = [_row_wire(row, flat=kind == "csv") for row in report(room, legs, now, book)]
    if kind == "json":
        data = json.dumps({"room": room, "generated": _iso(now), "attendance": rows}, indent=2).encode()
    elif kind == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(CSV_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        data = out.getvalue().encode("utf-8")
    else:
        raise ValueError(f"unknown export format {kind!r}: use csv, json or svg")
    return atomic_write(target, data, private=True)


def _union_seconds(legs: list[Leg], now: datetime) -> float:
    """Time in the room counting overlapping calls of the same number once."""
    total = 0.0
    end: datetime | None = None
    for leg in legs:  # sorted by join
        stop = leg.left or now
        if end is None or leg.joined >= end:
            total += max(0.0, (stop - leg.joined).total_seconds())
            end = stop
        elif stop > end:
            total += (stop - end).total_seconds()
            end = stop
    return total


def _merged(spans: list[Span]) -> tuple[Span, ...]:
    """Overlapping or touching spans as one (two calls of the same number at once are one bar)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda span: span.start):
        if out and span.start <= out[-1].end:
            if span.end > out[-1].end:
                out[-1] = Span(out[-1].start, span.end)
        else:
            out.append(span)
    return tuple(out)


def _clipped(bar: PresenceBar, window: Span) -> PresenceBar:
    def inside(spans: tuple[Span, ...]) -> tuple[Span, ...]:
        return tuple(Span(max(span.start, window.start), min(span.end, window.end)) for span in spans
                     if span.start <= window.end and span.end >= window.start)

    return replace(bar, present=inside(bar.present), muted=inside(bar.muted),
                   kicked=tuple(at for at in bar.kicked if window.start <= at <= window.end))


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _row_wire(row: AttendanceRow, *, flat: bool) -> dict[str, object]:
    return {
        "room": row.room, "name": row.name, "cli": row.cli,
        "call_ids": " ".join(row.call_ids) if flat else list(row.call_ids),
        "first_joined": _iso(row.first_joined), "last_left": _iso(row.last_left),
        "seconds_in_room": round(row.seconds_in_room, 1), "times_muted": row.times_muted,
        "kicked": row.kicked, "present": row.present,
    }
