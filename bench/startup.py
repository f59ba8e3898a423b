"""Start-up: `sinch-console --sandbox` to its first frame (the Header drawn) and to the first rendered roster,
against a bare Textual hello-world.

Each is a fresh Python process (imports included) run headless; the parent times from spawn to the child's
READY line. Rounds alternate them so machine noise hits all alike. Goals (issue 14): first frame / hello-world
<= 1.5, roster / hello-world <= 3.
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

FIRST_FRAME = """
import asyncio
from console.__main__ import build_app

async def main():
    from textual.widgets import Header
    app = build_app(["--sandbox"])
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.screen.query(Header):
            await pilot.pause()
        await pilot.pause()
        print("READY", flush=True)

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
    hello, frame, console = [], [], []
    for _ in range(ROUNDS):
        hello.append(time_child(HELLO))
        frame.append(time_child(FIRST_FRAME))
        console.append(time_child(CONSOLE))
    h, f, c = statistics.median(hello), statistics.median(frame), statistics.median(console)
    print(f"start-up, median of {ROUNDS} (fresh processes, headless, one run)")
    print(f"  Textual hello-world                 {h * 1000:7.0f} ms")
    print(f"  sinch-console --sandbox first frame {f * 1000:7.0f} ms")
    print(f"  sinch-console --sandbox roster      {c * 1000:7.0f} ms")
    for what, ratio, goal in (("first frame", f / h, 1.5), ("roster", c / h, 3.0)):
        verdict = "met" if ratio <= goal else "NOT met"
        print(f"ratio {what:<11} / hello-world {ratio:6.2f}  (goal <= {goal:g}) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
