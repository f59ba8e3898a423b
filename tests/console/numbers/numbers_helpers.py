"""Helpers of the Numbers-mode tests: the real app on the frozen in-process sandbox, a NumbersScreen pushed over
the Conferences mode (so the tests do not depend on app.py's wiring), and looks behind the console's back."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # console_helpers lives one folder up
from waiting import eventually

from console.app import SinchConsole
from console.audit import read_entries
from console.backend import FROZEN_AT, Backend, connect_in_process
from console.config import resolve_settings
from console.screens.conferences import ConferencesScreen
from console.screens.numbers import NumbersScreen

SIZE = (120, 36)
ASSIGNED = ("+442071838750", "+46850512345")
UNASSIGNED_VOICE = ("+14155550132", "+4930901820")
SMS = "+33142685300"


async def no_sleep(seconds: float) -> None:
    return None


class NumbersHarness:
    """One app on one in-process sandbox (seeded ids, virtual clock frozen at FROZEN_AT)."""

    def __init__(self, folder: Path, *, read_only: bool = False, seed: int = 7) -> None:
        self.folder = folder
        self.backend: Backend = connect_in_process(seed=seed)
        client = self.backend.client
        # faults are injected per test: retries must not wait on the wall clock
        client.retry_policy = dataclasses.replace(client.retry_policy, sleep=no_sleep)
        resolved = resolve_settings(folder / "config.toml", sandbox=True, read_only=read_only, env={})
        self.app = SinchConsole(lambda _: self.backend, resolved, folder=folder, clock=lambda: FROZEN_AT)
        self.screen: NumbersScreen | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        return self.backend.client._http

    @property
    def app_key(self) -> str:
        return self.backend.client.application_key

    async def state(self) -> dict[str, Any]:
        return (await self.http.get("/_sandbox/state")).json()

    async def numbers(self) -> dict[str, str | None]:
        """E.164 -> application key (None when unassigned), as the sandbox holds them."""
        return {n["number"]: n.get("applicationkey") for n in (await self.state())["numbers"]}

    async def callbacks(self) -> dict[str, str]:
        return (await self.state())["callbacks"].get(self.app_key, {}).get("url", {})

    async def fault(self, **spec: Any) -> None:
        response = await self.http.post("/_sandbox/faults", json=spec)
        assert response.status_code in (200, 201), response.text

    async def clear_faults(self) -> None:
        await self.http.delete("/_sandbox/faults")

    def audit(self) -> list[Any]:
        return read_entries(self.folder / "audit.jsonl")

    async def push(self, pilot: Pilot[None]) -> NumbersScreen:
        """Wait for the app to connect and push the Numbers screen (its first load has only begun)."""
        await eventually(lambda: isinstance(self.app.screen, ConferencesScreen) and self.app.session is not None, pilot)
        assert self.app.session is not None
        screen = NumbersScreen(self.app.session)
        await self.app.push_screen(screen)
        self.screen = screen
        return screen

    async def open(self, pilot: Pilot[None]) -> NumbersScreen:
        """Push the Numbers screen and wait for its first load."""
        screen = await self.push(pilot)
        await eventually(lambda: loaded(screen), pilot)
        return screen


def loaded(screen: NumbersScreen) -> bool:
    return not screen.fetching and screen.items is not None and screen.callbacks is not None and (
        screen.query_one("#numbers", DataTable).row_count == len(screen.rows))


def status(screen: NumbersScreen) -> str:
    return str(screen.query_one("#status").render())


def cell(screen: NumbersScreen, number: str, column: str) -> str:
    return str(screen.query_one("#numbers", DataTable).get_cell(number, column))


async def select_number(pilot: Pilot[None], screen: NumbersScreen, number: str) -> None:
    table = screen.query_one("#numbers", DataTable)
    keys = [row.key.value for row in table.ordered_rows]
    table.move_cursor(row=keys.index(number), animate=False)
    table.focus()
    await pilot.pause()


def still_cursor(screen: Any) -> None:
    """Inputs blink on a wall-clock timer: stop it so a snapshot never races it (the cursor stays shown)."""
    for field in screen.query(Input):
        field.cursor_blink = False


__all__ = ["ASSIGNED", "FROZEN_AT", "SIZE", "SMS", "UNASSIGNED_VOICE", "NumbersHarness", "cell", "loaded",
           "no_sleep", "select_number", "status", "still_cursor"]
