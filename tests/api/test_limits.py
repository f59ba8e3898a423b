"""Whatever a server sends, the client answers with a typed error: hostile error bodies, bodies too big to read,
bodies that drip and never end (issue 12, item 6). In process (MockTransport, ASGITransport on the sandbox);
the same limits over the default aiohttp transport are in test_limits_loopback.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sandbox
from api import SinchVoiceClient, errors
from api.errors import error_from_response
from api.retry import RetryPolicy
from tests.api.conftest import KEY, SECRET, reply

HANG_GUARD = 10.0
"""Seconds after which a test gives up instead of hanging (never reached when the code is right)."""


async def _no_sleep(seconds: float) -> None:
    return None


def _client(handler, **kwargs) -> SinchVoiceClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    kwargs.setdefault("retry_policy", RetryPolicy(sleep=_no_sleep))
    return SinchVoiceClient(application_key=KEY, application_secret=SECRET, http_client=http, **kwargs)


class Pieces(httpx.AsyncByteStream):
    """A body of `count` pieces of `size` bytes (no Content-Length); counts what was actually pulled."""

    def __init__(self, count: int, size: int = 64 * 1024) -> None:
        self.count, self.size, self.pulled = count, size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.count):
            self.pulled += 1
            yield b" " * self.size


class Drip(httpx.AsyncByteStream):
    """One byte, then nothing for an hour: a server that keeps the connection alive but never finishes."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        await asyncio.sleep(3600)
        yield b"}"


# ---- hostile error bodies: every non-2xx is a typed error -----------------------------------------------------

@pytest.mark.parametrize("code", ["²", "٤٠٤٠٠", "9" * 5000, "-1", "4e4", " 40400x"])
async def test_a_strange_error_code_string_is_no_code_not_a_crash(code):
    """`"²".isdigit()` is True and int("²") raises; so does int() of 5,000 digits (Python's int limit)."""
    async with _client(lambda request: reply(404, {"errorCode": code, "message": "gone"}), max_retries=0) as client:
        with pytest.raises(errors.NotFoundError) as caught:
            await client.calls.get("c1")
    assert caught.value.error_code is None and caught.value.status == 404


async def test_a_huge_numeric_error_code_and_deep_nesting_are_typed():
    huge = b'{"errorCode": ' + b"9" * 5000 + b"}"  # json.loads refuses it: the status decides
    deep = b"[" * 100_000 + b"]" * 100_000  # RecursionError in json.loads
    for body in (huge, deep):
        async with _client(lambda request, body=body: reply(500, raw=body), max_retries=0) as client:
            with pytest.raises(errors.ServerError):
                await client.calls.get("c1")


async def test_retry_after_as_a_date_without_a_zone_is_read():
    """`-0000` makes email.utils return a naive datetime; subtracting an aware one raised TypeError."""
    headers = {"Retry-After": "Wed, 21 Oct 2015 07:28:00 -0000"}
    async with _client(lambda request: reply(429, {"message": "slow"}, headers), max_retries=0) as client:
        with pytest.raises(errors.RateLimitError) as caught:
            await client.calls.get("c1")
    assert caught.value.retry_after == 0.0


async def test_a_long_message_is_cut():
    async with _client(lambda request: reply(400, {"errorCode": 40003, "message": "x" * 100_000}),
                       max_retries=0) as client:
        with pytest.raises(errors.BadRequestError) as caught:
            await client.calls.get("c1")
    assert len(caught.value.message) <= errors.MAX_MESSAGE_CHARACTERS + 1


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(status=st.integers(400, 599), code=JSON | st.sampled_from(["\u00b2", "\u0664\u0660\u0664", "9" * 5000]),
       message=JSON, reference=JSON, retry_after=st.text(max_size=40))
def test_any_error_body_maps_to_a_typed_error(status, code, message, reference, retry_after):
    import json

    body = json.dumps({"errorCode": code, "message": message, "reference": reference}).encode()
    headers = {"Retry-After": retry_after} if retry_after.isascii() and retry_after.isprintable() else {}
    response = httpx.Response(status, content=body, headers=headers, request=httpx.Request("GET", "http://x/y"))
    error = error_from_response(response)
    assert isinstance(error, errors.APIError) and error.status == status
    assert error.error_code is None or isinstance(error.error_code, int)
    assert isinstance(error.message, str) and str(error)


@settings(max_examples=200, deadline=None)
@given(status=st.integers(400, 599), body=st.binary(max_size=300))
def test_any_error_bytes_map_to_a_typed_error(status, body):
    error = error_from_response(httpx.Response(status, content=body, request=httpx.Request("GET", "http://x/y")))
    assert isinstance(error, errors.APIError) and error.status == status


# ---- the size cap ---------------------------------------------------------------------------------------

