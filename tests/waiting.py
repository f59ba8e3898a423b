"""The one way a test waits: until a condition holds, bounded by a generous deadline.

A test waits on what it expects (a row shown, a file written, a callback received), never for a fixed
pause and never for a count of pauses: a loaded machine then only makes the test slower, not red. The
deadline bounds a failure only, so it is generous (a passing test never waits it out); nothing asserts
how long the wait took. For durations a test cares about, inject a clock instead.

- `eventually(condition)`: in async tests; `condition` may return an awaitable. `eventually(condition, pilot)`
  lets a Textual app process its messages between looks.
- `eventually_sync(condition)`: in plain tests that wait on another thread or process.
Both return the condition's first truthy value.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only for the annotation: api and relay tests need not import Textual
    from textual.pilot import Pilot

DEADLINE = 30.0  # seconds: generous, because a loaded 2-core machine runs a test several times slower


async def eventually(condition: Callable[[], Any], pilot: Pilot[Any] | None = None, *, seconds: float = DEADLINE,
                     step: float = 0.01, what: str = "condition") -> Any:
    """Await `condition()` (sync or async) until it is truthy; fail after `seconds` with `what` named.

    With a `pilot`, the app first gets to process what the test just did (a key, a message) until it is idle,
    so a condition such as "not fetching" is not read before the fetch has even started."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    if pilot is not None:
        await pilot.pause()
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"{what} never held within {seconds:g} s")
        if pilot is not None:
            await pilot.pause(step)
        else:
            await asyncio.sleep(step)


def eventually_sync(condition: Callable[[], Any], *, seconds: float = DEADLINE, step: float = 0.05,
                    what: str = "condition") -> Any:
    """Call `condition()` until it is truthy, sleeping `step` between looks; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} never held within {seconds:g} s")
        time.sleep(step)
