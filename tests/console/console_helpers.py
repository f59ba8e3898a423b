"""Drive the console on the in-process sandbox (frozen clock, seeded ids) and read the sandbox's state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from waiting import eventually

from console.app import SinchConsole
from console.backend import FROZEN_AT, Backend, connect_in_process
from console.config import resolve_settings
from console.screens.conferences import ConferencesScreen
from console.screenshots import SIZE
from widgets import Roster

__all__ = ["SIZE", "Harness", "wait_for_roster"]


class Harness:
    """One app on one in-process sandbox, with helpers to look behind the console's back."""

    def __init__(self, folder: Path, *, config: str = "", read_only: bool = False, seed: int = 11,
                 backend: Backend | None = None) -> None:
        config_path = folder / "config.toml"
        if config:
            config_path.write_text(config)
        self.folder = folder
        self.backend = backend or connect_in_process(seed=seed)
        resolved = resolve_settings(config_path, sandbox=True, read_only=read_only, env={})
        self.app = SinchConsole(lambda _: self.backend, resolved, folder=folder, clock=lambda: FROZEN_AT)

    @property
    def http(self) -> httpx.AsyncClient:
        return self.backend.client._http

    async def state(self) -> dict[str, Any]:
        return (await self.http.get("/_sandbox/state")).json()

    async def participants(self, room: str) -> dict[str, dict[str, Any]]:
        return {p["id"]: p for p in (await self.state())["conferences"].get(room, [])}

    @property
    def screen(self) -> ConferencesScreen:
        screen = self.app.screen
        assert isinstance(screen, ConferencesScreen), screen
        return screen

    @property
    def roster(self) -> Roster:
        return self.screen.query_one(Roster)

    def status(self) -> str:
        return str(self.screen.query_one("#status").render())


async def wait_for_roster(app: SinchConsole, pilot: Pilot[None]) -> ConferencesScreen:
    """Let the app connect and show the first room's participants (a deadline in seconds, not a count of
    pauses as console.screenshots has: a loaded machine needs more pauses, not more patience)."""

    def shown() -> ConferencesScreen | None:
        screen = app.screen
        if not isinstance(screen, ConferencesScreen):
            return None
        rosters = screen.query(Roster)  # none yet while the screen is still composing
        return screen if rosters and rosters.first().row_count else None

    return await eventually(shown, pilot, what="the first room's roster")
