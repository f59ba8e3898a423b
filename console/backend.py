"""The platform the console talks to: the real Sinch API or the built-in sandbox.

`connect()` blocks (it may wait for the sandbox to start), so the app calls it in a thread, never on the UI
loop.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import ssl
import threading
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from api import SinchVoiceClient
from console.config import Resolved
from console.sandbox_process import SandboxProcess

if TYPE_CHECKING:
    from httpx import AsyncClient

FROZEN_AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@dataclass
class Backend:
    """A ready client plus what the header says about it."""

    client: SinchVoiceClient
    label: str
    sandbox: bool
    rooms: list[str] = field(default_factory=list)
    """Rooms to watch from the start: the profile's saved rooms (and the demo rooms on the sandbox)."""
    on_close: Callable[[], None] | None = None
    after_close: Callable[[], Awaitable[None]] | None = None
    sandbox_process: SandboxProcess | None = None
    """The `sinch-sandbox` child this backend talks to (`make run`, `--sandbox`); None for the real platform and
    for the in-process frozen sandbox of tests and screenshots."""
    closed: bool = field(default=False, init=False)
    _stops: list[Callable[[], None]] = field(default_factory=list, init=False, repr=False)
    _stops_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def live_demo(self) -> bool:
        """The spawned sandbox runs the demo in real time: the console gives it a relay and shows its events."""
        return self.sandbox_process is not None

    def stop_on_close(self, stop: Callable[[], None]) -> None:
        """Run blocking `stop` (in a thread) when the session closes; at once if it already has. Any thread."""
        with self._stops_lock:
            if not self.closed:
                self._stops.append(stop)
                return
        stop()

    async def close(self) -> None:
        """Close the client, then stop the sandbox and what `stop_on_close` was given (blocking, so in a thread)."""
        with self._stops_lock:
            self.closed = True
            stops, self._stops = self._stops, []
        await self.client.aclose()
        if self.after_close is not None:
            await self.after_close()
        if self.on_close is not None:
            await asyncio.to_thread(self.on_close)
        for stop in stops:
            await asyncio.to_thread(stop)


def connect(resolved: Resolved, sandbox: SandboxProcess | None = None, seed: int | None = None) -> Backend:
    """Build the client for the resolved profile. On the sandbox, wait for the child process `sandbox`
    (spawned early, so it starts while Textual loads), or spawn one now."""

    profile = resolved.profile
    if resolved.uses_sandbox:
        child = sandbox or SandboxProcess(scenario="demo", seed=seed)
        http_client = _sandbox_http()  # while the child may still be starting: httpx loads its transport code now
        url = child.wait_ready()
        try:
            demo_rooms = _sandbox_rooms(url)
        except (OSError, ValueError, KeyError, http.client.HTTPException) as error:
            child.stop()  # the httpx client made above has opened nothing: there is nothing of it to close
            raise RuntimeError(f"the sandbox at {url} did not describe itself: {error}") from None
        client, http_client = sandbox_client(url, child.application_key, child.application_secret, http_client)
        rooms = list(dict.fromkeys([*profile.rooms, *demo_rooms]))
        return Backend(client, f"{resolved.label} {url}", True, rooms, on_close=child.stop,
                       after_close=http_client.aclose, sandbox_process=child)
    assert profile.application_key and profile.application_secret
    client = SinchVoiceClient(
        application_key=profile.application_key,
        application_secret=profile.application_secret.get_secret_value(),
        region=profile.region,
        base_url=profile.base_url,
        config_base_url=profile.config_base_url,
    )
    return Backend(client, resolved.label, False, list(profile.rooms))


def _sandbox_rooms(url: str) -> list[str]:
    """The rooms of the spawned sandbox's scenario. The standard library's client on loopback: httpx's sync
    client would load its own transport code for this one request (~15 ms of start-up); the polls that follow
    use the async one."""
    with urllib.request.urlopen(f"{url}/_sandbox/state", timeout=10) as answer:
        return list(json.load(answer)["rooms"])


def _sandbox_http() -> AsyncClient:
    import httpx

    return httpx.AsyncClient(timeout=10.0, verify=no_tls())


def sandbox_client(url: str, application_key: str, application_secret: str,
                   http: AsyncClient | None = None) -> tuple[SinchVoiceClient, AsyncClient]:
    """The client the console talks to a spawned sandbox with, and the httpx client to close after it.

    Loopback plain HTTP: httpx's own transport is plenty for a few polls a second and spares the ~150 ms import
    of aiohttp that the default transport costs at start-up. A recording download, though, goes through the
    default transport (built at the first download): httpx's own reads a body 64 KiB at a time and reached
    0.4-0.5x curl's throughput where the default reaches 0.9-1.2x (bench/download.py measures this function).
    """
    http = http or _sandbox_http()
    client = SinchVoiceClient(
        application_key=application_key,
        application_secret=application_secret,
        base_url=url,
        http_client=http,
        downloads_on_default_transport=True,
    )
    return client, http


def no_tls() -> ssl.SSLContext:
    """The TLS settings of a client that only speaks plain HTTP to the sandbox on loopback: verifying, but
    trusting no authority, so a TLS connection would be refused. httpx builds a context per client and loads
    the CA bundle into it (~40 ms of start-up, twice) unless given one."""
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname on, CERT_REQUIRED, no CA loaded


def connect_in_process(*, seed: int = 7, start: datetime | None = None, label: str = "default · SANDBOX") -> Backend:
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
    return Backend(client, f"{label} (in process)", True, list(DEMO_ROOMS), after_close=http.aclose)
