"""Everything a connected console works with: the backend, the profile, the audit log and the services.

Built once the backend is up (in the app's connect worker); screens receive it instead of reaching into the
app, so each can be tested with a session of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from console.audit import AuditLog
from console.backend import Backend
from console.calls import CallsPoller, CallTracker
from console.config import Resolved, data_dir, default_download_dir
from console.events.routing import EventRouter
from console.gateway import Gateway
from console.rooms import AddressBook, AttendanceBook, Moderator
from console.rooms.service import RoomsService
from console.scheduling import LoopScheduler

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    from console.recordings.downloads import Downloader

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Session:
    """One connection with one profile."""

    resolved: Resolved
    backend: Backend
    audit: AuditLog
    moderator: Moderator
    data_dir: Path
    calls: CallTracker
    download_dir: Path
    """Where recordings are downloaded (the profile's download_dir or the default for this OS)."""
    gateway: Gateway
    """Every change of this session passes it: read-only refusal, checks, audit, outcome words."""
    rooms: RoomsService
    """The watched rooms, kept polled (the Conferences screen subscribes to it)."""
    calls_poller: CallsPoller
    """Polls `calls` on its own tick (the app starts it on its loop); keys and events ask it for a poll now."""
    events: EventRouter
    """Where each relayed event goes: the rooms and calls services, never a screen."""
    clock: Clock = utc_now
    downloaders: list[Downloader] = field(default_factory=list)
    """The Recordings screen's downloaders, registered when made: the mode bar counts their running downloads
    in every mode (the downloads belong to that screen, which may not be the one shown)."""

    def start(self) -> None:
        """Start the services' polling: on the loop that will run them (open_session runs in a thread)."""
        self.rooms.start(self.backend.rooms)
        self.calls_poller.start()

    async def close(self) -> None:
        """Stop polling, let requests in flight end, write what is pending, close the connection."""
        try:
            await self.rooms.aclose()
            await self.calls_poller.aclose()  # no more ticks; a poll in flight ends before the client does
            await self.calls.flush()
            await self._write_attendance()
        finally:
            await self.audit.drain()
            await self.backend.close()

    async def _write_attendance(self) -> None:
        """The attendance journal's writer batches for a moment on a daemon thread: what it still holds is written
        now, and a long journal is folded into the snapshot for the next start (the queue is filled here, on the
        loop that owns the book; only the wait and the writing go to a thread)."""
        book = self.moderator.attendance
        book.save_soon()
        writer = book.writer
        if writer is not None and not await asyncio.to_thread(writer.close, 5.0):
            logger.warning("attendance not all written on close: %s", book.save_error)

    @property
    def read_only(self) -> bool:
        return self.resolved.profile.read_only

    @property
    def profile_name(self) -> str:
        return self.resolved.profile_name


def open_session(
    resolved: Resolved,
    backend: Backend,
    *,
    folder: Path | None = None,
    clock: Clock = utc_now,
    on_problem: Callable[[str], object] | None = None,
) -> Session:
    """Wire the audit log and the moderator for `resolved`'s profile. Blocking (reads attendance): call it in a
    thread. `on_problem` hears about data the console could not write (a full disk must not go unnoticed)."""
    explicit_folder = folder is not None
    folder = folder or data_dir()
    profile = resolved.profile
    # Sandbox runs are kept apart from the live platform's: a demo kick is not a real one.
    who = f"{resolved.profile_name}@sandbox" if backend.sandbox else resolved.profile_name

    def write_failed(error: OSError) -> None:
        if on_problem is not None:
            on_problem(f"The audit log could not be written ({error}); actions still go through.")

    audit = AuditLog(folder / "audit.jsonl", who, clock=clock, on_write_error=write_failed)
    attendance = AttendanceBook.load(folder / "attendance" / who, now=clock())
    if attendance.load_warning and on_problem is not None:
        on_problem(attendance.load_warning)
    gateway = Gateway(backend.client, audit, read_only=profile.read_only)
    moderator = Moderator(
        backend.client,
        attendance=attendance,
        address_book=AddressBook(profile.address_book),
        gateway=gateway,
        clock=clock,
        interval=profile.poll_interval,
    )
    calls = CallTracker(backend.client, folder / "calls" / who, clock,
                        on_problem=(lambda text: on_problem(text)) if on_problem else None)
    calls_poller = CallsPoller(calls, clock=clock, scheduler=LoopScheduler())  # started on the loop, not here
    if profile.download_dir is not None:
        downloads = profile.download_dir
    elif explicit_folder:  # tests and screenshots: keep everything inside the folder they chose
        downloads = folder / "recordings"
    else:
        downloads = default_download_dir(sandbox=backend.sandbox)
    rooms = RoomsService(moderator, scheduler=LoopScheduler(), clock=clock)
    events = EventRouter(rooms, calls, calls_poller.poll_now)
    return Session(resolved, backend, audit, moderator, folder, calls, downloads, gateway, rooms, calls_poller, events,
                   clock)
