"""Start-up: `sinch-console --sandbox` to the first rendered roster, against a bare Textual hello-world.

Each is a fresh Python process (imports included) run headless; the parent times from spawn to the child's
READY line. Rounds alternate the two so machine noise hits both alike. Goal: console / hello-world <= 1.3.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

ROUNDS = 7

HELLO = """
from textual.app import App
from textual.widgets import Static

class Hello(App):
    def compose(self):
        yield Static("hello")

async def main():
    app = Hello()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        print("READY", flush=True)

import asyncio
asyncio.run(main())
"""

CONSOLE = """
import asyncio
from console.__main__ import build_app
from console.screenshots import wait_for_roster

async def main():
    app = build_app(["--sandbox"])
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_roster(app, pilot, tries=10_000)
        print("READY", flush=True)

asyncio.run(main())
"""


def time_child(code: str) -> float:
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("READY"):
            elapsed = time.perf_counter() - started
            break
    else:
        raise RuntimeError("child never became ready")
    child.wait(timeout=30)
    return elapsed


def main() -> int:
    time_child(HELLO)  # warm the file cache for both
    time_child(CONSOLE)
    hello, console = [], []
    for _ in range(ROUNDS):
        hello.append(time_child(HELLO))
        console.append(time_child(CONSOLE))
    h, c = statistics.median(hello), statistics.median(console)
    print(f"start-up to first frame, median of {ROUNDS} (fresh processes, headless)")
    print(f"  Textual hello-world            {h * 1000:7.0f} ms")
    print(f"  sinch-console --sandbox roster {c * 1000:7.0f} ms")
    verdict = "ok" if c / h <= 1.3 else "ABOVE GOAL"
    print(f"ratio console / hello-world      {c / h:7.2f}  (goal <= 1.3) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
