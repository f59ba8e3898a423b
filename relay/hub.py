"""Fan-out of relayed events to websocket subscribers, never waiting on any of them.

Sinch gives a callback a few seconds to answer, and the answer must not depend on who is listening: so
`publish()` is synchronous, and O(1): it serialises the message, builds its websocket frame once
(relay.frames), appends both to the hub's window of the last `queue_size` events and returns; it never
awaits a socket. Each subscriber holds only a cursor into that window. One that reads slower than events arrive
falls behind the window, and then its OLDEST events are lost (the newest are the ones a live console needs);
the count is kept and handed to that subscriber as a `dropped` notice before its next event.

A subscriber served by sinch-relay has a `FrameSink` (relay.ws_protocol: its socket). Those are written in
rounds, at most one per FLUSH_DELAY: everything a subscriber has not had goes out in one write (the bytes
joined once for all subscribers at the same cursor), with no task of its own to wake. When its write buffer
passes the bound (the sink is `paused`) nothing more is written to it: it falls behind the window instead of
the backlog growing in buffers where no bound acts; once drained it gets the `dropped` notice and the newest
events; still paused after `slow_grace` seconds, it is disconnected (`cut_slow`). Without a sink (the app
under another server, tests), a writer task takes `next()` / `next_batch()` and sends through ASGI.

Memory is bounded by twice queue size x message size (the window, trimmed in steps) plus subscribers x the
write bound, whatever the subscribers do.

All methods run on the event loop thread that serves the relay; nothing here is thread-safe or needs to be.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from relay.frames import text_frame
from relay.messages import dropped_notice

log = logging.getLogger("relay.hub")
FLUSH_DELAY = 0.002
"""Seconds at least between two write rounds: events of those milliseconds share one write per subscriber (at
1,000 events/s, half the socket writes or fewer); an event after a quiet moment is written at once. Measured
(bench/relay_fanout.py, 1,000/s x 100): 2 ms and 5 ms cost the same CPU; 5 ms added 5 ms to a lone event."""
SLOW_GRACE = 30.0
"""Seconds a subscriber may stay over its write bound before it is disconnected."""
Entry = tuple[str, bytes]
"""A message and its websocket frame, shared by every subscriber's queue."""


class FrameSink(Protocol):
    """Where a subscriber's frames go (relay.ws_protocol.RawFrames)."""

    on_pause: Callable[[], object] | None
    on_resume: Callable[[], object] | None

    @property
    def open(self) -> bool: ...
    @property
    def paused(self) -> bool: ...
    def write(self, data: bytes) -> None: ...
    def abort(self) -> None: ...


class Subscriber:
    """One websocket's place in the hub: `flush()` to its sink, or `next()` for an ASGI writer task."""

    def __init__(self, hub: Hub, sink: FrameSink | None = None) -> None:
        self._hub = hub
        self.cursor = hub.end
        """The index of the next event this subscriber needs."""
        self._ready = asyncio.Event()
        self._pending_dropped = 0
        self.dropped = 0
        """Events this subscriber lost (counted once it is written to again, or by `lagging`)."""
        self.sink = sink
        self._cut_timer: asyncio.TimerHandle | None = None
        self._closed = False
        self.active = False
        """Added to the hub: receives what is published (before, a resume's replay may be written)."""
        self._drained = asyncio.Event()
        if sink is not None:
            sink.on_pause, sink.on_resume = self._paused, self._resumed

    @property
    def queued(self) -> int:
        """Events waiting for this subscriber (at most queue size; none once unsubscribed)."""
        if self._closed:
            return 0
        return self._hub.end - max(self.cursor, self._hub.start)

    @property
    def lagging(self) -> int:
        """Events lost but not yet counted: they left the window before this subscriber had them."""
        return max(0, self._hub.start - self.cursor)

    def flush(self, joined: dict[int, bytes] | None = None) -> None:
        """Write everything not yet written in one write, a `dropped` notice first; nothing while paused."""
        sink, hub = self.sink, self._hub
        if sink is None or not self.active or self.cursor >= hub.end or sink.paused or not sink.open:
            return  # (not open yet: kept until the handshake is done)
        self._count_losses()
        data = joined.get(self.cursor) if joined is not None else None
        if data is None:
            data = hub.frames_from(self.cursor)
            if joined is not None:
                joined[self.cursor] = data
        if self._pending_dropped:
            data = text_frame(self._take_notice().encode()) + data
        self.cursor = hub.end
        sink.write(data)

    async def send_now(self, data: bytes) -> None:
        """Write frames outside the hub's rounds (a resume's replay), first waiting while the socket is over its
        bound (the slow-subscriber cut applies meanwhile too)."""
        sink = self.sink
        assert sink is not None
        while sink.paused and sink.open:
            self._drained.clear()
            await self._drained.wait()
        sink.write(data)

    async def next(self) -> str:
        """The next message to send: a `dropped` notice first when events were lost since the last one."""
        while self.cursor >= self._hub.end:
            self._ready.clear()
            self._hub.wait_for_publish(self)
            await self._ready.wait()
        self._count_losses()
        if self._pending_dropped:
            return self._take_notice()
        message = self._hub.message_at(self.cursor)
        self.cursor += 1
        return message

    async def next_batch(self) -> list[str]:
        """Everything waiting (at least one message), a `dropped` notice first when events were lost."""
        batch = [await self.next()]
        while self.cursor < self._hub.end:
            batch.append(self._hub.message_at(self.cursor))
            self.cursor += 1
        return batch

    def wake(self) -> None:
        self._ready.set()

    def close(self) -> None:
        self._count_losses()
        self._closed = True
        if self._cut_timer is not None:
            self._cut_timer.cancel()
            self._cut_timer = None
        if self.sink is not None:
            self.sink.on_pause = self.sink.on_resume = None

    def _count_losses(self) -> None:
        lost = self.lagging
        if lost:
            self.cursor += lost
            self.dropped += lost
            self._pending_dropped += lost

    def _take_notice(self) -> str:
        count, self._pending_dropped = self._pending_dropped, 0
        return dropped_notice(count)

    def _paused(self) -> None:
        if self._cut_timer is None:
            self._cut_timer = asyncio.get_running_loop().call_later(self._hub.slow_grace, self._cut_if_still_behind)

    def _resumed(self) -> None:
        if self._cut_timer is not None:
            self._cut_timer.cancel()
            self._cut_timer = None
        self._drained.set()
        self.flush()

    def _cut_if_still_behind(self) -> None:
        self._cut_timer = None
        if self.sink is not None and self.sink.paused and self.sink.open:
            self._count_losses()
            log.warning("disconnected an events subscriber that stayed %gs behind (it lost %d events)",
                        self._hub.slow_grace, self.dropped)
            self._hub.cut_slow += 1
            self.sink.abort()


