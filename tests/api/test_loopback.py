"""The default transport (httpx on aiohttp) against the sandbox on a real loopback socket.

In process, ASGITransport hides two things this file checks: that aiohttp's URL handling puts on the wire
exactly the path we signed, and that a big download streams with flat memory.
"""

from __future__ import annotations

import tracemalloc

import httpx
import pytest

from api import SinchVoiceClient, errors
from api.retry import RetryPolicy

sandbox = pytest.importorskip("sandbox")
if not hasattr(sandbox, "start_sandbox_thread"):  # pragma: no cover
    pytest.skip("sandbox.start_sandbox_thread is not available yet", allow_module_level=True)


@pytest.fixture(scope="module")
def running():
    server = sandbox.start_sandbox_thread(scenario="empty", seed=3, ring_seconds=0)
    yield server
    server.stop()


async def _no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
async def client(running):
    async with SinchVoiceClient(running.application_key, running.application_secret, base_url=running.url,
                                retry_policy=RetryPolicy(sleep=_no_sleep)) as voice:
        yield voice


@pytest.mark.parametrize("room", ["a;b=c", "x:y@z", "it's (fine)!", "100%", "é-ñ", "sp ace", "+46", "a*b$c&d,e"])
async def test_signed_path_is_the_wire_path(client, room):
    """A signature mismatch would be 401/40108; the right answer for a missing room is 404/40400."""
    with pytest.raises(errors.NotFoundError):
        await client.conferences.get(room)


async def test_escaped_room_round_trip(client, running):
    call = running.sandbox.dial_in("a;b=c é", "+46708168731")
    conference = await client.conferences.get("a;b=c é")
    assert [p.call_id for p in conference.participants] == [call.call_id]
    await client.conferences.mute("a;b=c é", call.call_id)
    assert running.sandbox.participant("a;b=c é", call.call_id).muted


async def test_large_download_streams_with_flat_memory(client, running, tmp_path):
    size = 24 * 1024 * 1024
    rec = running.sandbox.add_recording("big-call", running.sandbox.now(), size_bytes=size)
    tracemalloc.start()
    try:
        path = await client.recordings.download(rec.key, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert path.stat().st_size == size
    assert peak < 6 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB download"


async def test_dropped_connection_over_socket(client, running):
    """A callout whose answer was cut off may have been placed: not retried. A GET is."""
    async with httpx.AsyncClient(base_url=running.url) as admin:
        await admin.post("/_sandbox/faults", json={"kind": "drop", "count": 1, "path": "/calling/v1/callouts"})
        before = len(running.sandbox.calls)
        with pytest.raises(errors.APIConnectionError):
            await client.callouts.tts("+46708168731", text="hello")
        placed = len(running.sandbox.calls) - before
        assert placed <= 1  # never two calls for one request
        await admin.post("/_sandbox/faults", json={"kind": "drop", "count": 1, "path": "/calling/v1/recording"})
        assert await client.recordings.list(start=running.sandbox.now().replace(year=2000),
                                            end=running.sandbox.now()) is not None


async def test_read_timeout_over_socket_is_api_timeout(running):
    async with httpx.AsyncClient(base_url=running.url) as admin:
        await admin.post("/_sandbox/faults", json={"kind": "latency", "seconds": 1.5, "count": 1,
                                                   "path": "/calling/v1/calls/id/slow"})
    async with SinchVoiceClient(running.application_key, running.application_secret, base_url=running.url,
                                timeout=0.3, max_retries=0) as voice:
        with pytest.raises(errors.APITimeoutError):
            await voice.calls.get("slow")
