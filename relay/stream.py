"""One event stream for a team of relays, on Redis: every relay appends the callbacks it accepts, and every relay
reads all of them and fans them out to its own subscribers (relay.hub), so a console on any relay receives
every event once, in stream order, whichever relay Sinch called.

Appending. A callback's event goes to a bounded buffer in this process, and one writer task appends what is
buffered to the stream in one round trip (the APPEND script, up to BATCH events). The same script is the
team's replay guard: each event comes with its replay key (relay.replay.replay_key, a digest), set with
`SET NX EXAT` the window's end; an event whose key is already set (the same signed callback, to any relay,
within its window) is not appended, and its callback is refused. One round trip per batch, not two per
callback. The callback waits up to APPEND_WAIT for the answer (so a relay killed after answering has lost
nothing it acknowledged); while Redis is unreachable it waits for nothing: the relay's own replay memory
decides, the rules' SVAML goes back at once, the buffer holds up to `--redis-buffer` events (the oldest lost
beyond it, counted), and the writer retries with a growing pause and appends them when Redis is back (a
replay among them is still dropped there).

Ids. The script names each entry `MS-N`: MS the larger of this relay's clock and the last entry's, N a
counter of the stream's events over all relays. Ids therefore grow, the stream's retention by time still
works on MS (XTRIM MINID), and the number of events between two ids is the difference of their N: a subscriber
resuming from an id that has left the stream (`--retention`) is told exactly how many it lost. N is the `seq`
of the message a subscriber receives (relay.messages).

Reading. One task per relay: XREAD BLOCK from the last id it fanned out. A subscriber resuming with
`?since=ID` is given, before it joins the hub, the entries after ID up to the hub's last id (XRANGE, in pages);
it joins in the same step as the last check, so nothing falls between the replay and the live events.

Nothing here holds an event for longer than it takes to append it: Redis is the one copy.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from relay.hub import Hub
from relay.messages import lost_notice, stream_message
from relay.replay import Clock
from relay.settings import retention_of

log = logging.getLogger("relay.stream")
BATCH = 500
"""Events appended in one round trip, and read or replayed in one."""
READ_BLOCK_MS = 1000
READ_PAUSE = 0.005
"""Seconds between two reads of the stream: under load each read brings several events (one command and one
write round to the subscribers for all of them) instead of one (a command per event per relay); the hub then
writes at once (its flush delay is 0 on a shared stream)."""
APPEND_WAIT = 1.0
"""Seconds a callback waits for its event to be in Redis before it is answered anyway."""
COMMAND_TIMEOUT = 2.0
"""Seconds for one Redis command (XREAD's block comes on top): past it, Redis counts as unreachable."""
HEALTH_TIMEOUT = 0.5
STOP_GRACE = 3.0
"""Seconds a stopping relay gives its buffered events to reach Redis."""
RETRY_FIRST, RETRY_LONGEST = 0.1, 2.0
"""Seconds between attempts while Redis is unreachable: doubling from the first to the longest."""
STREAM_ID = re.compile(r"\d{1,20}-\d{1,20}")

APPEND = """
local meta = redis.call('HMGET', KEYS[2], 'n', 'ms')
local n = tonumber(meta[1] or '0')
local ms = math.max(tonumber(ARGV[1]), tonumber(meta[2] or '0'))
local ids = {}
for i = 4, #ARGV, 4 do
  if ARGV[i] ~= '' and not redis.call('SET', ARGV[i], '1', 'NX', 'EXAT', ARGV[i + 2]) then
    ids[#ids + 1] = ''
  elseif ARGV[i + 1] ~= '' and not redis.call('SET', ARGV[i + 1], '1', 'NX', 'EXAT', ARGV[i + 2]) then
    ids[#ids + 1] = '='
  else
    n = n + 1
    local id = string.format('%d-%d', ms, n)
    redis.call('XADD', KEYS[1], id, 'm', ARGV[i + 3])
    ids[#ids + 1] = id
  end
end
redis.call('HSET', KEYS[2], 'n', n, 'ms', string.format('%d', ms))
if ARGV[2] == 'events' then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[3])
else
  redis.call('XTRIM', KEYS[1], 'MINID', string.format('%d', ms - tonumber(ARGV[3])))
end
return ids
"""
"""KEYS: the stream and its counters; ARGV: this relay's clock (ms), the retention's kind and amount, then for
each event its replay key and its content key (empty: none), when they expire (epoch seconds) and its body.
An event whose replay key is set is a replay: not appended, '' in the answer; one whose content key is set is
a retry of an event already in the stream (Sinch signs a retry again; the first attempt's answer was lost):
not appended again, '=' in the answer. Trimmed exactly (not `~`): a few entries per batch, and
`--retention 1000` keeps 1,000."""
APPENDED, REPLAY, RETRY, PENDING = "appended", "replay", "retry", "pending"
"""What `publish()` says: in the stream; refused, the replay key was set; already in the stream (answer it, do
not append it twice); Redis did not say within APPEND_WAIT."""


def parse_id(stream_id: str) -> tuple[int, int]:
    ms, _, number = stream_id.partition("-")
    return int(ms), int(number or 0)


def is_stream_id(text: str) -> bool:
    return STREAM_ID.fullmatch(text) is not None


class StreamUnavailable(RuntimeError):
    """A resume cannot be served now (Redis unreachable, or the stream not read yet): the client tries again."""


class EventStream:
    """This relay's side of the shared stream: the appending writer, the reading task, resumes, health."""

    def __init__(self, url: str, *, key_prefix: str, hub: Hub, retention: str, buffer_limit: int,
                 clock: Clock = time.time) -> None:
        self._commands: aioredis.Redis = aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=COMMAND_TIMEOUT, socket_connect_timeout=COMMAND_TIMEOUT)
        self._reads: aioredis.Redis = aioredis.Redis.from_url(
            url, decode_responses=True, socket_timeout=READ_BLOCK_MS / 1000 + COMMAND_TIMEOUT,
            socket_connect_timeout=COMMAND_TIMEOUT)
        self.key = f"{key_prefix}:events"
        self._meta = f"{key_prefix}:events:counters"
        self._append_script = self._commands.register_script(APPEND)
        self._retention = retention_of(retention)
        self._hub = hub
        self._clock = clock
        self._limit = buffer_limit
        self._replay_prefix = f"{key_prefix}:seen:"
        self._pending: deque[tuple[int, str, list[str], int, asyncio.Future[str]]] = deque()
        self._numbered = 0
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self.writable = True
        """The last append reached Redis (False: events are buffered here)."""
        self.readable = True
        """The last read from Redis worked."""
        self.appended = 0
        self.lost = 0
        """Events dropped from the buffer while Redis was unreachable (the oldest first)."""

    @property
    def buffered(self) -> int:
        return len(self._pending)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._write_forever(), name="relay-stream-writer"),
                       asyncio.create_task(self._read_forever(), name="relay-stream-reader")]

    async def stop(self) -> None:
        """Append what is still buffered (a few seconds at most, and only while Redis answers), then stop."""
        deadline = asyncio.get_running_loop().time() + STOP_GRACE
        while self._pending and self.writable and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.02)
        for task in self._tasks:
            task.cancel()
        if self._tasks:  # bounded: a cancellation lost inside a client's timeout must not hang the shutdown
            await asyncio.wait(self._tasks, timeout=STOP_GRACE)
        if self._pending:
            log.warning("stopping with %d events not appended to Redis", len(self._pending))
        for client in (self._commands, self._reads):
            with contextlib.suppress(RedisError, OSError):
                await client.aclose()

    # ---- appending ------------------------------------------------------------------------------------------

    async def publish(self, body: str, replay_key: str = "", content_key: str = "", expires_at: float = 0.0) -> str:
        """Buffer one event for the stream and say what became of it: APPENDED, REPLAY (its `replay_key` was
        already set: not appended), RETRY (its `content_key` was: the same event is in the stream) or PENDING
        (Redis did not answer within APPEND_WAIT, or is known to be down: it stays buffered, and the caller's
        own replay memory decides). No keys, or a window already closed: no checks."""
        live = expires_at > self._clock()
        keys = [self._replay_prefix + key if key and live else "" for key in (replay_key, content_key)]
        outcome = self._buffer(body, keys, math.ceil(expires_at))
        if not self.writable:
            return PENDING
        try:
            return await asyncio.wait_for(asyncio.shield(outcome), APPEND_WAIT)
        except TimeoutError:
            return PENDING

    def _buffer(self, body: str, keys: list[str], expires_at: int) -> asyncio.Future[str]:
        done: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        if len(self._pending) >= self._limit:
            oldest = self._pending.popleft()[-1]
            self.lost += 1
            if not oldest.done():
                oldest.set_result(PENDING)
            if self.lost == 1 or self.lost % 1000 == 0:
                log.error("Redis is unreachable and %d events are buffered (--redis-buffer): %d lost so far",
                          self._limit, self.lost)
        self._numbered += 1
        self._pending.append((self._numbered, body, keys, expires_at, done))
        self._wake.set()
        return done

    async def _write_forever(self) -> None:
        pause = RETRY_FIRST
        kind, amount = self._retention
        while True:
            if not self._pending:
                self._wake.clear()
                await self._wake.wait()
                continue
            batch = [self._pending[i] for i in range(min(BATCH, len(self._pending)))]
            args: list[str | int] = [int(self._clock() * 1000), kind, amount]
            for _, body, keys, expires_at, _ in batch:
                args += [*keys, expires_at, body]
            try:
                ids = await self._append_script(keys=[self.key, self._meta], args=args)
            except (RedisError, OSError) as error:
                _stop_if_cancelled()
                if self.writable:
                    log.warning("cannot append to Redis (%s): answering callbacks and buffering their events",
                                error)
                self.writable = False
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_LONGEST)
                continue
            if not self.writable:
                log.warning("Redis answers again: appending the %d buffered events", len(self._pending))
            self.writable, pause = True, RETRY_FIRST
            outcomes = {number: {"": REPLAY, "=": RETRY}.get(stream_id, APPENDED)
                        for (number, *_), stream_id in zip(batch, ids, strict=False)}
            last = batch[-1][0]
            while self._pending and self._pending[0][0] <= last:  # the buffer may have lost some meanwhile
                number, *_, done = self._pending.popleft()
                if not done.done():
                    done.set_result(outcomes.get(number, APPENDED))
            self.appended += sum(1 for stream_id in ids if stream_id not in ("", "="))

    # ---- reading --------------------------------------------------------------------------------------------

    async def _read_forever(self) -> None:
        pause = RETRY_FIRST
        hub = self._hub
        while True:
            try:
                if hub.last_id is None:  # start from the stream's end: what came before is for resumes
                    newest = _entries(await self._reads.xrevrange(self.key, count=1))
                    hub.last_id = newest[0][0] if newest else "0-0"
                start: str = hub.last_id
                answer = await self._reads.xread({self.key: start}, count=BATCH, block=READ_BLOCK_MS)
            except (RedisError, OSError) as error:
                _stop_if_cancelled()
                if self.readable:
                    log.warning("cannot read the event stream from Redis (%s): retrying", error)
                self.readable = False
                await asyncio.sleep(pause)
                pause = min(pause * 2, RETRY_LONGEST)
                continue
            if not self.readable:
                log.warning("reading the event stream from Redis again, from %s", hub.last_id)
            self.readable, pause = True, RETRY_FIRST
            for entries in _streams(answer):
                for stream_id, body in entries:
                    number, read = parse_id(stream_id)[1], hub.last_id or "0-0"
                    skipped = number - parse_id(read)[1] - 1
                    if skipped > 0 and read != "0-0":  # trimmed (--retention) before this relay read them
                        log.warning("%d events left the stream before this relay read them (--retention)", skipped)
                        hub.publish(lost_notice(skipped, read))
                    hub.publish(stream_message(stream_id, number, body), stream_id)
            await asyncio.sleep(READ_PAUSE)

    async def catch_up(self, since: str, send: Callable[[list[str]], Awaitable[None]]) -> None:
        """Send the messages after `since` up to the last one this relay fanned out (a `dropped` notice first
        when some had left the stream). Returns without awaiting after its last check: add the subscriber to the
        hub at once. StreamUnavailable when Redis cannot say."""
        cursor, first = since, True
        while True:
            target = self._hub.last_id
            if target is None:
                raise StreamUnavailable("the event stream has not been read yet")
            if parse_id(cursor) >= parse_id(target):
                return
            try:
                entries = _entries(await self._commands.xrange(self.key, min="(" + cursor, max=target, count=BATCH))
            except (RedisError, OSError) as error:
                raise StreamUnavailable(str(error)) from error
            if first:
                first = False
                after = parse_id(entries[0][0])[1] if entries else parse_id(target)[1] + 1
                lost = after - parse_id(since)[1] - 1
                if lost > 0:
                    await send([lost_notice(lost, since)])
            if not entries:
                cursor = target
                continue
            await send([stream_message(stream_id, parse_id(stream_id)[1], body) for stream_id, body in entries])
            cursor = entries[-1][0]

    # ---- health ---------------------------------------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        """Reachability, how far this relay's fan-out is behind the stream, what waits to be appended."""
        figures: dict[str, Any] = {"reachable": False, "lag": None, "length": None, "last_id": self._hub.last_id,
                                   "buffered": self.buffered, "lost": self.lost, "appended": self.appended}
        try:
            info = await asyncio.wait_for(self._commands.xinfo_stream(self.key), HEALTH_TIMEOUT)
        except RedisError as error:
            figures["reachable"] = "no such key" in str(error).lower()  # an empty stream: Redis answered
            figures["lag"] = 0 if figures["reachable"] else None
            return figures
        except (OSError, TimeoutError):
            return figures
        newest = str(info.get("last-generated-id") or "0-0")
        read = self._hub.last_id or "0-0"
        figures.update(reachable=True, length=info.get("length"),
                       lag=max(0, parse_id(newest)[1] - parse_id(read)[1]) if newest != read else 0)
        return figures


def _stop_if_cancelled() -> None:
    """Python 3.11's asyncio.timeout (in redis-py's socket timeout) may turn a cancel that meets the timeout into
    a TimeoutError: a loop retrying on errors must still end when its task is being cancelled."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


def _entries(raw: Any) -> list[tuple[str, str]]:
    """Stream entries as (id, the event's body): the only field relays write is `m`."""
    return [(str(stream_id), str((fields or {}).get("m", "{}"))) for stream_id, fields in raw or []]


def _streams(answer: Any) -> list[list[tuple[str, str]]]:
    """XREAD's answer as each stream's entries, whichever protocol version redis-py spoke."""
    if not answer:
        return []
    if isinstance(answer, dict):
        return [_entries(value[0] if value and isinstance(value[0], list) else value) for value in answer.values()]
    return [_entries(entries) for _, entries in answer]
