"""Fan-out of relayed events to websocket subscribers, never waiting on any of them.

Sinch gives a callback a few seconds to answer, and the answer must not depend on who is listening: so
`publish()` is synchronous and O(subscribers). It appends the (already serialised) message to each
subscriber's bounded deque and wakes its sender; it never awaits a socket. A subscriber that reads slower than
events arrive fills its deque, and then the OLDEST queued events are dropped (the newest are the ones a live
console needs); the count is kept and handed to that subscriber as a `dropped` notice before its next event.
Memory is bounded by subscribers x queue size x message size, whatever the subscribers do.

All methods run on the event loop thread that serves the relay; nothing here is thread-safe or needs to be.
"""

from __future__ import annotations

import asyncio
from collections import deque

from relay.messages import dropped_notice


class Subscriber:
    """One websocket's queue: `offer()` from the hub, `next()` from the task that writes to the socket."""

    def __init__(self, limit: int) -> None:
        self._queue: deque[str] = deque(maxlen=limit)
        self._ready = asyncio.Event()
        self._pending_dropped = 0
        self.dropped = 0
        """Events this subscriber lost, in all."""

    @property
    def queued(self) -> int:
        return len(self._queue)

    def offer(self, message: str) -> bool:
        """Queue a message; True when the oldest queued one had to make room (the deque drops it)."""
        lost = len(self._queue) == self._queue.maxlen
        if lost:
            self._pending_dropped += 1
            self.dropped += 1
        self._queue.append(message)
        self._ready.set()
        return lost

    async def next(self) -> str:
        """The next message to send: a `dropped` notice first when events were lost since the last one."""
        while not self._queue:
            self._ready.clear()
            await self._ready.wait()
        if self._pending_dropped:
            count, self._pending_dropped = self._pending_dropped, 0
            return dropped_notice(count)
        return self._queue.popleft()


class Hub:
    """The relay's subscribers and its counters (shown by `/health`)."""

    def __init__(self, queue_size: int = 1000) -> None:
        self.queue_size = queue_size
        self._subscribers: set[Subscriber] = set()
        self.relayed = 0
        """Events published since start."""
        self.dropped = 0
        """Events lost by slow subscribers, summed over subscribers."""

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    @property
    def queued(self) -> int:
        """Messages waiting in all queues (bounded by subscribers x queue size)."""
        return sum(sub.queued for sub in self._subscribers)

    @property
    def next_seq(self) -> int:
        """The sequence number the next published event carries (read it, build the message, publish it)."""
        return self.relayed + 1

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber(self.queue_size)
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    def publish(self, message: str) -> None:
        """Hand one serialised message to every subscriber; returns at once, whatever they are doing."""
        self.relayed += 1
        for subscriber in self._subscribers:
            if subscriber.offer(message):
                self.dropped += 1