async def test_a_body_declared_too_big_is_refused_before_reading():
    big = b"[" + b"0," * (6 * 1024 * 1024) + b"0]"  # 12 MiB with its Content-Length
    async with _client(lambda request: httpx.Response(200, content=big), max_retries=0) as client:
        with pytest.raises(errors.ResponseTooLargeError) as caught:
            await client.calls.get("c1")
    assert caught.value.limit == 10 * 1024 * 1024 and caught.value.declared == len(big)
    assert caught.value.status == 200


async def test_a_body_without_length_stops_being_read_at_the_cap():
    stream = Pieces(count=64)  # 4 MiB offered, 1 MiB allowed
    async with _client(lambda request: httpx.Response(200, stream=stream), max_retries=0,
                       max_response_bytes=1024 * 1024) as client:
        with pytest.raises(errors.ResponseTooLargeError):
            await client.conferences.get("room")
    assert stream.pulled == 17  # 16 pieces fit exactly; the 17th goes over and reading stops there


async def test_a_too_big_error_answer_is_typed_from_its_status():
    async with _client(lambda request: httpx.Response(503, stream=Pieces(count=64)), max_retries=0,
                       max_response_bytes=1024 * 1024) as client:
        with pytest.raises(errors.ServerError) as caught:
            await client.calls.get("c1")
    assert caught.value.status == 503


async def test_a_callout_accepted_with_an_unreadable_answer_is_outcome_unknown():
    """The platform said 2xx, so the call is ringing, but its callId is lost: never "failed"."""
    async with _client(lambda request: httpx.Response(200, stream=Pieces(count=64)), max_retries=0,
                       max_response_bytes=1024 * 1024) as client:
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await client.callouts.tts("+46708168731", text="hello")
    assert caught.value.status == 200 and caught.value.accepted
    async with _client(lambda request: reply(200, {"unexpected": True}), max_retries=0) as client:
        with pytest.raises(errors.OutcomeUnknownError):
            await client.callouts.tts("+46708168731", text="hello")


async def test_the_client_asks_for_an_uncompressed_body():
    """A compressed body could expand far past the cap in one piece before it is counted."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("accept-encoding", ""))
        return reply(200, {"callId": "x", "status": "FINAL"})

    async with _client(handler) as client:
        await client.calls.get("c1")
    assert seen == ["identity"]


async def test_limits_are_checked_in_the_constructor():
    for bad in ({"max_response_bytes": 0}, {"deadline": 0}, {"deadline": -1.0}):
        with pytest.raises(ValueError):
            SinchVoiceClient(KEY, SECRET, http_client=httpx.AsyncClient(), **bad)


# ---- the overall deadline -------------------------------------------------------------------------------

async def test_a_dripping_body_ends_at_the_deadline():
    async with asyncio.timeout(HANG_GUARD), _client(lambda request: httpx.Response(200, stream=Drip()),
                                                     deadline=0.05) as client:
        with pytest.raises(errors.APITimeoutError) as caught:
            await client.calls.get("c1")
    assert "deadline" in str(caught.value)
    assert client.trace[-1].error == "DeadlineExceeded" and client.trace[-1].will_retry is False


async def test_a_dripping_callout_answer_is_outcome_unknown():
    async with asyncio.timeout(HANG_GUARD), _client(lambda request: httpx.Response(200, stream=Drip()),
                                                     deadline=0.05) as client:
        with pytest.raises(errors.OutcomeUnknownError) as caught:
            await client.callouts.tts("+46708168731", text="hello")
    assert caught.value.timed_out


# ---- on the sandbox through ASGITransport -----------------------------------------------------------------

@pytest.fixture
async def on_sandbox():
    app = sandbox.create_app(scenario="empty", seed=2)
    sb = app.state.sandbox
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test") as http:
        def make(**kwargs) -> SinchVoiceClient:
            kwargs.setdefault("retry_policy", RetryPolicy(sleep=_no_sleep))
            return SinchVoiceClient(sandbox.DEMO_APPLICATION_KEY, sandbox.DEMO_APPLICATION_SECRET,
                                    base_url="http://sandbox.test",
                                    http_client=http, **kwargs)
        yield make, http, sb


async def test_asgi_drip_fault_ends_at_the_deadline(on_sandbox):
    make, http, sb = on_sandbox
    sb.dial_in("room", "+46708168731")
    await http.post("/_sandbox/faults", json={"kind": "drip", "seconds": 30, "path": "/calling/v1/conferences"})
    async with asyncio.timeout(HANG_GUARD):
        with pytest.raises(errors.APITimeoutError):
            await make(deadline=0.1, max_retries=0).conferences.get("room")


async def test_asgi_big_conference_is_refused_and_a_download_is_not_capped(on_sandbox, tmp_path):
    make, _, sb = on_sandbox
    for n in range(300):
        sb.dial_in("big", f"+4670816{n:04d}")
    client = make(max_response_bytes=16 * 1024)
    with pytest.raises(errors.ResponseTooLargeError):
        await client.conferences.get("big")
    recording = sb.add_recording("call-1", sb.now(), size_bytes=200_000)
    path = await client.recordings.download(recording.key, tmp_path)
    assert path.stat().st_size == 200_000  # streamed to disk: the JSON cap does not apply
