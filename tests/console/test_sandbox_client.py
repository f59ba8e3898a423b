"""Which transport the console uses on a spawned sandbox (`make run`): httpx's own for requests (start-up does not
import aiohttp), the default (httpx on aiohttp, big body pieces) for recording downloads, which reached only
0.4-0.5x curl's throughput on httpx's own (bench/download.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from api import SinchVoiceClient
from api.transport import Transport
from console.backend import sandbox_client
from sandbox import RunningSandbox, start_sandbox_thread


@pytest.fixture(scope="module")
def running() -> Iterator[RunningSandbox]:
    server = start_sandbox_thread(scenario="empty", seed=13, ring_seconds=0)
    yield server
    server.stop()


@pytest.fixture
def default_transport_paths(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """(method, path) of every request the default transport sends."""
    sent: list[tuple[str, str]] = []
    original = Transport.handle_async_request

    async def spy(self: Transport, request: httpx.Request) -> httpx.Response:
        sent.append((request.method, request.url.path))
        return await original(self, request)

    monkeypatch.setattr(Transport, "handle_async_request", spy)
    return sent


@pytest.fixture
async def console_client(running: RunningSandbox) -> AsyncIterator[SinchVoiceClient]:
    client, http = sandbox_client(running.url, running.application_key, running.application_secret)
    yield client
    await client.aclose()
    await http.aclose()


async def test_sandbox_downloads_go_through_the_default_transport_and_polls_do_not(
        console_client: SinchVoiceClient, running: RunningSandbox, default_transport_paths: list[tuple[str, str]],
        tmp_path: Path) -> None:
    await console_client.recordings.list(start=running.sandbox.now().replace(year=2000), end=running.sandbox.now())
    assert default_transport_paths == []
    assert not isinstance(console_client.http_for(stream=False)._transport, Transport)

    recording = running.sandbox.add_recording("standup", running.sandbox.now(), size_bytes=3 * 1024 * 1024)
    path = await console_client.recordings.download(recording.key, tmp_path)

    assert path.stat().st_size == 3 * 1024 * 1024
    assert default_transport_paths == [("GET", f"/calling/v1/recording/{recording.key}")]
    assert isinstance(console_client.http_for(stream=True)._transport, Transport)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no part file left beside it


async def test_the_download_client_is_made_once_and_closed_with_the_client(running: RunningSandbox) -> None:
    client, http = sandbox_client(running.url, running.application_key, running.application_secret)
    downloads = client.http_for(stream=True)
    assert client.http_for(stream=True) is downloads and downloads is not http
    await client.aclose()
    assert downloads.is_closed and not http.is_closed  # the injected one belongs to the console
    await http.aclose()


async def test_an_injected_client_carries_downloads_too_unless_asked(running: RunningSandbox) -> None:
    """The in-process sandbox of tests and screenshots (ASGITransport) is reachable through its own client only."""
    async with httpx.AsyncClient() as http:
        client = SinchVoiceClient(running.application_key, running.application_secret, base_url=running.url,
                                  http_client=http)
        assert client.http_for(stream=True) is http
        await client.aclose()


def test_building_the_sandbox_client_does_not_import_aiohttp() -> None:
    """Start-up on the sandbox stays without aiohttp's ~150 ms import: the first download pays it."""
    probe = ("import sys\nfrom console.backend import sandbox_client\n"
             "sandbox_client('http://127.0.0.1:9', 'key', 'c2VjcmV0')\nprint('aiohttp' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "False"


def test_a_sandbox_the_console_never_waited_for_ends_with_the_console() -> None:
    """The console spawns the sandbox before its first frame; ended before its session (`q` on "Starting…", a
    broken config file), it left the child to finish starting up for nobody (it reads its closed stdin only
    once listening). The start-up bench's roster child ran beside the first-frame child's leftover."""
    import os

    code = "from console.sandbox_process import SandboxProcess\nprint(SandboxProcess()._process.pid, flush=True)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    pid = int(done.stdout.split()[0])
    with pytest.raises(ProcessLookupError):  # ended and reaped when the console exited
        os.kill(pid, 0)
