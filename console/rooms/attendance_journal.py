"""The attendance book on disk: a compact snapshot plus an append-only journal, written by one thread.

Why: re-serialising the whole book on the UI loop at every join and leave cost a 1,000-person room most of a
core and made each poll wait for two fsyncs. Now a change costs one short line, and the lines are written in
batches by a writer thread, so nothing on the loop ever waits for the disk.

Files in the book's folder:
- `attendance.json`: the snapshot, `{"version": 2, "rooms": {room: [leg, ...]}}`, each leg a list
  `[call_id, cli, joined, left, last_seen, times_muted, kicked]` with times in integer microseconds since
  the epoch (None when unknown). Version 1 (legs as objects, ISO times) still loads.
- `attendance.journal`: one JSON list a line, applied in order after the snapshot:
  `["leg", room, <leg>]` (the leg as it is now: last write wins, so replaying twice is harmless) and
  `["seen", room, t]` (every leg of the room still open was seen at t: one line instead of one per person).

Compaction (in the writer thread, from the files alone, so it never reads the live book): fold the journal into a
new snapshot, drop legs that left more than `retention` ago, write it atomically, then empty the journal. A crash
in between replays a journal already in the snapshot, which changes nothing. A torn last line (a crash during an
append) is skipped on load. Consoles on one profile (two terminals, browser mode's process per session) share
the files: an append and a compaction each hold an exclusive lock on the journal, so none empties another's lines.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from console.files import atomic_write

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

SNAPSHOT_NAME = "attendance.json"
JOURNAL_NAME = "attendance.journal"
VERSION = 2
BATCH_SECONDS = 0.5  # a burst of changes in half a second is one write and one fsync
COMPACT_LINES = 20_000  # journal lines before the writer folds them into the snapshot
CLOSE_COMPACT_LINES = 1_000  # at close, a journal this long is folded in: every start replays what is left
RETENTION = timedelta(days=90)  # legs that left longer ago are dropped at compaction

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

Wire = list[Any]  # a leg on disk: [call_id, cli, joined, left, last_seen, times_muted, kicked(, mutes)]
Rooms = dict[str, dict[str, Wire]]


def to_micros(when: datetime | None) -> int | None:
    return None if when is None else (when - EPOCH) // _MICRO


def from_micros(value: int | None) -> datetime | None:
    """The inverse of to_micros (the big-room bench writes old-format books with it)."""
    return None if value is None else EPOCH + timedelta(microseconds=value)


# ---- reading ----------------------------------------------------------------------------------------------


def read_snapshot(path: Path) -> Rooms:
    """The snapshot's legs by room and callId (version 1 or 2); raises ValueError/KeyError/TypeError if corrupt."""
    data = json.loads(path.read_bytes())
    rooms: Rooms = {}
    for room, legs in data["rooms"].items():
        if not isinstance(legs, list):
            raise TypeError(f"room {room!r} holds no list of legs")
        wires = [_v1_wire(leg) if isinstance(leg, dict) else _checked(leg) for leg in legs]
        rooms[str(room)] = {wire[0]: wire for wire in wires}
    return rooms


def replay_journal(path: Path, rooms: Rooms) -> int:
    """Apply the journal's lines to `rooms` in order; the number of unreadable lines skipped (0 normally)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return 0
    return replay_lines(data, rooms)


def replay_lines(data: bytes, rooms: Rooms) -> int:
    """`replay_journal` for the journal's bytes."""
    lines = data.splitlines()
    try:  # one parse for the whole journal is ~3x faster than a parse per line; a torn line makes it fail
        records = json.loads(b"[" + b",".join(line for line in lines if line.strip()) + b"]")
    except ValueError:
        records = None
    skipped = 0
    for number, record in enumerate(records if records is not None else lines):
        try:
            apply_line(rooms, record if records is not None else json.loads(lines[number]))
        except (ValueError, KeyError, TypeError, IndexError):
            skipped += 1
    return skipped


def apply_line(rooms: Rooms, record: list[Any]) -> None:
    kind, room = record[0], str(record[1])
    if kind == "leg":
        wire = _checked(record[2])
        rooms.setdefault(room, {})[wire[0]] = wire
    elif kind == "seen":
        seen = int(record[2])
        for wire in rooms.get(room, {}).values():
            if wire[3] is None and (wire[4] is None or wire[4] < seen):
                wire[4] = seen
    else:
        raise ValueError(f"unknown journal record {kind!r}")


def prune(rooms: Rooms, now: datetime, retention: timedelta = RETENTION) -> Rooms:
    """Rooms without the legs that left before `now - retention` (and without rooms left empty)."""
    cutoff = to_micros(now - retention)
    kept = {room: {cid: w for cid, w in legs.items() if w[3] is None or w[3] >= cutoff} for room, legs in rooms.items()}
    return {room: legs for room, legs in kept.items() if legs}


def snapshot_bytes(rooms: Rooms) -> bytes:
    return json.dumps({"version": VERSION, "rooms": {room: list(legs.values()) for room, legs in rooms.items()}},
                      separators=(",", ":")).encode()


def _checked(wire: Any) -> Wire:
    if not isinstance(wire, list) or len(wire) not in (7, 8) or not isinstance(wire[0], str) \
            or not isinstance(wire[2], int):
        raise ValueError("a leg needs [call_id, cli, joined, left, last_seen, times_muted, kicked(, mutes)]")
    if len(wire) == 8 and not (isinstance(wire[7], list) and all(
            isinstance(span, list) and len(span) == 2 and isinstance(span[0], int) for span in wire[7])):
        raise ValueError("a leg's mutes are [[muted at, unmuted at or null], ...]")
    return wire


