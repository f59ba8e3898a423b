"""Calls the console follows: what was placed, the platform's latest word on each, kept across restarts.

`CallTracker` holds one `TrackedCall` per callId (the console's own callouts, and callIds typed in), polls every
call that is not FINAL yet (a FINAL call never changes again, so it is never asked about again), and keeps the
list in `folder/calls.json`. It never raises out of a poll: a failure becomes the call's worded `error`.

A 40400 for a call placed moments ago means the platform has not caught up yet; the same answer later, or for a
callId typed in by hand, means there is no such call (this application's calls only: ids of another application
or region are unknown too). Such a call is no longer polled until `wake()` asks again.

A callout whose outcome is unknown (sent, unanswered) is kept under its correlation tag and never polled (there
is no callId to ask about). `resolve(tag, call_id)` turns it into the call: the app calls `match_custom` for
every relayed ACE/DiCE (their `custom` echoes the tag), and a poll whose call result carries the tag of such an
entry (a callId typed in by hand) resolves it too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from api import errors
from api.backoff import Backoff
from api.models.correlation import tag_of
from console.calls.listing import SORT_KEYS, STATUS_ORDER, filter_calls, next_sort_key, sort_calls
from console.calls.tracked import ADDED, CallChange, TrackedCall
from console.calls.tracker_file import FILE_VERSION, CallsFile
from console.rooms.wording import describe_error

if TYPE_CHECKING:
    from api import SinchVoiceClient

__all__ = [  # the sorting, filtering and file names are re-exported: they were first defined here
    "ADDED", "CONCURRENCY", "FILE_VERSION", "MAX_BACKOFF_TICKS", "MAX_CALLS", "NOT_KNOWN_YET", "SORT_KEYS",
    "STATUS_ORDER", "CallChange", "CallTracker", "Clock", "TrackedCall", "filter_calls", "next_sort_key",
    "sort_calls",
]

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_CALLS = 500
"""The file keeps the newest this many calls."""
CONCURRENCY = 8
"""Polls in flight at once: a console with hundreds of live calls must not flood the platform."""
NOT_KNOWN_YET = timedelta(seconds=60)
"""How long a 40400 for a call the console placed itself reads as "not known yet" rather than "unknown"."""
MAX_BACKOFF_TICKS = 30
"""The most poll ticks a failing call sits out (a Retry-After may ask for up to four times as many)."""
CALL_BACKOFF = Backoff(base=1.0, cap=MAX_BACKOFF_TICKS + 1)
"""In ticks until a failing call's next poll (1 = the next tick): it sits out 0, 1, 3, 7 ... 30 ticks."""