class Hub:
    """The relay's window of recent events, its subscribers and its counters (shown by `/health`)."""

    def __init__(self, queue_size: int = 1000, *, slow_grace: float = SLOW_GRACE,
                 flush_delay: float = FLUSH_DELAY) -> None:
        self.queue_size = queue_size
        self.slow_grace = slow_grace
        self.flush_delay = flush_delay
        self._entries: list[Entry] = []
        self._base = 0
        """The index of `_entries[0]`."""
        self._subscribers: set[Subscriber] = set()
        self._waiting: set[Subscriber] = set()
        self._flush_scheduled = False
        self._last_flush = float("-inf")
        self.relayed = 0
        """Events published since start."""
        self._dropped_by_gone = 0
        self.cut_slow = 0
        """Subscribers disconnected for staying over their write bound."""
        self.last_id: str | None = None
        """The stream id of the last event published (a shared stream only)."""
        self.joining = 0
        """Subscribers still catching up on what they missed before they are added (a shared stream only)."""

    @property
    def end(self) -> int:
        """The index the next published event will have."""
        return self._base + len(self._entries)

    @property
    def start(self) -> int:
        """The index of the oldest event still held (a subscriber before it has lost events)."""
        return max(self._base, self.end - self.queue_size)

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    @property
    def dropped(self) -> int:
        """Events lost by slow subscribers, summed over subscribers (those gone included)."""
        return self._dropped_by_gone + sum(sub.dropped + sub.lagging for sub in self._subscribers)

    @property
    def queued(self) -> int:
        """Messages waiting, summed over subscribers (bounded by subscribers x queue size)."""
        return sum(sub.queued for sub in self._subscribers)

    @property
    def next_seq(self) -> int:
        """The sequence number the next published event carries (read it, build the message, publish it)."""
        return self.relayed + 1

    def new_subscriber(self, sink: FrameSink | None = None) -> Subscriber:
        """A subscriber not yet receiving events (`add()` it)."""
        return Subscriber(self, sink)

    def subscribe(self, sink: FrameSink | None = None) -> Subscriber:
        subscriber = self.new_subscriber(sink)
        self.add(subscriber)
        return subscriber

    def add(self, subscriber: Subscriber) -> None:
        """From now on `subscriber` gets every event published."""
        subscriber.cursor = self.end
        subscriber.active = True
        self._subscribers.add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self._subscribers:
            self._subscribers.discard(subscriber)
            self._waiting.discard(subscriber)
            subscriber.close()
            self._dropped_by_gone += subscriber.dropped

    def publish(self, message: str, stream_id: str | None = None) -> None:
        """Take one serialised message for every subscriber; returns at once, whatever they are doing."""
        self.relayed += 1
        if stream_id is not None:
            self.last_id = stream_id
        self._entries.append((message, text_frame(message.encode())))
        if len(self._entries) >= 2 * self.queue_size:
            trim = len(self._entries) - self.queue_size
            del self._entries[:trim]
            self._base += trim
        for subscriber in self._waiting:
            subscriber.wake()
        self._waiting.clear()
        if not self._flush_scheduled and self._subscribers:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # published from outside the loop (a test): write now
                self.flush()
                return
            # at most one round per flush delay: an event after a quiet moment goes out at once
            loop.call_later(max(0.0, self._last_flush + self.flush_delay - loop.time()), self.flush)
            self._flush_scheduled = True

    def flush(self) -> None:
        """Write to every subscriber with a sink what it has not had."""
        self._flush_scheduled = False
        with contextlib.suppress(RuntimeError):
            self._last_flush = asyncio.get_running_loop().time()
        joined: dict[int, bytes] = {}
        for subscriber in self._subscribers:
            subscriber.flush(joined)

    def frames_from(self, index: int) -> bytes:
        """The frames of the events from `index` to the newest, joined."""
        return b"".join(frame for _, frame in self._entries[index - self._base:])

    def message_at(self, index: int) -> str:
        return self._entries[index - self._base][0]

    def wait_for_publish(self, subscriber: Subscriber) -> None:
        self._waiting.add(subscriber)
