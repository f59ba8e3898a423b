"""RoomsService: the watched rooms, kept polled, with their raised hands; screens only subscribe and draw.

The Calling API cannot list conferences nor push their changes, so the console polls every watched room. This
service owns all of it, without Textual: which rooms are watched (in order), one poll timer per room at the
delay its `RoomWatch` decides (the interval, or the backoff after failures), coalescing (one poll in flight per
room, at most one more queued behind it; an in-flight poll is never cancelled, because it may be carrying out a
policy that must not stop halfway), pausing, the raised hands, and the actions that change a room (a poll follows
each, so its effect shows). The `Moderator` does each poll's work (the request, the diff, timeline, attendance,
policies) and every change goes through the gateway.

What happened is published as typed updates (`RoomUpdate`, console/rooms/updates.py) to whoever subscribed:
the Conferences screen draws them; a relay event reaches this service through `console.events.routing`, never a
screen. Time comes from the injected clock and scheduler (`console.scheduling`), so every rule here is tested
without a UI or a real wait.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from api.models.views import TimelineEntry
from console.publishing import Listeners
from console.rooms.hands import HandNote, Hands, Why
from console.rooms.moderator import Clock, Moderator, Outcome, PollResult
from console.rooms.updates import (
    ActionDone,
    HandsChanged,
    RoomPolled,
    RoomSettingsChanged,
    RoomsNotice,
    RoomUnwatched,
    RoomUpdate,
    RoomWatched,
)
from console.scheduling import Scheduled, Scheduler

log = logging.getLogger(__name__)

MAX_ROOM_ID = 64
"""The longest conferenceId the console accepts (typed, or named by an event)."""
MAX_REMEMBERED_NUMBERS = 10_000
"""Numbers kept per room to name people after they left (the timeline, hand notes)."""
CLOSE_GRACE = 3.0
"""Seconds a closing session waits for polls and actions in flight before cancelling them."""
MIN_GAP = 0.25
"""The least time between an answer and the next poll of the same room, as a share of its interval."""
CRASH_RETRY = 5.0
"""Seconds before polling again after a poll that failed in an unexpected way (a bug, not the platform)."""
MAX_WATCHED_FROM_EVENTS = 20
"""Events add rooms to the watch list only while it holds fewer than this (each room is a poll a second)."""


Listener = Callable[[RoomUpdate], object]


class RoomsService:
    def __init__(self, moderator: Moderator, *, scheduler: Scheduler, clock: Clock | None = None,
                 max_from_events: int = MAX_WATCHED_FROM_EVENTS) -> None:
        self.moderator = moderator
        self.scheduler = scheduler
        self.clock = clock or moderator.clock
        self.max_from_events = max_from_events
        self.hands = Hands()
        """Raised hands per room (a relayed PIE with DTMF 1), kept whichever room a screen shows."""
        self._rooms: dict[str, None] = {}  # watched rooms, in the order they were added
        self._timers: dict[str, Scheduled] = {}
        self._polling: set[str] = set()  # rooms with a poll in flight
        self._again: set[str] = set()  # rooms asked to poll while one was in flight
        self._joined: dict[str, dict[str, datetime]] = {}  # room -> callId -> when they joined
        self._clis: dict[str, dict[str, str]] = {}  # room -> callId -> number, kept after they leave (names)
        self._due: dict[str, float] = {}  # room -> when its next poll is planned (scheduler time)
        self._generations = itertools.count()
        self._generation: dict[str, int] = {}  # room -> which watch of it this is (a poll names the one it began in)
        self._publish: Listeners[RoomUpdate] = Listeners("rooms")
        self._told_watch_limit = False
        self._closed = False

    # ---- subscribers ---------------------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Hear every update from now on; call what this returns to stop."""
        return self._publish.subscribe(listener)

    # ---- which rooms -----------------------------------------------------------------------------------

    @property
    def rooms(self) -> list[str]:
        return list(self._rooms)

    def __contains__(self, room: object) -> bool:
        return room in self._rooms

    def start(self, rooms: Iterable[str]) -> None:
        """Watch the profile's saved rooms (and whatever else was watched already)."""
        for room in rooms:
            self.watch(room)

    def watch(self, room: str) -> bool:
        """Start watching `room` and poll it now; False when it was watched already."""
        if room in self._rooms or self._closed:
            return False
        self.moderator.watch(room)
        self._rooms[room] = None
        self._generation[room] = next(self._generations)
        self._publish(RoomWatched(room))
        self.poll_soon(room)
        return True

    def watch_from_event(self, room: str) -> bool:
        """An event names a room not watched yet: watch it, unless events already filled the list (a busy
        application names many rooms; each is a poll a second, and 429s soon after). Said once."""
        if room in self._rooms:
            return False
        if len(self._rooms) >= self.max_from_events:
            if not self._told_watch_limit:
                self._told_watch_limit = True
                self._publish(RoomsNotice(f"Events name more rooms than the {self.max_from_events} watched: new "
                                          "ones are not added by themselves (a adds one by hand).", error=True))
            return False
        return self.watch(room)

    def unwatch(self, room: str) -> None:
        """Stop watching: no more polls (one in flight finishes unseen), its hands and join times forgotten."""
        if room not in self._rooms:
            return
        del self._rooms[room]
        self._generation.pop(room, None)
        self._cancel_timer(room)
        self._again.discard(room)
        self._joined.pop(room, None)
        self._clis.pop(room, None)
        self.hands.forget(room)
        self.moderator.forget(room)
        self._publish(RoomUnwatched(room))

    def close(self) -> None:
        """The session ends: no timer fires again."""
        self._closed = True
        for room in list(self._timers):
            self._cancel_timer(room)
        self._publish.clear()

    async def aclose(self, *, grace: float = CLOSE_GRACE) -> None:
        """Close, then let polls and actions in flight end (an auto-mute halfway should not be cut), so the client
        can be closed after; what still runs after `grace` seconds (a request into an outage) is cancelled, so
        quitting never hangs."""
        self.close()
        try:
            await asyncio.wait_for(self.scheduler.drain(), grace)
        except TimeoutError:
            self.scheduler.cancel_all()

    # ---- polling ---------------------------------------------------------------------------------------

    def poll_soon(self, room: str, delay: float = 0.0) -> None:
        """Poll a watched room after `delay` seconds (now by default), replacing the poll it had planned.
        Pauses are the caller's to respect (the event router leaves a paused room alone)."""
        if room not in self._rooms or self._closed:
            return
        self._cancel_timer(room)
        self._due[room] = self.scheduler.monotonic() + delay
        self._timers[room] = self.scheduler.call_later(delay, lambda: self._start_poll(room))

    def retry_in(self, room: str) -> float | None:
        """Seconds until the room's next planned poll; None when none is planned (paused, or one in flight)."""
        if room not in self._timers:
            return None
        return max(0.0, self._due.get(room, 0.0) - self.scheduler.monotonic())

    def refresh(self, room: str) -> None:
        """The operator asked to look now (even when paused: one poll, and the room stays paused)."""
        if room in self._rooms:
            self._start_poll(room)

    def _cancel_timer(self, room: str) -> None:
        self._due.pop(room, None)
        timer = self._timers.pop(room, None)
        if timer is not None:
            timer.cancel()

    def _start_poll(self, room: str) -> None:
        self._cancel_timer(room)  # `r` while a poll was planned: that one must not start a second chain
        if room not in self._rooms or self._closed:
            return
        if room in self._polling:
            self._again.add(room)
            return
        self._polling.add(room)
        self.scheduler.spawn(self._poll(room), name=f"poll:{room}")

    async def _poll(self, room: str) -> None:
        started = self.scheduler.monotonic()
        generation = self._generation.get(room)
        was_stale = self.moderator.watch(room).stale
        try:
            result = await self.moderator.poll(room)
        except Exception as error:  # the moderator never raises; a task must not die silently anyway
            log.exception("poll of %s failed", room)
            self._polling.discard(room)
            self._again.discard(room)
            self._publish(RoomsNotice(f"Unexpected error while polling {room}: {error!r}", error=True))
            if not self.moderator.watch(room).paused:
                self.poll_soon(room, CRASH_RETRY)
            return
        self._polling.discard(room)
        again = room in self._again
        self._again.discard(room)
        if self._generation.get(room) != generation:
            return  # unwatched while the request was in flight (and maybe watched anew: not this answer's room)
        if result.ok:
            self._remember_numbers(room, result)
        lowered = self.hands.apply_diff(result.diff, self.moderator.watch(room).participants.keys()) \
            if result.ok else []
        self._publish(RoomPolled(result, tuple(lowered)))
        for outcome in result.policy_outcomes:
            self._publish(ActionDone(outcome))
        watch = self.moderator.watch(room)
        if result.ok and was_stale:
            self._platform_back(room)
        if again:
            self.poll_soon(room)
        elif not watch.paused:
            # Fixed rate while healthy: the next poll starts an interval after this one started, so a slow
            # answer (a big room, a busy loop) does not push every later poll back; never closer than a quarter
            # of the interval after an answer, so a platform answering slowly is not asked back to back.
            # A backoff counts from now.
            took = self.scheduler.monotonic() - started
            delay = watch.next_delay
            self.poll_soon(room, max(delay * MIN_GAP, delay - took) if watch.failures == 0 else delay)

    # ---- pace ------------------------------------------------------------------------------------------

    def toggle_pause(self, room: str) -> bool:
        """Pause or resume polling `room`; True when it is paused now. Resuming polls at once."""
        watch = self.moderator.watch(room)
        paused = watch.toggle_pause()
        if paused:
            self._cancel_timer(room)
        else:
            self.poll_soon(room)
        self._publish(RoomSettingsChanged(room))
        return paused

    def slower(self, room: str) -> float:
        """Poll less often (the next step of the ladder); the new interval in seconds."""
        seconds = self.moderator.watch(room).slower()
        self._publish(RoomSettingsChanged(room))
        return seconds

    def faster(self, room: str) -> float:
        seconds = self.moderator.watch(room).faster()
        self._publish(RoomSettingsChanged(room))
        return seconds

    # ---- who is there ----------------------------------------------------------------------------------

    def joined_at(self, room: str, now: datetime) -> dict[str, datetime]:
        """When each participant joined: the poll's time less their time in the call, fixed at first sight
        (recomputing it each poll would jitter by a second)."""
        joined = self._joined.setdefault(room, {})
        for participant in self.moderator.watch(room).participants.values():
            if participant.call_id not in joined:
                joined[participant.call_id] = now - timedelta(seconds=participant.duration)
        return joined

    def person_name(self, room: str, call_id: str, cli: str = "") -> str:
        """A participant as outcomes name them: their number as last seen in the room (also after they left),
        else `cli`, else the call."""
        known = self._clis.get(room, {}).get(call_id, "")
        return self.moderator.name(known or cli, call_id)

    # ---- the timeline, named ---------------------------------------------------------------------------

    def named(self, entry: TimelineEntry) -> TimelineEntry:
        """A timeline entry naming the person as the address book does now (it may change meanwhile)."""
        who = self.moderator.name(entry.cli, entry.call_id) if entry.cli or entry.call_id else "room"
        return replace(entry, who=who)

    def hand_entry(self, note: HandNote) -> TimelineEntry:
        """A hand going up or down, as a timeline line."""
        who = self.person_name(note.room, note.call_id, note.cli)
        return TimelineEntry(note.at, "hand", note.call_id, note.cli, note.by, note.detail, who=who)

    def timeline(self, room: str, call_id: str | None = None) -> Iterator[TimelineEntry]:
        """The room's timeline with its hands' notes, by time (the room's own entry first on a tie); only one
        participant's when `call_id` is given."""
        entries: Iterable[TimelineEntry] = map(self.named, self.moderator.timeline(room))
        notes: Iterable[TimelineEntry] = map(self.hand_entry, self.hands.notes(room))
        merged = heapq.merge(entries, notes, key=lambda entry: entry.at)
        return merged if call_id is None else (entry for entry in merged if entry.call_id == call_id)

    def _remember_numbers(self, room: str, result: PollResult) -> None:
        joined = self._joined.get(room)
        if joined:  # a leaver's row keeps its own time; a room with churn must not grow this for ever
            for participant in result.diff.left:
                joined.pop(participant.call_id, None)
        numbers = self._clis.setdefault(room, {})
        for participant in result.diff.joined:
            if participant.cli:
                numbers[participant.call_id] = participant.cli
        while len(numbers) > MAX_REMEMBERED_NUMBERS:  # oldest first: a room running for weeks stays bounded
            del numbers[next(iter(numbers))]

    def _platform_back(self, answered: str) -> None:
        """A stale room answered again: the platform is back, so rooms waiting out a backoff for the same
        outage are asked now and are fresh within one poll. Never a room told to wait (429 Retry-After)."""
        for room in self._rooms:
            watch = self.moderator.watch(room)
            if room != answered and room in self._timers and watch.stale and not watch.paused \
                    and not watch.rate_limited:
                self.poll_soon(room)

    # ---- raised hands ----------------------------------------------------------------------------------

    def raise_hand(self, room: str, call_id: str, *, cli: str = "") -> bool:
        """A participant of a watched room pressed 1: their hand is up now, without a poll (polling may be
        paused). False when the room is not watched or the hand was up already."""
        if room not in self._rooms:
            return False
        note = self.hands.raise_hand(room, call_id, self.clock(), cli=cli)
        if note is None:
            return False
        self._publish(HandsChanged(room, (note,)))
        return True

    def lower_hand(self, room: str, call_id: str, *, why: Why = "lowered", by: str = "console") -> bool:
        """Lower one hand (False when it was not up)."""
        note = self.hands.lower(room, call_id, self.clock(), why=why, by=by)
        if note is not None:
            self._publish(HandsChanged(room, (note,)))
        return note is not None

    def lower_all_hands(self, room: str, *, why: Why = "lowered", by: str = "console") -> int:
        """Lower every hand of `room`; how many went down."""
        notes = self.hands.lower_all(room, self.clock(), why=why, by=by)
        if notes:
            self._publish(HandsChanged(room, tuple(notes)))
        return len(notes)

    def call_ended(self, call_id: str) -> None:
        """A DiCE: the call's raised hand, in whichever room, goes down."""
        notes = self.hands.call_ended(call_id, self.clock())
        for room in dict.fromkeys(note.room for note in notes):
            self._publish(HandsChanged(room, tuple(note for note in notes if note.room == room)))

    # ---- actions ---------------------------------------------------------------------------------------

    def act(self, room: str, action: Callable[[], Awaitable[Outcome]]) -> None:
        """Run one change in the background; its outcome is published and the room polled again, so the
        roster shows the effect."""

        async def run() -> None:
            try:
                outcome = await action()
            except Exception as error:  # never expected: the moderator words its failures
                log.exception("action on %s failed", room)
                self._publish(RoomsNotice(f"Unexpected error: {error!r}", error=True))
                return
            self._publish(ActionDone(outcome))
            self.poll_soon(room)

        self.scheduler.spawn(run(), name=f"action:{room}")

    async def mute(self, room: str, call_id: str) -> Outcome:
        return await self.moderator.mute(room, call_id)

    async def unmute(self, room: str, call_id: str) -> Outcome:
        """Unmute; given the floor, their raised hand has done its job and goes down."""
        outcome = await self.moderator.unmute(room, call_id)
        if outcome.ok:
            self.lower_hand(room, call_id, why="unmuted")
        return outcome

    async def kick(self, room: str, call_id: str) -> Outcome:
        outcome = await self.moderator.kick(room, call_id)
        if outcome.ok:
            self.lower_hand(room, call_id, why="kicked")
        return outcome

    async def kick_all(self, room: str) -> Outcome:
        outcome = await self.moderator.kick_all(room)
        if outcome.ok:
            self.lower_all_hands(room, why="kicked")
        return outcome
