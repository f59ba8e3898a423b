"""Attendance per room: everyone seen, when, for how long, muted how often, kicked or not.

It is fed the timeline's entries (which already merge console actions with what polls show, so a mute is
counted once) and must outlive both the participants and the console: the book is kept as JSON in a folder
the caller chooses (the user data dir), written atomically, and loaded on start. A corrupt file is renamed
aside (kept for a human to look at) and the book starts fresh; loading never raises.

Legs are kept per callId (one call into the room); the report groups them per person (number), so someone
who leaves and dials in again is one row whose time in the room is the union of their calls.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from api.models import Participant
from console.files import atomic_write
from console.rooms.contacts import AddressBookLike, display_name
from console.rooms.timeline import TimelineEntry

FILE_NAME = "attendance.json"
VERSION = 1


@dataclass
class Leg:
    """One call in a room. `left` is None while the call is (as far as we know) still in the room."""

    call_id: str
    cli: str
    joined: datetime
    left: datetime | None = None
    last_seen: datetime | None = None
    times_muted: int = 0
    kicked: bool = False

    def seconds(self, now: datetime) -> float:
        end = self.left or now
        return max(0.0, (end - self.joined).total_seconds())


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


@dataclass
class AttendanceBook:
    """Legs per room, persisted in `folder` (None keeps it in memory only, for tests and read-only use)."""

    folder: Path | None = None
    rooms: dict[str, dict[str, Leg]] = field(default_factory=dict)
    load_warning: str | None = None

    @property
    def path(self) -> Path | None:
        return None if self.folder is None else Path(self.folder) / FILE_NAME

    # ---- feeding ---------------------------------------------------------------------------------------

    def record(self, room: str, entries: Iterable[TimelineEntry]) -> bool:
        """Apply timeline entries; True when something changed (time to save)."""
        legs = self.rooms.setdefault(room, {})
        changed = False
        for entry in entries:
            if not entry.call_id:
                continue
            leg = legs.get(entry.call_id)
            if entry.kind == "joined":
                if leg is None:
                    legs[entry.call_id] = Leg(entry.call_id, entry.cli, entry.at, last_seen=entry.at)
                elif leg.left is not None:  # the same call back in the room: present again
                    leg.left = None
                    leg.last_seen = entry.at
                else:
                    continue  # still open from before a restart: keep the original join time
                changed = True
                continue
            if leg is None:  # an action on someone we never saw join (before watching started)
                leg = legs[entry.call_id] = Leg(entry.call_id, entry.cli, entry.at, last_seen=entry.at)
            if entry.kind in ("left", "kicked") and leg.left is None:
                leg.left = entry.at
            if entry.kind == "kicked":
                leg.kicked = True
            if entry.kind == "muted":
                leg.times_muted += 1
            changed = True
        return changed

    def backdate(self, room: str, joiners: Iterable[Participant], now: datetime) -> bool:
        """A call is first seen some time after it joined: its join time is the poll's time less the time it
        has been in the conference (which the platform reports). True when a join time moved."""
        legs = self.rooms.get(room, {})
        changed = False
        for participant in joiners:
            leg = legs.get(participant.call_id)
            joined = now - timedelta(seconds=max(0, participant.duration))
            if leg is not None and joined < leg.joined:
                leg.joined = joined
                changed = True
        return changed

    def seen(self, room: str, present_call_ids: Iterable[str], now: datetime) -> None:
        """A good poll: remember when each present call was last seen (in memory; saved with the next change)."""
        legs = self.rooms.get(room, {})
        for call_id in present_call_ids:
            leg = legs.get(call_id)
            if leg is not None and leg.left is None:
                leg.last_seen = now

    def close_missing(self, room: str, present_call_ids: Iterable[str], now: datetime) -> bool:
        """After a restart: calls still open in the file but not in the room left while we were away.

        They are closed at the last time they were seen (a lower bound), or `now` when never seen.
        """
        present = set(present_call_ids)
        changed = False
        for leg in self.rooms.get(room, {}).values():
            if leg.left is None and leg.call_id not in present:
                leg.left = leg.last_seen or now
                changed = True
        return changed

    # ---- the report ------------------------------------------------------------------------------------

    def report(self, room: str, now: datetime, book: AddressBookLike | None = None) -> list[AttendanceRow]:
        """One row per person (per number; per call when the number is hidden), by first join."""
        people: dict[str, list[Leg]] = {}
        for leg in self.rooms.get(room, {}).values():
            people.setdefault(leg.cli or f"call:{leg.call_id}", []).append(leg)
        rows = []
        for legs in people.values():
            legs.sort(key=lambda leg: leg.joined)
            present = any(leg.left is None for leg in legs)
            rows.append(AttendanceRow(
                room=room,
                name=display_name(legs[0].cli, book),
                cli=legs[0].cli,
                call_ids=tuple(leg.call_id for leg in legs),
                first_joined=legs[0].joined,
                last_left=None if present else max(leg.left for leg in legs if leg.left is not None),
                seconds_in_room=_union_seconds(legs, now),
                times_muted=sum(leg.times_muted for leg in legs),
                kicked=any(leg.kicked for leg in legs),
                present=present,
            ))
        rows.sort(key=lambda row: (row.first_joined, row.cli))
        return rows

    def export(self, room: str, path: str | os.PathLike[str], now: datetime,
               book: AddressBookLike | None = None, *, fmt: str | None = None) -> Path:
        """Write the report as CSV or JSON (by `fmt` or the file's suffix), atomically. Returns the path."""
        target = Path(path)
        kind = (fmt or target.suffix.lstrip(".") or "csv").lower()
        rows = [_row_wire(row, flat=kind == "csv") for row in self.report(room, now, book)]
        if kind == "json":
            data = json.dumps({"room": room, "generated": _iso(now), "attendance": rows}, indent=2).encode()
        elif kind == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=list(_CSV_FIELDS), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
            data = out.getvalue().encode("utf-8")
        else:
            raise ValueError(f"unknown export format {kind!r}: use csv or json")
        return atomic_write(target, data, private=True)

    # ---- persistence -----------------------------------------------------------------------------------

    def to_json(self) -> bytes:
        """The whole book as bytes (cheap, on the loop); the caller may write them in a thread."""
        rooms = {room: [_leg_wire(leg) for leg in legs.values()] for room, legs in self.rooms.items()}
        return json.dumps({"version": VERSION, "rooms": rooms}, indent=1).encode()

    def save(self) -> Path | None:
        path = self.path
        return None if path is None else atomic_write(path, self.to_json(), private=True)

    @classmethod
    def load(cls, folder: str | os.PathLike[str] | None, *, now: datetime | None = None) -> AttendanceBook:
        """The book kept in `folder`; fresh when there is none; a corrupt file is moved aside, never fatal."""
        book = cls(Path(folder) if folder is not None else None)
        path = book.path
        if path is None or not path.exists():
            return book
        try:
            data = json.loads(path.read_bytes())
            book.rooms = {room: {leg["call_id"]: _leg_from(leg) for leg in legs}
                          for room, legs in data["rooms"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            book.rooms = {}
            stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
            aside = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
            try:
                os.replace(path, aside)
                kept = f"kept as {aside.name}"
            except OSError:
                kept = "could not be moved aside"
            book.load_warning = f"Attendance file was unreadable ({type(exc).__name__}); started fresh, {kept}"
        return book


_CSV_FIELDS = ("room", "name", "cli", "call_ids", "first_joined", "last_left", "seconds_in_room",
               "times_muted", "kicked", "present")


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


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _parse(text: str | None) -> datetime | None:
    if text is None:
        return None
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _leg_wire(leg: Leg) -> dict[str, object]:
    data = asdict(leg)
    for key in ("joined", "left", "last_seen"):
        data[key] = _iso(data[key])
    return data


def _leg_from(data: dict[str, object]) -> Leg:
    joined = _parse(str(data["joined"]))
    if joined is None:
        raise ValueError("a leg without a join time")
    return Leg(
        call_id=str(data["call_id"]),
        cli=str(data.get("cli", "")),
        joined=joined,
        left=_parse(data.get("left")),  # type: ignore[arg-type]
        last_seen=_parse(data.get("last_seen")),  # type: ignore[arg-type]
        times_muted=int(data.get("times_muted", 0)),  # type: ignore[call-overload]
        kicked=bool(data.get("kicked", False)),
    )


def _row_wire(row: AttendanceRow, *, flat: bool) -> dict[str, object]:
    return {
        "room": row.room, "name": row.name, "cli": row.cli,
        "call_ids": " ".join(row.call_ids) if flat else list(row.call_ids),
        "first_joined": _iso(row.first_joined), "last_left": _iso(row.last_left),
        "seconds_in_room": round(row.seconds_in_room, 1), "times_muted": row.times_muted,
        "kicked": row.kicked, "present": row.present,
    }
