"""When a headless service does something later: one small seam, so tests move time by hand.

Services (the rooms watcher, the calls poller) never import Textual and never own a Textual timer: they ask a
`Scheduler` to call them back after a delay and to run their requests as tasks. `LoopScheduler` is asyncio's
running loop (the console's, the CLI's or a notebook's); tests use `tests/fake_scheduler.py`, whose clock only
moves when the test says so, so a backoff of 30 s is checked in no time and without a wall-clock assert.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Scheduled(Protocol):
    """A callback waiting to run; `cancel` drops it (harmless once it ran)."""

    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def monotonic(self) -> float:
        """Seconds on the scheduler's own clock (only differences mean something)."""
        ...

    def call_later(self, delay: float, callback: Callable[[], object]) -> Scheduled:
        """Run `callback` on the loop after `delay` seconds (0 = as soon as the loop is free)."""
        ...

    def spawn(self, work: Coroutine[Any, Any, object], *, name: str = "") -> asyncio.Task[object]:
        """Run `work` as a task; an exception it lets out is logged, never raised into the loop's handler."""
        ...

    async def drain(self) -> None:
        """Wait until every task spawned so far has ended (a service closing lets its requests finish)."""
        ...

    def cancel_all(self) -> None:
        """Cancel every task still running (what `drain` did not see end in time)."""
        ...


class LoopScheduler:
    """The running asyncio loop. Tasks are kept until they end (asyncio holds only weak references)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def monotonic(self) -> float:
        return asyncio.get_running_loop().time()

    def call_later(self, delay: float, callback: Callable[[], object]) -> Scheduled:
        return asyncio.get_running_loop().call_later(max(0.0, delay), callback)

    def spawn(self, work: Coroutine[Any, Any, object], *, name: str = "") -> asyncio.Task[object]:
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(work, name=name or None)
        self._tasks.add(task)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def cancel_all(self) -> None:
        """Stop every task still running (a service closing)."""
        for task in list(self._tasks):
            task.cancel()
