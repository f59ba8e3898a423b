"""Attendance per room: everyone seen, when, for how long, muted how often, kicked or not.

It is fed the timeline's entries (which already merge console actions with what polls show, so a mute is
counted once) and must outlive both the participants and the console: the book lives in a folder the caller
chooses (the user data dir) as a snapshot plus an append-only journal (console.rooms.attendance_journal), and
is loaded on start. A change marks its legs; `save_soon()` hands just those to the journal's writer thread, so
the UI loop never serialises the whole book or waits for the disk. A corrupt snapshot is renamed aside (kept
for a human to look at) and the book starts fresh; loading never raises.

Legs are kept per callId (one call into the room); the report and the chart (console/rooms/attendance_report.py)
group them per person (number), so someone who leaves and dials in again is one row whose time in the room is
the union of their calls. A leg also keeps when it was muted (not only how often), so the chart (drawn in the
terminal by widgets.attendance_chart, exported as SVG by console.rooms.attendance_svg) can shade the muted
stretches of each bar.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from api.models import Participant
from api.models.views import PresenceChart
from console.rooms import attendance_journal as journal
from console.rooms import attendance_report
from console.rooms.attendance_report import AttendanceRow
from console.rooms.contacts import AddressBookLike
from console.rooms.timeline import TimelineEntry

__all__ = ["FILE_NAME", "AttendanceBook", "AttendanceRow", "Leg"]  # AttendanceRow: first defined here

FILE_NAME = journal.SNAPSHOT_NAME
SEEN_EVERY = timedelta(seconds=30)  # how stale a room's "last seen" on disk may get while nothing else changes


@dataclass(slots=True)  # a long meeting holds tens of thousands of these
class Leg:
    """One call in a room. `left` is None while the call is (as far as we know) still in the room."""

    call_id: str
    cli: str
    joined: datetime
    left: datetime | None = None
    last_seen: datetime | None = None
    times_muted: int = 0
    kicked: bool = False
    mutes: list[list[datetime | None]] | None = None
    """[muted at, unmuted at or None] per mute, oldest first; None (not an empty list) for the many never muted."""

    def seconds(self, now: datetime) -> float:
        end = self.left or now
        return max(0.0, (end - self.joined).total_seconds())

    def muted_from(self, at: datetime) -> None:
        if self.mutes is None:
            self.mutes = []
        if not self.mutes or self.mutes[-1][1] is not None:  # a mute seen twice opens one span
            self.mutes.append([at, None])

    def unmuted_at(self, at: datetime) -> None:
        if self.mutes and self.mutes[-1][1] is None:
            self.mutes[-1][1] = at


@dataclass
class AttendanceBook:
    """Legs per room, persisted in `folder` (None keeps it in memory only, for tests and read-only use)."""

    folder: Path | None = None
    rooms: dict[str, dict[str, Leg]] = field(default_factory=dict)
    load_warning: str | None = None
    _dirty: dict[tuple[str, str], Leg] = field(default_factory=dict, init=False, repr=False)
    _seen: dict[str, datetime] = field(default_factory=dict, init=False, repr=False)
    _seen_saved: dict[str, datetime] = field(default_factory=dict, init=False, repr=False)
    _writer: journal.JournalWriter | None = field(default=None, init=False, repr=False)

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
                    leg = legs[entry.call_id] = Leg(entry.call_id, entry.cli, entry.at, last_seen=entry.at)
                elif leg.left is not None:  # the same call back in the room: present again
                    leg.left = None
                    leg.last_seen = entry.at
                else:
                    continue  # still open from before a restart: keep the original join time
                self._dirty[room, leg.call_id] = leg
                changed = True
                continue
            if leg is None:  # an action on someone we never saw join (before watching started)
                leg = legs[entry.call_id] = Leg(entry.call_id, entry.cli, entry.at, last_seen=entry.at)
            self._dirty[room, leg.call_id] = leg
            if entry.kind in ("left", "kicked") and leg.left is None:
                leg.left = entry.at
                leg.unmuted_at(entry.at)  # whoever leaves muted is muted no longer
            if entry.kind == "kicked":
                leg.kicked = True
            if entry.kind == "muted":
                leg.times_muted += 1
                leg.muted_from(entry.at)
            elif entry.kind == "unmuted":
                leg.unmuted_at(entry.at)
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
                self._dirty[room, leg.call_id] = leg
                changed = True
        return changed

    def arrived_muted(self, room: str, joiners: Iterable[Participant], now: datetime) -> bool:
        """Calls first seen already muted (muted on joining, or before watching started) are muted from the poll
        that saw them (a lower bound: no event said when): the chart shades them too. True when one was."""
        legs = self.rooms.get(room, {})
        changed = False
        for participant in joiners:
            leg = legs.get(participant.call_id)
            if participant.muted and leg is not None and leg.left is None and not leg.mutes:
                leg.muted_from(now)
                self._dirty[room, leg.call_id] = leg
                changed = True
        return changed

    def seen(self, room: str, present_call_ids: Iterable[str], now: datetime) -> None:
        """A good poll: remember when each present call was last seen (in memory; saved with the next change)."""
        legs = self.rooms.get(room, {})
        for call_id in present_call_ids:
            leg = legs.get(call_id)
            if leg is not None and leg.left is None:
                leg.last_seen = now
        self._seen[room] = now

    def close_missing(self, room: str, present_call_ids: Iterable[str], now: datetime) -> bool:
        """After a restart: calls still open in the file but not in the room left while we were away.

        They are closed at the last time they were seen (a lower bound), or `now` when never seen.
        """
        present = set(present_call_ids)
        changed = False
        for leg in self.rooms.get(room, {}).values():
            if leg.left is None and leg.call_id not in present:
                leg.left = leg.last_seen or now
                self._dirty[room, leg.call_id] = leg
                changed = True
        return changed

    # ---- the report (console/rooms/attendance_report.py reads the legs) ------------------------------

    def report(self, room: str, now: datetime, book: AddressBookLike | None = None) -> list[AttendanceRow]:
        """One row per person (per number; per call when the number is hidden), by first join."""
        return attendance_report.report(room, self.rooms.get(room, {}).values(), now, book)

    def chart(self, room: str, now: datetime, book: AddressBookLike | None = None) -> PresenceChart:
        """The room's last meeting as a bar per person (see attendance_report.chart)."""
        return attendance_report.chart(room, self.rooms.get(room, {}).values(), now, book)

    def export(self, room: str, path: str | os.PathLike[str], now: datetime,
               book: AddressBookLike | None = None, *, fmt: str | None = None) -> Path:
        """Write the report as CSV or JSON, or the chart as SVG, atomically (see attendance_report.export)."""
        return attendance_report.export(room, self.rooms.get(room, {}).values(), path, now, book, fmt=fmt)

    # ---- persistence -----------------------------------------------------------------------------------

    def save_soon(self) -> bool:
        """Hand what changed since the last call to the journal's writer thread; never blocks, never raises.

        Cheap on the loop: a line per changed leg, plus one "seen" line per room whose last poll is news
        (with any change in the room, or every SEEN_EVERY). True when something was queued.
        """
        records: list[list[Any]] = [["leg", room, _wire(leg)] for (room, _), leg in self._dirty.items()]
        touched = {room for room, _ in self._dirty}
        self._dirty.clear()
        for room, at in self._seen.items():
            saved = self._seen_saved.get(room)
            if saved != at and (room in touched or saved is None or at - saved >= SEEN_EVERY):
                records.append(["seen", room, journal.to_micros(at)])
                self._seen_saved[room] = at
        writer = self.writer
        if not records or writer is None:
            return False
        writer.append(records)
        return True

    @property
    def writer(self) -> journal.JournalWriter | None:
        if self._writer is None and self.folder is not None:
            self._writer = journal.JournalWriter(Path(self.folder))
        return self._writer

    @property
    def save_error(self) -> str | None:
        """The writer's last failure in words (None once a write succeeds again)."""
        return None if self._writer is None else self._writer.error

    def flush(self, timeout: float = 10.0) -> bool:
        """Blocking: queue what changed and wait until it is on disk. True when all of it is."""
        self.save_soon()
        return True if self.writer is None else self.writer.flush(timeout)

    def save(self) -> Path | None:
        """Blocking: everything to disk, folded into the snapshot (the journal emptied). Raises OSError."""
        path = self.path
        if path is None:
            return None
        self.flush()
        writer = self.writer
        assert writer is not None
        writer.compact_now()
        return path

    @classmethod
    def load(cls, folder: str | os.PathLike[str] | None, *, now: datetime | None = None,
             retention: timedelta = journal.RETENTION) -> AttendanceBook:
        """The book kept in `folder`; fresh when there is none; a corrupt snapshot is moved aside, never fatal.

        Legs that left more than `retention` ago are left out (compaction drops them from disk).
        """
        book = cls(Path(folder) if folder is not None else None)
        path = book.path
        if path is None:
            return book
        rooms: journal.Rooms = {}
        if path.exists():
            try:
                rooms = journal.read_snapshot(path)
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
                aside = path.with_name(f"{path.stem}.corrupt-{stamp}{path.suffix}")
                try:
                    os.replace(path, aside)
                    kept = f"kept as {aside.name}"
                except OSError:
                    kept = "could not be moved aside"
                book.load_warning = f"Attendance file was unreadable ({type(exc).__name__}); started fresh, {kept}"
        skipped = journal.replay_journal(path.with_name(journal.JOURNAL_NAME), rooms)
        if skipped > 1 and book.load_warning is None:  # one torn last line is a crash mid-append, not news
            book.load_warning = f"Attendance journal: {skipped} unreadable lines skipped"
        rooms = journal.prune(rooms, now or datetime.now(UTC), retention)
        book.rooms = {room: {cid: _leg(wire) for cid, wire in legs.items()} for room, legs in rooms.items()}
        return book


def _wire(leg: Leg) -> journal.Wire:
    wire: journal.Wire = [leg.call_id, leg.cli, journal.to_micros(leg.joined), journal.to_micros(leg.left),
            journal.to_micros(leg.last_seen), leg.times_muted, leg.kicked]
    if leg.mutes:  # an eighth field only for legs ever muted: the books of big rooms stay as small as before
        wire.append([[journal.to_micros(start), journal.to_micros(stop)] for start, stop in leg.mutes])
    return wire


def _leg(wire: journal.Wire, epoch: datetime = journal.EPOCH, delta: type[timedelta] = timedelta) -> Leg:
    # inlined from_micros: a 30,000-leg book is 90,000 of these conversions on every start
    left, seen = wire[3], wire[4]
    mutes = None if len(wire) < 8 else [
        [epoch + delta(microseconds=start), None if stop is None else epoch + delta(microseconds=stop)]
        for start, stop in wire[7]]
    return Leg(wire[0], str(wire[1]), epoch + delta(microseconds=wire[2]),
               None if left is None else epoch + delta(microseconds=left),
               None if seen is None else epoch + delta(microseconds=seen), int(wire[5]), bool(wire[6]), mutes)
