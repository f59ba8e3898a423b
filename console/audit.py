"""The audit log: every moderator action as JSON lines, one before it is sent and one once it is answered.

    {"time": "2025-01-31T09:00:00.000Z", "id": "5f0c…", "profile": "prod", "action": "kick", "phase": "attempt",
     "outcome": null, "room": "standup", "call_id": "c-1", "cli": "+46708168731", "error_code": null,
     "message": null}

The pair shares an `id`, so concurrent bulk actions can be told apart. `outcome` is "ok", "failed", "refused"
or "unknown": the request was sent but no answer came, so it may have been carried out (a callout may be
ringing; see api.errors.OutcomeUnknownError). Lines are appended by group commit:
callers queue their line and await it, one task writes whatever has queued in a single write() on a worker
thread (asyncio.to_thread). So the UI loop never touches the disk (a home folder on NFS can stall for
seconds), a bulk action's 200 lines cost a few writes rather than 200, lines keep the order they were
queued in, and none is lost or interleaved: one writer, a lock for synchronous callers, and O_APPEND writes
for another console appending to the same file. Reading tolerates a torn or corrupt line by skipping it.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

from api.errors import APIError, OutcomeUnknownError

T = TypeVar("T")
Phase = Literal["attempt", "outcome"]
Outcome = Literal["ok", "failed", "refused", "unknown"]
Clock = Callable[[], datetime]
ACTIONS = ("mute", "unmute", "kick", "kick_all", "mute_all", "unmute_all", "mute_all_except_moderators",
           "auto_mute", "soft_lock_kick", "policy", "callout", "manage_call", "hangup", "download_recording",
           "delete_recording", "assign_number", "unassign_number", "update_callbacks")
"""Actions the console records (others are accepted: new screens bring new actions)."""
READS = frozenset({"download_recording"})
"""Actions that change nothing on the platform: cancelled, they simply did not happen ("failed")."""
_READ_BLOCK = 64 * 1024


def utc_now() -> datetime:
    return datetime.now(UTC)


def format_time(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and a Z, as Sinch writes its own timestamps."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the log. `outcome` is None on an attempt line."""

    time: datetime
    profile: str
    action: str
    phase: Phase
    outcome: Outcome | None = None
    room: str | None = None
    call_id: str | None = None
    cli: str | None = None
    error_code: int | None = None
    message: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def to_json(self) -> str:
        data = asdict(self)
        data["time"] = format_time(self.time)
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, line: str) -> AuditEntry:
        """Parse one line; ValueError (or TypeError/KeyError) when it is not one of ours."""
        data: dict[str, Any] = json.loads(line)
        if not isinstance(data, dict):
            raise ValueError("not an object")
        time = datetime.fromisoformat(data.pop("time").replace("Z", "+00:00"))
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        entry = cls(time=time, **known)
        if entry.phase not in ("attempt", "outcome") or not entry.action:
            raise ValueError("not an audit entry")
        return entry

    @property
    def search_text(self) -> str:
        """What a filter matches against: every field but the time, lower-cased."""
        parts = (self.profile, self.action, self.phase, self.outcome, self.room, self.call_id, self.cli,
                 self.error_code, self.message)
        return " ".join(str(part) for part in parts if part is not None).lower()

    def __str__(self) -> str:
        parts = [format_time(self.time), self.profile, self.action]
        parts += [f"{k}={v}" for k, v in (("room", self.room), ("call", self.call_id), ("cli", self.cli)) if v]
        parts.append(self.phase if self.outcome is None else self.outcome)
        code = f" ({self.error_code})" if self.error_code else ""
        note = f": {self.message}" if self.message else ""
        return " ".join(parts) + code + note


@dataclass(slots=True)
class ActionRecord:
    """Yielded by AuditLog.action: the attempt written, and how the body wants the outcome worded."""

    attempt: AuditEntry
    outcome: Outcome = "ok"
    message: str | None = None
    error_code: int | None = None

    def fail(self, message: str, error_code: int | None = None) -> None:
        """Record a failure without raising (a bulk action that partly failed, say)."""
        self.outcome, self.message, self.error_code = "failed", message, error_code

    def unknown(self, message: str) -> None:
        """Record that the request went out but no answer said what became of it."""
        self.outcome, self.message, self.error_code = "unknown", message, None


