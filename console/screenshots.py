"""`make screenshots`: render the console's screens to SVG on a frozen in-process sandbox."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from console.app import SinchConsole
from console.backend import FROZEN_AT, connect_in_process
from console.screens.conference import ConferenceScreen
from widgets import Roster

SIZE = (120, 36)


def frozen_app() -> SinchConsole:
    """The app on a deterministic sandbox: seeded ids, virtual clock frozen, no polling after the first."""
    return SinchConsole(connect_in_process, poll_interval=3600, clock=lambda: FROZEN_AT)


async def wait_for_roster(app: SinchConsole, pilot: object, tries: int = 200) -> None:
    """Let the app connect and finish its first poll."""
    for _ in range(tries):
        await pilot.pause()  # type: ignore[attr-defined]
        screen = app.screen
        if isinstance(screen, ConferenceScreen) and screen.query_one(Roster).row_count:
            return
    raise RuntimeError("the roster never filled")


async def render(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    app = frozen_app()
    written = []
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_roster(app, pilot)
        written.append(Path(app.save_screenshot("conference-roster.svg", str(folder))))
    return written


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "screenshots")
    for path in asyncio.run(render(folder)):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
