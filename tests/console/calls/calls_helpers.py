"""Helpers of the Calls-mode tests: the in-process sandbox, a client that never sleeps, a frozen app."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot

import sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # console_helpers lives one folder up
from waiting import eventually

from api import SinchVoiceClient
from api.retry import RetryPolicy
from console.app import SinchConsole
from console.backend import FROZEN_AT, Backend, connect_in_process
from console.calls import CallTracker
from console.config import resolve_settings
from console.screens.conferences import ConferencesScreen

START = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
SIZE = (120, 36)


async def no_sleep(seconds: float) -> None:
    return None


def sandbox_client(http: httpx.AsyncClient) -> SinchVoiceClient:
    return SinchVoiceClient(sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET,
                            base_url=str(http.base_url), http_client=http, max_retries=0,
                            retry_policy=RetryPolicy(sleep=no_sleep))


async def advance(http: httpx.AsyncClient, seconds: float) -> None:
    response = await http.post("/_sandbox/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.text


async def state(http: httpx.AsyncClient) -> dict[str, Any]:
    return (await http.get("/_sandbox/state")).json()


class CallsHarness:
    """The real app on a frozen in-process sandbox; `open_calls` pushes a CallsScreen over the Conferences mode."""

    def __init__(self, folder: Path, *, read_only: bool = False, seed: int = 7) -> None:
        self.folder = folder
        self.backend: Backend = connect_in_process(seed=seed)
        resolved = resolve_settings(folder / "config.toml", sandbox=True, read_only=read_only, env={})
        self.app = SinchConsole(lambda _: self.backend, resolved, folder=folder, clock=lambda: FROZEN_AT)
        self.tracker: CallTracker | None = None

    @property
    def http(self) -> httpx.AsyncClient:
        return self.backend.client._http

    async def connected(self, pilot: Pilot[None]) -> None:
        await eventually(lambda: isinstance(self.app.screen, ConferencesScreen) and self.app.session is not None, pilot)

    def make_tracker(self) -> CallTracker:
        self.tracker = CallTracker(self.backend.client, self.folder / "calls", lambda: FROZEN_AT)
        return self.tracker