def _v1_wire(data: dict[str, Any]) -> Wire:
    def parse(text: Any) -> int | None:
        if text is None:
            return None
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        return to_micros(when if when.tzinfo else when.replace(tzinfo=UTC))

    joined = parse(data["joined"])
    if joined is None:
        raise ValueError("a leg without a join time")
    return [str(data["call_id"]), str(data.get("cli", "")), joined, parse(data.get("left")),
            parse(data.get("last_seen")), int(data.get("times_muted", 0)), bool(data.get("kicked", False))]


# ---- writing ----------------------------------------------------------------------------------------------


class JournalWriter:
    """Appends records to the journal from a daemon thread, in batches, one fsync per batch.

    `append` never blocks (it queues); `flush` waits until everything queued is on disk (tests, shutdown).
    A write failure is kept in `error` (in words) and the records stay queued for the next try.
    """

    def __init__(self, folder: Path, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 compact_lines: int = COMPACT_LINES, retention: timedelta = RETENTION,
                 batch_seconds: float = BATCH_SECONDS) -> None:
        self.folder = folder
        self.clock, self.compact_lines, self.retention = clock, compact_lines, retention
        self.batch_seconds = batch_seconds
        self.retry_seconds = 1.0  # after a failed write: a full disk is not retried in a tight loop
        self.error: str | None = None
        self._attempts = 0
        self.lines_since_compaction = 0
        self._queue: list[list[Any]] = []
        self._busy = False
        self._hurry = False  # flush() asked: write now rather than at the end of the batch window
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def journal(self) -> Path:
        return self.folder / JOURNAL_NAME

    @property
    def snapshot(self) -> Path:
        return self.folder / SNAPSHOT_NAME

    def append(self, records: Iterable[list[Any]]) -> None:
        with self._wake:
            self._queue.extend(records)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="attendance-journal", daemon=True)
                self._thread.start()
                # a daemon thread dies with the interpreter: what the last half second queued is written first
                atexit.register(self.flush, 2.0)
            self._wake.notify()

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until the queue is written (or failed); True when nothing is left queued."""
        with self._wake:
            self._hurry = True
            self._wake.notify_all()
            since = self._attempts
            self._wake.wait_for(lambda: (not self._queue and not self._busy)
                                or (self._attempts > since and self.error is not None), timeout)
            return not self._queue and not self._busy

    def close(self, timeout: float = 10.0) -> bool:
        """Flush, then fold a journal of `CLOSE_COMPACT_LINES` or more into the snapshot (in the calling thread):
        the next start reads one file instead of replaying thousands of lines (~80 ms for 9,000), and the
        session is ending, so the rewrite competes with no poll. True when everything is on disk."""
        if not self.flush(timeout):
            return False
        if self.lines_since_compaction < CLOSE_COMPACT_LINES:
            return True
        try:
            self.compact_now()
        except OSError as exc:  # the journal is intact: it is replayed next time, as it was before
            self.error = f"Attendance not compacted: {exc.strerror or exc}"
        return True

    def compact_now(self) -> None:
        """Fold the journal into the snapshot, in the calling thread (the writer holds off meanwhile)."""
        with self._wake:
            self._wake.wait_for(lambda: not self._busy)
            self._busy = True
        try:
            self._compact()
        finally:
            with self._wake:
                self._busy = False
                self._wake.notify_all()

    def _run(self) -> None:
        # The journal left by earlier runs counts toward the next compaction: short sessions each add a few
        # lines, and counting from 0 in every process let the journal (replayed on every start) grow for ever.
        try:
            existing = self.journal.read_bytes().count(b"\n")
        except OSError:
            existing = 0
        with self._wake:
            self.lines_since_compaction += existing
        while True:
            with self._wake:
                self._wake.wait_for(lambda: bool(self._queue))
                # let a burst gather: one write for everything that changed within the batch window
                self._wake.wait_for(lambda: self._hurry, self.batch_seconds)
                self._wake.wait_for(lambda: not self._busy)
                batch, self._queue, self._busy, self._hurry = self._queue, [], True, False
            try:
                self._write(batch)
                if self.lines_since_compaction >= self.compact_lines:
                    self._compact()
                failed = None
            except OSError as exc:
                failed = f"Attendance not saved: {exc.strerror or exc}"
            with self._wake:
                if failed is not None:
                    self._queue[:0] = batch
                self.error = failed
                self._attempts += 1
                self._busy = False
                self._wake.notify_all()
            if failed is not None:
                threading.Event().wait(self.retry_seconds)

    def _write(self, batch: list[list[Any]]) -> None:
        data = b"".join(json.dumps(record, separators=(",", ":")).encode() + b"\n" for record in batch)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            with _locked(fd):
                os.write(fd, data)
                os.fsync(fd)
        finally:
            os.close(fd)
        self.lines_since_compaction += len(batch)

    def _compact(self) -> None:
        # Under the journal's lock: another console on the same profile (a second terminal, browser mode's one
        # process per session) appends between this read and the truncation, and its lines would be lost.
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            journal = self.journal.open("r+b")
        except FileNotFoundError:  # nothing to fold in (lines appended from now on stay in a new journal)
            self._fold(b"")
        else:
            with journal, _locked(journal.fileno()):
                self._fold(journal.read())
                journal.truncate(0)
        self.lines_since_compaction = 0

    def _fold(self, journal_bytes: bytes) -> None:
        rooms: Rooms = {}
        if self.snapshot.exists():
            with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):
                rooms = read_snapshot(self.snapshot)  # a corrupt one was set aside at load: keep the journal
        replay_lines(journal_bytes, rooms)
        atomic_write(self.snapshot, snapshot_bytes(prune(rooms, self.clock(), self.retention)), private=True)


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    """An exclusive lock on the journal between consoles (POSIX advisory locks; none where there are none)."""
    if fcntl is None:  # Windows: one console per profile is the rule there
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
