"""Helpers of the Recordings-mode tests: the app on a frozen in-process demo sandbox (16 recordings over 30 days,
two expiring within the day), a transport that can hold downloads half-way, and looks behind the console's back.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
from textual.pilot import Pilot
from textual.widgets import DataTable

import sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # console_helpers lives one folder up
from waiting import eventually

from api import SinchVoiceClient
from api.download import CHUNK_SIZE
from api.retry import RetryPolicy
from console.app import SinchConsole
from console.backend import FROZEN_AT, Backend
from console.config import resolve_settings
from console.screens.conferences import ConferencesScreen
from console.screens.recordings import RecordingsScreen

SIZE = (120, 36)
RECORDING_PATH = "/calling/v1/recording/"
DEMO_COUNT = 16


async def no_sleep(seconds: float) -> None:
    return None


class HeldStream(httpx.AsyncByteStream):
    """A body that sends its first CHUNK_SIZE bytes, then waits for the transport's gate: a slow network
    on demand, so a download can be watched (and cancelled) half-way without racing a timer."""

    def __init__(self, body: bytes, transport: HoldingTransport) -> None:
        self.body, self.transport = body, transport

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.body[:CHUNK_SIZE]
        await self.transport.gate.wait()
        if len(self.body) > CHUNK_SIZE:
            yield self.body[CHUNK_SIZE:]

    async def aclose(self) -> None:
        self.transport.open -= 1


class HoldingTransport(httpx.AsyncBaseTransport):
    """Wraps the sandbox's ASGI transport. While `hold` is set, recording downloads stop after their first chunk
    until `release()`; `open`/`max_open` count the downloads whose response is not closed yet."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.hold = False
        self.gate = asyncio.Event()
        self.open = 0
        self.max_open = 0
        self.downloads = 0

    def release(self) -> None:
        self.gate.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        is_download = request.method == "GET" and request.url.path.startswith(RECORDING_PATH)
        if is_download:
            self.downloads += 1
        response = await self.inner.handle_async_request(request)
        if not (self.hold and is_download and response.status_code == 200):
            return response
        body = b"".join([part async for part in response.stream])  # type: ignore[union-attr]
        self.open += 1
        self.max_open = max(self.max_open, self.open)
        return httpx.Response(response.status_code, headers=response.headers, stream=HeldStream(body, self))

    async def aclose(self) -> None:
        await self.inner.aclose()


class RecordingsHarness:
    """The real app on a frozen in-process demo sandbox; `open` pushes a RecordingsScreen over Conferences."""

    def __init__(self, folder: Path, *, read_only: bool = False, seed: int = 7) -> None:
        self.folder = folder
        self.sandbox_app = sandbox.create_app(scenario="demo", seed=seed, clock=sandbox.Clock.manual(start=FROZEN_AT))
        self.transport = HoldingTransport(httpx.ASGITransport(app=self.sandbox_app))
        self.http = httpx.AsyncClient(transport=self.transport, base_url="http://sandbox")
        client = SinchVoiceClient(sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET,
                                  base_url="http://sandbox", http_client=self.http,
                                  retry_policy=RetryPolicy(sleep=no_sleep))
        self.backend = Backend(client, "default · SANDBOX (in process)", True, list(sandbox.DEMO_ROOMS),
                               after_close=self.http.aclose)
        resolved = resolve_settings(folder / "config.toml", sandbox=True, read_only=read_only, env={})
        self.app = SinchConsole(lambda _: self.backend, resolved, folder=folder, clock=lambda: FROZEN_AT)
        self.screen: RecordingsScreen | None = None

    @property
    def client(self) -> SinchVoiceClient:
        return self.backend.client

    @property
    def downloads(self) -> Path:
        assert self.app.session is not None
        return self.app.session.download_dir

    async def open(self, pilot: Pilot[None], *, rows: int | None = DEMO_COUNT,
                   download_dir: Path | None = None) -> RecordingsScreen:
        await eventually(lambda: isinstance(self.app.screen, ConferencesScreen) and self.app.session is not None, pilot)
        assert self.app.session is not None
        if download_dir is not None:
            self.app.session.download_dir = download_dir
        screen = RecordingsScreen(self.app.session, tick=3600)  # countdowns move by hand in tests, not by wall time
        await self.app.push_screen(screen)
        self.screen = screen
        if rows is not None:
            await eventually(lambda: screen.listing.loaded and self.table.row_count == rows, pilot)
        return screen

    @property
    def table(self) -> DataTable[Any]:
        assert self.screen is not None
        return self.screen.query_one("#recordings", DataTable)

    def row_keys(self) -> list[str]:
        return [str(row.key.value) for row in self.table.ordered_rows]

    def cell(self, key: str, column: str) -> str:
        return str(self.table.get_cell(key, column))

    def status(self) -> str:
        assert self.screen is not None
        return str(self.screen.query_one("#status").render())

    def text(self, selector: str) -> str:
        assert self.screen is not None
        return str(self.screen.query_one(selector).render())

    async def state(self) -> dict[str, Any]:
        return (await self.http.get("/_sandbox/state")).json()

    async def stored(self) -> dict[str, dict[str, Any]]:
        """Recordings the sandbox holds, by key."""
        return {r["key"]: r for r in (await self.state())["recordings"]}

    async def add_recording(self, **body: Any) -> dict[str, Any]:
        response = await self.http.post("/_sandbox/recordings", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def fault(self, **spec: Any) -> None:
        response = await self.http.post("/_sandbox/faults", json=spec)
        assert response.status_code == 201, response.text

    async def clear_faults(self) -> None:
        await self.http.delete("/_sandbox/faults")

    async def bytes_of(self, key: str) -> bytes:
        """The recording as the platform serves it (the reference a download must equal)."""
        response = await self.http.get(f"{RECORDING_PATH}{key}", headers=self._auth())
        assert response.status_code == 200, response.text
        return response.content

    def _auth(self) -> dict[str, str]:
        import base64

        token = base64.b64encode(f"{sandbox.DEMO_APPLICATION_KEY}:{sandbox.DEMO_APPLICATION_SECRET}".encode())
        return {"Authorization": "Basic " + token.decode()}


def files(folder: Path) -> list[str]:
    """Every entry of the folder, hidden ones (temporary .part files) included."""
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def count_calls(target: Any, name: str) -> Callable[[], int]:
    """Wrap `target.name` (an async method) to count its calls; returns a reader of the count."""
    original = getattr(target, name)
    seen = [0]

    async def counting(*args: Any, **kwargs: Any) -> Any:
        seen[0] += 1
        return await original(*args, **kwargs)

    setattr(target, name, counting)
    return lambda: seen[0]
