"""RoomWatch: what the console knows about one watched conference between polls.

The Calling API has no events for conferences we can rely on, so the console polls. A poll either answers
(the roster, or 40400 meaning nobody is in the room right now) or fails. A failure must not blank the screen:
the last roster stays, marked stale with its age, and the next poll backs off exponentially (capped) so a
struggling platform is not hammered; the first good answer returns to the normal interval silently.

Time is always passed in (`now`), never read from a hidden clock, so every rule here is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from api import errors
from api.backoff import Backoff
from api.models import Conference, Participant
from api.models.views import RoomDiff, RoomSummary
from console.rooms.count_history import CountHistory
from console.rooms.wording import ROOM, describe_error

MIN_INTERVAL = 0.2
MAX_INTERVAL = 60.0
# The +/- keys walk this ladder (clamped to MIN..MAX), so a few presses reach any sensible speed.
INTERVAL_STEPS = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 15.0, 30.0, 60.0)
ROOM_BACKOFF = Backoff(base=1.0, cap=5.0)
"""Between polls of a room that fails: 1, 2, 4, 5, 5 ... s (no jitter: one console, its own rooms). A short cap:
one GET every 5 s is no load for a struggling platform, and the room is fresh within 5 s of its return (a 30 s
cap left an operator looking at a stale roster ~25 s after the outage ended)."""


@dataclass
class RoomWatch:
    """The state of one watched room. The rooms service owns the timer; this says how long to wait."""

    room: str
    interval: float = 1.0
    backoff_base: float = ROOM_BACKOFF.base
    backoff_cap: float = ROOM_BACKOFF.cap
    participants: dict[str, Participant] = field(default_factory=dict)
    last_ok: datetime | None = None
    failures: int = 0
    last_error: BaseException | None = None
    paused: bool = False
    counts: CountHistory = field(default_factory=CountHistory)
    """People per minute over the last 30 minutes (the watch list's sparkline)."""
    _retry_after: float = 0.0

    def __post_init__(self) -> None:
        self.interval = _clamp(self.interval)

    # ---- answers -------------------------------------------------------------------------------------------

    def apply_poll(self, conference: Conference | None, now: datetime) -> RoomDiff:
        """Take a good answer (None = 40400, an empty room) and say what changed since the last one."""
        initial = self.last_ok is None
        current = {p.call_id: p for p in (conference.participants if conference is not None else [])}
        before = self.participants
        joined = tuple(p for cid, p in current.items() if cid not in before)
        left = tuple(p for cid, p in before.items() if cid not in current)
        kept = [(before[cid], p) for cid, p in current.items() if cid in before]
        diff = RoomDiff(
            room=self.room,
            at=now,
            joined=joined,
            left=left,
            muted=tuple(p for old, p in kept if p.muted and not old.muted),
            unmuted=tuple(p for old, p in kept if old.muted and not p.muted),
            held=tuple(p for old, p in kept if p.on_hold and not old.on_hold),
            resumed=tuple(p for old, p in kept if old.on_hold and not p.on_hold),
            initial=initial,
        )
        self.participants = current
        self.counts.add(len(current), now)
        self.last_ok = now
        self.failures = 0
        self.last_error = None
        self._retry_after = 0.0
        return diff

    def apply_failure(self, error: BaseException, now: datetime) -> RoomDiff:
        """A poll failed: keep the roster, count the failure, back off. A 40400 is an empty room instead."""
        if isinstance(error, errors.NotFoundError):
            return self.apply_poll(None, now)
        self.failures += 1
        self.last_error = error
        retry_after = getattr(error, "retry_after", None)
        self._retry_after = float(retry_after) if isinstance(retry_after, int | float) else 0.0
        return RoomDiff(room=self.room, at=now)

    # ---- timing --------------------------------------------------------------------------------------------

    @property
    def rate_limited(self) -> bool:
        """The platform said how long to wait (a 429's Retry-After): nothing may ask it sooner."""
        return self._retry_after > 0

    @property
    def stale(self) -> bool:
        """True after a failed poll, until the platform answers again."""
        return self.failures > 0

    def stale_for(self, now: datetime) -> float | None:
        """Seconds since the last good answer, or None when there never was one."""
        return None if self.last_ok is None else max(0.0, (now - self.last_ok).total_seconds())

    @property
    def next_delay(self) -> float:
        """Seconds until the next poll: the interval when healthy; 1, 2, 4 ... capped after failures.

        Backoff never polls faster than the normal interval, and honours a 429's Retry-After.
        """
        if self.failures == 0:
            return self.interval
        backoff = Backoff(self.backoff_base, self.backoff_cap)
        return backoff.delay(self.failures, floor=self.interval, retry_after=self._retry_after)

    def set_interval(self, seconds: float) -> float:
        self.interval = _clamp(seconds)
        return self.interval

    def slower(self) -> float:
        """The "+" key: the next longer interval on the ladder (poll less often)."""
        longer = [s for s in INTERVAL_STEPS if s > self.interval + 1e-9]
        return self.set_interval(longer[0] if longer else MAX_INTERVAL)

    def faster(self) -> float:
        """The "-" key: the next shorter interval on the ladder."""
        shorter = [s for s in INTERVAL_STEPS if s < self.interval - 1e-9]
        return self.set_interval(shorter[-1] if shorter else MIN_INTERVAL)

    def pause(self) -> None:
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def toggle_pause(self) -> bool:
        self.paused = not self.paused
        return self.paused

    # ---- what the watch list shows -------------------------------------------------------------------------

    def health(self, now: datetime | None = None) -> str:
        """"ok", "paused", "waiting", or "stale 12 s: Service unavailable (50000)" (the age needs `now`)."""
        if self.paused:
            return "paused"
        if self.failures:
            age = self.stale_for(now) if now is not None else None
            since = f" {age:.0f} s" if age is not None else ""
            why = describe_error(self.last_error, subject=ROOM) if self.last_error is not None else "poll failed"
            return f"stale{since}: {why}"
        return "ok" if self.last_ok is not None else "waiting"

    def summary(self, now: datetime | None = None, *, auto_mute: bool = False, locked: bool = False) -> RoomSummary:
        """What the watch list shows (the policy badges come from the caller, which owns the policies). Counts
        are None before the first answer; health is "ok", "waiting" or "stale" (paused is its own flag; the
        words of a failure are `health(now)`)."""
        answered = self.last_ok is not None
        return RoomSummary(
            self.room,
            participants=len(self.participants) if answered else None,
            muted=sum(p.muted for p in self.participants.values()) if answered else None,
            health="stale" if self.stale else "ok" if answered else "waiting",
            stale_for=self.stale_for(now) if self.stale and now is not None else None,
            paused=self.paused,
            auto_mute=auto_mute,
            locked=locked,
            recent=self.counts.values,
        )


def _clamp(seconds: float) -> float:
    return min(MAX_INTERVAL, max(MIN_INTERVAL, float(seconds)))
