"""The replay guard: a verified callback is accepted once; the same one sent again within its window is refused.

A signed callback is valid while its x-timestamp is within `max_age` of our clock, so anyone who captured one
(a proxy log, a leaked trace) could send it again until then. The guard remembers each accepted callback by
(signature, x-timestamp) until its window closes, and says "seen" to a second copy. A real Sinch retry is
signed again with a new timestamp, so it is a new callback and passes.

Basic callbacks carry neither a signature nor a timestamp: a byte-identical request (credentials, path and
body) within `max_age` of the first is taken as a replay. Sinch's bodies name the call and the event's time,
so two real callbacks differ; after the window a Basic replay cannot be told apart (one more reason to prefer
signed callbacks).

`ReplayGuard` is the small interface the callback endpoint uses; `MemoryReplayGuard` keeps entries in this
process, expiring them as their windows close, with a hard cap (`ReplayMemoryFull` when reached) instead of
unbounded growth. A guard shared by several relays (Redis `SET key 1 NX EXAT expires_at`) fits the same
interface. Keys are SHA-256 digests: the guard never holds a signature or a credential.

The memory lives in this process only: a restart forgets it, so a callback accepted just before a restart
can be accepted once more within its window. Keep `--max-age` short; a later issue moves it to Redis so that
restarts and several relays share it.
"""

from __future__ import annotations

import hashlib
import heapq
import time
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from api.auth import parse_timestamp
from relay.settings import DEFAULT_MAX_AGE

Clock = Callable[[], float]
"""Seconds since the epoch, like `time.time` (tests pass a fake one)."""


class CheckedCallback(Protocol):
    """What verification says about a good callback (relay.verify.CallbackVerdict)."""

    @property
    def scheme(self) -> str: ...
    @property
    def application_key(self) -> str: ...
    @property
    def signature(self) -> str: ...
    @property
    def timestamp(self) -> str: ...


class ReplayMemoryFull(RuntimeError):
    """The guard holds as many callbacks as it may; new ones cannot be checked until some expire."""


class ReplayGuard(Protocol):
    async def seen_first(self, key: str, expires_at: float) -> bool:
        """True the first time `key` is offered before `expires_at` (epoch seconds), False for a repeat.

        Raises ReplayMemoryFull when the key cannot be remembered (the caller refuses rather than risk a replay).
        """
        ...


class MemoryReplayGuard:
    """Keys in a dict with their expiry, and a heap that forgets them in expiry order; at most `capacity`."""

    def __init__(self, capacity: int, clock: Clock = time.time) -> None:
        self.capacity = capacity
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._by_expiry: list[tuple[float, str]] = []

    def __len__(self) -> int:
        self._forget_expired(self._clock())
        return len(self._expiry)

    async def seen_first(self, key: str, expires_at: float) -> bool:
        now = self._clock()
        self._forget_expired(now)
        if key in self._expiry:
            return False
        if expires_at <= now:  # its window has closed: nothing to remember (the time check refuses it anyway)
            return True
        if len(self._expiry) >= self.capacity:
            raise ReplayMemoryFull(f"the replay memory holds {self.capacity} callbacks (--replay-capacity)")
        self._expiry[key] = expires_at
        heapq.heappush(self._by_expiry, (expires_at, key))
        return True

    def _forget_expired(self, now: float) -> None:
        while self._by_expiry and self._by_expiry[0][0] <= now:
            _, key = heapq.heappop(self._by_expiry)
            self._expiry.pop(key, None)


def replay_key(verdict: CheckedCallback, *, path: str, body: bytes, max_age: float, now: datetime) -> tuple[str, float]:
    """The key a verified callback is remembered by, and until when (epoch seconds).

    Built from what verification checked (`verdict`), never from the raw headers: the same callback spelled
    differently (`\xa0` after the signature, the scheme's case) must give the same key. Signed: the signature
    and the x-timestamp, kept until the timestamp leaves the window. Basic, or no time window (`max_age` 0): the
    application, path and body, kept for the window (or DEFAULT_MAX_AGE) from now.
    """
    window = max_age or DEFAULT_MAX_AGE
    if verdict.scheme == "application":
        key = _digest(b"signed", verdict.signature.encode(), verdict.timestamp.encode())
        moment = parse_timestamp(verdict.timestamp)
        if max_age and moment is not None:
            return key, moment.timestamp() + max_age
        return key, now.timestamp() + window
    return _digest(b"request", verdict.application_key.encode(), path.encode(), body), now.timestamp() + window


def content_key(*, path: str, body: bytes) -> str:
    """What a callback says, whoever signed it when: Sinch signs a retry again, with the same body. A team's
    stream appends an event once per content key within the window (relay.stream)."""
    return _digest(b"content", path.encode(), body)


def _digest(*parts: bytes) -> str:
    """SHA-256 over the parts, each preceded by its length so no two different splits give the same input."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()
