"""How long to wait after failures: the one backoff formula of the project.

Four places back off (the client's retries, a room's polls, a tracked call's polls, the relay subscriber's
reconnects); each names its own constants where it lives (`RETRY_BACKOFF`, `ROOM_BACKOFF`, `CALL_BACKOFF`,
`RECONNECT_BACKOFF`) and asks `Backoff.delay`, so they cannot drift apart in how a step grows, caps, jitters or
yields to a server's Retry-After.

The unit is the caller's: seconds for most, ticks of a timer for the call tracker.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

Draw = Callable[[], float]
"""A source of uniform numbers in [0, 1), like `random.random`; tests inject a constant."""

MAX_DOUBLINGS = 1000
"""Past this many doublings any step is beyond any cap; it also keeps `2.0 ** n` from overflowing."""


@dataclass(frozen=True)
class Backoff:
    """A capped exponential backoff: `base` after the first failure, doubling per failure up to `cap`.

    `jitter` is the largest fraction of a step a random draw may take off: 0 none, 0.5 "equal jitter" (never
    less than half a step, so never zero), 1 "full jitter". Jitter only ever shortens a step, so `cap` holds,
    and it keeps many clients that failed together from retrying in step.
    """

    base: float
    cap: float
    jitter: float = 0.0

    def step(self, failures: int) -> float:
        """The un-jittered wait after `failures` consecutive failures (0 for none)."""
        if failures < 1:
            return 0.0
        return min(self.cap, self.base * 2.0 ** min(failures - 1, MAX_DOUBLINGS))

    def delay(self, failures: int, *, floor: float = 0.0, retry_after: float | None = None,
              rng: random.Random | Draw | None = None) -> float:
        """The wait after `failures` consecutive failures (1-based; 0 means healthy: just `floor`).

        Never below `floor` (a caller's normal interval: backing off must not poll faster than healthy), nor
        below a server's `retry_after` (asking sooner than it said is pointless). A caller that must not wait
        longer than the server asked simply uses the Retry-After instead of calling this (`api.retry`).
        """
        wait = self.step(failures)
        if self.jitter and wait:
            wait *= 1.0 - self.jitter * _draw(rng)()
        return max(wait, floor, retry_after if retry_after is not None else 0.0)


def _draw(rng: random.Random | Draw | None) -> Draw:
    if rng is None:
        return random.random
    if isinstance(rng, random.Random):
        return rng.random
    return rng
