"""Replays: a verified callback is accepted once; a copy within the window is refused (401), a Sinch retry (new
timestamp) passes, the memory forgets entries as their windows close and is capped.

Time is a fake clock handed to the app: nothing sleeps.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from relay_helpers import (
    SECRET,
    Callbacks,
    ace,
    assert_refused,
    basic_headers,
    body_of,
    dice,
    ice,
    make_settings,
    now_stamp,
    pie,
    signed_headers,
)

from relay import create_app
from relay.replay import MemoryReplayGuard, ReplayMemoryFull

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC).timestamp()


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def stamp(self, offset: float = 0.0) -> str:
        """An x-timestamp `offset` seconds from now."""
        return now_stamp(datetime.fromtimestamp(self.now + offset, UTC))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def guard(clock: FakeClock) -> MemoryReplayGuard:
    return MemoryReplayGuard(capacity=1000, clock=clock)


@pytest.fixture
def app(clock: FakeClock, guard: MemoryReplayGuard):  # type: ignore[no-untyped-def]
    app = create_app(make_settings(), clock=clock, replays=guard)
    app.state.subscriber = app.state.hub.subscribe()
    return app


@pytest.fixture
async def http(app) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as client:
        yield client


@pytest.mark.parametrize("document", [ice(), pie(), dice()], ids=["ice", "pie", "dice"])
async def test_the_same_signed_callback_five_times_is_accepted_once(app, http: httpx.AsyncClient, clock: FakeClock,
                                                                   document: dict,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    body = body_of(document)
    headers = signed_headers(body, timestamp=clock.stamp())
    responses = [await http.post("/callback", content=body, headers=headers) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 401, 401, 401, 401]
    for refused in responses[1:]:
        assert_refused(refused)
    assert app.state.subscriber.queued == 1  # one event fanned out, not five
    health = (await http.get("/health")).json()
    assert health["relayed"] == 1 and health["replayed"] == 4 and health["refused"] == 4
    assert "a replay" in caplog.text and responses[1].json()["reference"] in caplog.text
    assert SECRET not in caplog.text and headers["Authorization"].split(":")[-1] not in caplog.text


async def test_a_sinch_retry_carries_a_new_timestamp_and_passes(app, http: httpx.AsyncClient,
                                                                clock: FakeClock) -> None:
    body = body_of(ice())
    first = await http.post("/callback", content=body, headers=signed_headers(body, timestamp=clock.stamp()))
    clock.now += 3  # Sinch gave up waiting and tries again: the same body, signed again
    retry = await http.post("/callback", content=body, headers=signed_headers(body, timestamp=clock.stamp()))
    assert first.status_code == retry.status_code == 200
    assert app.state.subscriber.queued == 2


async def test_a_replay_is_refused_for_the_whole_window_then_by_the_time_check(
        http: httpx.AsyncClient, clock: FakeClock, guard: MemoryReplayGuard, caplog: pytest.LogCaptureFixture) -> None:
    body = body_of(ace())
    headers = signed_headers(body, timestamp=clock.stamp())
    assert (await http.post("/callback", content=body, headers=headers)).status_code == 200
    clock.now += 299  # default window: 300 s
    assert_refused(await http.post("/callback", content=body, headers=headers))
    assert "a replay" in caplog.text
    clock.now += 2
    caplog.clear()
    assert_refused(await http.post("/callback", content=body, headers=headers))
    assert "outside the allowed window" in caplog.text  # stale now: the memory no longer needs it
    assert len(guard) == 0


async def test_a_replay_is_refused_even_without_a_time_window(clock: FakeClock) -> None:
    app = create_app(make_settings(max_age=0), clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as http:
        body = body_of(ace())
        headers = signed_headers(body, timestamp="2014-09-24T10:59:41Z")  # an old recording: no time check
        assert (await http.post("/callback", content=body, headers=headers)).status_code == 200
        assert_refused(await http.post("/callback", content=body, headers=headers))


async def test_a_basic_replay_is_an_identical_request_within_the_window(clock: FakeClock) -> None:
    app = create_app(make_settings(auth="basic"), clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as http:
        callbacks = Callbacks(http)
        assert (await callbacks.post(ace(), headers=basic_headers())).status_code == 200
        assert_refused(await callbacks.post(ace(), headers=basic_headers()))
        assert (await callbacks.post(ace(call_id="c-ace-2"), headers=basic_headers())).status_code == 200
        assert (await callbacks.post(ace(), headers=basic_headers(), path="/callback/ace")).status_code == 200
        clock.now += 301  # Basic has no timestamp: after the window, a copy cannot be told apart
        assert (await callbacks.post(ace(), headers=basic_headers())).status_code == 200


async def test_forgeries_never_enter_the_memory(http: httpx.AsyncClient, guard: MemoryReplayGuard,
                                                clock: FakeClock) -> None:
    body = body_of(ace())
    forged = signed_headers(body, timestamp=clock.stamp()) | {"Authorization": "Application x:" + "A" * 44}
    for _ in range(3):
        assert_refused(await http.post("/callback", content=body, headers=forged))
    assert len(guard) == 0


async def test_a_full_memory_refuses_with_503_and_says_so_in_the_log(clock: FakeClock,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(make_settings(replay_capacity=2), clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as http:
        async def post(call_id: str) -> httpx.Response:
            body = body_of(ace(call_id=call_id))
            return await http.post("/callback", content=body, headers=signed_headers(body, timestamp=clock.stamp()))

        assert [(await post(c)).status_code for c in ("a", "b")] == [200, 200]
        full = await post("c")
        assert full.status_code == 503 and set(full.json()) == {"errorCode", "message", "reference"}
        assert "--replay-capacity" in caplog.text and full.json()["reference"] in caplog.text
        clock.now += 301  # the first two leave the window, and the memory
        assert (await post("c")).status_code == 200


async def test_memory_guard_expires_entries_and_is_capped(clock: FakeClock) -> None:
    guard = MemoryReplayGuard(capacity=2, clock=clock)
    assert await guard.seen_first("k1", T0 + 10)
    assert not await guard.seen_first("k1", T0 + 10)
    assert await guard.seen_first("k2", T0 + 20)
    with pytest.raises(ReplayMemoryFull):
        await guard.seen_first("k3", T0 + 30)
    clock.now = T0 + 10
    assert len(guard) == 1  # k1 expired at its time, k2 not yet
    assert await guard.seen_first("k1", T0 + 40)  # a new window for the key: first again
    assert await guard.seen_first("already-expired", T0 - 1)  # nothing to remember: not stored
    assert len(guard) == 2


async def test_messages_of_an_accepted_callback_are_unchanged(app, http: httpx.AsyncClient, clock: FakeClock) -> None:
    body = body_of(ace())
    assert (await http.post("/callback", content=body, headers=signed_headers(body, timestamp=clock.stamp()))
            ).status_code == 200
    message = json.loads(await app.state.subscriber.next())
    assert message["type"] == "ace" and message["event"] == ace()
