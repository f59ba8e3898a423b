"""Following tracked calls over time, without a screen: the Calls mode's timer, coalescing and news in one service.

`CallTracker` knows how to poll (`poll_due`) and what is due; `CallsPoller` decides *when*: a tick every
`interval` seconds polls when something is due, and whoever learns of news (a key, a placed call, a relayed
event) asks for a poll now. One poll is in flight at a time and is never cancelled halfway (its answers are
written to the tracker and the file); asking again meanwhile queues one more after it, however often it is asked.
Each poll's outcome goes to the subscribers as a `CallsUpdate`; the Calls screen is one of them, and keeps no
timer or polling state of its own. It lives as long as the session: the app calls `start()` on its loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from console.calls.tracked import CallChange, TrackedCall
from console.calls.tracker import CallTracker, Clock
from console.publishing import Listeners
from console.scheduling import Scheduled, Scheduler

log = logging.getLogger(__name__)

Listener = Callable[["CallsUpdate"], object]


@dataclass(frozen=True)
class CallsUpdate:
    """What one poll brought (or, with no changes, that the tracked list moved and is worth redrawing)."""

    changes: tuple[CallChange, ...] = ()
    write_error: str | None = None
    """The tracker's latest failure to write its file, in words (it keeps polling meanwhile)."""
    error: str | None = None
    """An unexpected error's words: the tracker never raises, so this is a bug, shown rather than swallowed."""


class CallsPoller:
    """Polls a `CallTracker` on a repeating tick and on demand, one poll at a time; tells subscribers."""

    def __init__(self, tracker: CallTracker, *, clock: Clock, scheduler: Scheduler, interval: float = 1.0) -> None:
        self.tracker = tracker
        self.interval = interval
        self._clock = clock
        self._scheduler = scheduler
        self._listeners: Listeners[CallsUpdate] = Listeners("calls")
        self._tick_handle: Scheduled | None = None
        self._task: asyncio.Task[object] | None = None
        self._in_flight = False
        self._again = False
        self._closed = False
        self._published_version = tracker.version

    # ---- life ----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Start ticking; call it on the loop that will run the polls (the first tick is `interval` away)."""
        if self._closed or self._tick_handle is not None:
            return
        self._arm()

    def close(self) -> None:
        """Stop ticking and refuse new polls; a poll in flight still finishes (its answers are worth keeping)."""
        self._closed = True
        if self._tick_handle is not None:
            self._tick_handle.cancel()
            self._tick_handle = None

    async def aclose(self) -> None:
        """`close`, then wait for the poll in flight: its answers are written before the client is closed."""
        self.close()
        task = self._task
        if task is not None and not task.done():
            await asyncio.wait([task])

    @property
    def polling(self) -> bool:
        """Whether a poll is in flight (or queued right after the one in flight)."""
        return self._in_flight

    # ---- what callers ask ----------------------------------------------------------------------------

    def poll_now(self) -> None:
        """Poll the due calls now; while a poll is in flight, one more follows it (never two at once)."""
        if self._closed:
            return
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        self._task = self._scheduler.spawn(self._poll(), name="calls-poll")

    def wake(self, call_id: str | None = None) -> None:
        """Ask again about one call (or every call not FINAL), backoff and "unknown" forgotten, now."""
        self.tracker.wake(call_id)
        self.poll_now()

    def track(self, call_id: str, *, kind: str, destination: str, placed_at: datetime, cli: str | None = None,
              conference_id: str | None = None, detail: str = "", correlation_id: str | None = None,
              outcome_unknown: bool = False) -> TrackedCall:
        """Follow a call the console just placed (see `CallTracker.track`) and poll it at once."""
        call = self.tracker.track(call_id, kind=kind, destination=destination, placed_at=placed_at, cli=cli,
                                  conference_id=conference_id, detail=detail, correlation_id=correlation_id,
                                  outcome_unknown=outcome_unknown)
        self.poll_now()
        return call

    def add(self, call_id: str) -> TrackedCall:
        """Follow a callId typed in by hand (an id already tracked is woken) and poll it at once."""
        call = self.tracker.add(call_id)
        self.poll_now()
        return call

    def match_custom(self, custom: object, call_id: str) -> TrackedCall | None:
        """A callback of `call_id` echoed `custom`: resolve the unknown callout it tags, and poll it at once."""
        call = self.tracker.match_custom(custom, call_id)
        if call is not None:
            self.poll_now()
        return call

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear every update from now on; call what is returned to stop."""
        return self._listeners.subscribe(listener)

    # ---- inside --------------------------------------------------------------------------------------

    def _arm(self) -> None:
        self._tick_handle = self._scheduler.call_later(self.interval, self._tick)

    def _tick(self) -> None:
        if self._closed:
            return
        self._arm()
        if self._in_flight:
            return  # the poll in flight is this tick's poll; queueing one more would shorten the interval
        if self._following():
            self.poll_now()
        elif self.tracker.version != self._published_version:
            self._publish(CallsUpdate(write_error=self.tracker.write_error))  # changed by someone else: redraw

    def _following(self) -> bool:
        """Whether any call is still followed: due now, or sitting out ticks after failures. Only `poll_due`
        counts those ticks down, so a tick on `tracker.due()` alone would leave a lone failing call unasked
        forever; a poll while it waits sends nothing."""
        return any(call.pollable for call in self.tracker.calls)

    async def _poll(self) -> None:
        """One poll, then the one queued meanwhile if any. Never raises (a task's error would only be logged)."""
        try:
            while True:
                self._again = False
                self._publish(await self._poll_once())
                if not self._again or self._closed:
                    return
        finally:
            self._in_flight = False
            self._again = False

    async def _poll_once(self) -> CallsUpdate:
        try:
            changes = await self.tracker.poll_due(self._clock())
        except Exception as error:  # the tracker never raises; if it does, the words reach the screen
            log.exception("polling calls")
            return CallsUpdate(write_error=self.tracker.write_error,
                               error=f"Unexpected error while polling calls: {error!r}")
        return CallsUpdate(tuple(changes), self.tracker.write_error)

    def _publish(self, update: CallsUpdate) -> None:
        self._published_version = self.tracker.version
        self._listeners(update)