class AuditWriteError(OSError):
    """The attempt line could not be written (raised on entering AuditLog.action, before the body runs)."""


class AuditLog:
    """Appends and reads one audit file. `profile` may be changed when the app switches profile.

    An attempt that cannot be written raises AuditWriteError before the body runs, so the caller decides
    whether to send anyway (the Moderator does, and says the log was not written: kicking the stranger
    matters more than the log on a full disk). An outcome that cannot be written goes to `on_write_error`
    instead of raising, because the action has already happened and its real result matters more.
    """

    def __init__(self, path: Path | None = None, profile: str = "default", *, clock: Clock = utc_now,
                 on_write_error: Callable[[OSError], object] | None = None) -> None:
        if path is None:
            from console.config import data_dir

            path = data_dir() / "audit.jsonl"
        self.path = path
        self.profile = profile
        self.clock = clock
        self.on_write_error = on_write_error
        self._lock = threading.Lock()
        self._pending: list[tuple[str, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None
        self.written = 0
        """Lines this log has written since it was opened: a screen showing the log reloads when it moves."""

    # ---- writing ------------------------------------------------------------------------------------------

    def entry(self, action: str, phase: Phase, **fields: Any) -> AuditEntry:
        return AuditEntry(time=self.clock(), profile=self.profile, action=action, phase=phase, **fields)

    async def attempt(self, action: str, *, room: str | None = None, call_id: str | None = None,
                      cli: str | None = None, message: str | None = None) -> AuditEntry:
        """Write the line that says an action is about to be sent; AuditWriteError if it cannot be."""
        entry = self.entry(action, "attempt", room=room, call_id=call_id, cli=cli, message=message)
        try:
            await self.append(entry)
        except OSError as exc:
            raise AuditWriteError(exc.errno, f"cannot write the audit log {self.path}: {exc.strerror or exc}") from exc
        return entry

    async def outcome(self, attempt: AuditEntry, outcome: Outcome, *, error_code: int | None = None,
                      message: str | None = None) -> AuditEntry:
        """Write the result of `attempt`; a write failure goes to on_write_error."""
        entry = self.entry(attempt.action, "outcome", outcome=outcome, room=attempt.room, call_id=attempt.call_id,
                           cli=attempt.cli, error_code=error_code, message=message, id=attempt.id)
        await self._append_reporting(entry)
        return entry

    async def refused(self, action: str, message: str, *, room: str | None = None, call_id: str | None = None,
                      cli: str | None = None) -> AuditEntry:
        """One line for an action the console refused before sending (read-only profile, failed confirmation)."""
        entry = self.entry(action, "outcome", outcome="refused", room=room, call_id=call_id, cli=cli,
                           message=message)
        await self._append_reporting(entry)
        return entry

    @asynccontextmanager
    async def action(self, action: str, room: str | None = None, call_id: str | None = None,
                     cli: str | None = None, *, message: str | None = None) -> AsyncIterator[ActionRecord]:
        """Attempt line, the body (which sends the request), outcome line; exceptions are recorded and re-raised.

            async with audit.action("mute", room=room, call_id=call_id, cli=cli):
                await client.conferences.mute(room, call_id)

        Its positional form matches console.rooms' AuditHook, so `Moderator(audit=audit_log.action)` works.
        """
        record = ActionRecord(await self.attempt(action, room=room, call_id=call_id, cli=cli, message=message))
        try:
            yield record
        except APIError as exc:
            await self.outcome(record.attempt, "failed", error_code=exc.error_code, message=str(exc))
            raise
        except OutcomeUnknownError as exc:  # sent, unanswered: it may have happened, so never "failed"
            await self.outcome(record.attempt, "unknown", message=f"sent without an answer, so it may have been "
                               f"placed or carried out: {exc}")
            raise
        except asyncio.CancelledError:  # a change may be out already: what became of it is unknown
            cancelled: Outcome = "failed" if action in READS else "unknown"
            await asyncio.shield(self.outcome(record.attempt, cancelled, message="cancelled before an answer came"))
            raise
        except Exception as exc:  # SinchError without a code (connection, timeout, bad body) and anything else
            await self.outcome(record.attempt, "failed", message=str(exc) or type(exc).__name__)
            raise
        await self.outcome(record.attempt, record.outcome, error_code=record.error_code, message=record.message)

    async def append(self, entry: AuditEntry) -> None:
        """Queue one line and wait until it is written (group commit: see the module docstring)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._pending.append((entry.to_json() + "\n", future))
        if self._writer is None or self._writer.done() or self._writer.get_loop() is not loop:
            self._writer = asyncio.create_task(self._write_pending())
        await asyncio.shield(future)  # a cancelled caller still gets its line written

    async def drain(self) -> None:
        """Wait until every queued line is on disk (the app calls it before exiting)."""
        writer = self._writer
        if writer is not None and not writer.done() and writer.get_loop() is asyncio.get_running_loop():
            await asyncio.shield(writer)

    def append_sync(self, entry: AuditEntry) -> None:
        """For code without an event loop (scripts, shutdown): writes at once, on this thread."""
        self._write(entry.to_json() + "\n")
        self.written += 1

    async def _append_reporting(self, entry: AuditEntry) -> None:
        try:
            await self.append(entry)
        except OSError as exc:
            if self.on_write_error is not None:
                self.on_write_error(exc)

    async def _write_pending(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await asyncio.to_thread(self._write, "".join(line for line, _ in batch))
            except OSError as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                self.written += len(batch)
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)

    def _write(self, text: str) -> None:
        data = text.encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)  # names people: owner-only
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)

    # ---- reading ------------------------------------------------------------------------------------------

    async def read(self, limit: int = 500, text_filter: str | None = None) -> list[AuditEntry]:
        """The newest `limit` entries matching `text_filter` (case-insensitive, any field), oldest first."""
        return await asyncio.to_thread(read_entries, self.path, limit, text_filter)


def read_entries(path: Path, limit: int = 500, text_filter: str | None = None) -> list[AuditEntry]:
    """Read from the end of the file until `limit` entries match; corrupt or torn lines are skipped."""
    needle = (text_filter or "").strip().lower()
    found: list[AuditEntry] = []
    for line in _lines_backwards(path):
        try:
            entry = AuditEntry.from_json(line)
        except (ValueError, TypeError, KeyError, AttributeError):
            continue
        if needle and needle not in entry.search_text:
            continue
        found.append(entry)
        if len(found) >= limit:
            break
    found.reverse()
    return found


def _lines_backwards(path: Path) -> Iterator[str]:
    """The file's lines, last first, reading blocks from the end: a long log costs only what is shown."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return
    with file:
        position = file.seek(0, os.SEEK_END)
        rest = b""
        while position > 0:
            step = min(_READ_BLOCK, position)
            position -= step
            file.seek(position)
            block = file.read(step) + rest
            lines = block.split(b"\n")
            rest = lines.pop(0)  # may continue in the previous block
            for raw in reversed(lines):
                if raw.strip():
                    yield raw.decode("utf-8", errors="replace")
        if rest.strip():
            yield rest.decode("utf-8", errors="replace")


async def send_audited(audit: AuditLog | None, action: str, send: Callable[[], Awaitable[T]], *,
                       room: str | None = None, call_id: str | None = None, cli: str | None = None,
                       message: str | None = None, describe: Callable[[T], str] | None = None) -> tuple[T, str]:
    """Run `send()` between the audit's attempt and outcome lines; returns its result and a note for the user.

    The one audit wrapper (console.gateway sends every change through it). When the attempt line cannot be
    written (a full disk), the action is sent anyway and the note says the log missed it: kicking the stranger
    or deleting the recording matters more than its log line. Errors of `send` propagate (after their outcome
    line is written). `describe(result)` becomes the outcome line's message.
    """
    if audit is None:
        return await send(), ""
    sent = False
    try:
        async with audit.action(action, room=room, call_id=call_id, cli=cli, message=message) as record:
            sent = True
            result = await send()
            if describe is not None:
                record.message = describe(result)
            return result, ""
    except AuditWriteError as error:
        if sent:  # raised by the request itself, not by the attempt line
            raise
        return await send(), f" (the audit log could not be written: {error.strerror or error})"

