"""A Scheduler whose clock moves only when the test says so (console/scheduling.py is the real one).

    scheduler = FakeScheduler()
    service = RoomsService(..., scheduler=scheduler, clock=scheduler.now)
    await scheduler.advance(1.0)   # runs what was due within that second, in order, and waits for its tasks
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class _Handle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class FakeScheduler:
    def __init__(self, start: datetime = START) -> None:
        self.elapsed = 0.0
        self.start = start
        self._queue: list[tuple[float, int, _Handle, Callable[[], object]]] = []
        self._order = itertools.count()
        self.tasks: set[asyncio.Task[object]] = set()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    def call_later(self, delay: float, callback: Callable[[], object]) -> _Handle:
        handle = _Handle()
        heapq.heappush(self._queue, (self.elapsed + max(0.0, delay), next(self._order), handle, callback))
        return handle

    def spawn(self, work: Coroutine[Any, Any, object], *, name: str = "") -> asyncio.Task[object]:
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    @property
    def pending(self) -> list[float]:
        """When the callbacks still waiting will run (seconds from the start), soonest first."""
        return sorted(at for at, _, handle, _ in self._queue if not handle.cancelled)

    async def settle(self) -> None:
        """Let every spawned task finish (and those they spawn)."""
        for _ in range(1000):
            await asyncio.sleep(0)
            if not self.tasks:
                return
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        raise AssertionError("tasks keep spawning tasks")

    async def drain(self) -> None:
        await self.settle()

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    async def advance(self, seconds: float = 0.0, *, settle: bool = True) -> None:
        """Move the clock by `seconds`, running each callback due on the way at its own time and then letting
        the tasks it spawned finish. `settle=False` when a test holds a request in flight on purpose (settling
        would wait for it forever)."""
        until = self.elapsed + seconds
        if settle:
            await self.settle()
        while self._queue and self._queue[0][0] <= until + 1e-9:
            at, _, handle, callback = heapq.heappop(self._queue)
            if handle.cancelled:
                continue
            self.elapsed = max(self.elapsed, at)
            callback()
            if settle:
                await self.settle()
        self.elapsed = until
