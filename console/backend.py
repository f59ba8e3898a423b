"""The platform the console talks to: the real Sinch API or the built-in sandbox.

`connect()` blocks (it may start a server), so the app calls it in a thread, never on the UI loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from api import SinchVoiceClient
from console.settings import Settings

FROZEN_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@dataclass
class Backend:
    """A ready client plus what the header says about it."""

    client: SinchVoiceClient
    label: str
    sandbox: bool
    rooms: list[str] = field(default_factory=list)
    on_close: Callable[[], None] | None = None
    after_close: Callable[[], Awaitable[None]] | None = None

    async def close(self) -> None:
        """Close the client, then stop the sandbox (a blocking join, so in a thread)."""
        await self.client.aclose()
        if self.after_close is not None:
            await self.after_close()
        if self.on_close is not None:
            await asyncio.to_thread(self.on_close)


def connect(settings: Settings) -> Backend:
    """Build the client for `settings`, starting the sandbox on 127.0.0.1 when there are no credentials."""
    if settings.uses_sandbox:
        from sandbox.server import start_sandbox_thread  # the sandbox's one public entry

        running = start_sandbox_thread(scenario="demo", seed=settings.seed)
        client = SinchVoiceClient(
            application_key=running.application_key,
            application_secret=running.application_secret,
            base_url=running.url,
        )
        rooms = settings.rooms or list(running.rooms)
        return Backend(client, f"SANDBOX {running.url}", True, rooms, on_close=running.stop)
    assert settings.application_key and settings.application_secret
    client = SinchVoiceClient(
        application_key=settings.application_key,
        application_secret=settings.application_secret.get_secret_value(),
        region=settings.region,
        base_url=settings.base_url,
    )
    return Backend(client, f"Sinch {settings.region}", False, list(settings.rooms))


def connect_in_process(*, seed: int = 7, start: datetime | None = None) -> Backend:
    """A sandbox inside this process on a frozen virtual clock: deterministic screens for tests and screenshots."""
    import httpx

    from sandbox import DEMO_APPLICATION_KEY, DEMO_APPLICATION_SECRET, DEMO_ROOMS, Clock, create_app

    app = create_app(scenario="demo", seed=seed, clock=Clock.manual(start=start or FROZEN_AT))
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox")
    client = SinchVoiceClient(
        application_key=DEMO_APPLICATION_KEY,
        application_secret=DEMO_APPLICATION_SECRET,
        base_url="http://sandbox",
        http_client=http,
    )

    async def close_http() -> None:
        await http.aclose()

    backend = Backend(client, "SANDBOX (in process)", True, list(DEMO_ROOMS))
    backend.after_close = close_http
    return backend
