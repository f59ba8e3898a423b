"""The replay guard of a team of relays: a callback accepted by one relay is refused by all, restarts included.

Each accepted callback's key (relay.replay.replay_key: a SHA-256 digest, never a signature) is set in Redis
with `SET key 1 NX EXAT expires_at`: the first relay to set it accepts the callback; a copy sent to any relay
before the window closes finds it set and is refused. Redis forgets the key when the window closes.

When Redis does not answer within REPLAY_TIMEOUT the relay still answers Sinch: this relay's memory guard
decides (a replay sent to another relay in that time is not caught: logged once per outage).
"""

from __future__ import annotations

import asyncio
import logging
import math

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from relay.replay import Clock, ReplayGuard

log = logging.getLogger("relay.redis_replay")
REPLAY_TIMEOUT = 0.5


class RedisReplayGuard:
    def __init__(self, url: str, *, key_prefix: str, fallback: ReplayGuard, clock: Clock) -> None:
        self._redis: aioredis.Redis = aioredis.Redis.from_url(url, socket_timeout=REPLAY_TIMEOUT,
                                                              socket_connect_timeout=REPLAY_TIMEOUT)
        self._prefix = f"{key_prefix}:seen:"
        self._fallback = fallback
        self._clock = clock
        self.reachable = True

    async def seen_first(self, key: str, expires_at: float) -> bool:
        if expires_at <= self._clock():  # its window has closed: the time check refuses it anyway
            return True
        try:
            first = await asyncio.wait_for(self._redis.set(self._prefix + key, 1, nx=True,
                                                           exat=math.ceil(expires_at)), REPLAY_TIMEOUT)
        except (RedisError, OSError, TimeoutError) as error:
            if self.reachable:
                log.warning("the replay memory in Redis is unreachable (%s): this relay's own memory decides "
                            "until it is back", error)
            self.reachable = False
            return await self._fallback.seen_first(key, expires_at)
        if not self.reachable:
            log.warning("the replay memory in Redis answers again")
        self.reachable = True
        return bool(first)

    async def close(self) -> None:
        await self._redis.aclose()
