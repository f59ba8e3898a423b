"""The size cap, the deadline and unknown outcomes over the default transport (httpx on aiohttp) on 127.0.0.1:
the sandbox under uvicorn for drip and drop-after-acting faults, and a bare asyncio server for an endless body."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator

import httpx
import pytest

from api import SinchVoiceClient, errors
from api.retry import RetryPolicy

sandbox = pytest.importorskip("sandbox")

HANG_GUARD = 20.0
"""Seconds after which a test gives up instead of hanging (never reached when the code is right)."""


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def running():
    server = sandbox.start_sandbox_thread(scenario="empty", seed=5, ring_seconds=0)
    yield server
    server.stop()


def _client(running, **kwargs) -> SinchVoiceClient:
    return SinchVoiceClient(running.application_key, running.application_secret, base_url=running.url,
                            retry_policy=RetryPolicy(sleep=_no_sleep), **kwargs)


async def _fault(running, **spec) -> None:
    async with httpx.AsyncClient(base_url=running.url) as admin:
        (await admin.post("/_sandbox/faults", json=spec)).raise_for_status()


async def test_dripping_answer_over_aiohttp_ends_at_the_deadline(running):
    """httpx's read timeout (10 s) restarts with every byte: only the overall deadline ends this."""
    await _fault(running, kind="drip", seconds=2, count=1, path="/calling/v1/calls/id/drip")
    async with asyncio.timeout(HANG_GUARD), _client(running, deadline=0.5, max_retries=0) as client:
        with pytest.raises(errors.APITimeoutError) as caught:
            await client.calls.get("drip")
    assert "deadline" in str(caught.value)


async def test_callout_placed_then_dropped_over_aiohttp_is_outcome_unknown(running):
    """The platform placed the call and the answer was cut off: one call, never a retry, never "failed"."""
    before = len(running.sandbox.calls)
    await _fault(running, kind="drop_after", count=1, path="/calling/v1/callouts")
    async with asyncio.timeout(HANG_GUARD), _client(running) as client:
        with pytest.raises(errors.OutcomeUnknownError):
            await client.callouts.tts("+46708168731", text="hello", custom="sc-0123456789ab")
    placed = list(running.sandbox.calls.values())[before:]
    assert len(placed) == 1 and placed[0].custom == "sc-0123456789ab"


@pytest.fixture
async def endless_server() -> AsyncIterator[tuple[str, list[int]]]:
    """Answers every request with a chunked body that never ends; records how many body bytes it wrote."""
    written: list[int] = [0]
    piece = b" " * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
            while True:
                writer.write(chunk)
                written[0] += len(piece)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", written
        server.close()


async def test_endless_body_over_aiohttp_stops_at_the_cap_with_flat_memory(endless_server):
    url, written = endless_server
    tracemalloc.start()
    try:
        async with asyncio.timeout(HANG_GUARD), SinchVoiceClient(
                sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET, base_url=url, max_retries=0,
                max_response_bytes=2 * 1024 * 1024) as client:
            with pytest.raises(errors.ResponseTooLargeError):
                await client.conferences.get("room")
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a 2 MiB cap"
    assert written[0] < 64 * 1024 * 1024  # the server was stopped by the client closing, not by our patience
