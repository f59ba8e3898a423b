"""The simulated platform: calls ring, answer, talk and end; rooms fill and empty; time is virtual.

Nothing runs in the background. Future happenings (a call starts ringing, is answered, finishes speaking, a
demo participant leaves) sit in a heap keyed by virtual time, and `tick()` runs every event that is due
before each request is served. The same seed and the same clock moves therefore always give the same state.
One re-entrant lock guards everything: routes hold it while they run, and every public method takes it too,
because a test or the console's thread may steer the sandbox while uvicorn serves it from another thread.

Callbacks (sandbox.callbacks) are the one exception to "nothing in the background": with a callback URL
configured, events are queued for a sender thread (never awaited here), its SVAML answers come back through
`apply_callback_answer` (sandbox.answers), and with a real clock a ticker thread calls `tick()` every half second.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sandbox import audio
from sandbox.answers import CallbackAnswers
from sandbox.callbacks import (
    CallbackDispatcher,
    CallbackUrls,
    ace_body,
    dice_body,
    ice_body,
    notify_body,
)
from sandbox.clock import Clock, wire_time
from sandbox.errors import invalid, not_found
from sandbox.ids import Ids
from sandbox.locking import locked as _locked
from sandbox.rates import destination_behaviour, rate_for
from sandbox.state import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, Call, Conference, Participant, Recording
from sandbox.stores import NumberStore, RecordingStore

NO_ANSWER_SECONDS = 30.0
DEFAULT_STAY_SECONDS = 60.0  # a custom callout with nothing to do: the callee hangs up after a minute


class Sandbox(CallbackAnswers):
    """State and engine of one simulated Sinch account. Routes call its methods under `lock` after `tick()`."""

    def __init__(
        self,
        *,
        application_key: str | None = None,
        application_secret: str | None = None,
        applications: dict[str, str] | None = None,
        clock: Clock | None = None,
        seed: int | str | None = None,
        ring_seconds: float = 2.0,
        no_answer_seconds: float = NO_ANSWER_SECONDS,
    ) -> None:
        self.application_key = application_key or DEMO_APPLICATION_KEY
        secret = application_secret or (DEMO_APPLICATION_SECRET if self.application_key == DEMO_APPLICATION_KEY
                                        else None)
        if secret is None:
            raise ValueError("an application key needs its application secret")
        self.applications: dict[str, str] = {self.application_key: secret, **(applications or {})}
        self.clock = clock or Clock()
        self.seed = seed
        self.ids = Ids(seed)
        self.ring_seconds = max(0.0, ring_seconds)
        self.no_answer_seconds = no_answer_seconds
        self.lock = threading.RLock()
        self.calls: dict[str, Call] = {}
        self.conferences: dict[str, Conference] = {}
        self.recordings = RecordingStore()
        self.numbers = NumberStore()
        self.dispatcher = CallbackDispatcher(self)
        self.callbacks = CallbackUrls(on_change=self._callbacks_changed)
        self.callback_listeners: list[Callable[[], None]] = []
        """Called (under the lock) whenever a callback URL is set, e.g. the demo starting its key presses."""
        self.public_url: str | None = None  # set once the server listens (ICE callResourceUrl, Notify)
        self.dtmf_detect: dict[str, str] = {}  # callId -> room whose DTMF comes back as PIE callbacks
        self._quiet: dict[str, frozenset[str]] = {}  # callId -> callbacks the callout turned off
        self.rooms: list[str] = []  # rooms a scenario keeps alive (shown by the console)
        self._queue: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = itertools.count()

    # ---- time ------------------------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    @_locked
    def schedule(self, at: datetime, fn: Callable[..., None], *args: Any) -> None:
        """Run `fn(at, *args)` once virtual time reaches `at`."""
        heapq.heappush(self._queue, (at, next(self._seq), fn, args))

    def tick(self) -> None:
        """Run every event due by now, in time order (events may schedule more events)."""
        with self.lock:
            now = self.clock.now()
            while self._queue and self._queue[0][0] <= now:
                at, _, fn, args = heapq.heappop(self._queue)
                fn(at, *args)

    def advance(self, seconds: float) -> datetime:
        with self.lock:
            self.clock.advance(seconds)
            self.tick()
            return self.clock.now()

    # ---- calls -----------------------------------------------------------------------------------------

    @_locked
    def place_call(self, *, kind: str, to: dict[str, str], cli: str | None, application_key: str,
                   plan: str = "stay", speak_seconds: float = 0.0, conference_id: str | None = None,
                   max_duration: int | None = None, custom: Any = None, domain: str = "pstn",
                   quiet: frozenset[str] = frozenset(), dtmf_detect: bool = False, ice: bool = False) -> Call:
        """Start an outbound call: ring, then answer, fail busy, time out or get blocked.

        `quiet` names callbacks the callout turned off (enableAce/enableDice false); `ice` sends an ICE first
        (custom callouts); `dtmf_detect` makes the room report this participant's keys as PIE callbacks.
        """
        now = self.now()
        endpoint = to.get("endpoint", "")
        is_number = to.get("type", "number") == "number"
        call = Call(
            call_id=self.ids.call_id(), kind=kind, to=dict(to), cli=cli, created_at=now,
            rate=rate_for(endpoint) if is_number else 0.0, application_key=application_key,
            domain=domain if is_number else "mxp", custom=custom,
            behaviour=destination_behaviour(endpoint) if is_number else "answer",
            plan=plan, speak_seconds=speak_seconds, max_duration=max_duration, conference_id=conference_id,
        )
        self.calls[call.call_id] = call
        if quiet:
            self._quiet[call.call_id] = quiet
        if dtmf_detect and conference_id:
            self.dtmf_detect[call.call_id] = conference_id
        if ice:
            self._emit("ice", call, lambda: ice_body(call, now, base_url=self.public_url))
        if call.behaviour == "restricted":
            self.end_call(call, now, reason="BLOCKED", result="FAILED")
            return call
        ring = self.ring_seconds
        if ring > 0:
            self.schedule(now + timedelta(seconds=min(0.5, ring / 2)), self._on_ringing, call.call_id)
        wait = self.no_answer_seconds if call.behaviour == "noanswer" and ring > 0 else ring
        if wait > 0:
            self.schedule(now + timedelta(seconds=wait), self._on_outcome, call.call_id)
        else:
            self._on_outcome(now, call.call_id)
        return call

    def _on_ringing(self, at: datetime, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call and call.status == "INITIATED":
            call.status = "RINGING"

    def _on_outcome(self, at: datetime, call_id: str) -> None:
        call = self.calls.get(call_id)
        if call is None or call.is_final:
            return
        if call.behaviour == "busy":
            self.end_call(call, at, reason="N/A", result="BUSY")
        elif call.behaviour == "noanswer":
            self.end_call(call, at, reason="TIMEOUT", result="NOANSWER")
        else:
            self.answer(call, at)

    @_locked
    def answer(self, call: Call, at: datetime) -> None:
        """The callee picked up: carry out the call's plan."""
        call.status, call.answered_at = "ONGOING", at
        if call.kind != "inbound":
            self._emit("ace", call, lambda: ace_body(call, at))
        if call.plan == "join" and call.conference_id:
            self.join(call.conference_id, call, at)
        if call.plan in ("speak", "hangup"):
            self.plan_end(call, at + timedelta(seconds=call.speak_seconds), "CALLERHANGUP")
        elif call.plan == "stay" and call.kind == "custom":
            self.plan_end(call, at + timedelta(seconds=call.max_duration or DEFAULT_STAY_SECONDS), "CALLEEHANGUP")
        if call.max_duration and call.plan == "join":
            self.plan_end(call, at + timedelta(seconds=call.max_duration), "TIMEOUT")

    @_locked
    def plan_end(self, call: Call, at: datetime, reason: str) -> None:
        """(Re)schedule the end of a call; an earlier plan is dropped."""
        call.end_generation += 1
        call.planned_end = at
        if at <= self.now():
            self.end_call(call, at, reason=reason)
        else:
            self.schedule(at, self._on_planned_end, call.call_id, call.end_generation, reason)

    def _on_planned_end(self, at: datetime, call_id: str, generation: int, reason: str) -> None:
        call = self.calls.get(call_id)
        if call and not call.is_final and call.end_generation == generation:
            self.end_call(call, at, reason=reason)

    @_locked
    def end_call(self, call: Call, at: datetime, *, reason: str, result: str | None = None) -> None:
        """FINAL: leave the room, close any recording, fix duration and debit."""
        if call.is_final:
            return
        if call.conference_id and call.conference_id in self.conferences:
            self._remove_participant(call.conference_id, call.call_id)
        if call.recording_since is not None:
            self.stop_recording(call, at)
        call.status, call.ended_at, call.reason = "FINAL", at, reason
        call.result = result or ("ANSWERED" if call.answered_at else "N/A")
        call.end_generation += 1
        self._emit("dice", call, lambda: dice_body(call, at))
        self.dtmf_detect.pop(call.call_id, None)
        self._quiet.pop(call.call_id, None)
        call.menu = None

    @_locked
    def call(self, call_id: str) -> Call:
        found = self.calls.get(call_id)
        if found is None:
            raise not_found("Call not found")
        return found

    # ---- conferences -----------------------------------------------------------------------------------

    @_locked
    def join(self, room: str, call: Call, at: datetime, *, muted: bool = False) -> Participant:
        if call.conference_id and call.conference_id != room and call.conference_id in self.conferences:
            self._remove_participant(call.conference_id, call.call_id)
        conf = self.conferences.setdefault(room, Conference(room, at))
        cli = call.to.get("endpoint", "") if call.kind != "inbound" else (call.cli or "")
        part = Participant(call.call_id, cli, at, muted=muted)
        conf.participants[call.call_id] = part
        call.conference_id = room
        return part

    def _remove_participant(self, room: str, call_id: str) -> None:
        conf = self.conferences.get(room)
        if conf is None:
            return
        conf.participants.pop(call_id, None)
        if not conf.participants:
            del self.conferences[room]  # a room exists only while someone is in it

    @_locked
    def conference(self, room: str) -> Conference:
        conf = self.conferences.get(room)
        if conf is None or not conf.participants:
            raise not_found("Conference not found")
        return conf

    @_locked
    def participant(self, room: str, call_id: str) -> Participant:
        part = self.conference(room).participants.get(call_id)
        if part is None:
            raise not_found("Participant not found")
        return part

    @_locked
    def command(self, room: str, call_id: str, command: str) -> Participant:
        part = self.participant(room, call_id)
        if command in ("mute", "unmute"):
            part.muted = command == "mute"
        elif command in ("onhold", "resume"):
            part.onhold = command == "onhold"
        else:
            raise invalid(f"Unknown command '{command}'")
        return part

    @_locked
    def kick(self, room: str, call_id: str, *, reason: str = "MANAGERHANGUP") -> None:
        self.participant(room, call_id)
        self.end_call(self.call(call_id), self.now(), reason=reason)

    @_locked
    def kick_all(self, room: str) -> None:
        for call_id in list(self.conference(room).participants):
            self.end_call(self.calls[call_id], self.now(), reason="MANAGERHANGUP")

    @_locked
    def dial_in(self, room: str, cli: str, *, muted: bool = False, at: datetime | None = None) -> Call:
        """Someone dials into a room (admin route, demo scenario): an answered inbound call."""
        at = at or self.now()
        to = {"type": "number", "endpoint": self.numbers.dial_in(self.application_key)}
        call = Call(self.ids.call_id(), "inbound", to, cli, at, 0.0, self.application_key,
                    status="ONGOING", answered_at=at, plan="join", conference_id=room)
        self.calls[call.call_id] = call
        self.join(room, call, at, muted=muted)
        # The caller is in the room at once (the sandbox keeps working without a callback URL); the ICE
        # answer then moves the call (connectConf), ends it (hangup) or turns on DTMF detection. `custom`
        # carries the room the caller asked for, so relay rules can route each room (`custom = "standup"`).
        self._emit("ice", call, lambda: ice_body(call, at, base_url=self.public_url, custom=room))
        return call

    # ---- recordings ------------------------------------------------------------------------------------

    @_locked
    def start_recording(self, call: Call, at: datetime) -> None:
        if call.recording_since is None:
            call.recording_since = at

    @_locked
    def stop_recording(self, call: Call, at: datetime) -> None:
        if call.recording_since is None:
            return
        seconds = max(1.0, (at - call.recording_since).total_seconds())
        call.recording_since = None
        rec = self.add_recording(call.call_id, at, seconds=seconds)
        self._emit("notify", call, lambda: notify_body(rec, call.application_key, at, base_url=self.public_url,
                                                        custom=call.custom))

    @_locked
    def add_recording(self, call_id: str, at: datetime, *, seconds: float | None = None,
                      size_bytes: int | None = None) -> Recording:
        frames = audio.frames_for(seconds=seconds, size_bytes=size_bytes)
        return self.recordings.add(self.ids.recording_key(call_id), call_id, at, frames)

    # ---- callbacks -------------------------------------------------------------------------------------

    def _emit(self, kind: str, call: Call, build: Callable[[], dict[str, Any]]) -> bool:
        """Queue a callback for the call's application (the body is built only when a URL is configured and the
        callout did not turn that kind off). True when it was queued."""
        if not self.callbacks.items.get(call.application_key) or kind in self._quiet.get(call.call_id, ()):
            return False
        return self.dispatcher.emit(kind, call.call_id, call.application_key, build())

    def _callbacks_changed(self) -> None:
        self.dispatcher.configuration_changed()
        for listener in list(self.callback_listeners):
            listener()

    def close(self) -> None:
        """Stop the callback sender and the ticker (the server calls this when it stops)."""
        self.dispatcher.close()

    # ---- introspection ---------------------------------------------------------------------------------

    def snapshot(self, base_url: str = "http://sandbox") -> dict[str, Any]:
        """Everything, as JSON (the admin state dump the console's tests assert on)."""
        with self.lock:
            self.tick()
            now = self.now()
            return {
                "now": wire_time(now),
                "applicationKey": self.application_key,
                "rooms": list(self.rooms),
                "calls": {cid: c.to_wire(now) | {"conferenceId": c.conference_id}
                          for cid, c in self.calls.items()},
                "conferences": {room: [p.to_wire(now) for p in conf.participants.values()]
                                for room, conf in self.conferences.items()},
                "recordings": [r.to_wire(base_url) | {"bytes": self.recordings.size(r)}
                               for r in self.recordings.page(start=None, end=None, page=1, size=10**9)],
                "numbers": self.numbers.listing(),
                "callbacks": {key: {"url": urls} for key, urls in self.callbacks.items.items()},
                "callbackDelivery": self.dispatcher.to_wire(),
                "pendingEvents": len(self._queue),
            }
