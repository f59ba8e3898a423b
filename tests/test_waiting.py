"""The one wait helper: returns the first truthy value, awaits async conditions, fails naming what it waited
for, and lets a Textual app run between looks."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual.app import App
from waiting import eventually, eventually_sync


async def test_returns_the_first_truthy_value_once_another_task_makes_it_so() -> None:
    box: list[str] = []
    asyncio.get_running_loop().call_soon(box.append, "done")
    assert await eventually(lambda: box and box[0]) == "done"


async def test_an_async_condition_is_awaited() -> None:
    looks = [0]

    async def third_look() -> bool:
        looks[0] += 1
        return looks[0] == 3

    assert await eventually(third_look) is True and looks == [3]


async def test_a_condition_that_never_holds_fails_naming_it() -> None:
    with pytest.raises(AssertionError, match=r"the roster never held within 0\.05 s"):
        await eventually(lambda: False, seconds=0.05, what="the roster")


async def test_with_a_pilot_the_app_processes_the_key_before_the_first_look() -> None:
    class Counter(App[None]):
        presses = 0

        def on_key(self) -> None:
            self.presses += 1

    app = Counter()
    async with app.run_test() as pilot:
        await pilot.press("a")
        assert await eventually(lambda: app.presses, pilot) == 1


def test_eventually_sync_waits_on_another_thread() -> None:
    event = threading.Event()
    threading.Timer(0.05, event.set).start()
    assert eventually_sync(event.is_set, step=0.01) is True
    with pytest.raises(AssertionError, match="never held"):
        eventually_sync(lambda: None, seconds=0.05, step=0.01)
