"""`make screenshots`: render the console's screens to SVG on a frozen in-process sandbox.

Also the source of the deterministic app the snapshot tests use, so screenshots and snapshots agree.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from console.app import SinchConsole
from console.backend import FROZEN_AT, connect_in_process
from console.config import resolve_settings
from console.screens.conferences import ConferencesScreen
from widgets import Roster

SIZE = (120, 36)


def frozen_app(folder: Path, *, seed: int = 7, read_only: bool = False) -> SinchConsole:
    """The app on a deterministic sandbox (seeded ids, virtual clock frozen), keeping its files in `folder`."""
    resolved = resolve_settings(folder / "config.toml", sandbox=True, read_only=read_only, env={})
    return SinchConsole(lambda: connect_in_process(seed=seed), resolved, folder=folder, clock=lambda: FROZEN_AT)


async def wait_for_roster(app: SinchConsole, pilot: Pilot[None], tries: int = 400) -> ConferencesScreen:
    """Let the app connect and show the first room's participants."""
    for _ in range(tries):
        await pilot.pause()
        screen = app.screen
        if isinstance(screen, ConferencesScreen) and screen.query_one(Roster).row_count:
            return screen
    raise RuntimeError("the roster never filled")


Scene = Callable[[SinchConsole, Pilot[None]], Awaitable[None]]


async def _roster(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("down", "down")


async def _help(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")


async def _kick(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("down", "k")


async def _log(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("m")
    for _ in range(20):
        await pilot.pause()
    await pilot.press("7")


async def _callouts(app: SinchConsole, pilot: Pilot[None]) -> None:
    await pilot.press("2")
    for _ in range(10):
        await pilot.pause()
    app.screen.query_one("#tts-destination").value = "+46708168731"
    app.screen.query_one("#tts-text").text = "The quarterly review moves to 3 pm. Same room, same bridge."
    for _ in range(40):  # the cost preview answers after its debounce
        await pilot.pause(0.05)


async def _calls(app: SinchConsole, pilot: Pilot[None]) -> None:
    await _callouts(app, pilot)
    await pilot.press("ctrl+s")
    for _ in range(10):
        await pilot.pause()
    await pilot.press("y")
    for _ in range(20):
        await pilot.pause(0.05)
    await pilot.press("escape", "3")
    for _ in range(40):
        await pilot.pause(0.05)


async def _recordings(app: SinchConsole, pilot: Pilot[None]) -> None:
    assert app.session is not None
    # the folder line shows where files go: a typical folder, not this run's temporary one
    app.session.download_dir = Path.home() / "Downloads" / "sinch-recordings" / "sandbox"
    await pilot.press("4")
    for _ in range(40):  # the first page arrives
        await pilot.pause(0.05)
        if app.screen.query("#recordings") and app.screen.query_one("#recordings", DataTable).row_count:
            break
    await pilot.press("space", "down", "space", "down", "down")  # two marked, the cursor on a third


async def _numbers(app: SinchConsole, pilot: Pilot[None]) -> None:
    assert app.session is not None
    await app.session.backend.client.callbacks.update(primary="https://hooks.example.com/sinch/events",
                                                      fallback="https://backup.example.com/sinch/events")
    await pilot.press("5")
    for _ in range(400):
        await pilot.pause()
        if getattr(app.screen, "items", None) is not None and not getattr(app.screen, "fetching", True):
            break
    await pilot.press("down", "down", "l", *"0046 70-123 66 66", "enter")  # a restricted demo number
    for _ in range(400):
        await pilot.pause()
        if getattr(app.screen, "lookup", None) is not None:
            break
    for field in app.screen.query(Input):
        field.cursor_blink = False


SCENES: dict[str, Scene] = {
    "conferences": _roster,
    "help": _help,
    "kick-confirmation": _kick,
    "log": _log,
    "callouts": _callouts,
    "calls": _calls,
    "recordings": _recordings,
    "numbers": _numbers,
}


async def render(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, scene in SCENES.items():
        with tempfile.TemporaryDirectory() as data:
            app = frozen_app(Path(data))
            async with app.run_test(size=SIZE) as pilot:
                await wait_for_roster(app, pilot)
                await scene(app, pilot)
                for _ in range(5):
                    await pilot.pause()
                written.append(Path(app.save_screenshot(f"{name}.svg", str(folder))))
    return written


def main(argv: list[str]) -> int:
    os.environ["TZ"] = "UTC"  # the frozen clock reads the same everywhere
    time.tzset()
    for path in asyncio.run(render(Path(argv[0] if argv else "screenshots"))):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