class CallTracker(CallsFile):
    """The tracked calls of one profile on one platform (keep sandbox and live apart: use one folder each).

    Construct it off the UI loop (it reads the file). `track`/`add` only change memory and mark the list
    dirty; `poll_due` and `flush` write it, on a thread. `version` counts changes, so a screen redraws only
    when something changed, including calls tracked by the app while the screen was not shown.
    """

    def __init__(self, client: SinchVoiceClient, folder: Path, clock: Clock, *, concurrency: int = CONCURRENCY,
                 limit: int = MAX_CALLS, on_problem: Callable[[str], object] | None = None) -> None:
        self.client = client
        self.folder = Path(folder)
        self.path = self.folder / "calls.json"
        self.clock = clock
        self.limit = limit
        self.on_problem = on_problem
        self.version = 0
        self.load_warning: str | None = None
        self.write_error: str | None = None
        self._concurrency = max(1, concurrency)
        self._calls: dict[str, TrackedCall] = {}
        self._skip: dict[str, int] = {}  # call -> ticks to sit out after consecutive failures (backoff)
        self._failures: dict[str, int] = {}
        self._polling = False
        self._dirty = False
        self._load()

    # ---- what is tracked ------------------------------------------------------------------------------

    @property
    def calls(self) -> list[TrackedCall]:
        """Newest first."""
        return sorted(self._calls.values(), key=lambda call: call.placed_at, reverse=True)

    def get(self, call_id: str) -> TrackedCall | None:
        return self._calls.get(call_id)

    def __len__(self) -> int:
        return len(self._calls)

    def __contains__(self, call_id: object) -> bool:
        return call_id in self._calls

    def track(self, call_id: str, *, kind: str, destination: str, placed_at: datetime, cli: str | None = None,
              conference_id: str | None = None, detail: str = "", correlation_id: str | None = None,
              outcome_unknown: bool = False) -> TrackedCall:
        """Follow a call the console placed (from `console.messages.CallPlaced`). Tracking it again keeps what
        was already learnt about it.

        With `outcome_unknown` the callout was sent but never answered: `call_id` is its correlation tag, and the
        entry waits (unpolled) for `resolve` to learn its callId."""
        if outcome_unknown:
            correlation_id = correlation_id or call_id
            waiting = (f"May have been placed: no answer came. Check before sending again; an event or call "
                       f"result tagged {correlation_id} will show the call here.")
            return self._put(TrackedCall(correlation_id, kind, destination, placed_at, cli, conference_id, detail,
                                         error=waiting, correlation_id=correlation_id, outcome_unknown=True))
        known = self._calls.get(call_id)
        call = TrackedCall(call_id, kind, destination, placed_at, cli, conference_id, detail,
                           correlation_id=correlation_id)
        if known is not None:
            call = replace(known, kind=kind, destination=destination, placed_at=placed_at, cli=cli,
                           conference_id=conference_id, detail=detail,
                           correlation_id=correlation_id or known.correlation_id)
        return self._put(call)

    def resolve(self, correlation_id: str, call_id: str) -> TrackedCall | None:
        """The callout tagged `correlation_id`, whose outcome was unknown, is call `call_id`: track it as that
        call from now on (merged with an entry already tracked under the callId). None when no such entry waits."""
        pending = self._calls.get(correlation_id)
        if pending is None or not pending.outcome_unknown or not call_id or call_id == correlation_id:
            return None
        del self._calls[correlation_id]
        call = replace(pending, call_id=call_id, outcome_unknown=False, error=None)
        known = self._calls.get(call_id)
        if known is not None:  # typed in by hand, or an earlier event: keep what was learnt, add what was placed
            call = replace(known, kind=pending.kind if known.kind == ADDED else known.kind,
                           destination=known.destination or pending.destination, placed_at=pending.placed_at,
                           cli=known.cli or pending.cli, conference_id=known.conference_id or pending.conference_id,
                           detail=known.detail or pending.detail, correlation_id=correlation_id)
        self._failures.pop(call_id, None)
        return self._put(call)

    def match_custom(self, custom: object, call_id: str) -> TrackedCall | None:
        """A callback (ACE, DiCE...) of call `call_id` carried `custom`: resolve the unknown callout it tags."""
        tag = tag_of(custom)
        return self.resolve(tag, call_id) if tag is not None and call_id else None

    def add(self, call_id: str) -> TrackedCall:
        """Follow a callId typed in by hand; an id already tracked is woken (polled again) instead."""
        call_id = call_id.strip()
        if not call_id:
            raise ValueError("a call id is required")
        known = self._calls.get(call_id)
        if known is not None:
            self.wake(call_id)
            return known
        return self._put(TrackedCall(call_id, ADDED, placed_at=self.clock()))

    def forget(self, call_id: str) -> None:
        if self._calls.pop(call_id, None) is not None:
            self._changed()

    def wake(self, call_id: str | None = None) -> None:
        """Poll again at the next `poll_due`: one call, or every call that is not FINAL (an "unknown" one too)."""
        calls = list(self._calls.values()) if call_id is None else [c for c in [self._calls.get(call_id)] if c]
        for call in calls:
            self._skip.pop(call.call_id, None)
            if call.unknown:
                call.unknown = False
                self._changed()

    def _put(self, call: TrackedCall) -> TrackedCall:
        self._calls[call.call_id] = call
        self._skip.pop(call.call_id, None)
        if len(self._calls) > self.limit:
            for old in sorted(self._calls.values(), key=lambda c: c.placed_at)[: len(self._calls) - self.limit]:
                del self._calls[old.call_id]
        self._changed()
        return call

    def _changed(self) -> None:
        self.version += 1
        self._dirty = True

    # ---- polling --------------------------------------------------------------------------------------

    def due(self) -> list[TrackedCall]:
        """Calls the next poll asks about (without counting down any backoff)."""
        return [c for c in self._calls.values()
                if c.pollable and not self._skip.get(c.call_id)]

    async def poll_due(self, now: datetime | None = None) -> list[CallChange]:
        """Ask about every call that is not FINAL (bounded concurrency); return what changed. Never raises.

        A call is polled by one `poll_due` at a time: a call made while another is in flight returns [] at once.
        """
        if self._polling:
            return []
        self._polling = True
        try:
            now = now or self.clock()
            due: list[TrackedCall] = []
            for call in list(self._calls.values()):
                if not call.pollable:
                    continue
                if self._skip.get(call.call_id):
                    self._skip[call.call_id] -= 1
                    continue
                due.append(call)
            semaphore = asyncio.Semaphore(self._concurrency)

            async def one(call: TrackedCall) -> CallChange | None:
                async with semaphore:
                    return await self._poll_one(call, now)

            changes = [change for change in await asyncio.gather(*(one(call) for call in due)) if change]
            await self.flush()
            return changes
        finally:
            self._polling = False

    async def _poll_one(self, call: TrackedCall, now: datetime) -> CallChange | None:
        before, previous_status = call.signature(), call.status
        try:
            result = await self.client.calls.get(call.call_id)
        except errors.NotFoundError as error:
            code = error.error_code or 40400
            if call.kind != ADDED and now - call.placed_at < NOT_KNOWN_YET:
                call.error = f"Not known yet ({code}): the platform has no record of this call so far"
            else:
                call.unknown = True
                call.error = f"Unknown call ({code}): the platform has no call with this id for this application"
        except errors.SinchError as error:
            call.error = describe_error(error, subject="call")
            self._back_off(call.call_id, error)
        except Exception as error:  # a poll must never take the screen down; the words say what happened
            log.exception("polling call %s", call.call_id)
            call.error = f"Unexpected error: {type(error).__name__}: {error}"
            self._back_off(call.call_id, error)
        else:
            if call.call_id not in self._calls:
                return None  # forgotten while the request was in flight
            call.result, call.error, call.unknown = result, None, False
            call.correlation_id = call.correlation_id or tag_of(result.custom)
            self._failures.pop(call.call_id, None)
        call.polled_at = now
        if call.result is not None and call.correlation_id is not None:
            merged = self.resolve(call.correlation_id, call.call_id)  # a callId typed in was an unknown callout
            if merged is not None:
                return CallChange(merged, previous_status, became_final=merged.is_final)
        if call.signature() == before:
            return None
        self._changed()
        return CallChange(call, previous_status, became_final=call.is_final and previous_status != "FINAL")

    def _back_off(self, call_id: str, error: BaseException) -> None:
        failures = self._failures.get(call_id, 0) + 1
        self._failures[call_id] = failures
        retry_after: int | None = None  # a 429's seconds read as ticks to sit out, +1: ticks until the next poll
        if isinstance(error, errors.RateLimitError) and error.retry_after:
            retry_after = min(MAX_BACKOFF_TICKS * 4, int(error.retry_after)) + 1
        self._skip[call_id] = int(CALL_BACKOFF.delay(failures, retry_after=retry_after)) - 1
